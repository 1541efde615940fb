"""Report jobs survive a broker outage: asking while Redis is down leaves the job queued and
unsent (no error page), the periodic check (every 15 s) sends unsent jobs at once and again those
whose message was lost (drills/test_redis_down.py and drills/test_redis_hung.py run the same
against real servers)."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from reports import tasks
from reports.models import JobState, ReportJob

PARAMETERS = {"start": "2026-01-01", "end": "2026-01-31", "breakdown": "all", "format": "csv"}


def _job(*, age_seconds: int, state: str = JobState.QUEUED, sent: bool = True) -> ReportJob:
    created_at = timezone.now() - datetime.timedelta(seconds=age_seconds)
    return ReportJob.objects.create(
        report_type="national",
        parameters=PARAMETERS,
        state=state,
        created_at=created_at,
        sent_at=created_at if sent else None,
    )


def test_queuing_while_the_broker_is_down_is_not_an_error():
    with mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerUnavailable("connection refused")):
        assert tasks.generate_report.delay(123) is None


@pytest.mark.django_db
def test_stranded_jobs_are_sent_again_once_the_queue_is_empty(settings):
    settings.REPORTS_REQUEUE_AFTER_SECONDS = 600
    stranded = _job(age_seconds=900)
    _job(age_seconds=60)  # still waiting its turn
    _job(age_seconds=900, state=JobState.RUNNING)
    _job(age_seconds=900, state=JobState.DONE)
    with (
        mock.patch.object(tasks, "_broker_queue_is_empty", return_value=True),
        mock.patch.object(tasks.generate_report, "delay") as delay,
    ):
        assert tasks.requeue_stranded_report_jobs() == 1
    delay.assert_called_once_with(stranded.pk)


@pytest.mark.django_db
def test_nothing_is_sent_again_while_the_queue_still_holds_messages(settings):
    settings.REPORTS_REQUEUE_AFTER_SECONDS = 600
    _job(age_seconds=900)
    with (
        mock.patch.object(tasks, "_broker_queue_is_empty", return_value=False),
        mock.patch.object(tasks.generate_report, "delay") as delay,
    ):
        assert tasks.requeue_stranded_report_jobs() == 0
    delay.assert_not_called()


@pytest.mark.django_db
def test_a_job_asked_for_while_the_broker_is_down_stays_unsent(ministry_analyst, django_capture_on_commit_callbacks):
    from reports import services

    with (
        mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerUnavailable("timed out")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = services.report_job_request(by=ministry_analyst, report_type="national", raw_parameters=PARAMETERS)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.sent_at is None
    with (
        mock.patch("celery.app.task.Task.apply_async", return_value=object()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = services.report_job_request(by=ministry_analyst, report_type="national", raw_parameters=PARAMETERS)
    again.refresh_from_db()
    assert again.sent_at is not None


@pytest.mark.django_db
def test_unsent_jobs_are_sent_by_the_next_check_whatever_the_queue_holds(settings):
    settings.REPORTS_UNSENT_AFTER_SECONDS = 10
    settings.REPORTS_REQUEUE_AFTER_SECONDS = 600
    unsent = _job(age_seconds=20, sent=False)
    just_asked = _job(age_seconds=2, sent=False)  # its own request may still be sending it
    _job(age_seconds=20)  # sent, waiting its turn
    _job(age_seconds=20, state=JobState.RUNNING, sent=False)
    with (
        mock.patch.object(tasks, "_broker_queue_is_empty", return_value=False),
        mock.patch("celery.app.task.Task.apply_async", return_value=object()) as publish,
    ):
        assert tasks.requeue_stranded_report_jobs() == 1
    assert publish.call_args.args[0] == (unsent.pk,)
    unsent.refresh_from_db()
    just_asked.refresh_from_db()
    assert unsent.sent_at is not None and just_asked.sent_at is None


@pytest.mark.django_db
def test_unsent_jobs_stay_unsent_while_the_broker_is_still_away(settings):
    settings.REPORTS_UNSENT_AFTER_SECONDS = 10
    unsent = _job(age_seconds=20, sent=False)
    with (
        mock.patch.object(tasks, "_broker_queue_is_empty", return_value=True),
        mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerUnavailable("timed out")),
    ):
        assert tasks.requeue_stranded_report_jobs() == 0
    unsent.refresh_from_db()
    assert unsent.sent_at is None and unsent.state == JobState.QUEUED


def test_the_check_runs_often_enough_to_send_within_half_a_minute(settings):
    """Once the broker is back: the next check (at most one interval away) sends every job that
    has waited the grace period, well within 30 s."""
    entry = settings.CELERY_BEAT_SCHEDULE["reports-requeue"]
    assert entry["schedule"] <= datetime.timedelta(seconds=20)
    assert settings.REPORTS_UNSENT_AFTER_SECONDS <= 10
    assert entry["options"]["expires"] <= entry["schedule"].total_seconds()


@pytest.mark.django_db
def test_a_job_that_reached_a_worker_counts_as_sent():
    """A publish that timed out on a hung Redis may arrive after all: the worker that takes the
    job records it as sent, and the check does not send it again."""
    from reports import jobs

    job = _job(age_seconds=60, sent=False)
    claimed = jobs._claim(job.pk)
    assert claimed is not None and claimed.sent_at is not None
    assert job.pk not in jobs.unsent_report_jobs()
