"""One service path: the pages and the API parse their input and call the same service, so a
rule is refused the same way (same field, same Czech message) whichever route is used; records
hanging on a case are read through scoped selectors; consents through Consent.objects.active()."""

import ast
import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Organisation
from api import reports as api_reports
from cases import services as case_services
from cases.attachments import CheckedFile
from cases.models import Case, CrimeType
from cases.selectors import visible_attachments, visible_referrals, visible_tasks
from clients import services as client_services
from clients.models import Client, Consent
from clients.services import consent_withdraw
from contacts import services as contact_services
from contacts.models import Authority, Contact
from reports.statistics import national_statistics_sheets
from tests.factories import (
    CaseFactory,
    ClientFactory,
    ConsentFactory,
    ReferralFactory,
    TaskFactory,
    activity_rows,
    activity_type_of,
    shared_case,
)

CASE_NOT_AMONG_CLIENTS = "Případ patří klientovi, který není mezi klienty tohoto kontaktu."
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def api():
    return APIClient()


def _accompaniment():
    return activity_type_of(Organisation.objects.get(name="DROM, romské středisko"))


def _page_contact(**overrides):
    data = {
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "authority": str(Authority.objects.get(name="Policie ČR").pk),
        "anonymous_persons": "0",
        **activity_rows((_accompaniment(), 45)),
    }
    data.update(overrides)
    return data


def _api_contact(**overrides):
    data = {
        "occurred_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "duration_minutes": 45,
        "authority": Authority.objects.get(name="Policie ČR").pk,
        "activities": [{"activity_type": _accompaniment().pk, "minutes": 45}],
        "anonymous_persons": 0,
    }
    data.update(overrides)
    return data


# Contacts ------------------------------------------------------------------------------------


def test_case_of_another_client_is_refused_alike_on_the_page_and_in_the_api(client, api, alice, own_client):
    other = ClientFactory(organisation=alice.organisation, created_by=alice)
    case = CaseFactory(client=other, assistant=alice)
    client.force_login(alice)
    page = client.post(reverse("contacts:create"), _page_contact(clients=[own_client.pk], case=case.pk))
    assert page.status_code == 200
    assert page.context["form"].errors["case"] == [CASE_NOT_AMONG_CLIENTS]
    api.force_authenticate(alice)
    answer = api.post("/api/v1/contacts/", _api_contact(clients=[own_client.pk], case=case.pk), format="json")
    assert answer.status_code == 400
    assert answer.json()["case"] == [CASE_NOT_AMONG_CLIENTS]
    assert not Contact.objects.exists()


def test_moving_a_contact_to_another_clients_case_is_refused_alike_on_edit(client, api, alice, own_contact):
    """A partial update naming only the case is checked against the contact's stored clients."""
    other = ClientFactory(organisation=alice.organisation, created_by=alice)
    case = CaseFactory(client=other, assistant=alice)
    api.force_authenticate(alice)
    answer = api.patch(f"/api/v1/contacts/{own_contact.pk}/", {"case": case.pk}, format="json")
    assert answer.status_code == 400
    assert answer.json()["case"] == [CASE_NOT_AMONG_CLIENTS]
    client.force_login(alice)
    data = _page_contact(clients=[own_contact.clients.get().pk], case=case.pk)
    page = client.post(reverse("contacts:edit", args=[own_contact.pk]), data)
    assert page.status_code == 200
    assert page.context["form"].errors["case"] == [CASE_NOT_AMONG_CLIENTS]
    own_contact.refresh_from_db()
    assert own_contact.case_id is None


def test_the_api_creates_and_edits_a_contact_through_the_services(api, alice, own_client):
    api.force_authenticate(alice)
    with mock.patch.object(contact_services, "contact_create", wraps=contact_services.contact_create) as create:
        answer = api.post("/api/v1/contacts/", _api_contact(clients=[own_client.pk]), format="json")
    assert answer.status_code == 201, answer.json()
    assert create.call_count == 1 and create.call_args.kwargs["by"] == alice
    contact = Contact.objects.get()
    assert contact.assistant == alice and contact.organisation_id == alice.organisation_id
    with mock.patch.object(contact_services, "contact_update", wraps=contact_services.contact_update) as update:
        answer = api.patch(
            f"/api/v1/contacts/{contact.pk}/",
            {"duration_minutes": 60, "activities": [{"activity_type": _accompaniment().pk, "minutes": 60}]},
            format="json",
        )
    assert answer.status_code == 200, answer.json()
    assert update.call_count == 1
    contact.refresh_from_db()
    # A partial update keeps what it does not name.
    assert contact.duration_minutes == 60 and list(contact.clients.all()) == [own_client]


def test_only_the_author_or_a_coordinator_edits_a_contact_whatever_the_route(bob, own_contact):
    """The rule is in the service, so no route can skip it."""
    fields = {name: getattr(own_contact, name) for name in contact_services.CONTACT_FIELDS}
    fields.update(
        clients=own_contact.clients.all(), topics=own_contact.topics.all(), duration_minutes=99, activities=[]
    )
    with pytest.raises(PermissionDenied):
        contact_services.contact_update(by=bob, contact=own_contact, **fields)
    own_contact.refresh_from_db()
    assert own_contact.duration_minutes != 99


def test_the_api_does_not_import_the_contact_pages():
    tree = ast.parse((ROOT / "api" / "views.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "contacts.views" not in imported


# Clients ---------------------------------------------------------------------------------------


def test_a_pseudonym_without_nickname_is_refused_alike_on_the_page_and_in_the_api(client, api, alice):
    client.force_login(alice)
    page = client.post(reverse("clients:create"), {"identity": "pseudonym", "birth_year": "1990"})
    assert page.status_code == 200
    api.force_authenticate(alice)
    answer = api.post("/api/v1/clients/", {"identity": "pseudonym", "birth_year": 1990}, format="json")
    assert answer.status_code == 400
    assert answer.json()["nickname"] == page.context["form"].errors["nickname"]
    assert answer.json()["nickname"] == ["Klient pod pseudonymem musí mít přezdívku."]
    assert not Client.objects.exists()


def test_the_api_writes_clients_through_the_services(api, alice):
    api.force_authenticate(alice)
    with mock.patch.object(client_services, "client_create", wraps=client_services.client_create) as create:
        answer = api.post(
            "/api/v1/clients/", {"identity": "named", "first_name": "Jan", "last_name": "Novák"}, format="json"
        )
    assert answer.status_code == 201 and create.call_count == 1
    made = Client.objects.get()
    assert made.created_by == alice and made.organisation_id == alice.organisation_id
    with mock.patch.object(client_services, "client_update", wraps=client_services.client_update) as update:
        answer = api.patch(f"/api/v1/clients/{made.pk}/", {"identity": "anonymous"}, format="json")
    assert answer.status_code == 200 and update.call_count == 1
    made.refresh_from_db()
    assert made.identity == "anonymous" and made.first_name == ""  # Client.clean() ran in the service


def test_the_client_service_applies_the_model_rules(alice):
    with pytest.raises(ValidationError) as refused:
        client_services.client_create(by=alice, identity="pseudonym", birth_year=1990)
    assert "nickname" in refused.value.message_dict
    assert not Client.objects.exists()


# Cases -----------------------------------------------------------------------------------------


def _case_fields(alice, **overrides):
    from accounts.models import Region

    fields = {
        "title": "Lichva",
        "assistant": alice,
        "crime_types": CrimeType.objects.filter(section="§218"),
        "region": Region.objects.get(code="CZ064"),
    }
    fields.update(overrides)
    return fields


def test_sharing_without_consent_is_refused_on_the_field_by_the_service(client, alice, own_client):
    client.force_login(alice)
    from accounts.models import Region

    data = {
        "title": "Lichva",
        "assistant": alice.pk,
        "crime_types": [CrimeType.objects.get(section="§218").pk],
        "region": Region.objects.get(code="CZ064").pk,
        "risk_level": "low",
        "shared_with_police": "on",
    }
    page = client.post(reverse("cases:create", args=[own_client.pk]), data)
    assert page.status_code == 200
    message = "Případ nelze sdílet s policií: klient k tomu nemá platný souhlas."
    assert page.context["form"].errors["shared_with_police"] == [message]
    with pytest.raises(case_services.CaseError) as refused:
        case_services.case_open(by=alice, client=own_client, **_case_fields(alice, shared_with_police=True))
    assert str(refused.value) == message and refused.value.field == "shared_with_police"
    assert not Case.objects.exists()


def test_the_case_service_applies_the_model_rules(alice, own_client):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        case_services.case_open(
            by=alice,
            client=own_client,
            **_case_fields(alice, incident_date=today, reported_on=today - datetime.timedelta(days=1)),
        )
    assert "incident_date" in refused.value.message_dict
    assert not Case.objects.exists()


# Scoped selectors ------------------------------------------------------------------------------


def _attach(case, by, shared):
    return case_services.attachment_add(
        case=case, by=by, checked=CheckedFile(b"%PDF-1.4", "application/pdf", "a.pdf"), shared_with_police=shared
    )


def test_police_see_only_the_shared_attachments_of_their_visible_cases(alice, oscar, police_officer, own_client):
    case = shared_case(client=own_client, assistant=alice)
    shared, internal = _attach(case, alice, True), _attach(case, alice, False)
    assert set(visible_attachments(alice)) == {shared, internal}
    assert list(visible_attachments(police_officer)) == [shared]
    assert not visible_attachments(oscar).exists()
    consent = own_client.consents.get(purpose=Consent.Purpose.POLICE_SHARING)
    consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), withdrawn_by=alice)
    assert not visible_attachments(police_officer).exists()


def test_police_pages_and_api_show_the_attachments_of_the_selector(client, api, alice, police_officer, own_client):
    case = shared_case(client=own_client, assistant=alice)
    shared, internal = _attach(case, alice, True), _attach(case, alice, False)
    client.force_login(police_officer)
    page = client.get(reverse("police:case_detail", args=[case.pk]))
    assert list(page.context["shared_attachments"]) == [shared]
    assert [e.kind for e in page.context["timeline"]].count("attachment") == 1
    assert client.get(reverse("cases:attachment_download", args=[internal.pk])).status_code == 404
    api.force_authenticate(police_officer)
    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert [a["id"] for a in body["shared_attachments"]] == [shared.pk]


def test_tasks_and_referrals_are_the_organisations_only(client, alice, oscar, police_officer, own_client):
    case = shared_case(client=own_client, assistant=alice)
    task, referral = TaskFactory(case=case), ReferralFactory(case=case)
    assert list(visible_tasks(alice)) == [task] and list(visible_referrals(alice)) == [referral]
    for outsider in (oscar, police_officer):
        assert not visible_tasks(outsider).exists()
        assert not visible_referrals(outsider).exists()
    client.force_login(oscar)
    assert client.post(reverse("cases:task_toggle", args=[task.pk])).status_code == 404
    on = timezone.localdate().isoformat()
    assert (
        client.post(reverse("cases:referral_state", args=[referral.pk]), {"state": "sent", "on": on}).status_code == 404
    )


def test_consent_active_is_the_standing_consent_of_a_purpose(alice, own_client):
    police = ConsentFactory(client=own_client, purpose=Consent.Purpose.POLICE_SHARING, recorded_by=alice)
    assert list(Consent.objects.active(Consent.Purpose.POLICE_SHARING)) == [police]
    assert list(own_client.consents.active(Consent.Purpose.POLICE_SHARING)) == [police]
    consent_withdraw(consent=police, withdrawn_on=timezone.localdate(), withdrawn_by=alice)
    assert not Consent.objects.active(Consent.Purpose.POLICE_SHARING).exists()


# National statistics, second factor ------------------------------------------------------------


def test_the_api_statistics_are_assembled_by_the_reports_service(api, ministry_analyst):
    api.force_authenticate(ministry_analyst)
    # Patched where the API looks it up: the one assembly of reports.statistics.
    wrapped = mock.patch.object(api_reports, "national_statistics_sheets", wraps=national_statistics_sheets)
    with wrapped as assemble:
        answer = api.get("/api/v1/statistics/national/", {"period": timezone.localdate().strftime("%Y-%m")})
    assert answer.status_code == 200, answer.json()
    assert assemble.call_count == 1
    tables = answer.json()["tables"]
    sheets = national_statistics_sheets(assemble.call_args.args[0])
    assert [t["title"] for t in tables] == [str(sheet.title) for sheet in sheets]


def test_confirming_an_authenticator_replaces_the_old_one_and_renews_recovery_codes(alice):
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old_codes = account_services.recovery_codes_renew(user=alice)
    old = TOTPDevice.objects.create(user=alice, name="old", confirmed=True)
    pending = account_services.authenticator_pending(user=alice)
    assert account_services.authenticator_pending(user=alice) == pending  # the same QR code on a reload
    codes = account_services.authenticator_confirm(user=alice, device=pending)
    assert len(codes) == account_services.RECOVERY_CODE_COUNT
    assert list(TOTPDevice.objects.filter(user=alice)) == [pending] and not TOTPDevice.objects.filter(pk=old.pk)
    stored = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert stored == set(codes) and not stored & set(old_codes)
