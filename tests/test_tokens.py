"""API tokens end with the password, can be revoked one by one or all at once (API and the
"Sign-in security" page), and the page lists the user's live sessions and tokens."""

import datetime

import pytest
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import SignedInSession
from audit.models import AuditAction, AuditEvent
from common.addresses import masked_address

NEW_PASSWORD = "a long new passphrase for liaison 42"
SECURITY_PAGE = reverse("accounts:two_factor")


def _token(user) -> str:
    _instance, token = AuthToken.objects.create(user)
    return token


def _api(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def _answers(token: str) -> int:
    return _api(token).get("/api/v1/contacts/").status_code


# -- a changed password ends every token ----------------------------------------------------------


def test_changing_the_password_ends_every_token_and_other_sessions(client, alice):
    alice.set_password("correct-horse-battery")
    alice.save()
    tokens = [_token(alice), _token(alice)]
    other_browser = Client()
    other_browser.force_login(alice)
    client.force_login(alice)
    assert [_answers(token) for token in tokens] == [200, 200]

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "correct-horse-battery", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert [_answers(token) for token in tokens] == [401, 401]
    assert not AuthToken.objects.filter(user=alice).exists()
    # Django's session auth hash ends the other browser's session; this one stays signed in.
    assert other_browser.get(reverse("home")).status_code == 302
    page = client.get(SECURITY_PAGE)
    assert page.status_code == 200
    # The current session got a new key with the new password and is still in the list.
    assert [session.is_current for session in page.context["sessions"]] == [True]
    assert SignedInSession.objects.filter(user=alice, session_key=client.session.session_key).exists()


def test_a_password_reset_ends_every_token(client, alice):
    token = _token(alice)
    uidb64 = urlsafe_base64_encode(force_bytes(alice.pk))
    link = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(alice)}
    )
    form = client.get(link, follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert _answers(token) == 401


def test_the_admins_password_change_ends_every_token(alice):
    token = _token(alice)
    form = AdminPasswordChangeForm(alice, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()
    assert _answers(token) == 401


def test_the_changepassword_command_ends_every_token(alice, monkeypatch):
    token = _token(alice)
    command = "django.contrib.auth.management.commands.changepassword"
    monkeypatch.setattr(f"{command}.getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "alice", stdout=None)
    assert _answers(token) == 401


def test_an_unusable_password_ends_every_token(alice):
    token = _token(alice)
    alice.set_unusable_password()
    alice.save()
    assert _answers(token) == 401


def test_other_saves_and_silent_rehashing_keep_the_tokens(alice, settings):
    alice.set_password("correct-horse-battery")
    alice.save()
    token = _token(alice)
    alice.first_name = "Alice"
    alice.save()
    # A preferred hasher other than the stored one: checking the password re-hashes and saves it.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert alice.check_password("correct-horse-battery")
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")
    assert _answers(token) == 200


# -- the API: this token, or every token ----------------------------------------------------------


def test_api_logout_ends_only_the_token_used(alice):
    used, other = _token(alice), _token(alice)
    response = _api(used).post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert _answers(used) == 401
    assert _answers(other) == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == alice and event.path == "/api/v1/auth/logout/"


def test_api_logout_all_ends_every_token_of_the_user(alice, bob):
    used, other, bobs = _token(alice), _token(alice), _token(bob)
    assert _api(used).post("/api/v1/auth/logout-all/").status_code == 204
    assert _answers(used) == 401 and _answers(other) == 401
    assert _answers(bobs) == 200
    assert AuditEvent.objects.filter(actor=alice, action=AuditAction.LOGOUT, path="/api/v1/auth/logout-all/").exists()


def test_api_logout_needs_a_token(client, alice):
    token = _token(alice)
    client.force_login(alice)
    assert client.post("/api/v1/auth/logout-all/").status_code == 401
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401
    assert _answers(token) == 200


# -- the page: live sessions and tokens, sign out everywhere, revoke one token --------------------


def test_security_page_lists_live_sessions_and_tokens_without_secrets(client, alice, bob):
    token = _token(alice)
    _token(bob)
    AuthToken.objects.create(alice, expiry=datetime.timedelta(seconds=-1))  # expired: not listed
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        response = client.get(SECURITY_PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert token[:8] in html
    assert token[:9] not in html  # never more than the shown start, never the token
    assert len(response.context["tokens"]) == 1
    sessions = response.context["sessions"]
    assert len(sessions) == 1 and sessions[0].is_current
    assert 'aria-describedby="sign-out-everywhere-help"' in html

    # More sessions and tokens cost no further query.
    for _ in range(3):
        _token(alice)
        Client().force_login(alice)
    with CaptureQueriesContext(connection) as many:
        response = client.get(SECURITY_PAGE)
    assert len(response.context["tokens"]) == 4 and len(response.context["sessions"]) == 4
    assert len(many) == len(few)


def test_a_session_is_listed_with_its_address_masked(client, alice, settings, real_two_factors):
    settings.LIAISON_REQUIRE_2FA = False
    signed_in = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": "correct-horse-battery"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert signed_in.status_code == 302
    html = client.get(SECURITY_PAGE).content.decode()
    assert "198.51.100.*" in html and "198.51.100.7" not in html
    assert SignedInSession.objects.get(user=alice).address == "198.51.100.*"


def test_sign_out_everywhere_ends_every_session_and_token(client, alice, bob):
    tokens = [_token(alice), _token(alice)]
    bobs = _token(bob)
    phone = Client()
    phone.force_login(alice)
    client.force_login(alice)
    bobs_browser = Client()
    bobs_browser.force_login(bob)

    response = client.post(reverse("accounts:sign_out_everywhere"))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert [_answers(token) for token in tokens] == [401, 401]
    assert not SignedInSession.objects.filter(user=alice).exists()
    # Nobody else is touched.
    assert bobs_browser.get(reverse("home")).status_code == 200 and _answers(bobs) == 200
    assert AuditEvent.objects.filter(actor=alice, action=AuditAction.LOGOUT_ALL).count() == 1


def test_sign_out_everywhere_is_a_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:sign_out_everywhere")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_revoke_one_own_token(client, alice):
    kept, revoked = _token(alice), _token(alice)
    client.force_login(alice)
    response = client.post(reverse("accounts:token_revoke"), {"token": revoked[:8]})
    assert response.status_code == 302
    assert _answers(revoked) == 401 and _answers(kept) == 200
    assert AuditEvent.objects.filter(actor=alice, action=AuditAction.TOKEN_REVOKED).count() == 1


@pytest.mark.parametrize("posted", ["other user's", "", "abc", "whole key"])
def test_revoking_another_users_or_an_unknown_token_is_404(client, alice, bob, posted):
    bobs = _token(bob)
    own = _token(alice)
    value = {"other user's": bobs[:8], "": "", "abc": "abc", "whole key": own[:15]}[posted]
    client.force_login(alice)
    assert client.post(reverse("accounts:token_revoke"), {"token": value}).status_code == 404
    assert _answers(bobs) == 200 and _answers(own) == 200


def test_sessions_whose_password_changed_are_not_listed(client, alice):
    old = Client()
    old.force_login(alice)
    alice.set_password(NEW_PASSWORD)
    alice.save()
    client.force_login(alice)
    sessions = client.get(SECURITY_PAGE).context["sessions"]
    assert [session.session_key for session in sessions] == [client.session.session_key]
    assert Session.objects.filter(session_key=old.session.session_key).exists()  # refused lazily by Django


def test_masked_addresses():
    assert masked_address("198.51.100.7") == "198.51.100.*"
    assert masked_address("2001:db8:1234:5678::1") == "2001:0db8:1234:*"
    assert masked_address(None) == "" and masked_address("not an address") == ""
