"""Celery tasks of reports: thin wrappers that pass ids to reports.jobs, and the enqueuing."""

import errno
import logging
import time
from typing import Any

from celery import Task, current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils.translation import gettext as _
from kombu.exceptions import ChannelError
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import jobs
from .heartbeat import interrupt_silent_jobs
from .models import ReportJob

logger = logging.getLogger(__name__)


class ReportTask(Task):
    """Marks the job failed once Celery gives up on it (retries exhausted or an error)."""

    def apply_async(self, *args: Any, **options: Any) -> Any:
        """While Redis is down or hung the job row stays queued instead of the request failing
        or hanging (the socket timeouts in settings bound the wait); requeue_stranded_report_jobs
        sends it once the broker is back."""
        started = time.monotonic()
        try:
            return super().apply_async(*args, **options)
        except BrokerUnavailable as error:
            task_args = args[0] if args else options.get("args")
            logger.warning(
                "Broker unavailable (%s, gave up after %.2f s): report job %s stays queued and is sent later.",
                type(error).__name__,
                time.monotonic() - started,
                task_args[0] if task_args else None,
            )
            return None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is not None:
            jobs.report_job_fail(job_id, _("The report could not be made. Please try again later."))
        logger.error("Report job %s failed: %s", job_id, type(exc).__name__)


@shared_task(
    base=ReportTask,
    bind=True,
    # Acknowledged after the work, and given back to the queue when the worker process dies,
    # so a killed worker means a retry; _claim gives up after a few such attempts.
    acks_late=True,
    reject_on_worker_lost=True,
    # A database restart or failover is transient: try again with growing pauses, never longer
    # than half a minute, so that a job goes on soon after the database is back.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=30,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.REPORTS_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_HARD_TIME_LIMIT,
)
def generate_report(self, job_id: int) -> None:
    # A database error (the job is back in the queue, jobs.run_report_job) is retried by
    # autoretry_for; running out of time is not.
    try:
        jobs.run_report_job(job_id)
    except SoftTimeLimitExceeded:
        jobs.report_job_fail(job_id, _("The report took too long. Please choose a shorter period."))
        raise
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):  # the attempt has removed its work files
            jobs.report_job_fail(
                job_id,
                _("The report could not be saved: the storage for reports is full. Please tell your administrator."),
            )
        raise


def send_report_job(job_id: int) -> bool:
    """Hand the job's task to the broker and note that it was; a broker that is down or hung
    leaves the job unsent (and the request that asked for it answered within about a second)."""
    if generate_report.delay(job_id) is None:
        return False
    jobs.report_job_sent(job_id)
    return True


def enqueue_report_job(job: ReportJob) -> None:
    """Send the job's task once the transaction that recorded the job commits."""
    transaction.on_commit(lambda: send_report_job(job.pk))


@shared_task(acks_late=True)
def schedule_monthly_reports() -> int:
    scheduled = jobs.schedule_monthly_reports()
    for job in scheduled:
        enqueue_report_job(job)
    return len(scheduled)


@shared_task(acks_late=True)
def clean_up_report_jobs() -> dict:
    return jobs.clean_up_report_jobs()


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
    """Send every job that waits for a worker in vain: those whose worker died (no heartbeat for
    two minutes: marked interrupted, reports/heartbeat.py), those that were never sent (the broker
    was down when they were asked for), and again those still queued long after they were sent
    (jobs.unsent_report_jobs, jobs.stranded_report_jobs). Beat runs this every 15 s, so that
    queued work goes within half a minute of the broker coming back.

    Jobs that were sent are sent again only when the broker's queue is empty, so that jobs merely
    waiting their turn are not sent twice; a second delivery would be harmless anyway
    (jobs._claim)."""
    interrupt_silent_jobs()
    sent = sum(send_report_job(job_id) for job_id in jobs.unsent_report_jobs())
    stranded = jobs.stranded_report_jobs()
    if stranded and _broker_queue_is_empty():
        sent += sum(send_report_job(job_id) for job_id in stranded)
    if sent:
        logger.warning("Sent %d report jobs that were waiting for a worker in vain.", sent)
    return sent
