"""The start page says what needs doing, with names (attention/selectors.py), through the
scoping selectors, audited as list reads, in a bounded number of queries; the menu counts it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from attention import selectors
from attention.count import stored_total
from audit.models import AuditAction, AuditEvent
from cases.models import Case, CaseStatus
from clients.models import Consent
from clients.services import consent_withdraw
from contacts.models import Contact
from tests.factories import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    ContactFactory,
    PoliceFeedbackFactory,
    TaskFactory,
    UserFactory,
    shared_case,
)

TODAY = timezone.localdate()


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _follow_up(assistant, client, due: datetime.date, *, days_ago: int = 30) -> Contact:
    contact = ContactFactory(
        assistant=assistant, clients=[client], occurred_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    contact.follow_up_on = due
    contact.save(update_fields=["follow_up_on"])
    return contact


def _section(response, key: str):
    return next((entry for entry in response.context["attention"] if entry.section.key == key), None)


def _keys(response) -> set[str]:
    return {entry.section.key for entry in response.context["attention"] if entry.total}


def _client(user, first="Marie", last="Dušková", **kwargs):
    return ClientFactory(organisation=user.organisation, created_by=user, first_name=first, last_name=last, **kwargs)


def test_follow_ups_overdue_and_ahead_with_the_clients_name(client, alice, bob):
    marie = _client(alice)
    karel = _client(alice, "Karel", "Holub")
    overdue = _follow_up(alice, marie, _days(-40), days_ago=60)
    ahead = _follow_up(alice, karel, _days(10))
    _follow_up(alice, _client(alice, "Jan", "Daleký"), _days(20))  # too far ahead
    done = _follow_up(alice, _client(alice, "Eva", "Malá"), _days(-3))
    ContactFactory(assistant=bob, clients=list(done.clients.all()))  # a later contact: followed up
    _follow_up(bob, _client(bob, "Petr", "Kos"), _days(-1))  # a colleague's
    client.force_login(alice)
    response = client.get(reverse("home"))
    section = _section(response, "follow_ups")
    assert [item.record for item in section.items] == [overdue, ahead] and section.total == 2
    assert [item.overdue for item in section.items] == [True, False]
    body = response.content.decode()
    assert "Marie Dušková" in body and "Karel Holub" in body
    assert [item.client_names for item in section.items] == ["Marie Dušková", "Karel Holub"]
    assert reverse("contacts:detail", args=[overdue.pk]) in body
    assert "Po termínu" in body


def test_tasks_overdue_and_due_soon_not_done_not_others(client, alice, bob):
    case = CaseFactory(client=_client(alice))
    late = TaskFactory(case=case, due_on=_days(-5), title="Zavolat na OSPOD")
    soon = TaskFactory(case=case, due_on=_days(2))
    TaskFactory(case=case, due_on=_days(30))
    TaskFactory(case=case, due_on=_days(-2), done_at=timezone.now())
    TaskFactory(case=case, due_on=_days(-2), assignee=bob)
    client.force_login(alice)
    response = client.get(reverse("home"))
    section = _section(response, "tasks")
    assert [item.what for item in section.items] == [late.title, soon.title]
    assert "Zavolat na OSPOD" in response.content.decode() and "Marie Dušková" in response.content.decode()


def _opened_days_ago(case: Case, days: int) -> Case:
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - datetime.timedelta(days=days))
    return case


def test_cases_without_contact_for_the_organisations_number_of_days(client, alice, bob, carol):
    quiet = _opened_days_ago(CaseFactory(client=_client(alice)), 40)
    met = _opened_days_ago(CaseFactory(client=_client(alice, "Karel", "Holub")), 40)
    ContactFactory(assistant=alice, clients=[met.client], occurred_at=timezone.now() - datetime.timedelta(days=5))
    old_contact = _opened_days_ago(CaseFactory(client=_client(alice, "Eva", "Malá")), 90)
    ContactFactory(
        assistant=alice, clients=[old_contact.client], occurred_at=timezone.now() - datetime.timedelta(days=45)
    )
    closed = _opened_days_ago(CaseFactory(client=_client(alice, "Jan", "Novák"), status=CaseStatus.CLOSED), 40)
    bobs = _opened_days_ago(CaseFactory(client=_client(bob, "Petr", "Kos"), assistant=bob), 40)
    client.force_login(alice)
    section = _section(client.get(reverse("home")), "quiet_cases")
    # The longest without contact first; a case with a recent contact or closed is not listed.
    assert [item.record for item in section.items] == [old_contact, quiet]
    assert closed not in [item.record for item in section.items]
    # The coordinator sees the whole organisation's.
    client.force_login(carol)
    assert {item.record for item in _section(client.get(reverse("home")), "quiet_cases").items} == {
        old_contact,
        quiet,
        bobs,
    }
    # The organisation's own number of days.
    alice.organisation.no_contact_days = 60
    alice.organisation.save(update_fields=["no_contact_days"])
    client.force_login(alice)
    assert _section(client.get(reverse("home")), "quiet_cases").total == 0


def test_police_feedback_is_new_until_the_assistant_opens_the_case(client, alice, bob):
    case = shared_case(client=_client(alice))
    PoliceFeedbackFactory(case=case)
    PoliceFeedbackFactory(case=shared_case(client=_client(bob, "Petr", "Kos"), assistant=bob))
    client.force_login(alice)
    section = _section(client.get(reverse("home")), "police_feedback")
    assert [item.record for item in section.items] == [case]
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert "police_feedback" not in _keys(client.get(reverse("home")))
    # Newer feedback after that view is new again.
    later = PoliceFeedbackFactory(case=case)
    assert [item.record for item in _section(client.get(reverse("home")), "police_feedback").items] == [later.case]


def test_withdrawn_consents_of_the_assistants_cases(client, alice, carol, oscar):
    marie = _client(alice)
    CaseFactory(client=marie)
    consent = ConsentFactory(client=marie, recorded_by=alice, purpose=Consent.Purpose.POLICE_SHARING)
    consent_withdraw(consent=consent, withdrawn_on=TODAY, withdrawn_by=alice)
    # A client without an open case of alice's: the coordinator's list only.
    other = ConsentFactory(client=_client(alice, "Karel", "Holub"), recorded_by=alice)
    consent_withdraw(consent=other, withdrawn_on=TODAY, withdrawn_by=alice)
    foreign = ConsentFactory(client=ClientFactory(organisation=oscar.organisation, created_by=oscar), recorded_by=oscar)
    consent_withdraw(consent=foreign, withdrawn_on=TODAY, withdrawn_by=oscar)
    ConsentFactory(client=marie, recorded_by=alice)  # standing
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert [item.record.pk for item in _section(response, "withdrawn_consents").items] == [consent.pk]
    assert "Marie Dušková" in response.content.decode()
    client.force_login(carol)
    response = client.get(reverse("home"))
    assert {item.record.pk for item in _section(response, "withdrawn_consents").items} == {consent.pk, other.pk}


def test_consents_that_expire_soon_or_expired_lately(client, alice, carol, oscar):
    marie = _client(alice)
    CaseFactory(client=marie)
    P = Consent.Purpose

    def consent(who, purpose, valid_until, given=-60):
        return ConsentFactory(
            client=who, recorded_by=alice, purpose=purpose, given_on=_days(given), valid_until=valid_until
        )

    soon = consent(marie, P.POLICE_SHARING, _days(10))
    lately = consent(marie, P.TRANSFER, _days(-5))
    consent(marie, P.PROCESSING, _days(-40))  # expired long ago
    karel = _client(alice, "Karel", "Holub")  # no open case of alice's: the coordinator's list only
    karels = consent(karel, P.PROCESSING, _days(0))
    far = _client(alice, "Jan", "Daleký")
    CaseFactory(client=far)
    consent(far, P.PROCESSING, _days(40))  # too far ahead
    consent(far, P.POLICE_SHARING, None)  # until withdrawn
    withdrawn = consent(far, P.TRANSFER, _days(3))
    consent_withdraw(consent=withdrawn, withdrawn_on=TODAY, withdrawn_by=alice)
    renewed = _client(alice, "Eva", "Malá")
    CaseFactory(client=renewed)
    consent(renewed, P.PROCESSING, _days(-3))
    consent(renewed, P.PROCESSING, None, given=-1)  # given again since: nothing to do
    foreign = ClientFactory(organisation=oscar.organisation, created_by=oscar)
    CaseFactory(client=foreign, assistant=oscar)
    foreigns = ConsentFactory(client=foreign, valid_until=_days(2))
    client.force_login(alice)
    response = client.get(reverse("home"))
    section = _section(response, "expiring_consents")
    # The ones that ended first, then the soonest to end.
    assert [item.record.pk for item in section.items] == [lately.pk, soon.pk]
    assert [(item.on, item.overdue) for item in section.items] == [(_days(-5), True), (_days(10), False)]
    body = response.content.decode()
    assert "Souhlasy, jejichž platnost skončí do 30 dnů nebo skončila v posledních 30 dnech" in body
    assert "Předání jiné organizaci: platnost skončila" in body and "Sdílení s policií: platnost končí" in body
    assert reverse("clients:detail", args=[marie.pk]) in body
    client.force_login(carol)
    section = _section(client.get(reverse("home")), "expiring_consents")
    assert [item.record.pk for item in section.items] == [lately.pk, karels.pk, soon.pk]
    # Another organisation's assistant: only the own client's.
    client.force_login(oscar)
    assert [item.record.pk for item in _section(client.get(reverse("home")), "expiring_consents").items] == [
        foreigns.pk
    ]


def test_the_police_start_page_lists_shared_cases_awaiting_feedback(client, alice, police_officer):
    waiting = shared_case(client=_client(alice))
    reviewed = shared_case(client=_client(alice, "Karel", "Holub"))
    Case.objects.filter(pk=reviewed.pk).update(police_reviewed_at=timezone.now())
    CaseFactory(client=_client(alice, "Eva", "Malá"))  # not shared
    client.force_login(police_officer)
    response = client.get(reverse("home"))
    section = _section(response, "police_awaiting_review")
    assert [item.record for item in section.items] == [waiting]
    assert reverse("police:case_detail", args=[waiting.pk]) in response.content.decode()
    assert _keys(response) == {"police_awaiting_review"}


def test_roles_without_client_work_have_no_sections(client, ministry_analyst, administrator):
    for user in (ministry_analyst, administrator):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.context["attention"] == [] and b"nav-attention" not in response.content


def test_the_start_page_audits_one_list_read_per_record_type(client, alice):
    marie = _client(alice)
    contact = _follow_up(alice, marie, _days(-1))
    case = CaseFactory(client=marie)
    TaskFactory(case=case, due_on=_days(-1))
    consent = ConsentFactory(client=marie, recorded_by=alice)
    consent_withdraw(consent=consent, withdrawn_on=TODAY, withdrawn_by=alice)
    client.force_login(alice)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(reverse("home"))
    events = AuditEvent.objects.filter(pk__gt=before).order_by("pk")
    named = {
        (ContentType.objects.get_for_id(e.content_type_id or 0).model_class(), tuple(e.object_ids)) for e in events
    }
    assert all(e.action == AuditAction.LIST and e.actor_id == alice.pk for e in events)
    assert named == {(Contact, (contact.pk,)), (Case, (case.pk,)), (Consent, (consent.pk,))}
    assert (
        events.get(content_type=ContentType.objects.get_for_model(Case)).record_organisation_id == alice.organisation_id
    )


def _grow(alice, n: int) -> None:
    for i in range(n):
        marie = _client(alice, last=f"Dušková{i}")
        _follow_up(alice, marie, _days(-i - 1))
        case = _opened_days_ago(CaseFactory(client=marie), 60)
        TaskFactory(case=case, due_on=_days(-1))
        PoliceFeedbackFactory(case=case)
        consent = ConsentFactory(client=marie, recorded_by=alice)
        consent_withdraw(consent=consent, withdrawn_on=TODAY, withdrawn_by=alice)
        ConsentFactory(client=marie, recorded_by=alice, purpose=Consent.Purpose.TRANSFER, valid_until=_days(5))


# 1 session, 2 user, 3 second-factor device, 4 organisation; per section its rows and, once it
# has more than it shows, its count (follow-ups also the prefetch of their clients): 13; the
# recent contacts with their clients and activities: 3; per record type audited a content type
# (until cached) and an INSERT: 6; the session's renewal: 3. At most 29 however many rows.
MAX_HOME_QUERIES = 29


@pytest.mark.parametrize("size", [2, 15])
def test_the_start_page_runs_a_bounded_number_of_queries(client, alice, size, django_assert_max_num_queries):
    _grow(alice, size)
    client.force_login(alice)
    client.get(reverse("cases:list"))  # content types cached, as in a running process
    with django_assert_max_num_queries(MAX_HOME_QUERIES):
        response = client.get(reverse("home"))
    assert sum(entry.total for entry in response.context["attention"]) == 6 * size


def test_the_menu_counts_without_a_query_once_the_start_page_counted(client, alice, django_assert_num_queries):
    marie = _client(alice)
    _follow_up(alice, marie, _days(-2), days_ago=5)
    TaskFactory(case=CaseFactory(client=marie), due_on=_days(1))
    client.force_login(alice)
    # Nothing counted yet: the menu asks for the number afterwards.
    body = client.get(reverse("cases:list")).content.decode()
    assert f'hx-get="{reverse("attention:count")}"' in body
    fragment = client.get(reverse("attention:count")).content.decode()
    assert 'data-attention-count="2"' in fragment
    assert stored_total(alice) == 2
    body = client.get(reverse("cases:list")).content.decode()
    assert 'data-attention-count="2"' in body and 'hx-get="/attention/count/"' not in body
    # The start page counts afresh and stores its count.
    TaskFactory(case=CaseFactory(client=marie), due_on=_days(-1))
    assert 'data-attention-count="3"' in client.get(reverse("home")).content.decode()
    assert stored_total(alice) == 3


def test_a_new_section_is_one_function_and_one_line(client, alice, monkeypatch):
    """How the sections of colleagues' features plug in (cases waiting for approval, transfers)."""
    from cases.selectors import visible_cases

    def waiting_for_approval(user, today):
        if not Role(user.role).can_work_with_clients():
            return None
        rows = visible_cases(user).filter(status=CaseStatus.COURT).select_related("client")
        return selectors.Section(
            "approval",
            "Čeká na schválení",
            Case,
            rows,
            lambda case: selectors.Item(record=case, url="/", what=case.title, clients=[case.client]),
        )

    monkeypatch.setattr(selectors, "SECTIONS", [*selectors.SECTIONS, waiting_for_approval])
    case = CaseFactory(client=_client(alice), status=CaseStatus.COURT)
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert [item.record for item in _section(response, "approval").items] == [case]
    assert "Čeká na schválení" in response.content.decode()


def test_an_anonymous_client_is_named_as_such_and_a_pseudonym_by_nickname(client, alice):
    anonymous = ClientFactory(organisation=alice.organisation, created_by=alice, identity="anonymous", first_name="")
    pseudonym = ClientFactory(
        organisation=alice.organisation, created_by=alice, identity="pseudonym", nickname="Bobeš", birth_year=1990
    )
    _follow_up(alice, anonymous, _days(-1))
    _follow_up(alice, pseudonym, _days(-2))
    client.force_login(alice)
    items = _section(client.get(reverse("home")), "follow_ups").items
    assert items[0].client_names == "„Bobeš“ (1990)" and items[0].first_names == ""
    assert items[1].client_names == f"Anonymní klient č. {anonymous.pk}" and items[1].first_names == ""


def test_an_outsider_sees_nothing_of_another_organisation(client, alice, oscar):
    marie = _client(alice)
    _follow_up(alice, marie, _days(-1))
    TaskFactory(case=_opened_days_ago(CaseFactory(client=marie), 90), due_on=_days(-1))
    client.force_login(oscar)
    response = client.get(reverse("home"))
    assert _keys(response) == set() and "Dušková" not in response.content.decode()


def test_a_user_without_an_organisation_gets_no_quiet_cases(alice):
    lone = UserFactory(organisation=None, role=Role.ASSISTANT)
    assert selectors.quiet_cases(lone, TODAY) is None
    assert selectors.attention_total(lone) == 0


def test_the_coordinator_sets_the_organisations_days_without_contact(client, carol, alice):
    client.force_login(carol)
    response = client.post(reverse("attention:settings"), {"action": "days", "days-no_contact_days": "0"})
    assert response.status_code == 400 and "Zadejte počet dní od 1 do 365." in response.content.decode()
    carol.organisation.refresh_from_db()
    assert carol.organisation.no_contact_days == 30
    assert (
        client.post(reverse("attention:settings"), {"action": "days", "days-no_contact_days": "45"}).status_code == 302
    )
    carol.organisation.refresh_from_db()
    assert carol.organisation.no_contact_days == 45
    # An assistant may not.
    client.force_login(alice)
    assert "days-no_contact_days" not in client.get(reverse("attention:settings")).content.decode()
    assert (
        client.post(reverse("attention:settings"), {"action": "days", "days-no_contact_days": "5"}).status_code == 403
    )
    carol.organisation.refresh_from_db()
    assert carol.organisation.no_contact_days == 45


def test_the_administrator_edits_the_days_in_the_administration(client, administrator, alice):
    client.force_login(administrator)
    url = reverse("admin:accounts_organisation_change", args=[alice.organisation_id])
    assert 'name="no_contact_days"' in client.get(url).content.decode()


@pytest.mark.parametrize("size", [2, 15])
def test_the_police_start_page_runs_a_bounded_number_of_queries(
    client, alice, police_officer, size, django_assert_max_num_queries
):
    for i in range(size):
        shared_case(client=_client(alice, last=f"Dušková{i}"))
    client.force_login(police_officer)
    client.get(reverse("police:case_list"))  # content types cached, as in a running process
    # Session, user, device, organisation: 4; the rows and, past ten, their count: 2; the INSERT
    # of the list read: 1; the session's renewal: 3. At most 10.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert _section(response, "police_awaiting_review").total == size
