"""A whole worker killed: its running job's heartbeat stops, the job is marked interrupted (its
page says it is being made again) and sent again at once, without waiting for the broker's
visibility timeout of an hour. drills/test_exports.py kills a real worker mid-export."""

import datetime
import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import heartbeat, jobs, services, storage, tasks
from reports.models import JobState, ReportJob, ReportType

MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all", "format": "csv"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _running(user, *, silent_for: int) -> ReportJob:
    job = services.report_job_request(by=user, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)
    beat_at = timezone.now() - datetime.timedelta(seconds=silent_for)
    ReportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        attempts=1,
        progress=21,
        created_at=beat_at,
        started_at=beat_at,
        heartbeat_at=beat_at,
        sent_at=beat_at,
    )
    return job


# The timer writes on a connection of its own, which sees only committed rows; serialized
# rollback brings back the reference data that the flush after a transactional test removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_step_keeps_the_heartbeat_going(carol, settings, monkeypatch):
    settings.REPORTS_HEARTBEAT_SECONDS = 0.1
    job = services.report_job_request(by=carol, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)
    seen = []

    def slow_writer(report, path):
        first = ReportJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(1)  # one long step: no progress is reported meanwhile
        seen.append((first, ReportJob.objects.get(pk=job.pk).heartbeat_at))
        path.write_text("a;b\n")

    monkeypatch.setitem(jobs.WRITERS, "csv", slow_writer)
    jobs.run_report_job(job.pk)
    ((first, later),) = seen
    assert first is not None and later is not None and later > first
    job.refresh_from_db()
    assert job.state == JobState.DONE


@pytest.mark.django_db
def test_a_silent_job_is_interrupted_and_sent_again_at_once(carol, client, settings):
    settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS = 120
    dead = _running(carol, silent_for=150)
    alive = _running(carol, silent_for=30)  # a long query; its timer beats every 30 s
    with (
        mock.patch.object(tasks, "_broker_queue_is_empty", return_value=False),
        mock.patch("celery.app.task.Task.apply_async", return_value=object()) as publish,
    ):
        assert tasks.requeue_stranded_report_jobs() == 1
    assert [call.args[0] for call in publish.call_args_list] == [(dead.pk,)]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == JobState.INTERRUPTED and dead.sent_at is not None and dead.progress == 0
    assert alive.state == JobState.RUNNING and alive.progress == 21

    client.force_login(carol)
    page = client.get(reverse("reports:detail", args=[dead.pk])).content.decode()
    assert "Příprava sestavy se přerušila" in page and "nemusíte o ni žádat znovu" in page
    assert "hx-trigger" in page  # the page keeps following the job
    listing = client.get(reverse("reports:list")).content.decode()
    assert "Přerušeno, připravuje se znovu" in listing

    jobs.run_report_job(dead.pk)  # the next attempt, from the beginning
    dead.refresh_from_db()
    assert dead.state == JobState.DONE and dead.attempts == 2 and dead.result_file


@pytest.mark.django_db
def test_an_interrupted_job_that_could_not_be_sent_is_sent_by_the_next_check(carol):
    dead = _running(carol, silent_for=300)
    with mock.patch("celery.app.task.Task.apply_async", side_effect=tasks.BrokerUnavailable("timed out")):
        assert tasks.requeue_stranded_report_jobs() == 0
    dead.refresh_from_db()
    assert dead.state == JobState.INTERRUPTED and dead.sent_at is None
    with (
        mock.patch.object(tasks, "_broker_queue_is_empty", return_value=False),
        mock.patch("celery.app.task.Task.apply_async", return_value=object()),
    ):
        assert tasks.requeue_stranded_report_jobs() == 1


@pytest.mark.django_db
def test_an_attempt_taken_for_dead_drops_its_file(carol, monkeypatch):
    """The first attempt only looked dead (its heartbeat could not be written): the job was
    taken over by a second attempt, and the first one's file must not stay or count."""
    job = services.report_job_request(by=carol, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)
    real_writer = jobs.WRITERS["csv"]

    def taken_over_meanwhile(report, path):
        real_writer(report, path)
        ReportJob.objects.filter(pk=job.pk).update(state=JobState.INTERRUPTED)
        assert jobs._claim(job.pk) is not None  # the second attempt starts

    monkeypatch.setitem(jobs.WRITERS, "csv", taken_over_meanwhile)
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.attempts == 2 and not job.result_file
    assert not list(storage.reports_root().glob("*.enc"))


@pytest.mark.django_db
def test_an_attempt_taken_for_dead_does_not_fail_the_job(carol, monkeypatch):
    job = services.report_job_request(by=carol, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)

    def taken_over_then_broken(report, path):
        ReportJob.objects.filter(pk=job.pk).update(state=JobState.INTERRUPTED)
        jobs._claim(job.pk)
        raise OSError("its work files were removed by the next attempt")

    monkeypatch.setitem(jobs.WRITERS, "csv", taken_over_then_broken)
    tasks.generate_report.apply(args=(job.pk,))
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.attempts == 2 and not job.error_message


def test_the_visibility_timeout_stays_above_the_longest_report(settings):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.REPORTS_HARD_TIME_LIMIT
    assert settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS == 120
    assert settings.REPORTS_HEARTBEAT_SECONDS * 3 <= settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS


@pytest.mark.django_db
def test_a_job_from_before_heartbeats_is_judged_by_its_start(carol):
    job = _running(carol, silent_for=600)
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=None)
    assert heartbeat.interrupt_silent_jobs() == [job.pk]


@pytest.mark.django_db
def test_a_living_attempt_taken_for_interrupted_takes_its_job_back(carol, monkeypatch):
    """Its heartbeat could not be written for two minutes, so the check marked the job interrupted
    and sent it again; that delivery finds the job locked by the living attempt and is dropped
    (reports.jobs._hold). The living attempt finishes the job with its file."""
    job = services.report_job_request(by=carol, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)
    real_writer = jobs.WRITERS["csv"]

    def taken_for_interrupted_meanwhile(report, path):
        ReportJob.objects.filter(pk=job.pk).update(state=JobState.INTERRUPTED, sent_at=None)
        real_writer(report, path)

    monkeypatch.setitem(jobs.WRITERS, "csv", taken_for_interrupted_meanwhile)
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1 and job.result_file
    assert storage.stored_path(job.result_file).exists()
