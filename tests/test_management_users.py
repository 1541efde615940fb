"""The management area's users: one form creates the account with its role (always chosen, only
one the actor may give), organisation, assistant profile, localities and funding; the
invitation's one-time link sets the password and leads to the second factor; deactivation ends
every session and token. A coordinator manages only the own organisation's users."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Municipality, User
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from management import services as management_services
from management.models import Invitation
from programmes.models import Assignment
from programmes.services import starting_service
from tests.factories import ClientFactory, a_locality

NEW_USER = reverse("management:user_create")
PASSWORD = "a long new passphrase for liaison 42"


def _form(organisation, **changes) -> dict:
    locality = a_locality("Brno")
    data = {
        "first_name": "Petra",
        "last_name": "Horváthová",
        "username": "petra.h",
        "email": "petra@example.cz",
        "role": Role.ASSISTANT,
        "organisation": organisation.pk,
        "municipality": locality.municipality_id,
        "localities": [locality.pk],
        "employed_from": "2026-01-01",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _link(message) -> str:
    found = re.search(r"https?://\S+/manage/invitation/\S+/", message.body)
    assert found, message.body
    return found.group(0).split("testserver", 1)[1]


def _role_select(page: str) -> str:
    found = re.search(r'<select name="role".*?</select>', page, re.S)
    assert found, page
    return found.group(0)


def _events(action, user) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(user.pk)).count()


# -- one form ------------------------------------------------------------------------------------


def test_administrator_creates_an_assistant_with_profile_funding_and_invitation(administrator, drom):
    service = starting_service(drom)
    response = _signed_in(administrator).post(NEW_USER, _form(drom, service=service.pk, funded_from="2026-02-01"))

    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="petra.h")
    assert (user.role, user.organisation, user.email) == (Role.ASSISTANT, drom, "petra@example.cz")
    assert not user.has_usable_password()  # until the invitation is used
    profile = user.assistant_profile
    assert (profile.employer, profile.municipality.name) == (drom, "Brno")
    assert list(profile.localities.all()) == [a_locality("Brno")]
    assignment = Assignment.objects.get(profile=profile)
    assert (assignment.service, assignment.project, assignment.valid_from) == (service, None, datetime.date(2026, 2, 1))
    assert _events(AuditAction.USER_CREATED, user) == 1
    assert _events(AuditAction.INVITATION_SENT, user) == 1
    [message] = mail.outbox
    assert message.to == ["petra@example.cz"]
    assert "petra.h" in message.body and "/manage/invitation/" in message.body


def test_the_role_has_no_default_and_must_be_chosen(administrator, drom):
    client = _signed_in(administrator)
    page = client.get(NEW_USER).content.decode()
    role_select = _role_select(page)
    assert '<option value="" selected>' in role_select

    response = client.post(NEW_USER, _form(drom, role=""))

    assert response.status_code == 400
    assert "Toto pole je vyžadováno." in response.content.decode()
    assert not User.objects.filter(username="petra.h").exists()


def test_an_assistant_needs_the_municipality(administrator, drom):
    response = _signed_in(administrator).post(NEW_USER, _form(drom, municipality=None, localities=None))
    assert response.status_code == 400
    assert "Asistent potřebuje obec, kde pracuje." in response.content.decode()
    assert not User.objects.filter(username="petra.h").exists()


def test_a_role_must_fit_the_organisation(administrator, drom):
    response = _signed_in(administrator).post(NEW_USER, _form(drom, role=Role.POLICE))
    assert response.status_code == 400
    assert "Tato role do organizace tohoto druhu nepatří." in response.content.decode()
    assert not User.objects.filter(username="petra.h").exists()


def test_a_taken_user_name_is_refused_and_nothing_is_saved(administrator, drom, alice):
    response = _signed_in(administrator).post(NEW_USER, _form(drom, username="ALICE"))
    assert response.status_code == 400
    assert "Toto uživatelské jméno je obsazené." in response.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize("role", [Role.ADMIN, Role.POLICE, Role.MINISTRY])
def test_a_coordinator_cannot_grant_admin_police_or_ministry(carol, role):
    client = _signed_in(carol)
    page = client.get(NEW_USER).content.decode()
    role_select = _role_select(page)
    assert f'value="{role.value}"' not in role_select

    response = client.post(NEW_USER, _form(carol.organisation, role=role))

    assert response.status_code == 400
    assert not User.objects.filter(username="petra.h").exists()


def test_a_coordinators_new_user_belongs_to_the_coordinators_organisation(carol, other_org):
    response = _signed_in(carol).post(NEW_USER, _form(other_org, role=Role.COORDINATOR))
    assert response.status_code == 302
    assert User.objects.get(username="petra.h").organisation == carol.organisation


def test_a_coordinator_cannot_see_or_touch_another_organisations_user(carol, oscar):
    client = _signed_in(carol)
    for name in ("user_detail", "user_edit"):
        assert client.get(reverse(f"management:{name}", args=[oscar.pk])).status_code == 404
    for name in ("user_deactivate", "user_reactivate", "user_invite"):
        assert client.post(reverse(f"management:{name}", args=[oscar.pk])).status_code == 404
    assert client.get(reverse("management:organisation_detail", args=[oscar.organisation_id])).status_code == 404
    oscar.refresh_from_db()
    assert oscar.is_active
    assert "oscar" not in client.get(reverse("management:user_list")).content.decode()


def test_nobody_changes_their_own_role(administrator, drom):
    operator = administrator.organisation
    response = _signed_in(administrator).post(
        reverse("management:user_edit", args=[administrator.pk]),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@example.cz",
            "role": Role.MINISTRY,
            "organisation": operator.pk,
        },
    )
    assert response.status_code == 400
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMIN


def test_editing_a_user_changes_the_profile_and_is_audited(carol, alice):
    municipality = Municipality.objects.get(name="Ostrava")
    response = _signed_in(carol).post(
        reverse("management:user_edit", args=[alice.pk]),
        {
            "first_name": "Alice",
            "last_name": "Nová",
            "email": "alice@example.cz",
            "role": Role.ASSISTANT,
            "municipality": municipality.pk,
            "employed_from": "2025-03-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    alice.refresh_from_db()
    assert (alice.last_name, alice.assistant_profile.municipality) == ("Nová", municipality)
    assert _events(AuditAction.USER_CHANGED, alice) == 1


def test_the_management_area_shows_no_client_data(administrator, carol, alice):
    ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Zdeněk", last_name="Klientský")
    pages = [
        reverse("management:index"),
        reverse("management:user_list"),
        reverse("management:user_detail", args=[alice.pk]),
        reverse("management:organisation_list"),
        reverse("management:organisation_detail", args=[alice.organisation_id]),
    ]
    for user in (administrator, carol):
        client = _signed_in(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert "Klientský" not in response.content.decode(), page


# -- the invitation ------------------------------------------------------------------------------


def _invited(administrator, organisation) -> tuple[User, str]:
    response = _signed_in(administrator).post(NEW_USER, _form(organisation))
    assert response.status_code == 302
    return User.objects.get(username="petra.h"), _link(mail.outbox[-1])


def test_the_invitation_link_sets_the_password_once_and_leads_to_the_second_factor(administrator, drom):
    user, link = _invited(administrator, drom)
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "petra.h" in page.content.decode()

    response = browser.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_setup")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert _events(AuditAction.INVITATION_USED, user) == 1
    # Signed in with the password alone: every other page asks for the second factor first.
    assert browser.get(reverse("accounts:otp_setup")).status_code == 200
    assert browser.get(reverse("contacts:list"))["Location"].startswith(reverse("accounts:otp_setup"))
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 404
    assert "Odkaz už nefunguje" in again.content.decode()
    assert Client().post(link, {"new_password1": "x" + PASSWORD, "new_password2": "x" + PASSWORD}).status_code == 404
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_invitation_link_expires(administrator, drom, settings):
    user, link = _invited(administrator, drom)
    Invitation.objects.filter(user=user).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(link).status_code == 404
    assert Client().post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}).status_code == 404
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_the_invitation_link_is_valid_for_the_configured_days(administrator, drom, settings):
    settings.LIAISON_INVITATION_DAYS = 3
    user, _link_ = _invited(administrator, drom)
    invitation = Invitation.objects.get(user=user)
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=3)


def test_sending_again_replaces_the_earlier_link(administrator, drom):
    user, first = _invited(administrator, drom)
    response = _signed_in(administrator).post(reverse("management:user_invite", args=[user.pk]))
    assert response.status_code == 302
    second = _link(mail.outbox[-1])
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert _events(AuditAction.INVITATION_SENT, user) == 2


def test_the_password_of_the_invitation_meets_the_password_rules(administrator, drom):
    user, link = _invited(administrator, drom)
    response = Client().post(link, {"new_password1": "heslo", "new_password2": "heslo"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert Client().get(link).status_code == 200  # an unsuccessful attempt does not use it up


def test_a_wrong_link_says_it_no_longer_works(db):
    response = Client().get(reverse("management:invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 404


# -- deactivation --------------------------------------------------------------------------------


def test_a_deactivated_user_is_signed_out_their_token_stops_and_they_cannot_sign_in(carol, alice):
    _instance, token = AuthToken.objects.create(alice)
    alice_browser = Client()
    alice_browser.force_login(alice)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/contacts/").status_code == 200

    response = _signed_in(carol).post(reverse("management:user_deactivate", args=[alice.pk]))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert api.get("/api/v1/contacts/").status_code == 401
    assert not AuthToken.objects.filter(user=alice).exists()
    assert alice_browser.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))
    sign_in = Client().post(reverse("accounts:login"), {"username": "alice", "password": "correct-horse-battery"})
    assert sign_in.status_code == 200  # the form again, not signed in
    assert "_auth_user_id" not in Client().session
    assert _events(AuditAction.USER_DEACTIVATED, alice) == 1

    _signed_in(carol).post(reverse("management:user_reactivate", args=[alice.pk]))
    alice.refresh_from_db()
    assert alice.is_active
    assert _events(AuditAction.USER_REACTIVATED, alice) == 1


def test_nobody_deactivates_themselves(carol):
    response = _signed_in(carol).post(reverse("management:user_deactivate", args=[carol.pk]))
    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.is_active


def test_deactivation_withdraws_the_invitation(administrator, drom):
    user, link = _invited(administrator, drom)
    _signed_in(administrator).post(reverse("management:user_deactivate", args=[user.pk]))
    assert Client().get(link).status_code == 404


def test_the_user_list_is_paged_in_a_fixed_number_of_queries(administrator, drom, django_assert_num_queries):
    for number in range(30):
        User.objects.create(username=f"pracovnik{number}", organisation=drom, role=Role.ASSISTANT)
    client = _signed_in(administrator)
    client.get(reverse("management:user_list"))  # the session's first request loads more
    # session, user with the organisation, second-factor device; the organisations of the filter;
    # the page of users with their count, organisations and open invitations (one query); the
    # session is renewed at most once a minute, not on this request
    with django_assert_num_queries(5):
        response = client.get(reverse("management:user_list") + "?page=2")
    assert response.status_code == 200
    assert "Strana 2 z 2" in response.content.decode()


def test_a_new_account_is_shown_to_the_organisations_coordinators(administrator, carol):
    response = _signed_in(administrator).post(NEW_USER, _form(carol.organisation, role=Role.COORDINATOR))
    assert response.status_code == 302
    start_page = _signed_in(carol).get(reverse("home")).content.decode()
    section = start_page.split('id="access-changes-heading"', 1)[1].split("</section>", 1)[0]
    assert "petra.h" in section and administrator.username in section


def test_the_invitation_opens_in_a_browser_signed_in_with_the_password_alone(
    administrator, drom, bob, real_two_factors
):
    management_services.user_create(
        actor=administrator,
        site="http://testserver/",
        username="petra.h",
        first_name="Petra",
        last_name="Horváthová",
        email="petra@example.cz",
        role=Role.COORDINATOR,
        organisation=drom,
    )
    link = _link(mail.outbox[-1])
    browser = Client()
    browser.force_login(bob)  # no second factor given yet
    assert browser.get(reverse("contacts:list")).status_code == 302
    assert browser.get(link).status_code == 200
