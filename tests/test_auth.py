"""Sign-in: lockout per username, two factors (TOTP used once, recovery codes used once), password
reset that still asks for the second factor, session id rotation, idle and absolute expiry,
deactivation ending every session, password rules."""

import datetime
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignedInSession
from accounts.sessions import SIGNED_IN_AT

PASSWORD = "correct-horse-battery"  # tests/factories.py
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _two_factors_on(settings):
    settings.LIAISON_REQUIRE_2FA = True


def sign_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


# -- lockout -------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_not_the_office(db, alice, bob, real_two_factors):
    office = Client()
    for _ in range(4):
        assert sign_in(office, "alice", "wrong-password-123").status_code == 200
    assert sign_in(office, "alice", "wrong-password-123").status_code == 429  # the fifth failure locks
    locked = sign_in(office, "alice")  # the right password no longer helps
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "alice" not in body  # the page does not confirm which account exists
    assert "15" in body  # the cool-off, in minutes
    # A colleague on the same address signs in normally.
    colleague = sign_in(Client(), "bob")
    assert colleague.status_code == 302


def test_lockout_ends_after_the_cool_off(db, alice, settings, real_two_factors):
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(5):
        sign_in(client, "alice", "wrong-password-123")
    assert sign_in(client, "alice").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert sign_in(client, "alice").status_code == 302


# -- two factors ---------------------------------------------------------------------------------


def test_password_alone_leads_to_the_second_factor(client, alice, real_two_factors):
    totp_device(alice)
    response = sign_in(client, "alice")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:otp_verify"))
    # Nothing with personal data is reachable, the API neither.
    assert client.get(reverse("clients:list")).status_code == 302
    assert client.get("/api/v1/clients/").status_code == 302


def test_user_without_a_device_is_sent_to_enrolment(client, alice, real_two_factors):
    sign_in(client, "alice")
    response = client.get("/")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_enrolment_shows_a_qr_code_and_recovery_codes_once(client, alice, real_two_factors):
    sign_in(client, "alice")
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "data:" not in body  # inline SVG, no external QR service
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    done = client.post(reverse("accounts:otp_setup"), {"otp_token": current_code(device)})
    assert done.status_code == 200
    codes = StaticToken.objects.filter(device__user=alice).values_list("token", flat=True)
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("clients:list")).status_code == 200


def test_a_stolen_password_cannot_enrol_another_phone(client, alice, real_two_factors):
    totp_device(alice)
    sign_in(client, "alice")
    response = client.get(reverse("accounts:otp_setup"))
    assert response["Location"] == reverse("accounts:otp_verify")


def test_totp_code_works_once(alice, real_two_factors):
    device = totp_device(alice)
    code = current_code(device)
    first = Client()
    sign_in(first, "alice")
    assert first.post(reverse("accounts:otp_verify"), {"otp_token": code}).status_code == 302
    assert first.get(reverse("clients:list")).status_code == 200
    # The same code, a second time (an attacker who saw it): refused.
    second = Client()
    sign_in(second, "alice")
    refused = second.post(reverse("accounts:otp_verify"), {"otp_token": code})
    assert refused.status_code == 200
    assert second.get(reverse("clients:list")).status_code == 302


def test_wrong_code_is_refused_with_an_announced_error(client, alice, real_two_factors):
    totp_device(alice)
    sign_in(client, "alice")
    response = client.post(reverse("accounts:otp_verify"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert client.get("/").status_code == 302


def test_recovery_code_works_once(alice, real_two_factors):
    totp_device(alice)
    recovery = StaticDevice.objects.create(user=alice, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")
    first = Client()
    sign_in(first, "alice")
    assert first.post(reverse("accounts:otp_verify"), {"otp_token": "abcd2345"}).status_code == 302
    assert first.get(reverse("clients:list")).status_code == 200
    second = Client()
    sign_in(second, "alice")
    assert second.post(reverse("accounts:otp_verify"), {"otp_token": "abcd2345"}).status_code == 200
    assert second.get(reverse("clients:list")).status_code == 302


def test_new_recovery_codes_replace_the_old(client, alice):
    client.force_login(alice)
    totp_device(alice)
    response = client.post(reverse("accounts:two_factor"))
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user=alice, device__name="recovery").count() == 10


def test_demo_setting_relaxes_the_second_factor(client, alice, settings, real_two_factors):
    settings.LIAISON_REQUIRE_2FA = False
    sign_in(client, "alice")
    page = client.get(reverse("clients:list"))
    assert page.status_code == 200
    assert "LIAISON_REQUIRE_2FA" in page.content.decode()  # the banner says so


def test_production_settings_require_two_factors():
    """Without DEBUG, two factors are on unless switched off explicitly."""
    import subprocess
    import sys

    env = {
        "DEBUG": "0",
        "DATABASE_URL": "postgres://liaison@db.example.org:5432/liaison",
        "SECRET_KEY": "x" * 60,
        "LIAISON_ENCRYPTION_KEYS": "XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM=",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "-c", "from liaison import settings; print(settings.LIAISON_REQUIRE_2FA)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.strip() == "True"


# -- password reset ------------------------------------------------------------------------------


def test_password_reset_does_not_skip_the_second_factor(
    client, alice, real_two_factors, settings, django_capture_on_commit_callbacks
):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])
    totp_device(alice)
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the mail is sent by a task (accounts/tasks.py)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    new_password = "a long new passphrase for liaison 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    # Not signed in by the reset; signing in with the new password still asks for the code.
    assert client.get("/").status_code == 302
    sign_in(client, "alice", new_password)
    assert client.get("/")["Location"].startswith(reverse("accounts:otp_verify"))


def test_reset_form_does_not_reveal_accounts(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("weak", ["heslo", "Heslo2024!", "password1234", "123456789012", "liaisonliaison"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_long_passphrase_without_composition_rules_is_accepted():
    validate_password("kočka leze dírou pes oknem")


# -- sessions ------------------------------------------------------------------------------------


def test_sign_in_gives_a_new_session_id(client, alice, settings, real_two_factors):
    settings.LIAISON_REQUIRE_2FA = False
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    sign_in(client, "alice")
    after = client.session.session_key
    assert before and after and before != after


def test_second_factor_gives_a_new_session_id(client, alice, real_two_factors):
    device = totp_device(alice)
    sign_in(client, "alice")
    before = client.session.session_key
    client.post(reverse("accounts:otp_verify"), {"otp_token": current_code(device)})
    after = client.session.session_key
    assert before != after
    assert SignedInSession.objects.filter(user=alice, session_key=after).exists()
    assert not Session.objects.filter(session_key=before).exists()


def test_idle_session_expires(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_idle_timeout_is_thirty_minutes_and_renewed(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_session_ends_at_the_absolute_limit(client, alice, settings):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.LIAISON_SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get("/").status_code == 302  # really signed out


def test_deactivation_ends_every_session_at_once(alice):
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(alice)
        assert browser.get("/").status_code == 200
    keys = [browser.session.session_key for browser in browsers]
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not SignedInSession.objects.filter(user=alice).exists()
    for browser in browsers:
        assert browser.get("/").status_code == 302


def test_sign_out_forgets_the_session(client, alice):
    client.force_login(alice)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not SignedInSession.objects.filter(session_key=key).exists()
