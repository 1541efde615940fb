"""A running report job's sign of life, and what happens when it stops.

A job writes `heartbeat_at` with every progress step and, from a timer, every
REPORTS_HEARTBEAT_SECONDS while a long step runs (one SQL query can take minutes). When the
whole worker dies (killed, out of memory, the machine restarted), its unacknowledged message
waits in Redis for the visibility timeout, which must stay longer than the longest report (an
hour): the job would show "Running: 21 %" for that hour. Instead, the periodic check
(reports.tasks.requeue_stranded_report_jobs) marks a job whose heartbeat has been silent for
REPORTS_HEARTBEAT_TIMEOUT_SECONDS interrupted, which its page says, and sends it again at once.

A process that makes a job holds its advisory lock (reports.jobs._hold), so the job sent again
is made only once the old process is gone; an attempt taken for dead that still runs (its
heartbeat could not be written) takes its job back with its next sign of life. Each attempt
knows its number (ReportJob.attempts when it claimed the job): an attempt whose job another
attempt has claimed since finds another number on the job and drops its work.
"""

import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import JobState, ReportJob

logger = logging.getLogger(__name__)

# The states of a job that an attempt may still own: running, or taken for interrupted while it
# still ran (its heartbeat could not be written): it takes the job back with its next sign of life.
OWNED = (JobState.RUNNING, JobState.INTERRUPTED)


def beat(job_id: int, attempt: int) -> bool:
    """Record that the attempt is alive; False when the job is no longer this attempt's."""
    return bool(
        ReportJob.objects.filter(pk=job_id, state__in=OWNED, attempts=attempt).update(
            heartbeat_at=timezone.now(), state=JobState.RUNNING
        )
    )


class Heartbeat:
    """While the block runs, a thread beats for the attempt every `every` seconds, on a database
    connection of its own (a long query holds the job's connection)."""

    def __init__(self, job_id: int, attempt: int, every: float | None = None) -> None:
        self.job_id, self.attempt = job_id, attempt
        self.every = every if every is not None else settings.REPORTS_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        failed = False
        try:
            while not self._stop.wait(self.every):
                try:
                    if not beat(self.job_id, self.attempt):
                        return  # done, failed or taken over: nothing more to say
                    failed = False
                except DatabaseError as error:
                    if not failed:  # once per stretch of failures
                        logger.warning("Report job %s: heartbeat not recorded (%s).", self.job_id, type(error).__name__)
                    failed = True
        finally:
            connection.close()  # this thread's own connection


def interrupt_silent_jobs(now: datetime.datetime | None = None) -> list[int]:
    """Mark interrupted every running job whose heartbeat has been silent too long; their ids,
    for the caller to send again. Their next attempt starts from the beginning."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    with transaction.atomic():
        ids = list(
            ReportJob.objects.select_for_update(skip_locked=True)
            .filter(silent, state=JobState.RUNNING)
            .values_list("pk", flat=True)
        )
        ReportJob.objects.filter(pk__in=ids).update(state=JobState.INTERRUPTED, sent_at=None, progress=0)
    if ids:
        silence = settings.REPORTS_HEARTBEAT_TIMEOUT_SECONDS
        logger.warning("Report jobs %s: no heartbeat for %s s, marked interrupted.", ids, silence)
    return ids
