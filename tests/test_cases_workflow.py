"""The case status workflow: every allowed move, a sample of refused ones, and that a refused
move changes nothing. The approval of closing has its own tests: tests/test_cases_closure.py."""

import pytest
from django.urls import reverse

from cases import services, workflow
from cases.models import Case, CaseStatus, CaseTransition
from tests.factories import CaseFactory

S = CaseStatus
ALLOWED_MOVES = [(frm, to) for frm, targets in workflow.ALLOWED.items() for to in targets]
REFUSED_MOVES = [
    (S.NEW, S.REPORTED),
    (S.NEW, S.COURT),
    (S.IN_PROGRESS, S.COURT),
    (S.REPORTED, S.IN_PROGRESS),
    (S.INVESTIGATION, S.REPORTED),
    (S.COURT, S.INVESTIGATION),
    (S.CLOSED, S.COURT),
    (S.CLOSED, S.NEW),
    (S.NEW, S.NEW),
    (S.CLOSING_PROPOSED, S.COURT),  # a returned proposal goes back where it came from, nowhere else
    (S.CLOSED, S.CLOSING_PROPOSED),
]


def test_the_ordinary_path_and_documented_skips_are_allowed():
    assert set(ALLOWED_MOVES) == {
        (S.NEW, S.IN_PROGRESS),
        (S.NEW, S.CLOSING_PROPOSED),
        (S.NEW, S.CLOSED),
        (S.IN_PROGRESS, S.REPORTED),
        (S.IN_PROGRESS, S.INVESTIGATION),
        (S.IN_PROGRESS, S.CLOSING_PROPOSED),
        (S.IN_PROGRESS, S.CLOSED),
        (S.REPORTED, S.INVESTIGATION),
        (S.REPORTED, S.CLOSING_PROPOSED),
        (S.REPORTED, S.CLOSED),
        (S.INVESTIGATION, S.COURT),
        (S.INVESTIGATION, S.CLOSING_PROPOSED),
        (S.INVESTIGATION, S.CLOSED),
        (S.COURT, S.CLOSING_PROPOSED),
        (S.COURT, S.CLOSED),
        (S.CLOSING_PROPOSED, S.CLOSED),
        (S.CLOSED, S.IN_PROGRESS),
    }


def _mover(frm, to, alice, carol):
    """Who makes the move: the coordinator closes, approves and reopens, the assistant the rest."""
    return carol if S.CLOSED in (frm, to) else alice


@pytest.mark.parametrize(("frm", "to"), ALLOWED_MOVES)
def test_every_allowed_move_is_made_and_recorded(alice, carol, own_client, frm, to):
    case = CaseFactory(
        client=own_client, assistant=alice, status=frm, outcome="Navrženo" if frm == S.CLOSING_PROPOSED else ""
    )
    by = _mover(frm, to, alice, carol)
    transition = services.case_transition(case=case, to_status=to, by=by, comment="proč", outcome="Vyřešeno")
    case.refresh_from_db()
    assert case.status == to
    assert (transition.from_status, transition.to_status, transition.by, transition.comment) == (frm, to, by, "proč")
    assert transition.at is not None
    if to in (S.CLOSED, S.CLOSING_PROPOSED):
        assert case.outcome == transition.outcome == "Vyřešeno"
    if to == S.CLOSED:
        assert case.closed_at is not None
    else:
        assert case.closed_at is None  # a proposed closing is not closed yet


@pytest.mark.parametrize(("frm", "to"), REFUSED_MOVES)
def test_refused_move_changes_nothing(alice, carol, own_client, frm, to):
    case = CaseFactory(client=own_client, assistant=alice, status=frm)
    with pytest.raises(workflow.TransitionError, match="cannot move|nemůže přejít"):
        services.case_transition(case=case, to_status=to, by=carol, comment="x", outcome="y")
    case.refresh_from_db()
    assert case.status == frm
    assert not CaseTransition.objects.filter(case=case).exists()


@pytest.mark.parametrize("to", [S.CLOSED, S.CLOSING_PROPOSED])
def test_closing_needs_an_outcome(alice, carol, own_client, to):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    with pytest.raises(workflow.TransitionError, match="výsledek|outcome"):
        services.case_transition(case=case, to_status=to, by=carol if to == S.CLOSED else alice, outcome="  ")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS and case.closed_at is None


def test_only_a_coordinator_reopens_and_says_why(alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.CLOSED, outcome="Odloženo")
    with pytest.raises(workflow.TransitionError):
        services.case_transition(case=case, to_status=S.IN_PROGRESS, by=alice, comment="nové skutečnosti")
    with pytest.raises(workflow.TransitionError):
        services.case_transition(case=case, to_status=S.IN_PROGRESS, by=carol, comment="")
    assert Case.objects.get(pk=case.pk).status == S.CLOSED
    services.case_transition(case=case, to_status=S.IN_PROGRESS, by=carol, comment="nové skutečnosti")
    assert Case.objects.get(pk=case.pk).status == S.IN_PROGRESS


def test_assistant_is_not_offered_reopening(alice, carol):
    assert workflow.next_statuses(S.CLOSED, alice) == []
    assert workflow.next_statuses(S.CLOSED, carol) == [S.IN_PROGRESS]


def test_the_assistant_is_offered_a_proposal_and_the_coordinator_a_closing(alice, carol):
    assert workflow.next_statuses(S.IN_PROGRESS, alice) == [S.REPORTED, S.INVESTIGATION, S.CLOSING_PROPOSED]
    assert workflow.next_statuses(S.IN_PROGRESS, carol) == [S.REPORTED, S.INVESTIGATION, S.CLOSED]
    assert workflow.next_statuses(S.CLOSING_PROPOSED, alice, returns_to=S.REPORTED) == []
    assert workflow.next_statuses(S.CLOSING_PROPOSED, carol, returns_to=S.REPORTED) == [S.CLOSED, S.REPORTED]


def test_closed_case_page_tells_the_assistant_who_may_reopen(client, alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.CLOSED, outcome="Odloženo")
    client.force_login(alice)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Uzavřený případ může znovu otevřít jen koordinátor." in body and 'name="to_status"' not in body
    client.force_login(carol)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="to_status"' in body


def test_page_refuses_an_illegal_move_in_czech(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.NEW)
    client.force_login(alice)
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to_status": S.COURT})
    assert response.status_code == 400
    assert "nemůže přejít" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.NEW


def test_page_refuses_closing_without_outcome(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    client.force_login(alice)
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to_status": S.CLOSING_PROPOSED})
    assert response.status_code == 400
    assert "výsledek" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == S.IN_PROGRESS


def test_page_makes_an_allowed_move(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.NEW)
    client.force_login(alice)
    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to_status": S.IN_PROGRESS, "comment": "první schůzka"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == S.IN_PROGRESS
    assert CaseTransition.objects.get(case=case).comment == "první schůzka"


def test_a_foreign_case_cannot_be_moved(client, alice, foreign_client):
    case = CaseFactory(client=foreign_client, status=S.NEW)
    client.force_login(alice)
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to_status": S.IN_PROGRESS})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == S.NEW


def test_the_case_row_is_locked_while_its_status_changes(alice, own_client):
    """Two people changing the status at once are serialised on the case row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = CaseFactory(client=own_client, assistant=alice, status=S.NEW)
    with CaptureQueriesContext(connection) as ctx:
        services.case_transition(case=case, to_status=S.IN_PROGRESS, by=alice)
    assert any("FOR UPDATE" in q["sql"] and '"cases_case"' in q["sql"] for q in ctx.captured_queries)


def test_a_stale_page_cannot_skip_the_workflow(alice, own_client):
    """The check runs against the stored status, not the one the page was built from."""
    case = CaseFactory(client=own_client, assistant=alice, status=S.NEW)
    stale = Case.objects.get(pk=case.pk)
    services.case_transition(case=case, to_status=S.CLOSING_PROPOSED, by=alice, outcome="Klient nechce pokračovat")
    with pytest.raises(workflow.TransitionError):
        services.case_transition(case=stale, to_status=S.IN_PROGRESS, by=alice)
    assert Case.objects.get(pk=case.pk).status == S.CLOSING_PROPOSED
