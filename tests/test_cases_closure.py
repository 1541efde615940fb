"""Closing a case needs the coordinator's approval; assignments and the closing steps are in the
timeline; the status form offers only the allowed moves; the contact form names a case's client."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from cases import services, workflow
from cases.models import Case, CaseAssignment, CaseStatus, CaseTransition
from cases.selectors import cases_waiting_for_approval
from cases.timeline import case_timeline, police_timeline
from contacts.forms import CaseChoiceField, ContactForm
from contacts.models import Contact
from reports.models import ReportType
from reports.parameters import parse_parameters
from reports.statistics import activity_by_assistant, cases_by_region_and_status
from tests.factories import CaseFactory, ClientFactory, UserFactory, shared_case

S = CaseStatus


def _propose(case, by, outcome="Klientka dluh splatila"):
    return services.case_transition(case=case, to_status=S.CLOSING_PROPOSED, by=by, outcome=outcome)


def _options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


# -- the workflow of a closing ---------------------------------------------------------------


def test_an_assistant_proposes_and_the_case_waits_still_open(alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    transition = _propose(case, alice)
    case.refresh_from_db()
    assert case.status == S.CLOSING_PROPOSED and case.closed_at is None
    assert case.outcome == "Klientka dluh splatila"
    assert (transition.from_status, transition.to_status, transition.outcome) == (
        S.IN_PROGRESS,
        S.CLOSING_PROPOSED,
        "Klientka dluh splatila",
    )


def test_an_assistant_cannot_close_directly(alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    with pytest.raises(workflow.TransitionError, match="jen koordinátor"):
        services.case_transition(case=case, to_status=S.CLOSED, by=alice, outcome="Vyřešeno")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS and case.closed_at is None and not case.outcome


def test_a_coordinator_closes_directly_approved_by_themselves(carol, own_client):
    case = CaseFactory(client=own_client, assistant=carol, status=S.IN_PROGRESS)
    with pytest.raises(workflow.TransitionError, match="přímo"):
        _propose(case, carol)  # no proposal to oneself
    services.case_transition(case=case, to_status=S.CLOSED, by=carol, outcome="Vyřešeno")
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_at is not None and case.outcome == "Vyřešeno"
    entry = case_timeline(case)[-1]
    assert entry.label == "Uzavřel koordinátor (schválil sám)" and entry.who == str(carol)
    assert "Výsledek: Vyřešeno" in entry.text


def test_the_coordinator_approves_on_the_page(client, alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.REPORTED)
    _propose(case, alice)
    client.force_login(carol)
    response = client.post(reverse("cases:closing_decide", args=[case.pk]), {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_at is not None
    assert case.outcome == "Klientka dluh splatila"  # the proposed outcome stands
    approval = case.transitions.last()
    assert (approval.from_status, approval.to_status, approval.by) == (S.CLOSING_PROPOSED, S.CLOSED, carol)


def test_the_coordinator_returns_with_a_comment_to_the_status_before(client, alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.INVESTIGATION)
    _propose(case, alice)
    client.force_login(carol)
    url = reverse("cases:closing_decide", args=[case.pk])
    response = client.post(url, {"decision": "return", "comment": "  "})
    assert response.status_code == 400
    assert "Napište, proč uzavření vracíte." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == S.CLOSING_PROPOSED
    assert case.transitions.count() == 1  # nothing half-saved

    response = client.post(url, {"decision": "return", "comment": "Chybí zpráva od policie"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.INVESTIGATION and case.closed_at is None
    assert case.outcome == ""  # the proposal's record keeps it
    returned = case.transitions.last()
    assert (returned.to_status, returned.comment, returned.by) == (S.INVESTIGATION, "Chybí zpráva od policie", carol)
    assert case.transitions.get(to_status=S.CLOSING_PROPOSED).outcome == "Klientka dluh splatila"


def test_only_the_coordinator_decides_and_only_on_a_waiting_case(client, alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    client.force_login(carol)
    response = client.post(reverse("cases:closing_decide", args=[case.pk]), {"decision": "approve"})
    assert response.status_code == 400 and "nečeká na schválení" in response.content.decode()
    _propose(case, alice)
    with pytest.raises(workflow.TransitionError):
        services.case_transition(case=case, to_status=S.CLOSED, by=alice)
    with pytest.raises(workflow.TransitionError):
        services.case_transition(case=case, to_status=S.IN_PROGRESS, by=alice, comment="beru zpět")
    client.force_login(alice)
    assert client.post(reverse("cases:closing_decide", args=[case.pk]), {"decision": "approve"}).status_code == 403
    assert Case.objects.get(pk=case.pk).status == S.CLOSING_PROPOSED


def test_a_foreign_coordinator_cannot_decide(client, alice, own_client, other_org):
    foreign_coordinator = UserFactory(organisation=other_org, role="coordinator")
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    _propose(case, alice)
    client.force_login(foreign_coordinator)
    assert client.post(reverse("cases:closing_decide", args=[case.pk]), {"decision": "approve"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == S.CLOSING_PROPOSED


def test_reopening_moves_the_outcome_into_the_history(alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    _propose(case, alice, outcome="Odloženo policií")
    services.case_closing_decide(case=case, by=carol, approve=True)
    services.case_transition(case=case, to_status=S.IN_PROGRESS, by=carol, comment="Nové skutečnosti")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS and case.outcome == "" and case.closed_at is None
    reopening = case.transitions.last()
    assert reopening.outcome == "Odloženo policií"
    assert case.transitions.get(to_status=S.CLOSED).outcome == "Odloženo policií"
    entry = case_timeline(case)[-1]
    assert entry.label == "Případ znovu otevřen"
    assert "Dosavadní výsledek: Odloženo policií" in entry.text and "Komentář: Nové skutečnosti" in entry.text


def test_the_timeline_shows_every_step_and_the_police_none_of_the_comments(alice, carol, own_client, police_officer):
    case = shared_case(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    _propose(case, alice)
    services.case_closing_decide(case=case, by=carol, approve=False, comment="Doplnit zprávu")
    _propose(case, alice, outcome="Zpráva doplněna")
    services.case_closing_decide(case=case, by=carol, approve=True)
    labels = [e.label for e in case_timeline(case) if e.kind == "transition"]
    assert labels == ["Navrženo uzavření", "Uzavření vráceno", "Navrženo uzavření", "Uzavření schváleno"]
    police_texts = " ".join(e.text for e in police_timeline(case, viewer=police_officer))
    assert "Doplnit zprávu" not in police_texts and "Zpráva doplněna" not in police_texts


# -- statistics and the API ---------------------------------------------------------------------


def test_statistics_do_not_count_a_proposed_closure_as_closed(alice, carol, own_client):
    waiting = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    _propose(waiting, alice)
    closed = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    services.case_transition(case=closed, to_status=S.CLOSED, by=carol, outcome="Vyřešeno")
    month = {"period": timezone.localdate().strftime("%Y-%m"), "format": "csv"}
    params = parse_parameters(ReportType.NATIONAL_STATISTICS, month)
    sheet = cases_by_region_and_status(Case.objects.all(), params, threshold=None, protect=False)
    header = [str(h) for h in sheet.header]
    row = next(r for r in sheet.rows if r[0] == waiting.region.name)
    assert row[header.index("Uzavřený")] == 1
    assert row[header.index("Čeká na schválení uzavření")] == 1
    params = parse_parameters(ReportType.ACTIVITY, month)
    (activity,) = activity_by_assistant(contacts=Contact.objects.none(), cases=Case.objects.all(), params=params)
    alice_row = next(r for r in activity.rows if r[0] == alice.get_full_name())
    assert alice_row[-1] == 1  # open at the end of the period: the waiting case, not the closed one


def test_the_api_gives_the_new_status(carol, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    _propose(case, alice)
    api = APIClient()
    api.force_authenticate(carol)
    rows = api.get(reverse("api:case-list"), {"status": S.CLOSING_PROPOSED}).json()["results"]
    assert [(row["id"], row["status"], row["closed_at"]) for row in rows] == [(case.pk, "closing_proposed", None)]


# -- the coordinator's start page -------------------------------------------------------------


def test_waiting_cases_are_the_coordinators_own_organisations(alice, carol, own_client, foreign_client, oscar):
    mine = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    _propose(mine, alice)
    CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    foreign = CaseFactory(client=foreign_client, assistant=oscar, status=S.IN_PROGRESS)
    _propose(foreign, oscar)
    assert list(cases_waiting_for_approval(carol)) == [mine]
    assert not cases_waiting_for_approval(alice).exists()  # an assistant approves nothing


def _waiting_section(response):
    return next((e for e in response.context["attention"] if e.section.key == "waiting_for_approval"), None)


def test_the_start_page_lists_waiting_cases_with_the_client_and_a_link(client, alice, carol, drom):
    named = ClientFactory(organisation=drom, created_by=alice, first_name="Marie", last_name="Horvátová")
    case = CaseFactory(client=named, assistant=alice, status=S.IN_PROGRESS, title="Lichva – nevýhodná půjčka")
    _propose(case, alice)
    client.force_login(carol)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("home"))
    body = response.content.decode()
    # One of the start page's sections: counted in the menu and in the digest too.
    section = re.search(
        r'<section class="card[^"]*" aria-labelledby="attention-waiting_for_approval">.*?</section>', body, re.S
    )
    assert section, body
    assert "Případy čekající na vaše schválení uzavření" in section.group(0)
    link = f'href="{reverse("cases:detail", args=[case.pk])}">Marie Horvátová – Lichva – nevýhodná půjčka</a>'
    assert link in section.group(0)
    # The assistant who proposed it, and when.
    proposed = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    assert f"{proposed} – navrhl(a) {alice}" in section.group(0)
    assert response.context["attention_total"] == 1
    case_reads = AuditEvent.objects.filter(pk__gt=before, action=AuditAction.LIST, content_type__model="case")
    assert [event.object_ids for event in case_reads] == [[case.pk]]
    client.force_login(alice)
    assert "Případy čekající na vaše schválení uzavření" not in client.get(reverse("home")).content.decode()


def test_waiting_cases_are_in_the_menus_count_and_the_digest_with_first_names_only(alice, carol, drom, settings):
    from django.core import mail

    from attention import digest
    from attention.selectors import attention_total

    settings.SITE_URL = "https://liaison.example.cz"
    named = ClientFactory(organisation=drom, created_by=alice, first_name="Marie", last_name="Horvátová")
    case = CaseFactory(client=named, assistant=alice, status=S.IN_PROGRESS, title="Lichva – nevýhodná půjčka")
    _propose(case, alice)
    assert attention_total(carol) == 1 and attention_total(alice) == 0
    carol.daily_digest, carol.email = True, "carol@example.cz"
    carol.save(update_fields=["daily_digest", "email"])
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert digest.send_digest(carol)
    (message,) = mail.outbox
    assert "Případy čekající na vaše schválení uzavření: 1" in message.body
    assert f"- Marie https://liaison.example.cz{reverse('cases:detail', args=[case.pk])}" in message.body
    assert "Horvátová" not in message.body and "Lichva" not in message.body
    reads = AuditEvent.objects.filter(pk__gt=before, action=AuditAction.LIST, content_type__model="case")
    assert [(event.actor_id, event.object_ids) for event in reads] == [(carol.pk, [case.pk])]


def test_the_start_page_has_no_waiting_section_when_nothing_waits(client, alice, carol, own_client):
    CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)  # open, not proposed
    client.force_login(carol)
    response = client.get(reverse("home"))
    assert _waiting_section(response).total == 0
    assert "Případy čekající na vaše schválení uzavření" not in response.content.decode()


def test_the_start_page_query_count_does_not_grow_with_waiting_cases(client, alice, carol, own_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(carol)
    _propose(CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS), alice)
    small = count()
    for _ in range(5):
        _propose(CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS), alice)
    assert count() == small


# -- the case page -------------------------------------------------------------------------------


def test_the_status_form_offers_only_the_allowed_moves(client, alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(alice)
    assert _options(client.get(url).content.decode(), "to_status") == [S.REPORTED, S.INVESTIGATION, S.CLOSING_PROPOSED]
    client.force_login(carol)
    assert _options(client.get(url).content.decode(), "to_status") == [S.REPORTED, S.INVESTIGATION, S.CLOSED]
    # A refused move shows the form again with the same choices, and the workflow's message.
    client.force_login(alice)
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to_status": S.NEW})
    assert response.status_code == 400 and "nemůže přejít" in response.content.decode()
    assert _options(response.content.decode(), "to_status") == [S.REPORTED, S.INVESTIGATION, S.CLOSING_PROPOSED]


def test_a_waiting_case_shows_the_proposal_and_the_decision_to_the_coordinator_only(client, alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    url = reverse("cases:detail", args=[case.pk])
    client.force_login(alice)
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"to_status": S.CLOSING_PROPOSED, "outcome": "Klient odjel", "comment": "Prosím o schválení"},
        follow=True,
    )
    body = response.content.decode()
    assert "čeká na schválení koordinátorem" in body and "Navržený výsledek" in body and "Klient odjel" in body
    assert 'name="to_status"' not in body and 'name="decision"' not in body
    client.force_login(carol)
    body = client.get(url).content.decode()
    assert 'name="decision"' in body and 'name="to_status"' not in body and "Prosím o schválení" in body


# -- assignments -----------------------------------------------------------------------------------


def _edit_data(case: Case, assistant) -> dict:
    return {
        "title": case.title,
        "assistant": assistant.pk,
        "crime_types": [c.pk for c in case.crime_types.all()],
        "region": case.region_id,
        "risk_level": case.risk_level,
        "version": case.version,
    }


def test_giving_a_case_to_another_assistant_is_in_its_timeline(client, alice, bob, carol, own_client, police_officer):
    case = shared_case(client=own_client, assistant=alice, status=S.IN_PROGRESS)
    client.force_login(carol)
    url = reverse("cases:edit", args=[case.pk])
    assert client.post(url, _edit_data(case, alice)).status_code == 302
    assert not CaseAssignment.objects.exists()  # saved without a change of assistant
    case.refresh_from_db()
    assert client.post(url, _edit_data(case, bob)).status_code == 302
    assignment = CaseAssignment.objects.get()
    assert (assignment.case, assignment.from_assistant, assignment.to_assistant, assignment.by) == (
        case,
        alice,
        bob,
        carol,
    )
    entry = next(e for e in case_timeline(case) if e.kind == "assignment")
    assert entry.label == "Předáno jinému asistentovi" and entry.text == f"{alice} → {bob}" and entry.who == str(carol)
    assert "Předáno jinému asistentovi" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert all(e.kind != "assignment" for e in police_timeline(case, viewer=police_officer))  # internal


# -- the contact form's case choice ---------------------------------------------------------------


def test_the_contact_forms_cases_name_their_clients(alice, drom):
    title = "Lichva – nevýhodná půjčka"
    marie = ClientFactory(organisation=drom, created_by=alice, first_name="Marie", last_name="Horvátová")
    karel = ClientFactory(organisation=drom, created_by=alice, first_name="Karel", last_name="Dušek")
    CaseFactory(client=marie, assistant=alice, title=title)
    CaseFactory(client=karel, assistant=alice, title=title)
    field = ContactForm(user=alice).fields["case"]
    assert isinstance(field, CaseChoiceField)
    labels = [str(label) for value, label in field.widget.choices if value]
    opened = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    assert sorted(labels) == sorted([f"Karel Dušek – {title} ({opened})", f"Marie Horvátová – {title} ({opened})"])


def test_the_contact_form_page_shows_the_clients_with_the_cases(client, alice, own_client):
    CaseFactory(client=own_client, assistant=alice, title="Vydírání")
    client.force_login(alice)
    body = client.get(reverse("contacts:create")).content.decode()
    assert f"{own_client.display_name} – Vydírání (" in body


def test_transitions_are_recorded_in_order(alice, carol, own_client):
    case = CaseFactory(client=own_client, assistant=alice, status=S.NEW)
    _propose(case, alice)
    services.case_closing_decide(case=case, by=carol, approve=False, comment="Ještě ne")
    assert Case.objects.get(pk=case.pk).status == S.NEW
    assert list(CaseTransition.objects.filter(case=case).values_list("to_status", flat=True)) == [
        S.CLOSING_PROPOSED,
        S.NEW,
    ]


def test_the_start_page_links_to_all_waiting_cases_when_it_shows_only_some(client, alice, carol, own_client):
    from attention.selectors import SHOWN

    for _ in range(SHOWN + 1):
        _propose(CaseFactory(client=own_client, assistant=alice, status=S.IN_PROGRESS), alice)
    client.force_login(carol)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert body.count(f">{own_client.display_name} – ") == SHOWN
    assert _waiting_section(response).total == SHOWN + 1
    more = f'href="{reverse("cases:list")}?status=closing_proposed">Zobrazit vše ({SHOWN + 1})</a>'
    assert more in body
    listed = client.get(reverse("cases:list"), {"status": S.CLOSING_PROPOSED}).content.decode()
    assert listed.count("Čeká na schválení uzavření</span>") == SHOWN + 1
    # With no more than it shows, no link.
    one = Case.objects.filter(status=S.CLOSING_PROPOSED).first()
    assert one is not None
    Case.objects.filter(pk=one.pk).update(status=S.IN_PROGRESS)
    assert "?status=closing_proposed" not in client.get(reverse("home")).content.decode()
