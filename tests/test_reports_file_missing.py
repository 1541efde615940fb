"""A result file missing from the storage (a restore without the report storage, a file removed by
hand): the download answers a 404 page that says the file is no longer available, the job shows
as expired from then on, and nothing is recorded as downloaded. Before, the streamed answer
broke off after its headers: the browser saw a closed connection."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEvent
from reports import jobs, services, storage
from reports.models import JobState, ReportType

MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all", "format": "csv"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def lost_job(carol):
    job = services.report_job_request(by=carol, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.is_downloadable
    storage.stored_path(job.result_file).unlink()
    return job


def _downloads(job) -> int:
    return AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(job.pk)).count()


def test_the_download_is_a_404_page_that_says_so(client, carol, lost_job):
    client.force_login(carol)
    response = client.get(reverse("reports:download", args=[lost_job.pk]))
    assert response.status_code == 404
    assert not response.streaming
    body = response.content.decode()
    assert "Soubor této sestavy už není k dispozici. Zadejte prosím sestavu znovu." in body
    assert reverse("reports:create", args=["activity"]) in body
    lost_job.refresh_from_db()
    assert lost_job.state == JobState.DONE and lost_job.result_file == "" and not lost_job.is_downloadable
    assert _downloads(lost_job) == 0

    page = client.get(reverse("reports:detail", args=[lost_job.pk])).content.decode()
    assert "Soubor této sestavy vypršel a byl smazán" in page
    assert reverse("reports:download", args=[lost_job.pk]) not in page


def test_the_job_page_finds_the_missing_file_first(client, carol, lost_job):
    client.force_login(carol)
    page = client.get(reverse("reports:detail", args=[lost_job.pk])).content.decode()
    assert reverse("reports:download", args=[lost_job.pk]) not in page
    assert "Soubor této sestavy vypršel a byl smazán" in page
    lost_job.refresh_from_db()
    assert lost_job.result_file == ""


def test_the_api_answers_404_with_the_reason(carol, lost_job):
    api = APIClient()
    api.force_authenticate(carol)
    response = api.get(f"/api/v1/report-jobs/{lost_job.pk}/download/")
    assert response.status_code == 404
    assert "už není k dispozici" in response.json()["detail"]
    assert api.get(f"/api/v1/report-jobs/{lost_job.pk}/").json()["downloadable"] is False
    assert _downloads(lost_job) == 0
