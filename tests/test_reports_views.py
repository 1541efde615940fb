"""Report pages: who may ask, see and download; bad input; the progress partial; query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from reports import jobs, services
from reports.models import JobState, ReportJob, ReportType
from tests.factories import UserFactory

# Marked for the whole module: tests that take their users through request.getfixturevalue
# would otherwise be ordered after the transactional tests, whose flush empties the tables.
pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all", "format": "csv"}
# National statistics are asked for by a calendar month, quarter or year, not by days.
MARCH_FORM = {"period_kind": "month", "year": "2026", "month": "3", "breakdown": "all", "format": "csv"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _job(user, report_type, done=True, **params) -> ReportJob:
    job = services.report_job_request(by=user, report_type=report_type, raw_parameters={**MARCH, **params})
    if done:
        jobs.run_report_job(job.pk)
        job.refresh_from_db()
    return job


@pytest.fixture
def other_coordinator(oscar):
    return UserFactory(username="olga", organisation=oscar.organisation, role=Role.COORDINATOR)


# Who may open the pages ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "police_officer", "administrator"])
def test_roles_without_reports_get_403(client, request, who, carol):
    job = _job(carol, ReportType.ACTIVITY)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:list")).status_code == 403
    assert client.get(reverse("reports:create", args=["activity"])).status_code == 403
    for name in ("reports:detail", "reports:progress", "reports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 403, name
        assert client.get(reverse(name, args=[999999])).status_code == 403, name


@pytest.mark.parametrize(
    ("who", "report_type", "status"),
    [
        ("ministry_analyst", "national", 200),
        ("ministry_analyst", "activity", 403),
        ("ministry_analyst", "export", 403),
        ("carol", "national", 403),
        ("carol", "activity", 200),
        ("carol", "export", 200),
        ("carol", "no-such-report", 404),
    ],
)
def test_request_forms_per_role(client, request, who, report_type, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("reports:create", args=[report_type])).status_code == status


def test_own_job_200_foreign_job_404(client, carol, other_coordinator, ministry_analyst):
    own_export = _job(carol, ReportType.CASE_CONTACT_EXPORT)
    foreign_activity = _job(other_coordinator, ReportType.ACTIVITY)
    national = _job(ministry_analyst, ReportType.NATIONAL_STATISTICS)
    client.force_login(carol)
    for name in ("reports:detail", "reports:progress", "reports:download"):
        assert client.get(reverse(name, args=[own_export.pk])).status_code == 200, name
        assert client.get(reverse(name, args=[foreign_activity.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[national.pk])).status_code == 404, name
        assert client.get(reverse(name, args=[999999])).status_code == 404, name


def test_a_colleagues_export_is_404_but_the_activity_report_is_shared(client, carol, drom):
    colleague = UserFactory(username="cyril", organisation=drom, role=Role.COORDINATOR)
    export = _job(colleague, ReportType.CASE_CONTACT_EXPORT)
    activity = _job(colleague, ReportType.ACTIVITY)
    client.force_login(carol)
    assert client.get(reverse("reports:download", args=[export.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[activity.pk])).status_code == 200


def test_every_ministry_analyst_sees_national_jobs(client, ministry_analyst):
    colleague = UserFactory(username="mv2", organisation=ministry_analyst.organisation, role=Role.MINISTRY)
    job = _job(ministry_analyst, ReportType.NATIONAL_STATISTICS)
    client.force_login(colleague)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200


def test_download_streams_the_decrypted_file(client, carol):
    job = _job(carol, ReportType.ACTIVITY, format="csv")
    client.force_login(carol)
    response = client.get(reverse("reports:download", args=[job.pk]))
    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf") and "Měsíční výkaz činnosti".encode() in body
    assert int(response["Content-Length"]) == len(body)
    # The stored file is not the plain text.
    from reports.storage import stored_path

    assert b"Celkem" not in stored_path(job.result_file).read_bytes()


def test_unfinished_or_expired_job_has_no_download(client, carol):
    queued = _job(carol, ReportType.ACTIVITY, done=False)
    expired = _job(carol, ReportType.ACTIVITY)
    ReportJob.objects.filter(pk=expired.pk).update(result_file="")
    client.force_login(carol)
    assert client.get(reverse("reports:download", args=[queued.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[expired.pk])).status_code == 404
    assert "vypršel" in client.get(reverse("reports:detail", args=[expired.pk])).content.decode()


def test_progress_partial_polls_until_done(client, carol):
    job = _job(carol, ReportType.ACTIVITY, done=False)
    client.force_login(carol)
    running = client.get(reverse("reports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in running and "<progress" in running and "<script" not in running
    jobs.run_report_job(job.pk)
    done = client.get(reverse("reports:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done and reverse("reports:download", args=[job.pk]) in done


# Asking for a report ---------------------------------------------------------------------------


def test_valid_request_creates_a_job_and_queues_it_after_commit(
    client, ministry_analyst, django_capture_on_commit_callbacks
):
    client.force_login(ministry_analyst)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("reports:create", args=["national"]), MARCH_FORM)
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[job.pk])
    assert job.state == JobState.QUEUED and job.requested_by == ministry_analyst and job.organisation is None
    assert job.parameters == MARCH
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("report_type", "changes", "message"),
    [
        ("activity", {"start": "2026-03-31", "end": "2026-03-01"}, "Konec období nemůže být před jeho začátkem."),
        ("activity", {"start": "2010-01-01", "end": "2020-01-01"}, "Období může být dlouhé nejvýše 10 let."),
        ("activity", {"start": "yesterday"}, "Zadejte platné datum."),
        ("national", {"breakdown": "by_ethnicity"}, "Vyberte platnou možnost"),
        ("national", {"format": "docx"}, "Vyberte platnou možnost"),
        ("national", {"year": "1990"}, "Vyberte platnou možnost"),
        ("national", {"month": ""}, "Vyberte měsíc."),
        ("national", {"period_kind": "quarter"}, "Vyberte čtvrtletí."),
        ("national", {"period_kind": "week"}, "Vyberte platnou možnost"),
    ],
)
def test_bad_input_is_explained_in_czech_and_creates_no_job(
    client, ministry_analyst, carol, report_type, changes, message
):
    client.force_login(ministry_analyst if report_type == "national" else carol)
    data = MARCH_FORM if report_type == "national" else MARCH
    response = client.post(reverse("reports:create", args=[report_type]), {**data, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportJob.objects.exists()


def test_pdf_is_not_offered_for_the_person_level_export(client, carol):
    client.force_login(carol)
    response = client.post(reverse("reports:create", args=["export"]), {**MARCH, "format": "pdf"})
    assert response.status_code == 200 and not ReportJob.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"start": "2026-03-31", "end": "2026-03-01"},
        {"start": "2010-01-01", "end": "2020-01-01"},
        {"breakdown": "by_ethnicity"},
        {"format": "docx"},
    ],
)
def test_the_service_refuses_bad_parameters_too(ministry_analyst, changes):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_job_request(
            by=ministry_analyst, report_type=ReportType.NATIONAL_STATISTICS, raw_parameters={**MARCH, **changes}
        )
    assert not ReportJob.objects.exists()


def test_ten_years_less_a_day_is_allowed(carol):
    job = services.report_job_request(
        by=carol,
        report_type=ReportType.ACTIVITY,
        raw_parameters={**MARCH, "start": "2016-01-01", "end": "2025-12-31"},
    )
    assert job.pk


# Query counts ----------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries), ctx


def test_job_list_query_count_is_constant(client, carol, drom):
    colleague = UserFactory(organisation=drom, role=Role.COORDINATOR)
    client.force_login(carol)
    for _ in range(2):
        _job(carol, ReportType.ACTIVITY, done=False)
        _job(colleague, ReportType.ACTIVITY, done=False)
    small, _ctx = _count(client, reverse("reports:list"))
    for _ in range(12):
        _job(carol, ReportType.CASE_CONTACT_EXPORT, done=False)
        _job(colleague, ReportType.ACTIVITY, done=False)
    large, ctx = _count(client, reverse("reports:list"))
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)
