"""The REST API: same scoping as the pages, JSON errors, 401 without credentials."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation
from clients.models import Client
from contacts.models import Authority, Contact
from tests.factories import CaseFactory, ConsentFactory, activity_type_of
from tests.otp_helpers import current_code, with_authenticator


@pytest.fixture
def api():
    return APIClient()


def _drom_type(category: str):
    return activity_type_of(Organisation.objects.get(name="DROM, romské středisko"), category)


def _minutes(overrides) -> int:
    duration = overrides.get("duration_minutes", 30)
    return duration if isinstance(duration, int) and 0 < duration <= 24 * 60 else 30


def _contact_payload(**overrides):
    data = {
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "duration_minutes": 30,
        "authority": Authority.objects.get(name="Policie ČR").pk,
        # One activity of the whole duration (of 30 minutes when the duration is not a valid one).
        "activities": [{"activity_type": _drom_type("mediation").pk, "minutes": _minutes(overrides)}],
        "anonymous_persons": 0,
    }
    data.update(overrides)
    return data


def test_no_credentials_is_401(api, own_client):
    assert api.get("/api/v1/clients/").status_code == 401
    assert api.get(f"/api/v1/clients/{own_client.pk}/").status_code == 401


def test_wrong_token_is_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/contacts/").status_code == 401


def test_token_with_password_when_two_factors_are_relaxed(api, alice, settings):
    settings.LIAISON_REQUIRE_2FA = False
    response = api.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/clients/").status_code == 200


def test_token_refused_without_second_factor_when_required(api, alice, settings):
    settings.LIAISON_REQUIRE_2FA = True
    response = api.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 401


def test_wrong_password_is_401(api, alice):
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 401


def test_lists_are_scoped(api, alice, own_contact, foreign_contact):
    api.force_authenticate(alice)
    ids = [row["id"] for row in api.get("/api/v1/contacts/").json()["results"]]
    assert ids == [own_contact.pk]
    client_ids = [row["id"] for row in api.get("/api/v1/clients/").json()["results"]]
    assert client_ids == [own_contact.clients.get().pk]


def test_foreign_ids_are_404(api, alice, foreign_contact):
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/contacts/{foreign_contact.pk}/").status_code == 404
    assert api.get(f"/api/v1/clients/{foreign_contact.clients.get().pk}/").status_code == 404
    assert api.get("/api/v1/contacts/999999/").status_code == 404


@pytest.mark.parametrize("who", ["police_officer", "ministry_analyst", "administrator"])
def test_roles_without_client_work_get_403(api, request, who, own_contact):
    api.force_authenticate(request.getfixturevalue(who))
    assert api.get("/api/v1/contacts/").status_code == 403
    assert api.get("/api/v1/clients/").status_code == 403
    assert api.get("/api/v1/reference/authorities/").status_code == 200


def test_create_contact(api, alice, own_client):
    api.force_authenticate(alice)
    response = api.post("/api/v1/contacts/", _contact_payload(clients=[own_client.pk]), format="json")
    assert response.status_code == 201, response.json()
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.assistant == alice and contact.organisation == alice.organisation
    assert list(contact.clients.all()) == [own_client]


def test_bad_contact_input_is_400_naming_fields(api, alice, foreign_client):
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/contacts/",
        _contact_payload(
            duration_minutes=-5, clients=[foreign_client.pk], activities=[{"activity_type": 0, "minutes": 0}]
        ),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert {"clients", "activities"} <= set(errors)
    response = api.post("/api/v1/contacts/", _contact_payload(duration_minutes=-5), format="json")
    assert response.status_code == 400 and "duration_minutes" in response.json()
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    response = api.post("/api/v1/contacts/", _contact_payload(occurred_at=future), format="json")
    assert response.status_code == 400 and "occurred_at" in response.json()
    assert Contact.objects.count() == 0


def test_errors_are_czech_by_default(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/contacts/", _contact_payload(duration_minutes=0), format="json")
    assert response.json()["duration_minutes"] == ["Délka musí být alespoň jedna minuta."]


def test_posted_organisation_is_ignored(api, alice, other_org):
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/clients/",
        {"identity": "named", "first_name": "Jan", "last_name": "Novák", "organisation": other_org.pk},
        format="json",
    )
    assert response.status_code == 201
    assert Client.objects.get(pk=response.json()["id"]).organisation == alice.organisation


def test_client_identity_rules(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/clients/", {"identity": "pseudonym"}, format="json")
    assert response.status_code == 400 and {"nickname", "birth_year"} <= set(response.json())


def test_colleague_cannot_update_anothers_contact(api, bob, own_contact):
    api.force_authenticate(bob)
    response = api.patch(f"/api/v1/contacts/{own_contact.pk}/", {"duration_minutes": 99}, format="json")
    assert response.status_code == 403


def test_police_sees_only_shared_consented_cases_of_region(api, police_officer, alice, own_client):
    shared = CaseFactory(client=own_client, shared_with_police=True)
    ConsentFactory(client=own_client, purpose="police_sharing", recorded_by=alice)
    CaseFactory(client=own_client, shared_with_police=False)
    api.force_authenticate(police_officer)
    ids = [row["id"] for row in api.get("/api/v1/cases/").json()["results"]]
    assert ids == [shared.pk]


def test_contact_list_query_count_is_constant(api, alice, django_assert_num_queries):
    from tests.factories import ClientFactory, ContactFactory

    api.force_authenticate(alice)

    def grow(n):
        for _ in range(n):
            ContactFactory(assistant=alice, clients=[ClientFactory(organisation=alice.organisation, created_by=alice)])

    grow(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/contacts/")
    grow(15)
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/contacts/")
    assert len(small) == len(large)


def test_token_with_second_factor_and_code_reuse_refused(api, alice, settings):
    settings.LIAISON_REQUIRE_2FA = True
    device = with_authenticator(alice)
    payload = {"username": "alice", "password": "correct-horse-battery", "otp_token": current_code(device)}
    assert api.post("/api/v1/auth/token/", payload, format="json").status_code == 200
    # The same code a second time is refused: a TOTP code is single-use.
    assert api.post("/api/v1/auth/token/", payload, format="json").status_code == 401


def test_case_timeline_hides_internal_notes_from_the_police(api, alice, police_officer, own_client):
    from cases.models import CaseNote

    case = CaseFactory(client=own_client, shared_with_police=True)
    ConsentFactory(client=own_client, purpose="police_sharing", recorded_by=alice)
    CaseNote.objects.create(case=case, author=alice, text="Interní: klientka se bojí", shared_with_police=False)
    CaseNote.objects.create(case=case, author=alice, text="Pro policii: svědek existuje", shared_with_police=True)
    api.force_authenticate(alice)
    texts = [entry["text"] for entry in api.get(f"/api/v1/cases/{case.pk}/timeline/").json()]
    assert "Interní: klientka se bojí" in texts and "Pro policii: svědek existuje" in texts
    api.force_authenticate(police_officer)
    response = api.get(f"/api/v1/cases/{case.pk}/timeline/")
    assert response.status_code == 200
    assert "Interní" not in response.content.decode()
    assert "Pro policii: svědek existuje" in [entry["text"] for entry in response.json()]


def test_api_detail_reads_are_audited(api, alice, own_contact):
    from audit.models import AuditAction, AuditEvent

    api.force_authenticate(alice)
    api.get(f"/api/v1/contacts/{own_contact.pk}/")
    api.get(f"/api/v1/contacts/{own_contact.pk}/")
    api.get(f"/api/v1/clients/{own_contact.clients.get().pk}/")
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=alice)
    assert views.count() == 3
    assert sorted(views.values_list("object_id", flat=True)) == sorted(
        [str(own_contact.pk), str(own_contact.pk), str(own_contact.clients.get().pk)]
    )


def test_cases_filter_by_status(api, alice, own_client):
    new = CaseFactory(client=own_client)
    CaseFactory(client=own_client, status="closed")
    api.force_authenticate(alice)
    ids = [row["id"] for row in api.get("/api/v1/cases/", {"status": "new"}).json()["results"]]
    assert ids == [new.pk]


def test_interactive_documentation_needs_no_inline_script(client, alice):
    import re

    client.force_login(alice)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "swagger-ui" in body.lower()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "an inline script would be blocked by the CSP"
    assert client.get("/api/schema/").status_code == 200


def test_contact_activities_are_written_and_read_through_the_api(api, alice, own_client, oscar):
    api.force_authenticate(alice)
    accompaniment, advocacy = _drom_type("accompaniment"), _drom_type("advocacy")
    payload = _contact_payload(
        duration_minutes=50,
        clients=[own_client.pk],
        activities=[
            {"activity_type": accompaniment.pk, "minutes": 30},
            {"activity_type": advocacy.pk, "minutes": 20, "work": "on_behalf"},
        ],
    )
    response = api.post("/api/v1/contacts/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(a["activity_type"], a["minutes"], a["work"], a["category"]) for a in body["activities"]] == [
        (accompaniment.pk, 30, "direct", "accompaniment"),
        (advocacy.pk, 20, "on_behalf", "advocacy"),
    ]
    contact = Contact.objects.get(pk=body["id"])
    assert contact.service == accompaniment.service
    listed = api.get("/api/v1/contacts/").json()["results"][0]
    assert listed["activities"] == body["activities"]
    # A partial update without activities keeps them; with them, replaces them.
    response = api.patch(f"/api/v1/contacts/{contact.pk}/", {"outcome": "Hotovo"}, format="json")
    assert response.status_code == 200, response.json()
    assert contact.activities.count() == 2
    response = api.patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"duration_minutes": 15, "activities": [{"activity_type": advocacy.pk, "minutes": 15}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert list(contact.activities.values_list("activity_type", "minutes")) == [(advocacy.pk, 15)]


@pytest.mark.parametrize(
    ("activities", "message"),
    [
        ([], "Zadejte alespoň jeden výkon."),
        ([{"activity_type": "ACC", "minutes": 20}], "Minuty výkonů dávají dohromady 20 min, ale délka je 30 min."),
        (
            [{"activity_type": "ACC", "minutes": 0}, {"activity_type": "ACC", "minutes": 30}],
            "Každý výkon trvá alespoň jednu minutu.",
        ),
        ([{"activity_type": "FOREIGN", "minutes": 30}], "neexistuje"),
        ([{"activity_type": "ACC", "minutes": 30, "work": "juggling"}], "není platnou možností"),
    ],
)
def test_bad_activities_are_400_in_czech_and_save_nothing(api, alice, oscar, own_client, activities, message):
    api.force_authenticate(alice)
    ids = {"ACC": _drom_type("accompaniment").pk, "FOREIGN": activity_type_of(oscar.organisation).pk}
    rows = [{**row, "activity_type": ids[row["activity_type"]]} for row in activities]
    response = api.post(
        "/api/v1/contacts/",
        _contact_payload(clients=[own_client.pk], activities=rows),
        format="json",
        HTTP_ACCEPT_LANGUAGE="cs",
    )
    assert response.status_code == 400
    assert "activities" in response.json()
    assert message in str(response.json())
    assert Contact.objects.count() == 0


def test_work_without_a_client_through_the_api(api, alice):
    api.force_authenticate(alice)
    payload = _contact_payload(activities=[{"activity_type": _drom_type("case_conference").pk, "minutes": 30}])
    payload.pop("authority")
    response = api.post("/api/v1/contacts/", payload, format="json")
    assert response.status_code == 201, response.json()
    payload["activities"] = [{"activity_type": _drom_type("consultation").pk, "minutes": 30}]
    response = api.post("/api/v1/contacts/", payload, format="json")
    assert response.status_code == 400
    assert "clients" in response.json()
