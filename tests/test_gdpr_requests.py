"""Data-subject requests from the client page: the access export (JSON, PDF) and erasure."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditAction, AuditEvent
from cases.selectors import visible_cases
from clients.models import Client, Consent
from gdpr.models import Anonymisation
from tests.factories import CaseFactory, ConsentFactory, ContactFactory


@pytest.fixture
def full_file(alice, own_client):
    own_client.note = "Bojí se lichváře ze sousedství."
    own_client.phone = "+420 603 111 222"
    own_client.save()
    ConsentFactory(client=own_client, note="ústně, v kanceláři")
    ContactFactory(assistant=alice, clients=[own_client], note="Doprovod na služebnu.", outcome="Oznámení podáno")
    CaseFactory(client=own_client, title="Lichva – Brno-sever")
    return own_client


def test_access_export_json_holds_everything_and_is_audited(client, carol, full_file):
    client.force_login(carol)
    client.get(reverse("clients:detail", args=[full_file.pk]))
    response = client.get(reverse("gdpr:access_export_json", args=[full_file.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    for expected in (
        full_file.first_name,
        full_file.last_name,
        "+420 603 111 222",
        "Bojí se lichváře ze sousedství.",  # decrypted
        "ústně, v kanceláři",
        "Doprovod na služebnu.",
        "Oznámení podáno",
        "Lichva – Brno-sever",
    ):
        assert expected in text, expected
    assert len(data["consents"]) == 1 and len(data["contacts"]) == 1 and len(data["cases"]) == 1
    assert data["history"], "the history of changes of the client's rows"
    assert "enc1:" not in text, "no ciphertext, only what the person can read"
    # The earlier read of the client page and this export are listed among the accesses.
    assert len(data["accesses"]) == 2 and all(carol.username in a.values() for a in data["accesses"])
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_EXPORT, actor=carol, object_id=str(full_file.pk)
    ).exists()


def test_access_export_pdf(client, carol, full_file):
    client.force_login(carol)
    response = client.get(reverse("gdpr:access_export_pdf", args=[full_file.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (full_file.last_name, "Bojí se lichváře ze sousedství.", "Lichva – Brno-sever", "ústně"):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT, object_id=str(full_file.pk)).count() == 1


@pytest.mark.parametrize("name", ["gdpr:access_export_json", "gdpr:access_export_pdf", "gdpr:client_erase"])
def test_requests_are_for_the_own_organisations_coordinator_only(
    client, request, carol, own_client, foreign_client, name
):
    client.force_login(carol)
    assert client.get(reverse(name, args=[foreign_client.pk])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404
    for who in ("alice", "police_officer", "ministry_analyst", "administrator"):
        client.force_login(request.getfixturevalue(who))
        assert client.get(reverse(name, args=[own_client.pk])).status_code == 403, who


def test_client_page_offers_the_requests_to_the_coordinator_only(client, alice, carol, own_client):
    url = reverse("clients:detail", args=[own_client.pk])
    erase = reverse("gdpr:client_erase", args=[own_client.pk])
    client.force_login(carol)
    assert erase in client.get(url).content.decode()
    client.force_login(alice)
    assert erase not in client.get(url).content.decode()


def test_erasure_needs_a_reason_and_confirmation(client, carol, full_file):
    client.force_login(carol)
    url = reverse("gdpr:client_erase", args=[full_file.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Písemná žádost ze dne 3. 11."})
    assert response.status_code == 200
    full_file.refresh_from_db()
    assert full_file.identity == Client.Identity.NAMED and not Anonymisation.objects.exists()


def test_erasure_anonymises_records_the_reason_and_is_audited(client, carol, full_file):
    client.force_login(carol)
    url = reverse("gdpr:client_erase", args=[full_file.pk])
    response = client.post(url, {"reason": "Písemná žádost ze dne 3. 11.", "confirm": "on"})
    assert response.status_code == 302
    full_file.refresh_from_db()
    assert full_file.identity == Client.Identity.ANONYMOUS
    assert (full_file.first_name, full_file.last_name, full_file.phone, full_file.note) == ("", "", "", "")
    assert full_file.contacts.get().note == "" and full_file.cases.get().title == "—"
    record = Anonymisation.objects.get(client=full_file)
    assert record.kind == Anonymisation.Kind.ERASURE and record.performed_by == carol
    assert record.reason == "Písemná žádost ze dne 3. 11."
    assert AuditEvent.objects.filter(action=AuditAction.ERASURE, actor=carol, object_id=str(full_file.pk)).exists()
    # A second erasure has nothing to do.
    assert "alert-info" in client.get(url).content.decode()
    assert client.post(url, {"reason": "znovu", "confirm": "on"}).status_code == 200
    assert Anonymisation.objects.count() == 1


def test_no_police_sharing_without_a_recorded_consent(police_officer, alice, own_client):
    """A case marked as shared stays invisible to the police until the client's consent to
    sharing is recorded, and disappears again when it is withdrawn."""
    from clients.services import consent_withdraw

    case = CaseFactory(client=own_client, shared_with_police=True)
    assert not visible_cases(police_officer).filter(pk=case.pk).exists()
    ConsentFactory(client=own_client, purpose=Consent.Purpose.PROCESSING)
    assert not visible_cases(police_officer).filter(pk=case.pk).exists()
    consent = ConsentFactory(client=own_client, purpose=Consent.Purpose.POLICE_SHARING)
    assert visible_cases(police_officer).filter(pk=case.pk).exists()
    consent_withdraw(consent=consent, withdrawn_on=consent.given_on, withdrawn_by=alice)
    assert not visible_cases(police_officer).filter(pk=case.pk).exists()


def test_access_export_leaves_out_the_statistical_record_keys(client, carol, full_file):
    # The keys of the statistics' perturbation say nothing about the person, and whoever knew
    # them could undo the rounding of national statistics (docs/statistical-disclosure.md).
    client.force_login(carol)
    data = json.loads(client.get(reverse("gdpr:access_export_json", args=[full_file.pk])).content)
    sections = [data["client"], *data["contacts"], *(case["case"] for case in data["cases"])]
    keys = {str(full_file.record_key), *(str(c.record_key) for c in full_file.contacts.all())}
    for section in sections:
        assert "statistický klíč záznamu" not in section
        assert not keys & {str(value) for value in section.values()}
