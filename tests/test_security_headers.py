"""HTTP hardening: security headers and CSP, no caching of personal data, secure cookies, no
inline script, the few public views, and the deployment check (`check --deploy`)."""

import os
import subprocess
import sys

from django.urls import reverse

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Pq9vR2mXz$Lw4Tn8Yb6Hc3Jf5Gd1Sa0Ue-Wo+Ii*Kl!Mn@Bv%Cx^Zq&Er(Ty)",
    "ALLOWED_HOSTS": "liaison.example.org",
    "DATABASE_URL": "postgres://liaison@db.example.org:5432/liaison",
    "LIAISON_ENCRYPTION_KEYS": "XFW7bLxgMGBsaQGkanfmABsVxLil7VsRY1kWKctN3qM=",
}


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
        # Signed in by the secret in its address (a calendar program has no session): a wrong
        # secret is a 404 (tests/test_attention_calendar.py).
        "attention:calendar_feed",
        # An invited user has no password yet: the one-time link in the mail is the key, used
        # once and expiring (tests/test_management_users.py).
        "management:invitation_accept",
    }
    # The admin's login (it forwards to ours) and the API (it answers 401 itself) are their own.
    assert {n for n in public if not n.startswith(("admin:", "api:"))} == expected


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
