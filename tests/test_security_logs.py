"""Logs and error reports without personal data: posted form data, emails, phones, birth
numbers, passwords and connection strings are masked."""

import logging

from django.urls import reverse
from django.views.debug import ExceptionReporter

from liaison.security_logging import PersonalDataFilter, mask

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
