"""axe-core on every main page for every role: no serious or critical WCAG 2.1 AA violation."""

import pytest

from cases.models import CaseNote
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import CaseFactory, ConsentFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES_BY_ROLE = {
    "alice": [
        "/",
        "/contacts/",
        "/contacts/new/",
        "/clients/",
        "/clients/new/",
        "{client}",
        "{contact}",
        "/cases/",
        "/cases/tasks/",
        "{case}",
        "/cases/new/{client_pk}/",
        "/group-activities/",
        "/group-activities/new/",
        "/reports/dashboard/",
    ],
    "carol": [
        "/",
        "/contacts/",
        "/clients/",
        "/accounts/assistants/",
        "/cases/",
        "/group-activities/",
        "/reports/",
        "/reports/dashboard/",
        "/programme/services/",
        "/programme/services/new/",
        "{service}",
        "/programme/projects/new/",
        "/programme/assignments/",
        "/programme/staff-time/",
        "/programme/staff-time/new/",
        "/programme/staff-time/import/",
        "/programme/staff-time/summary/",
        "/transfers/",
        "/transfers/new/{client_pk}/",
        "/manage/",
        "/manage/users/",
        "/manage/users/new/",
        "/manage/users/{alice_pk}/",
        "/manage/users/{alice_pk}/edit/",
        "/manage/organisations/{organisation_pk}/",
        "/manage/organisations/{organisation_pk}/edit/",
    ],
    "police_officer": ["/", "/police/cases/", "{police_case}", "/reports/dashboard/"],
    "ministry_analyst": ["/", "/accounts/assistants/", "/reports/", "/reports/new/national/", "/reports/dashboard/"],
    "administrator": [
        "/",
        "/manage/",
        "/manage/organisations/",
        "/manage/organisations/new/",
        "/manage/organisations/{organisation_pk}/",
        "/manage/organisations/{organisation_pk}/services/new/",
        "/manage/users/",
        "/manage/users/new/",
        "/manage/users/{alice_pk}/",
        "/manage/lists/authorities/",
        "/manage/lists/topics/new/",
        "/manage/lists/crime_types/",
    ],
}


def test_sign_in_page_is_accessible(page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []


@pytest.mark.parametrize("who", sorted(PAGES_BY_ROLE))
def test_main_pages_are_accessible(page, live_server, request, who, alice):
    user = request.getfixturevalue(who)
    contact = ContactFactory(assistant=alice, clients=[])
    client = contact.clients.create(
        organisation=alice.organisation, first_name="Eva", last_name="Bílá", created_by=alice
    )
    ConsentFactory(client=client, purpose="police_sharing", recorded_by=alice)
    case = CaseFactory(client=client, shared_with_police=True)
    CaseNote.objects.create(case=case, author=alice, text="Sdílená poznámka", shared_with_police=True)
    sign_in(page, live_server, user, with_authenticator(user))
    problems = {}
    for path in PAGES_BY_ROLE[who]:
        path = path.format(
            client=f"/clients/{client.pk}/",
            client_pk=client.pk,
            contact=f"/contacts/{contact.pk}/",
            case=f"/cases/{case.pk}/",
            police_case=f"/police/cases/{case.pk}/",
            service=f"/programme/services/{contact.service_id}/",
            alice_pk=alice.pk,
            organisation_pk=alice.organisation_id,
        )
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    screenshot(page, f"a11y-{who}")
    assert problems == {}
