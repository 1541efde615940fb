"""Client transfers through the API: the same scoping, rules, summary and audit as the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from cases.models import CaseStatus, ClientTransfer, TransferState
from clients import services as client_services
from clients.models import Consent
from tests.factories import CaseFactory, ClientFactory, ClientTransferFactory, ConsentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def otto(other_org):
    return UserFactory(username="otto", organisation=other_org, role=Role.COORDINATOR)


@pytest.fixture
def moving(alice):
    client = ClientFactory(
        organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dvořáková", birth_year=1985
    )
    ConsentFactory(client=client, purpose=Consent.Purpose.TRANSFER)
    case = CaseFactory(client=client, status=CaseStatus.IN_PROGRESS)
    return client, case


def _create(api, carol, otto, moving, **overrides):
    client, case = moving
    api.force_authenticate(carol)
    payload = {"client": client.pk, "to_organisation": otto.organisation_id, "cases": [case.pk], "note": "Stěhuje se."}
    return api.post(reverse("api:transfer-list"), {**payload, **overrides}, format="json")


def test_create_list_and_accept(api, carol, otto, moving):
    response = _create(api, carol, otto, moving)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["state"] == "pending" and created["case_count"] == 1 and created["client"] == moving[0].pk
    api.force_authenticate(otto)
    waiting = api.get(reverse("api:transfer-list"), {"state": "pending"}).json()["results"]
    assert [row["id"] for row in waiting] == [created["id"]]
    # The receiver's summary: initials, year, sex, sender, cases, note; no client id, no name.
    row = waiting[0]
    assert row["client"] is None and row["client_initials"] == "M. D." and row["client_birth_year"] == 1985
    assert row["from_organisation"] == str(moving[0].organisation) and row["note"] == "Stěhuje se."
    assert "Dvořáková" not in str(waiting)
    assert api.get(reverse("api:client-detail", args=[moving[0].pk])).status_code == 404
    accepted = api.post(reverse("api:transfer-accept", args=[created["id"]]))
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert accepted.json()["client"] == moving[0].pk  # now the receiver's file
    assert api.get(reverse("api:client-detail", args=[moving[0].pk])).status_code == 200
    api.force_authenticate(carol)
    assert api.get(reverse("api:client-detail", args=[moving[0].pk])).status_code == 404
    assert api.get(reverse("api:case-detail", args=[moving[1].pk])).status_code == 404
    assert api.get(reverse("api:transfer-detail", args=[created["id"]])).json()["client"] is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="transfer_").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [AuditAction.TRANSFER_REQUESTED, AuditAction.TRANSFER_ACCEPTED]


def test_the_list_filters_by_state(api, carol, otto, moving):
    _create(api, carol, otto, moving)
    assert len(api.get(reverse("api:transfer-list"), {"state": "pending"}).json()["results"]) == 1
    assert api.get(reverse("api:transfer-list"), {"state": "accepted"}).json()["results"] == []
    response = api.get(reverse("api:transfer-list"), {"state": "9" * 30})
    assert response.status_code == 400 and "state" in response.json()


def test_refusals_are_400_in_czech_and_save_nothing(api, carol, otto, moving):
    response = _create(api, carol, otto, moving, cases=[])
    assert response.status_code == 400
    assert response.json() == {
        "cases": [f"Zahrňte otevřený případ „{moving[1].title}“ do předání, nebo jej nejprve uzavřete."]
    }
    Consent.objects.filter(client=moving[0]).delete()
    response = _create(api, carol, otto, moving)
    assert response.status_code == 400 and "souhlas s předáním" in response.json()["non_field_errors"][0]
    assert not ClientTransfer.objects.exists()


def test_a_foreign_client_or_case_cannot_be_named(api, carol, oscar, otto, moving):
    foreign = ClientFactory(organisation=oscar.organisation, created_by=oscar)
    assert _create(api, carol, otto, moving, client=foreign.pk).status_code == 400
    assert _create(api, carol, otto, moving, cases=[CaseFactory(client=foreign).pk]).status_code == 400
    assert not ClientTransfer.objects.exists()


def test_reject_needs_a_reason_and_changes_nothing(api, carol, otto, moving):
    transfer_id = _create(api, carol, otto, moving).json()["id"]
    api.force_authenticate(otto)
    url = reverse("api:transfer-reject", args=[transfer_id])
    assert api.post(url, {}, format="json").status_code == 400
    response = api.post(url, {"reason": "Nemáme kapacitu."}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    moving[0].refresh_from_db()
    assert moving[0].organisation_id == carol.organisation_id
    assert api.post(reverse("api:transfer-accept", args=[transfer_id])).status_code == 400  # already decided


def test_a_withdrawn_consent_stops_the_acceptance(api, carol, alice, otto, moving):
    transfer_id = _create(api, carol, otto, moving).json()["id"]
    consent = moving[0].consents.active(Consent.Purpose.TRANSFER).get()
    client_services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), withdrawn_by=alice)
    api.force_authenticate(otto)
    response = api.post(reverse("api:transfer-accept", args=[transfer_id]))
    assert response.status_code == 400 and "odvolal souhlas" in response.json()["non_field_errors"][0]
    assert ClientTransfer.objects.get(pk=transfer_id).state == TransferState.PENDING


def test_scoping_and_roles(api, alice, carol, oscar, otto, moving, other_org):
    own = _create(api, carol, otto, moving).json()["id"]
    foreign = ClientTransferFactory(client=ClientFactory(organisation=other_org, created_by=oscar)).pk
    # Assistants, the police, the ministry: 403; a foreign transfer is 404 to a coordinator.
    api.force_authenticate(alice)
    assert api.get(reverse("api:transfer-list")).status_code == 403
    assert api.post(reverse("api:transfer-accept", args=[own])).status_code == 403
    api.force_authenticate(carol)
    assert api.get(reverse("api:transfer-detail", args=[foreign])).status_code == 404
    assert [row["id"] for row in api.get(reverse("api:transfer-list")).json()["results"]] == [own]
    # Only the receiver decides, only the sender withdraws: the other side gets 404.
    assert api.post(reverse("api:transfer-accept", args=[own])).status_code == 404
    api.force_authenticate(otto)
    assert api.post(reverse("api:transfer-cancel", args=[own])).status_code == 404
    assert api.post(reverse("api:transfer-accept", args=[foreign])).status_code == 404
    api.force_authenticate(carol)
    response = api.post(reverse("api:transfer-cancel", args=[own]))
    assert response.status_code == 200 and response.json()["state"] == "cancelled"


@pytest.mark.parametrize("pk", [str(2**63), "abc", "0"])
def test_a_bad_id_in_an_action_path_is_404(api, carol, pk):
    api.force_authenticate(carol)
    for action in ("accept", "reject", "cancel"):
        assert api.post(f"/api/v1/transfers/{pk}/{action}/").status_code == 404
        assert api.get(f"/api/v1/transfers/{pk}/{action}/").status_code == 404
