"""What the police liaison officer sees: only shared cases of the own region with a standing
consent, never internal notes or attachments, never the client's contact details."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region
from accounts.roles import Role
from cases import services
from cases.attachments import CheckedFile
from cases.models import Case, PoliceFeedback
from clients.models import Consent
from clients.services import consent_withdraw
from tests.factories import CaseFactory, CaseNoteFactory, UserFactory, police_directorate, shared_case


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def case(own_client, alice):
    return shared_case(client=own_client, assistant=alice, title="Lichva v Cejlu")


def test_officer_sees_a_shared_case_of_the_region(client, police_officer, case):
    client.force_login(police_officer)
    assert case.title in client.get(reverse("police:case_list")).content.decode()
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 200


def test_officer_of_another_region_gets_404(client, case):
    officer = UserFactory(organisation=police_directorate("CZ080"), role=Role.POLICE)
    client.force_login(officer)
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 404
    assert case.title not in client.get(reverse("police:case_list")).content.decode()


def test_case_without_consent_is_404(client, police_officer, own_client, alice):
    case = CaseFactory(client=own_client, assistant=alice, shared_with_police=True)  # no consent recorded
    client.force_login(police_officer)
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 404


def test_case_not_shared_is_404_even_with_consent(client, police_officer, case):
    Case.objects.filter(pk=case.pk).update(shared_with_police=False)
    client.force_login(police_officer)
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 404


def test_withdrawn_consent_removes_the_case_at_once(client, police_officer, case, alice):
    shared = services.attachment_add(
        case=case, by=alice, checked=CheckedFile(b"%PDF-1.4", "application/pdf", "a.pdf"), shared_with_police=True
    )
    download = reverse("cases:attachment_download", args=[shared.pk])
    client.force_login(police_officer)
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 200
    assert client.get(download).status_code == 200
    consent = case.client.consents.get(purpose=Consent.Purpose.POLICE_SHARING)
    consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), withdrawn_by=alice)
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 404
    assert case.title not in client.get(reverse("police:case_list")).content.decode()
    assert client.get(download).status_code == 404
    response = client.post(reverse("police:case_detail", args=[case.pk]), {"text": "x", "marks_reviewed": "on"})
    assert response.status_code == 404
    assert not PoliceFeedback.objects.exists()
    # The assistant is told why the police no longer see the case.
    client.force_login(alice)
    assert "policie případ nevidí" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_region_other_than_the_officers_is_not_listed(client, police_officer, own_client, alice):
    other = shared_case(client=own_client, assistant=alice, title="Mimo kraj", region=Region.objects.get(code="CZ080"))
    client.force_login(police_officer)
    assert other.title not in client.get(reverse("police:case_list")).content.decode()


def test_internal_note_and_attachment_never_reach_the_officer(client, police_officer, case, alice):
    CaseNoteFactory(case=case, text="INTERNI-TAJNE", shared_with_police=False)
    CaseNoteFactory(case=case, text="SDILENA-POZNAMKA", shared_with_police=True)
    internal = services.attachment_add(
        case=case,
        by=alice,
        checked=CheckedFile(b"%PDF-1.4 internal", "application/pdf", "interni-zprava.pdf"),
        shared_with_police=False,
    )
    shared = services.attachment_add(
        case=case,
        by=alice,
        checked=CheckedFile(b"%PDF-1.4 shared", "application/pdf", "sdilena-zprava.pdf"),
        shared_with_police=True,
    )
    client.force_login(police_officer)
    for url in [reverse("police:case_detail", args=[case.pk]), reverse("police:case_list")]:
        body = client.get(url).content.decode()
        assert "INTERNI-TAJNE" not in body and "interni-zprava" not in body
    body = client.get(reverse("police:case_detail", args=[case.pk])).content.decode()
    assert "SDILENA-POZNAMKA" in body and "sdilena-zprava.pdf" in body
    assert client.get(reverse("cases:attachment_download", args=[internal.pk])).status_code == 404
    response = client.get(reverse("cases:attachment_download", args=[shared.pk]))
    assert response.status_code == 200 and response.content == b"%PDF-1.4 shared"


def test_officer_does_not_see_client_contact_details(client, police_officer, case):
    case.client.phone, case.client.email, case.client.address = "+420 777 123 456", "obet@example.org", "Cejl 12"
    case.client.note = "KLIENTSKA-POZNAMKA"
    case.client.save()
    client.force_login(police_officer)
    body = client.get(reverse("police:case_detail", args=[case.pk])).content.decode()
    for secret in ["777 123 456", "obet@example.org", "Cejl 12", "KLIENTSKA-POZNAMKA"]:
        assert secret not in body


def test_officer_records_feedback_and_marks_reviewed(client, police_officer, case):
    client.force_login(police_officer)
    response = client.post(
        reverse("police:case_detail", args=[case.pk]), {"text": "Prověřujeme pod č. j. KRPB-1", "marks_reviewed": "on"}
    )
    assert response.status_code == 302
    feedback = PoliceFeedback.objects.get(case=case)
    assert feedback.officer == police_officer and feedback.text == "Prověřujeme pod č. j. KRPB-1"
    case.refresh_from_db()
    assert case.police_reviewed_by == police_officer and case.police_reviewed_at is not None
    # Stored encrypted, shown in clear on the page.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_policefeedback WHERE id = %s", [feedback.pk])
        assert "KRPB-1" not in cursor.fetchone()[0]
    assert "KRPB-1" in client.get(reverse("police:case_detail", args=[case.pk])).content.decode()


def test_empty_feedback_is_refused(client, police_officer, case):
    client.force_login(police_officer)
    response = client.post(reverse("police:case_detail", args=[case.pk]), {"text": ""})
    assert response.status_code == 400
    assert not PoliceFeedback.objects.exists()


def test_sharing_needs_an_active_consent(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    client.force_login(alice)
    data = {
        "title": case.title,
        "assistant": alice.pk,
        "crime_types": [case.crime_types.get().pk],
        "region": case.region_id,
        "risk_level": "low",
        "shared_with_police": "on",
    }
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 200
    assert "souhlas" in response.content.decode()
    assert not Case.objects.get(pk=case.pk).shared_with_police
    # The service refuses too, whatever form is used.
    case.shared_with_police = True
    with pytest.raises(services.CaseError):
        fields = {name: getattr(case, name) for name in services.CASE_FIELDS if name != "crime_types"}
        services.case_update(case=case, by=alice, **fields, crime_types=case.crime_types.all())
    assert not Case.objects.get(pk=case.pk).shared_with_police


def test_a_note_of_an_unshared_case_stays_internal(client, alice, own_client):
    case = CaseFactory(client=own_client, assistant=alice)
    client.force_login(alice)
    response = client.post(reverse("cases:note_add", args=[case.pk]), {"text": "x", "shared_with_police": "on"})
    assert response.status_code == 302
    assert not case.notes.get().shared_with_police  # the box was disabled: the posted value is ignored
    with pytest.raises(services.CaseError):
        services.note_add(case=case, author=alice, text="y", shared_with_police=True)
    assert case.notes.count() == 1


def test_sharing_a_note_after_the_consent_was_withdrawn_is_refused(client, alice, case):
    consent = case.client.consents.get(purpose=Consent.Purpose.POLICE_SHARING)
    consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), withdrawn_by=alice)
    with pytest.raises(services.CaseError):
        services.note_add(case=case, author=alice, text="y", shared_with_police=True)
    assert not case.notes.exists()


def test_police_list_filters_by_status_crime_type_and_locality(client, police_officer, alice, own_client):
    from cases.models import CaseStatus, CrimeType
    from tests.factories import a_locality

    usury, theft = CrimeType.objects.get(section="§218"), CrimeType.objects.get(section="§205")
    brno = a_locality("Brno")
    shared_case(client=own_client, assistant=alice, title="Lichva nová", crime_types=[usury], locality=brno)
    CaseFactory(
        client=own_client,
        assistant=alice,
        title="Krádež v šetření",
        crime_types=[theft],
        shared_with_police=True,
        status=CaseStatus.INVESTIGATION,
    )
    client.force_login(police_officer)
    for params, shown, hidden in [
        ({"status": "investigation"}, "Krádež v šetření", "Lichva nová"),
        ({"crime_type": usury.pk}, "Lichva nová", "Krádež v šetření"),
        ({"locality": brno.pk}, "Lichva nová", "Krádež v šetření"),
    ]:
        body = client.get(reverse("police:case_list"), params).content.decode()
        assert shown in body and hidden not in body, params
    # Only localities of the officer's region are offered.
    body = client.get(reverse("police:case_list")).content.decode()
    assert "Ostrava" not in body and "Brno" in body


def test_an_expired_consent_counts_as_not_given(client, police_officer, case, alice):
    consent = case.client.consents.get(purpose=Consent.Purpose.POLICE_SHARING)
    today = timezone.localdate()
    # Through its last day the case is shared.
    Consent.objects.filter(pk=consent.pk).update(valid_until=today)
    client.force_login(police_officer)
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 200
    # The day after, as if it had been withdrawn: gone from the police's view, nothing more shared.
    Consent.objects.filter(pk=consent.pk).update(valid_until=today - datetime.timedelta(days=1))
    assert client.get(reverse("police:case_detail", args=[case.pk])).status_code == 404
    assert case.title not in client.get(reverse("police:case_list")).content.decode()
    response = client.post(reverse("police:case_detail", args=[case.pk]), {"text": "x", "marks_reviewed": "on"})
    assert response.status_code == 404 and not PoliceFeedback.objects.exists()
    with pytest.raises(services.CaseError):
        services.note_add(case=case, author=alice, text="y", shared_with_police=True)
    assert not case.notes.exists()
    # A case cannot be newly shared on it either.
    other = CaseFactory(client=case.client, assistant=alice)
    other.shared_with_police = True
    with pytest.raises(services.CaseError):
        fields = {name: getattr(other, name) for name in services.CASE_FIELDS if name != "crime_types"}
        services.case_update(case=other, by=alice, **fields, crime_types=other.crime_types.all())
    assert not Case.objects.get(pk=other.pk).shared_with_police
