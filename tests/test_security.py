"""HTTP hardening: headers and CSP, no caching of personal data, /healthz, the 503 page, the
deployment check, logs without personal data, and bad input (foreign ids, extra fields, missing
CSRF token, script in text, oversized requests)."""

import logging
import os
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter

from clients.models import Client as ClientRecord
from liaison.security_logging import PersonalDataFilter, mask

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Pq9vR2mXz$Lw4Tn8Yb6Hc3Jf5Gd1Sa0Ue-Wo+Ii*Kl!Mn@Bv%Cx^Zq&Er(Ty)",
    "ALLOWED_HOSTS": "liaison.example.org",
    "DATABASE_URL": "postgres://liaison@db.example.org:5432/liaison",
    "LIAISON_ENCRYPTION_KEYS": "XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM=",
}


# -- headers ---------------------------------------------------------------------------------------


def test_security_headers_on_a_page_with_personal_data(client, alice, own_client):
    client.force_login(alice)
    response = client.get(reverse("clients:detail", args=[own_client.pk]), secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_hsts_for_a_year_in_production(settings, client, db):
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    response = client.get(reverse("accounts:login"), secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_cookies_are_secure_httponly_samesite(settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax" and settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_NAME.startswith("__Host-")


def test_pages_have_no_inline_script_or_style(client, alice, own_contact):
    client.force_login(alice)
    for url in [
        reverse("home"),
        reverse("clients:list"),
        reverse("contacts:create"),
        reverse("contacts:detail", args=[own_contact.pk]),
    ]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and '<script type="text/javascript">' not in body, url
        assert " style=" not in body, url
        assert "onclick=" not in body and "onload=" not in body, url
        assert '"includeIndicatorStyles":false' in body, url


def test_public_views_are_few_and_marked():
    """Deny by default: only these URL names answer an anonymous visitor without the sign-in page."""
    from django.urls import get_resolver

    public = set()

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif getattr(entry.callback, "login_required", True) is False and entry.name:
                public.add(namespace + entry.name)

    walk(get_resolver())
    expected = {
        "healthz",
        "set_language",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
    }
    # The admin's login (it forwards to ours) and the API (it answers 401 itself) are their own.
    assert {n for n in public if not n.startswith(("admin:", "api:"))} == expected


# -- health and the database being down ------------------------------------------------------------


def test_healthz_is_public_and_says_only_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from liaison import security

    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(security, "connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert "refused" not in response.content.decode()


def test_friendly_503_when_the_database_is_down(alice, own_client, monkeypatch):
    from clients import views

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    monkeypatch.setattr(views, "_get_client_for_user", down)
    response = browser.get(reverse("clients:detail", args=[own_client.pk]))
    assert response.status_code == 503
    body = response.content.decode()
    assert "dočasně nedostupný" in body  # Czech by default
    assert "Traceback" not in body and "connect to server" not in body


def test_503_also_when_the_session_cannot_be_read(alice, monkeypatch):
    """The database can fail before any view runs (sessions); handler500 answers 503 then."""
    from django.contrib.sessions.backends import db as session_db

    browser = Client(raise_request_exception=False)
    browser.force_login(alice)

    def down(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(session_db.SessionStore, "load", down)
    response = browser.get(reverse("home"))
    assert response.status_code == 503
    assert "unexpectedly" not in response.content.decode()


# -- the deployment check ----------------------------------------------------------------------------


def test_check_deploy_has_no_warning(tmp_path):
    # A clean environment: nothing from the test run (such as DJANGO_ALLOW_ASYNC_UNSAFE) leaks in.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LIAISON_VAR_DIR": str(tmp_path), **PRODUCTION_ENV}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


# -- logs and error reports ------------------------------------------------------------------------

MARKERS = ["Marker-Pw-7f3a9c", "marker.person@example.org", "Markerovic-9d2e"]


def test_posted_personal_data_never_reaches_the_logs(client, alice, caplog, real_two_factors):
    caplog.set_level(logging.DEBUG)
    client.post(reverse("accounts:login"), {"username": "alice", "password": MARKERS[0]})
    client.force_login(alice)
    client.post(reverse("clients:create"), {"identity": "named", "first_name": MARKERS[2], "last_name": ""})
    client.post(reverse("clients:list"), {"q": MARKERS[2]})
    client.post(reverse("accounts:password_reset"), {"email": MARKERS[1]})
    client.post(reverse("clients:create"), {"identity": "bogus" * 10_000})  # a 400 / form error
    for marker in MARKERS:
        assert marker not in caplog.text


def test_error_reports_hide_posted_form_data(rf, alice):
    from accounts.views import LoginView
    from clients.views import client_create

    request = rf.post("/accounts/login/", {"username": "alice", "password": MARKERS[0]})
    request.user = alice
    try:
        LoginView.as_view()(request)
    except Exception:  # noqa: S110 - only the marking of sensitive parameters matters here
        pass
    request2 = rf.post("/clients/new/", {"first_name": MARKERS[2]})
    request2.user = alice
    try:
        client_create(request2)
    except Exception:  # noqa: S110
        pass
    for req in (request, request2):
        report = ExceptionReporter(req, ValueError, ValueError("x"), None).get_traceback_text()
        assert MARKERS[0] not in report and MARKERS[2] not in report


def test_log_filter_masks_emails_phones_birth_numbers_and_passwords():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s phone %s rc %s body %s", None, None)
    record.args = ("jana@example.org", "+420 777 123 456", "8001011234", "password=hunter2&x=1")
    PersonalDataFilter().filter(record)
    text = record.getMessage()
    for secret in ["jana@example.org", "777 123 456", "8001011234", "hunter2"]:
        assert secret not in text
    assert mask("GET /clients/12/ 200") == "GET /clients/12/ 200"  # ids and status stay


def test_error_reports_hide_connection_strings(settings):
    from liaison.security_logging import SafeExceptionReporterFilter

    cleansed = SafeExceptionReporterFilter().get_safe_settings()
    assert cleansed["DATABASE_URL"] != settings.DATABASE_URL or not settings.DATABASE_URL
    assert (
        "LIAISON_ENCRYPTION_KEYS" in cleansed
        and cleansed["LIAISON_ENCRYPTION_KEYS"] != settings.LIAISON_ENCRYPTION_KEYS
    )


# -- bad input -----------------------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(alice, db):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    before = ClientRecord.objects.count()
    response = browser.post(reverse("clients:create"), {"identity": "anonymous"})
    assert response.status_code == 403
    assert ClientRecord.objects.count() == before
    assert browser.post(reverse("clients:pick"), {"q": "Dv"}).status_code == 403


def test_sign_in_without_csrf_token_is_refused(alice, real_two_factors):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("accounts:login"), {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 403


def test_extra_organisation_and_owner_fields_are_ignored(client, alice, oscar, own_client):
    client.force_login(alice)
    response = client.post(
        reverse("clients:edit", args=[own_client.pk]),
        {
            "identity": "named",
            "first_name": "Josef",
            "last_name": "Nový",
            "organisation": oscar.organisation_id,
            "organisation_id": oscar.organisation_id,
            "created_by": oscar.pk,
            "owner": oscar.pk,
        },
    )
    assert response.status_code in (200, 302)
    own_client.refresh_from_db()
    assert own_client.organisation_id == alice.organisation_id
    assert own_client.created_by_id == alice.pk


def test_foreign_client_id_in_a_contact_form_is_refused(client, alice, own_client, foreign_client):
    from contacts.models import Contact

    client.force_login(alice)
    before = Contact.objects.count()
    response = client.post(reverse("contacts:create"), {"clients": [foreign_client.pk], "duration_minutes": 30})
    assert response.status_code == 200  # the form again, with an error
    assert Contact.objects.count() == before


def test_foreign_ids_in_urls_are_404_and_change_nothing(client, alice, foreign_client):
    client.force_login(alice)
    name = foreign_client.last_name
    response = client.post(
        reverse("clients:edit", args=[foreign_client.pk]), {"identity": "named", "first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 404
    foreign_client.refresh_from_db()
    assert foreign_client.last_name == name


def test_script_in_a_name_is_shown_inert(client, alice):
    client.force_login(alice)
    evil = ClientRecord.objects.create(
        organisation=alice.organisation,
        created_by=alice,
        identity=ClientRecord.Identity.NAMED,
        first_name="<script>alert(1)</script>",
        last_name='"><img src=x onerror=alert(1)>',
    )
    for response in [
        client.get(reverse("clients:detail", args=[evil.pk])),
        client.get(reverse("clients:list")),
        client.post(reverse("clients:pick"), {"q": "scrip"}),
    ]:
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x onerror" not in body


def test_oversized_request_is_refused_and_changes_nothing(client, alice, settings):
    client.force_login(alice)
    before = ClientRecord.objects.count()
    browser = Client(raise_request_exception=False)
    browser.force_login(alice)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = browser.post(reverse("clients:create"), {"identity": "named", "first_name": big, "last_name": "A"})
    assert 400 <= response.status_code < 500
    many = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = browser.post(reverse("clients:create"), many)
    assert 400 <= response.status_code < 500
    assert ClientRecord.objects.count() == before


def test_client_search_keeps_names_out_of_urls(client, alice, own_client):
    client.force_login(alice)
    page = client.get(reverse("clients:list")).content.decode()
    assert 'method="post"' in page and 'role="search"' in page
    assert client.post(reverse("clients:list"), {"q": own_client.last_name}).status_code == 200
    assert client.get(reverse("clients:pick"), {"q": own_client.last_name}).status_code == 405
    form = client.get(reverse("contacts:create")).content.decode()
    assert "hx-post=" in form and 'hx-get="/clients/pick/' not in form


# -- the admin -------------------------------------------------------------------------------------------


def test_admin_needs_an_administrator_with_two_factors(administrator, alice, real_two_factors, settings):
    settings.LIAISON_REQUIRE_2FA = False  # even where the demo relaxes it, the admin does not
    browser = Client()
    browser.force_login(administrator)
    response = browser.get("/admin/")
    assert response.status_code == 302
    browser = Client()
    browser.force_login(alice)
    assert browser.get("/admin/").status_code == 302


def test_admin_for_verified_administrator(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_admin_holds_no_client_contact_or_case_data():
    from django.contrib import admin

    allowed = {
        ("cases", "crimetype"),
        ("contacts", "authority"),
        ("contacts", "topic"),
    }
    for model in admin.site._registry:
        label = (model._meta.app_label, model._meta.model_name)
        if label[0] in {"clients", "contacts", "cases"}:
            assert label in allowed, f"{label} must not be in the admin: it holds client data"


@pytest.mark.parametrize("path", ["/admin/login/"])
def test_admin_sign_in_goes_through_the_application(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_admin_never_shows_second_factor_secrets(client, administrator, alice):
    # The device admins are not registered at all (tests/test_security_admin.py has the rest).
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    codes = StaticDevice.objects.create(user=alice, name="recovery", confirmed=True)
    StaticToken.objects.create(device=codes, token="zzsecret9")
    client.force_login(administrator)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 404
    assert client.get(f"/admin/otp_static/staticdevice/{codes.pk}/change/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert "zzsecret9" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("error", "down"),
    [
        ("OperationalError", True),
        ("InterfaceError", True),
        ("InternalError", True),  # a transaction the crash aborted
        ("DatabaseError", True),  # a connection lost half-way through a result
        ("IntegrityError", False),
        ("ProgrammingError", False),
        ("DataError", False),
    ],
)
def test_which_database_errors_mean_try_later(error, down):
    from django import db

    from liaison.security import is_database_down

    assert is_database_down(getattr(db, error)("x")) is down


def test_admin_without_the_second_factor_is_sent_to_enrol_not_in_a_loop(client, administrator, real_two_factors):
    client.force_login(administrator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert len(response.redirect_chain) <= 3


def test_signed_in_non_administrator_gets_403_from_the_admin(client, alice):
    client.force_login(alice)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
