import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import import_jobs
from .import_models import ClientImportUpload, ImportJob
from .importing import Importer
from .imports import forget_old_uploads

logger = logging.getLogger(__name__)
# A job still waiting after this long is sent again when its page is looked at (its message was
# lost, or the broker was down when it was asked for); a second message finds it taken.
STRANDED_AFTER = datetime.timedelta(minutes=1)


@shared_task(name="clients.tasks.forget_old_import_uploads")
def forget_old_import_uploads() -> int:
    """Delete the uploaded imports not confirmed within a day; returns how many."""
    return forget_old_uploads()


@shared_task(
    name="clients.tasks.run_import_job",
    # Acknowledged after the work and given back to the queue when the worker process dies: the
    # next attempt starts again (import_jobs._claim gives up after a few).
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=30,
    max_retries=5,
)
def run_import_job(job_id: int) -> None:
    import_jobs.run_import_job(job_id)


def start_import_job(
    *, importer: Importer, upload: ClientImportUpload, phase: str, expected_summary: str = ""
) -> ImportJob:
    """A job for the upload, sent to the worker once the request's transaction commits."""
    job = import_jobs.job_request(importer=importer, upload=upload, phase=phase, expected_summary=expected_summary)
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    try:
        run_import_job.delay(job_id)
    except BrokerUnavailable as error:
        logger.warning("Broker unavailable (%s): import job %s waits and is sent again.", type(error).__name__, job_id)


def resend_if_stranded(job: ImportJob) -> None:
    """Sends a job again that has waited too long for a worker."""
    if job.state == ImportJob.State.QUEUED and timezone.now() - job.created_at > STRANDED_AFTER:
        _send(job.pk)
