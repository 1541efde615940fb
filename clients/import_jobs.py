"""Large imports in the background (the worker's part; clients.tasks.run_import_job wraps it).

An upload longer than MAX_ROWS rows is checked by a job (phase "check") and, once its coordinator
has seen the result and confirmed, imported by a second job (phase "import"). Both read the file a
row at a time (import_files.TableStream) and check it a batch at a time with the kind's own
RowChecker, so that memory stays flat however long the file. The import writes every batch inside
ONE transaction: all or nothing as for a small file; when its check no longer gives the result the
coordinator confirmed, it is rolled back and the job fails saying so.

A job survives a restart of its worker: the task is acknowledged late and given back to the queue
when its process dies, and the next attempt starts again from the first row (the transaction of the
dead attempt was rolled back by PostgreSQL). A process working on a job holds an advisory lock, so
the page can tell a running job from one whose worker died (`is_alive`); the page then fails it
clearly rather than showing it running for ever, and MAX_ATTEMPTS attempts fail it too."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.scoping import own_client_work_organisation_id
from audit.actor import acting_as

from . import importing
from .import_files import MAX_LARGE_ROWS, UnreadableFile
from .import_models import ClientImportUpload, ImportJob
from .importing import DryRun, Importer, ImportRefused

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The first key of the advisory locks that keep a job to one process at a time.
_LOCK_CLASS = 0x494D5054  # "IMPT"
# How long a job that lost its worker may look running before the page fails it (a worker that
# takes the job again holds its lock at once).
GRACE_SECONDS = 30


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:rows"


def _hold(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, job_id % 2**31])
        return bool(cursor.fetchone()[0])


def _release(job_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, job_id % 2**31])
    except DatabaseError:
        pass  # the connection is gone, and the lock went with it


def is_alive(job: ImportJob) -> bool:
    """Whether a living process holds the job's lock (works on it now)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
            [_LOCK_CLASS, job.pk % 2**31],
        )
        return cursor.fetchone() is not None


def rows_done(job: ImportJob) -> int:
    """Rows gone through: an import's count is in the cache, its transaction not yet committed."""
    if job.state == ImportJob.State.RUNNING and job.phase == ImportJob.Phase.IMPORT:
        return int(cache.get(_progress_key(job.pk)) or 0)
    return job.rows_done


def fail_if_abandoned(job: ImportJob) -> ImportJob:
    """A running job whose worker died (no process holds its lock) is failed, saying so."""
    if job.state != ImportJob.State.RUNNING or is_alive(job):
        return job
    started = job.started_at or job.created_at
    if (timezone.now() - started).total_seconds() < GRACE_SECONDS:
        return job
    message = _("The import stopped because the program doing it was restarted. Nothing was saved: start it again.")
    ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING, attempts=job.attempts).update(
        state=ImportJob.State.FAILED, error_message=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def job_request(*, importer: Importer, upload: ClientImportUpload, phase: str, expected_summary: str = "") -> ImportJob:
    """A new job for the upload (the caller sends it to the worker once committed)."""
    return ImportJob.objects.create(
        upload=upload,
        organisation_id=upload.organisation_id,
        requested_by_id=upload.uploaded_by_id,
        kind=importer.kind,
        file_name=upload.file_name,
        phase=phase,
        expected_summary=expected_summary,
    )


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job_id, _("The import could not be done: the worker stopped several times."))
            return None
        job.state = ImportJob.State.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.attempts = F("attempts") + 1
        job.save(update_fields=["state", "started_at", "rows_done", "attempts"])
    job.refresh_from_db()
    return job


def _fail(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).exclude(state=ImportJob.State.DONE).update(
        state=ImportJob.State.FAILED, error_message=message[:500], finished_at=timezone.now()
    )


def run_import_job(job_id: int) -> None:
    """Check or import the job's file (see the module's docstring)."""
    if not _hold(job_id):
        return  # another living process works on it
    try:
        job = _claim(job_id)
        if job is None:
            return
        importer = importing.IMPORTERS[job.kind]
        with translation.override(settings.LANGUAGE_CODE), acting_as(job.requested_by_id):
            try:
                if job.upload is None:
                    raise ImportRefused(_("The uploaded file is no longer kept: upload it again."))
                if job.phase == ImportJob.Phase.CHECK:
                    _check(job, importer)
                else:
                    _import(job, importer)
            except (ImportRefused, UnreadableFile) as error:
                _fail(job.pk, str(error))
            except PermissionDenied:
                _fail(job.pk, _("You may no longer import records of the organisation."))
    finally:
        _release(job_id)


def _go_through(job: ImportJob, importer: Importer, *, write: bool) -> tuple[int, int, list, list, int]:
    """Checks (and with `write` saves) every row, a batch at a time; answers the counts of created
    and updated rows, the skipped rows and the errors, and how many rows there were."""
    upload = job.upload
    if upload is None:
        raise ImportRefused(_("The uploaded file is no longer kept: upload it again."))
    by = job.requested_by
    own_client_work_organisation_id(by)  # PermissionDenied when the coordinator no longer may
    saved = importing.saved_mapping(by, importer)
    stream = importing.upload_stream(upload, importer, saved)
    mapping = importing.column_mapping(stream.headings, saved, importer.columns)
    checker = importer.checker(by=by, mapping=mapping)
    created = updated = done = 0
    skipped: list = []
    errors: list = []
    now = timezone.now()
    try:
        for batch in importing.batches(stream.rows()):
            if done + len(batch) > MAX_LARGE_ROWS:
                raise ImportRefused(
                    _("The file has more than %(max)s rows: split it.")
                    % {"max": f"{MAX_LARGE_ROWS:,}".replace(",", " ")}
                )
            part = DryRun()
            checker.check_batch(batch, part)
            checker.end_batch()
            if write and (part.created or part.updated):
                importer.write(by=by, rows=[*part.created, *part.updated], file_name=job.file_name, at=now)
            created, updated = created + len(part.created), updated + len(part.updated)
            skipped.extend(part.skipped)
            errors.extend(part.errors)
            done += len(batch)
            if write:
                cache.set(_progress_key(job.pk), done, 24 * 3600)
            else:
                ImportJob.objects.filter(pk=job.pk).update(rows_done=done)
    finally:
        checker.close()
    return created, updated, skipped, errors, done


def _summary(created: int, updated: int, skipped: list, errors: list) -> str:
    return f"{created}-{updated}-{len(skipped)}-{len(errors)}"


def _check(job: ImportJob, importer: Importer) -> None:
    created, updated, skipped, errors, done = _go_through(job, importer, write=False)
    ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING).update(
        state=ImportJob.State.DONE,
        rows_done=done,
        rows_total=done,
        created_count=created,
        updated_count=updated,
        skipped=skipped,
        errors=errors,
        summary=_summary(created, updated, skipped, errors),
        finished_at=timezone.now(),
    )


def _import(job: ImportJob, importer: Importer) -> None:
    upload_id = job.upload_id
    try:
        with transaction.atomic():
            created, updated, skipped, errors, done = _go_through(job, importer, write=True)
            if _summary(created, updated, skipped, errors) != job.expected_summary:
                raise ImportRefused(
                    _("The records changed since the check: nothing was imported. Check the file again.")
                )
            if not created and not updated:
                raise ImportRefused(_("No row of the file would be imported."))
            if upload_id is not None:
                ClientImportUpload.objects.filter(pk=upload_id).delete()
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJob.State.DONE,
                rows_done=done,
                rows_total=done,
                created_count=created,
                updated_count=updated,
                skipped=skipped,
                errors=errors,
                summary=_summary(created, updated, skipped, errors),
                finished_at=timezone.now(),
            )
    except IntegrityError as error:
        logger.info("Import job %s refused by the database: %s", job.pk, type(error).__name__)
        raise ImportRefused(
            _("Another record of the organisation has this external identifier: check the result again.")
        ) from error
    finally:
        cache.delete(_progress_key(job.pk))
