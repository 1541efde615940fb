"""Celery tasks of reports: thin wrappers that pass ids to reports.services."""

import datetime
import logging
from typing import Any

from celery import Task, current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import ChannelError
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import services
from .models import JobState, ReportJob

logger = logging.getLogger(__name__)


class ReportTask(Task):
    """Marks the job failed once Celery gives up on it (retries exhausted or an error)."""

    def apply_async(self, *args: Any, **options: Any) -> Any:
        """While Redis is down the job row stays queued instead of the request failing with a
        500; requeue_stranded_report_jobs sends it once the broker is back."""
        try:
            return super().apply_async(*args, **options)
        except BrokerUnavailable:
            logger.warning(
                "Broker unavailable: report job %s stays queued and is sent again later.", (args or [None])[0]
            )
            return None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is not None:
            services.report_job_fail(job_id, _("The report could not be made. Please try again later."))
        logger.error("Report job %s failed: %s", job_id, type(exc).__name__)


@shared_task(
    base=ReportTask,
    bind=True,
    # Acknowledged after the work, and given back to the queue when the worker process dies,
    # so a killed worker means a retry; _claim gives up after a few such attempts.
    acks_late=True,
    reject_on_worker_lost=True,
    # A database restart or failover is transient: try again with growing pauses.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.REPORTS_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_HARD_TIME_LIMIT,
)
def generate_report(self, job_id: int) -> None:
    try:
        services.run_report_job(job_id)
    except (OperationalError, InterfaceError):
        # The job goes back to the queue; let _claim count this attempt but not give up yet.
        services.report_job_requeue(job_id)
        raise
    except SoftTimeLimitExceeded:
        services.report_job_fail(job_id, _("The report took too long. Please choose a shorter period."))
        raise


@shared_task(acks_late=True)
def schedule_monthly_reports() -> int:
    return len(services.schedule_monthly_reports())


@shared_task(acks_late=True)
def clean_up_report_jobs() -> dict:
    return services.clean_up_report_jobs()


def _broker_queue_is_empty() -> bool:
    with current_app.connection_for_write() as connection:
        try:
            # (kombu's channels have queue_declare; the stubs know only the StdChannel protocol.)
            channel: Any = connection.default_channel
            queue = channel.queue_declare(current_app.conf.task_default_queue, passive=True)
        except ChannelError:  # Redis keeps no empty list: an empty queue is "not found"
            return True
        return queue.message_count == 0


@shared_task(acks_late=True)
def requeue_stranded_report_jobs() -> int:
    """Send again the jobs still queued long after they were asked for: their message was lost
    (Redis restarted without it) or never sent (Redis was down when it was asked for).

    Only when the broker's queue is empty, so that jobs merely waiting their turn are not sent
    twice; a second delivery would be harmless anyway (services._claim)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_REQUEUE_AFTER_SECONDS)
    stranded = list(
        ReportJob.objects.filter(state=JobState.QUEUED, created_at__lt=cutoff)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    if not stranded or not _broker_queue_is_empty():
        return 0
    for job_id in stranded:
        generate_report.delay(job_id)
    logger.warning("Sent %d stranded report jobs again.", len(stranded))
    return len(stranded)
