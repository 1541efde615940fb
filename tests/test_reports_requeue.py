"""Report jobs survive a broker outage: asking while Redis is down leaves the job queued (no
error page), and the periodic check sends stranded jobs again (drills/test_redis_down.py runs
the same against real servers)."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from reports import tasks
from reports.models import JobState, ReportJob

PARAMETERS = {"start": "2026-01-01", "end": "2026-01-31", "breakdown": "all", "format": "csv"}


def _job(*, age_seconds: int, state: str = JobState.QUEUED) -> ReportJob:
    return ReportJob.objects.create(
        report_type="national",
        parameters=PARAMETERS,
        state=state,
        created_at=timezone.now() - datetime.timedelta(seconds=age_seconds),
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
