"""Celery tasks of reports: thin wrappers that pass ids to reports.services."""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from . import services

logger = logging.getLogger(__name__)


class ReportTask(Task):
    """Marks the job failed once Celery gives up on it (retries exhausted or an error)."""

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
