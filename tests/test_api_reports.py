"""Report jobs and national statistics through the API, scoped and suppressed as in the pages."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reports.models import JobState, ReportJob
from tests.factories import ClientFactory, ContactFactory


@pytest.fixture
def api():
    return APIClient()


def _period():
    """The calendar year of yesterday (the factories' contacts): national statistics take fixed periods."""
    year = (timezone.localdate() - datetime.timedelta(days=1)).year
    return {"start": f"{year}-01-01", "end": f"{year}-12-31"}


def test_ministry_creates_and_polls_a_job(api, ministry_analyst, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    api.force_authenticate(ministry_analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/report-jobs/", {"report_type": "national", **_period(), "format": "csv"}, format="json"
        )
    assert response.status_code == 201, response.json()
    job_id = response.json()["id"]
    polled = api.get(f"/api/v1/report-jobs/{job_id}/").json()
    assert polled["state"] == JobState.DONE and polled["downloadable"]
    download = api.get(f"/api/v1/report-jobs/{job_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\xef\xbb\xbf")  # UTF-8 CSV with BOM


def test_bad_period_is_400_and_creates_no_job(api, ministry_analyst):
    api.force_authenticate(ministry_analyst)
    response = api.post(
        "/api/v1/report-jobs/",
        {"report_type": "national", "start": "2026-05-01", "end": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert ReportJob.objects.count() == 0


def test_assistant_cannot_order_national_statistics(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/report-jobs/", {"report_type": "national", **_period()}, format="json")
    assert response.status_code == 403
    assert api.get("/api/v1/statistics/national/", _period()).status_code == 403


def test_other_users_job_is_404(api, ministry_analyst, carol):
    api.force_authenticate(carol)
    job_id = api.post(
        "/api/v1/report-jobs/", {"report_type": "activity", **_period(), "format": "csv"}, format="json"
    ).json()["id"]
    api.force_authenticate(ministry_analyst)
    assert api.get(f"/api/v1/report-jobs/{job_id}/").status_code == 404
    assert api.get(f"/api/v1/report-jobs/{job_id}/download/").status_code == 404


def test_national_statistics_are_suppressed_and_hold_no_person(api, ministry_analyst, alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, last_name="Zelenková")
    for _ in range(2):
        ContactFactory(assistant=alice, clients=[client])
    api.force_authenticate(ministry_analyst)
    response = api.get("/api/v1/statistics/national/", {**_period(), "breakdown": "contacts_month_region"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zelenková" not in body and str(client.pk) not in [
        str(c) for t in response.json()["tables"] for r in t["rows"] for c in r
    ]
    table = response.json()["tables"][0]
    # Two contacts in one cell are below the threshold of 5: no cell shows a 2.
    assert all(cell != 2 for row in table["rows"] for cell in row)
    assert "*" in body
    # What is shown is randomly rounded to multiples of 5.
    assert all(cell % 5 == 0 for row in table["rows"] for cell in row[1:] if isinstance(cell, int))
    assert response.json()["rounding_base"] == 5 and "zaokrouhleny" in " ".join(table["notes"])


def test_national_statistics_bad_input_is_400(api, ministry_analyst):
    api.force_authenticate(ministry_analyst)
    response = api.get("/api/v1/statistics/national/", {"start": "x", "end": "2026-01-01", "breakdown": "nope"})
    assert response.status_code == 400
    assert {"start"} <= set(response.json())


def test_empty_period_gives_a_valid_file_of_zeros(api, ministry_analyst, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    api.force_authenticate(ministry_analyst)
    for file_format in ("xlsx", "csv", "pdf"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                "/api/v1/report-jobs/",
                {"report_type": "national", "start": "2016-01-01", "end": "2016-01-31", "format": file_format},
                format="json",
            )
        job = api.get(f"/api/v1/report-jobs/{response.json()['id']}/").json()
        assert job["state"] == JobState.DONE, job["error_message"]


def test_exports_and_downloads_are_audited(api, ministry_analyst, settings, django_capture_on_commit_callbacks):
    from audit.models import AuditAction, AuditEvent

    settings.CELERY_TASK_ALWAYS_EAGER = True
    api.force_authenticate(ministry_analyst)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = api.post(
            "/api/v1/report-jobs/", {"report_type": "national", **_period(), "format": "csv"}, format="json"
        ).json()["id"]
    b"".join(api.get(f"/api/v1/report-jobs/{job_id}/download/").streaming_content)
    api.get("/api/v1/statistics/national/", _period())
    actions = list(AuditEvent.objects.filter(actor=ministry_analyst).values_list("action", flat=True))
    assert actions.count(AuditAction.EXPORT) == 2 and actions.count(AuditAction.DOWNLOAD) == 1
