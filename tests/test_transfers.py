"""Transfers of a client (with chosen cases) to another organisation: consent, decision by the
receiving coordinator, what each side sees before and after, and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.roles import Role
from attention.selectors import attention_total
from audit.models import AuditAction, AuditEvent
from cases import transfers
from cases.models import CaseStatus, ClientTransfer, TransferState
from cases.selectors import transfers_waiting, visible_cases, visible_transfers
from clients import services as client_services
from clients.models import Client, Consent
from clients.participation import EndReason
from clients.selectors import visible_clients
from contacts import services as contact_services
from contacts.selectors import visible_contacts
from contacts.services import ActivityInput
from groupwork import services as groupwork_services
from tests.factories import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    ContactFactory,
    GroupActivityFactory,
    ServiceUseFactory,
    TaskFactory,
    UserFactory,
    police_directorate,
)


@pytest.fixture
def otto(other_org):
    """The coordinator of the receiving organisation."""
    return UserFactory(username="otto", organisation=other_org, role=Role.COORDINATOR)


@pytest.fixture
def moving(alice, carol):
    """Marie Dvořáková, Alice's client, consented to the transfer; an open case, a closed one."""
    client = ClientFactory(
        organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dvořáková", birth_year=1985
    )
    ConsentFactory(client=client, purpose=Consent.Purpose.TRANSFER, recorded_by=alice)
    open_case = CaseFactory(client=client, title="Lichva v Ostravě", status=CaseStatus.IN_PROGRESS)
    closed_case = CaseFactory(client=client, title="Starý spor", status=CaseStatus.CLOSED)
    return {"client": client, "open_case": open_case, "closed_case": closed_case}


def _request(carol, moving, otto, **kwargs) -> ClientTransfer:
    values = {
        "cases": [moving["open_case"]],
        "note": "Stěhuje se do Brna k sestře.",
        "to_organisation": otto.organisation,
    } | kwargs
    return transfers.transfer_request(by=carol, client=moving["client"], **values)


def _unchanged(moving, alice) -> None:
    client = Client.objects.get(pk=moving["client"].pk)
    assert client.organisation_id == alice.organisation_id
    for case in (moving["open_case"], moving["closed_case"]):
        case.refresh_from_db()
        assert case.organisation_id == alice.organisation_id and case.assistant_id == alice.pk


# -- requesting ------------------------------------------------------------------------------


def test_a_transfer_needs_the_clients_consent_to_it(carol, otto, moving):
    Consent.objects.filter(client=moving["client"]).delete()
    # A consent to another purpose is not a consent to the transfer.
    ConsentFactory(client=moving["client"], purpose=Consent.Purpose.POLICE_SHARING)
    with pytest.raises(ValidationError) as refused:
        _request(carol, moving, otto)
    assert "souhlas s předáním" in refused.value.messages[0]
    assert not ClientTransfer.objects.exists()


def test_only_a_coordinator_transfers(alice, otto, moving):
    with pytest.raises(PermissionDenied):
        _request(alice, moving, otto)


def test_an_open_case_cannot_be_left_behind(carol, otto, moving):
    with pytest.raises(ValidationError) as refused:
        _request(carol, moving, otto, cases=[])
    assert refused.value.message_dict["cases"] == [
        "Zahrňte otevřený případ „Lichva v Ostravě“ do předání, nebo jej nejprve uzavřete."
    ]
    assert not ClientTransfer.objects.exists()


def test_a_case_of_another_client_cannot_be_transferred(carol, alice, otto, moving):
    other = CaseFactory(client=ClientFactory(organisation=alice.organisation, created_by=alice))
    with pytest.raises(ValidationError) as refused:
        _request(carol, moving, otto, cases=[moving["open_case"], other])
    assert "cases" in refused.value.message_dict


def test_only_to_another_organisation_with_client_files_and_a_coordinator(carol, alice, otto, moving):
    for destination in (alice.organisation, police_directorate(), Organisation.objects.create(name="Bez koordinátora")):
        with pytest.raises(ValidationError) as refused:
            _request(carol, moving, otto, to_organisation=destination)
        assert "to_organisation" in refused.value.message_dict


def test_one_pending_transfer_per_client(carol, otto, moving):
    _request(carol, moving, otto)
    with pytest.raises(ValidationError):
        _request(carol, moving, otto)
    assert ClientTransfer.objects.count() == 1


# -- before the decision ---------------------------------------------------------------------


def test_until_accepted_the_receiver_sees_only_the_pending_transfer(carol, otto, moving, client):
    transfer = _request(carol, moving, otto)
    assert not visible_clients(otto).filter(pk=moving["client"].pk).exists()
    assert not visible_cases(otto).filter(client=moving["client"]).exists()
    assert list(transfers_waiting(otto)) == [transfer]
    assert list(transfers_waiting(carol)) == []  # an outgoing transfer waits for the other side
    client.force_login(otto)
    assert client.get(reverse("clients:detail", args=[moving["client"].pk])).status_code == 404
    assert client.get(reverse("cases:detail", args=[moving["open_case"].pk])).status_code == 404
    page = client.get(reverse("transfers:detail", args=[transfer.pk])).content.decode()
    # What the receiver decides on: initials, year, sending organisation, number of cases, the note.
    assert "M. D." in page and "1985" in page and carol.organisation.name in page
    assert "Stěhuje se do Brna k sestře." in page
    assert "Dvořáková" not in page and "Marie" not in page and "Lichva" not in page


def test_the_start_page_shows_the_waiting_transfer_without_naming_the_client(carol, otto, moving, client):
    transfer = _request(carol, moving, otto)
    client.force_login(otto)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("home"))
    page = response.content.decode()
    # One of the start page's sections: counted in the menu and in the digest too.
    (entry,) = [e for e in response.context["attention"] if e.section.key == "transfers_waiting"]
    assert entry.total == 1 and response.context["attention_total"] == 1
    assert attention_total(otto) == 1  # the menu's count
    assert 'aria-labelledby="attention-transfers_waiting"' in page
    assert "Předání klientů čekající na vaše rozhodnutí" in page
    link = f'href="{reverse("transfers:detail", args=[transfer.pk])}">Od {carol.organisation.name} ('
    assert link in page and "), 1 případ</a>" in page
    assert "Dvořáková" not in page and "M. D." not in page and "Marie" not in page and "Lichva" not in page
    # Nothing of a person is shown, so nothing is recorded as read (but the empty list of the
    # coordinator's own recent contacts, which the start page always records).
    reads = AuditEvent.objects.filter(pk__gt=before, action__in=[AuditAction.LIST, AuditAction.VIEW])
    assert [(event.content_type and event.content_type.model, event.object_ids) for event in reads] == [("contact", [])]
    # The sending side has nothing to decide.
    client.force_login(carol)
    assert "Předání klientů čekající na vaše rozhodnutí" not in client.get(reverse("home")).content.decode()


def test_the_digest_tells_of_a_waiting_transfer_by_count_and_link_only(carol, otto, moving, settings):
    from django.core import mail

    from attention import digest

    settings.SITE_URL = "https://liaison.example.cz"
    transfer = _request(carol, moving, otto)
    otto.daily_digest, otto.email = True, "otto@example.cz"
    otto.save(update_fields=["daily_digest", "email"])
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert digest.send_digest(otto)
    (message,) = mail.outbox
    assert "Předání klientů čekající na vaše rozhodnutí: 1" in message.body
    assert f"- https://liaison.example.cz{reverse('transfers:detail', args=[transfer.pk])}\n" in message.body
    for secret in ("Marie", "Dvořáková", "M. D.", "Lichva", "1985", carol.organisation.name):
        assert secret not in message.body and secret not in message.subject
    assert not AuditEvent.objects.filter(pk__gt=before).exists()


def test_assistants_and_others_see_no_transfers(alice, oscar, otto, carol, moving):
    _request(carol, moving, otto)
    assert not visible_transfers(alice).exists()
    assert not visible_transfers(oscar).exists()


# -- accepting -------------------------------------------------------------------------------


def test_accepting_moves_the_client_and_the_chosen_cases(carol, alice, otto, moving):
    task = TaskFactory(case=moving["open_case"], assignee=alice)
    use = ServiceUseFactory(client=moving["client"], recorded_by=alice)
    transfer = _request(carol, moving, otto)
    transfers.transfer_accept(by=otto, transfer=transfer)

    transfer.refresh_from_db()
    assert transfer.state == TransferState.ACCEPTED and transfer.decided_by == otto
    assert visible_clients(otto).filter(pk=moving["client"].pk).exists()
    moved = visible_cases(otto).get(pk=moving["open_case"].pk)
    assert moved.assistant == otto  # given to the receiving coordinator, who assigns it
    task.refresh_from_db()
    assert task.assignee == otto
    # The closed case that was not chosen stays with the sender, for its statistics.
    assert visible_cases(carol).filter(pk=moving["closed_case"].pk).exists()
    assert not visible_cases(otto).filter(pk=moving["closed_case"].pk).exists()
    # The client stopped using the sender's service.
    use.refresh_from_db()
    assert use.ended_on == timezone.localdate() and use.end_reason == EndReason.TRANSFERRED
    # The consent to the transfer goes with the client's file.
    assert moving["client"].consents.active(Consent.Purpose.TRANSFER).exists()


def test_after_acceptance_the_sender_keeps_its_contacts_but_not_the_client_file(carol, alice, otto, moving, client):
    contact = ContactFactory(assistant=alice, clients=[moving["client"]], case=moving["open_case"])
    TaskFactory(case=moving["closed_case"], assignee=alice)  # a task left on the sender's closed case
    transfer = _request(carol, moving, otto)
    transfers.transfer_accept(by=otto, transfer=transfer)

    assert not visible_clients(carol).filter(pk=moving["client"].pk).exists()
    assert not visible_cases(carol).filter(pk=moving["open_case"].pk).exists()
    assert visible_contacts(carol).filter(pk=contact.pk).exists()  # still in the sender's statistics
    assert not visible_contacts(otto).filter(pk=contact.pk).exists()  # never the receiver's
    for user in (carol, alice):
        client.force_login(user)
        assert client.get(reverse("clients:detail", args=[moving["client"].pk])).status_code == 404
        assert client.get(reverse("cases:detail", args=[moving["open_case"].pk])).status_code == 404
        for url in (reverse("contacts:detail", args=[contact.pk]), reverse("contacts:list")):
            page = client.get(url).content.decode()
            assert "klient předaný jiné organizaci" in page
            assert "Dvořáková" not in page
            assert reverse("clients:detail", args=[moving["client"].pk]) not in page
    # The closed case left with the sender no longer names or links the client either.
    for url in (
        reverse("cases:detail", args=[moving["closed_case"].pk]),
        reverse("cases:edit", args=[moving["closed_case"].pk]),
        reverse("cases:list"),
        reverse("cases:my_tasks"),
        reverse("contacts:edit", args=[contact.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Dvořáková" not in page, url
        assert reverse("clients:detail", args=[moving["client"].pk]) not in page, url
    client.force_login(otto)
    assert client.get(reverse("clients:detail", args=[moving["client"].pk])).status_code == 200


def test_the_sender_edits_an_old_contact_without_losing_the_transferred_client(carol, alice, otto, moving):
    stay = ClientFactory(organisation=alice.organisation, created_by=alice)
    contact = ContactFactory(assistant=alice, clients=[moving["client"], stay], case=moving["open_case"])
    transfers.transfer_accept(by=otto, transfer=_request(carol, moving, otto))
    contact.refresh_from_db()
    contact_services.contact_update(
        by=alice,
        contact=contact,
        occurred_at=contact.occurred_at,
        duration_minutes=30,
        activities=[ActivityInput(activity_type=a.activity_type, minutes=a.minutes) for a in contact.activities.all()],
        service=None,
        project=None,
        authority=contact.authority,
        clients=[stay],  # the form offers only the clients the editor sees
        anonymous_persons=0,
        locality=None,
        topics=[],
        outcome="",
        follow_up_on=None,
        note="",
        case=None,  # and only the cases the editor sees
    )
    assert set(contact.clients.all()) == {stay, moving["client"]}
    assert contact.case_id == moving["open_case"].pk


def test_the_senders_group_activities_keep_the_transferred_participant_unnamed(carol, alice, otto, moving, client):
    stay = ClientFactory(organisation=alice.organisation, created_by=alice)
    activity = GroupActivityFactory(author=alice, participants=[moving["client"], stay])
    transfers.transfer_accept(by=otto, transfer=_request(carol, moving, otto))
    client.force_login(alice)
    for url in (reverse("groupwork:detail", args=[activity.pk]), reverse("groupwork:list")):
        page = client.get(url).content.decode()
        assert "klient předaný jiné organizaci" in page and "Dvořáková" not in page
        assert reverse("clients:detail", args=[moving["client"].pk]) not in page
    groupwork_services.group_activity_update(
        by=alice,
        group_activity=activity,
        occurred_at=activity.occurred_at,
        minutes=60,
        service=activity.service,
        project=None,
        activity_type=activity.activity_type,
        topic=activity.topic,
        locality=None,
        description="",
        participants=[stay],  # the form offers only the clients the editor sees
        head_count={},
    )
    assert set(activity.participants.all()) == {stay, moving["client"]}


def test_a_withdrawn_consent_stops_the_acceptance(carol, alice, otto, moving, client):
    transfer = _request(carol, moving, otto)
    consent = moving["client"].consents.active(Consent.Purpose.TRANSFER).get()
    client_services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), withdrawn_by=alice)
    with pytest.raises(ValidationError) as refused:
        transfers.transfer_accept(by=otto, transfer=transfer)
    assert "odvolal souhlas" in refused.value.messages[0]
    _unchanged(moving, alice)
    assert ClientTransfer.objects.get(pk=transfer.pk).state == TransferState.PENDING
    # The page says so and refuses too.
    client.force_login(otto)
    page = client.get(reverse("transfers:detail", args=[transfer.pk])).content.decode()
    assert "Klient odvolal souhlas s předáním" in page
    response = client.post(reverse("transfers:accept", args=[transfer.pk]), follow=True)
    assert "Klient odvolal souhlas s předáním" in response.content.decode()
    _unchanged(moving, alice)
    # It can still be rejected.
    transfers.transfer_reject(by=otto, transfer=transfer, reason="Klient souhlas odvolal.")
    assert ClientTransfer.objects.get(pk=transfer.pk).state == TransferState.REJECTED


def test_an_expired_consent_to_the_transfer_counts_as_not_given(carol, alice, otto, moving, client):
    consent = moving["client"].consents.active(Consent.Purpose.TRANSFER).get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Consent.objects.filter(pk=consent.pk).update(valid_until=yesterday)
    with pytest.raises(ValidationError) as refused:
        _request(carol, moving, otto)
    assert "souhlas s předáním" in refused.value.messages[0]
    assert not ClientTransfer.objects.exists()
    # Requested while it stood, accepted after it expired: refused, and the page says why.
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.localdate())
    transfer = _request(carol, moving, otto)
    Consent.objects.filter(pk=consent.pk).update(valid_until=yesterday)
    expired = "Souhlasu klienta s předáním skončila platnost, proto je nelze přijmout. Předání odmítněte."
    with pytest.raises(ValidationError) as refused:
        transfers.transfer_accept(by=otto, transfer=transfer)
    assert refused.value.messages == [expired]
    _unchanged(moving, alice)
    client.force_login(otto)
    page = client.get(reverse("transfers:detail", args=[transfer.pk])).content.decode()
    assert expired in page and "odvolal" not in page
    response = client.post(reverse("transfers:accept", args=[transfer.pk]), follow=True)
    assert expired in response.content.decode()
    _unchanged(moving, alice)
    assert ClientTransfer.objects.get(pk=transfer.pk).state == TransferState.PENDING


def test_a_case_reopened_meanwhile_stops_the_acceptance(carol, alice, otto, moving):
    transfer = _request(carol, moving, otto)
    moving["closed_case"].status = CaseStatus.IN_PROGRESS
    moving["closed_case"].save(update_fields=["status"])
    with pytest.raises(ValidationError):
        transfers.transfer_accept(by=otto, transfer=transfer)
    _unchanged(moving, alice)


def test_only_the_receiving_coordinator_decides(carol, alice, otto, oscar, moving):
    transfer = _request(carol, moving, otto)
    for user in (carol, alice, oscar):
        with pytest.raises(PermissionDenied):
            transfers.transfer_accept(by=user, transfer=transfer)
        with pytest.raises(PermissionDenied):
            transfers.transfer_reject(by=user, transfer=transfer, reason="Ne.")
    with pytest.raises(PermissionDenied):
        transfers.transfer_cancel(by=otto, transfer=transfer)
    _unchanged(moving, alice)


# -- rejecting and withdrawing ---------------------------------------------------------------


def test_a_rejected_transfer_changes_nothing(carol, alice, otto, moving):
    transfer = _request(carol, moving, otto)
    with pytest.raises(ValidationError) as refused:
        transfers.transfer_reject(by=otto, transfer=transfer, reason="  ")
    assert refused.value.message_dict["reason"] == ["Uveďte, proč předání odmítáte."]
    transfers.transfer_reject(by=otto, transfer=transfer, reason="Nemáme volnou kapacitu.")
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REJECTED and transfer.reason == "Nemáme volnou kapacitu."
    _unchanged(moving, alice)
    assert not visible_clients(otto).filter(pk=moving["client"].pk).exists()
    # A decided transfer is not decided again; a new one may be asked for.
    with pytest.raises(ValidationError):
        transfers.transfer_accept(by=otto, transfer=transfer)
    _unchanged(moving, alice)
    assert _request(carol, moving, otto).is_pending


def test_the_sender_withdraws_a_pending_transfer(carol, alice, otto, moving):
    transfer = _request(carol, moving, otto)
    transfers.transfer_cancel(by=carol, transfer=transfer)
    assert ClientTransfer.objects.get(pk=transfer.pk).state == TransferState.CANCELLED
    with pytest.raises(ValidationError):
        transfers.transfer_accept(by=otto, transfer=transfer)
    _unchanged(moving, alice)


# -- the audit trail -------------------------------------------------------------------------


def test_every_step_is_in_the_audit_trail(carol, otto, moving):
    first = _request(carol, moving, otto)
    transfers.transfer_reject(by=otto, transfer=first, reason="Nejdřív zavolejte.")
    second = _request(carol, moving, otto)
    transfers.transfer_cancel(by=carol, transfer=second)
    third = _request(carol, moving, otto)
    transfers.transfer_accept(by=otto, transfer=third)
    events = AuditEvent.objects.filter(action__startswith="transfer_").order_by("pk")
    assert [(e.action, e.actor_id, e.object_id) for e in events] == [
        (AuditAction.TRANSFER_REQUESTED, carol.pk, str(first.pk)),
        (AuditAction.TRANSFER_REJECTED, otto.pk, str(first.pk)),
        (AuditAction.TRANSFER_REQUESTED, carol.pk, str(second.pk)),
        (AuditAction.TRANSFER_CANCELLED, carol.pk, str(second.pk)),
        (AuditAction.TRANSFER_REQUESTED, carol.pk, str(third.pk)),
        (AuditAction.TRANSFER_ACCEPTED, otto.pk, str(third.pk)),
    ]
    assert all(e.content_type is not None and e.content_type.model == "clienttransfer" for e in events)


# -- the pages -------------------------------------------------------------------------------


def test_the_coordinator_transfers_from_the_client_page(carol, otto, moving, client):
    client.force_login(carol)
    page = client.get(reverse("clients:detail", args=[moving["client"].pk])).content.decode()
    assert reverse("transfers:create", args=[moving["client"].pk]) in page
    url = reverse("transfers:create", args=[moving["client"].pk])
    form = client.get(url)
    assert form.context["form"].initial["cases"] == [moving["open_case"].pk]  # open cases ticked
    refused = client.post(url, {"to_organisation": otto.organisation_id, "note": "x"})
    assert refused.status_code == 400
    assert "Zahrňte otevřený případ" in refused.content.decode()
    assert not ClientTransfer.objects.exists()
    response = client.post(
        url, {"to_organisation": otto.organisation_id, "cases": [moving["open_case"].pk], "note": "Stěhuje se."}
    )
    transfer = ClientTransfer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("transfers:detail", args=[transfer.pk])
    assert list(transfer.cases.all()) == [moving["open_case"]]


def test_the_receiver_accepts_and_rejects_on_the_decision_page(carol, otto, moving, client):
    transfer = _request(carol, moving, otto)
    client.force_login(otto)
    refused = client.post(reverse("transfers:reject", args=[transfer.pk]), {"reason": ""})
    assert refused.status_code == 400 and "Uveďte, proč předání odmítáte." in refused.content.decode()
    response = client.post(reverse("transfers:accept", args=[transfer.pk]))
    assert response["Location"] == reverse("clients:detail", args=[moving["client"].pk])
    assert ClientTransfer.objects.get(pk=transfer.pk).state == TransferState.ACCEPTED
    # The sender's list still shows the transfer by its summary, without a link to the file.
    client.force_login(carol)
    page = client.get(reverse("transfers:list")).content.decode()
    assert "M. D." in page and "Přijato" in page and "Dvořáková" not in page


def test_the_transfer_list_takes_the_same_queries_for_more_rows(carol, alice, otto, django_assert_num_queries, client):
    def add(n):
        for _ in range(n):
            someone = ClientFactory(organisation=alice.organisation, created_by=alice)
            ConsentFactory(client=someone, purpose=Consent.Purpose.TRANSFER)
            transfers.transfer_request(by=carol, client=someone, to_organisation=otto.organisation)

    client.force_login(carol)
    add(1)
    client.get(reverse("transfers:list"))  # warm the session and the content types
    with CaptureQueriesContext(connection) as first:
        assert len(client.get(reverse("transfers:list")).context["rows"]) == 1
    add(4)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get(reverse("transfers:list")).context["rows"]) == 5


def test_erasure_empties_the_notes_of_the_clients_transfers(carol, otto, moving):
    from gdpr.anonymisation import anonymise_client

    transfer = _request(carol, moving, otto)
    transfers.transfer_reject(by=otto, transfer=transfer, reason="Marie D. má v Brně jiné služby.")
    anonymise_client(moving["client"])
    transfer.refresh_from_db()
    assert transfer.note == "" and transfer.reason == ""


def test_transfers_older_than_a_day_still_wait(carol, otto, moving):
    transfer = _request(carol, moving, otto)
    ClientTransfer.objects.filter(pk=transfer.pk).update(requested_at=timezone.now() - datetime.timedelta(days=40))
    assert list(transfers_waiting(otto)) == [transfer]


def test_the_receivers_access_export_leaves_out_the_senders_records(carol, alice, otto, moving):
    from gdpr.access_export import client_data

    ContactFactory(assistant=alice, clients=[moving["client"]], note="Poznámka odesílatele")
    transfer = _request(carol, moving, otto)
    transfers.transfer_accept(by=otto, transfer=transfer)
    data = client_data(Client.objects.get(pk=moving["client"].pk))
    assert data["contacts"] == []  # the sender's contact stays the sender's
    assert [section["case"]["název"] for section in data["cases"]] == ["Lichva v Ostravě"]
    assert len(data["transfers"]) == 1 and data["transfers"][0]["stav"] == "Přijato"


def test_the_moved_cases_timeline_leaves_out_the_senders_contacts(carol, alice, otto, moving):
    from cases.timeline import case_timeline

    ContactFactory(assistant=alice, clients=[moving["client"]], case=moving["open_case"])
    assert [e.kind for e in case_timeline(moving["open_case"])].count("contact") == 1
    transfers.transfer_accept(by=otto, transfer=_request(carol, moving, otto))
    moved = visible_cases(otto).get(pk=moving["open_case"].pk)
    assert "contact" not in [e.kind for e in case_timeline(moved)]


def test_the_senders_contact_export_no_longer_names_the_transferred_client(carol, alice, otto, moving):
    from django.utils import translation

    from contacts.models import Contact
    from reports.exports import contact_rows

    stay = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Eva", last_name="Bílá")
    ContactFactory(assistant=alice, clients=[moving["client"], stay])
    transfers.transfer_accept(by=otto, transfer=_request(carol, moving, otto))
    with translation.override("cs"):
        rows = [" | ".join(str(cell) for cell in row) for row in contact_rows(visible_contacts(carol))]
    assert len(rows) == 1
    assert "klient předaný jiné organizaci" in rows[0] and "Eva Bílá" in rows[0]
    assert "Dvořáková" not in rows[0]
    assert Contact.objects.filter(clients=moving["client"]).count() == 1  # still counted


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_acceptances_at_once_take_the_client_over_once(carol, otto, moving):
    """Both run at the same moment on their own connections; the second waits for the first on
    the transfer's row lock, then finds it decided."""
    import threading

    transfer = _request(carol, moving, otto)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        start.wait()
        try:
            transfers.transfer_accept(by=otto, transfer=ClientTransfer.objects.get(pk=transfer.pk))
            outcomes.append("accepted")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["O tomto předání už bylo rozhodnuto: Přijato.", "accepted"]
    assert AuditEvent.objects.filter(action=AuditAction.TRANSFER_ACCEPTED).count() == 1
    assert Client.objects.get(pk=moving["client"].pk).organisation_id == otto.organisation_id
