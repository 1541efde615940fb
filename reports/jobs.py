"""What the worker does with report jobs: claim a job, build its report, track its progress,
fail or requeue it, the monthly schedule and the clean-up. Celery tasks (reports.tasks) wrap
these functions and enqueue; asking for a report is reports.services."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.roles import Role
from cases.selectors import visible_cases
from contacts.selectors import visible_contacts

from . import selectors, storage
from .activities import activities_by_category
from .exports import case_and_contact_export
from .funder_reports import REPORTS as FUNDER_REPORTS
from .funder_reports import build_funder_report
from .heartbeat import OWNED, Heartbeat
from .models import JobState, ReportFormat, ReportJob, ReportType
from .parameters import ALL, ReportParameters, parse_parameters, previous_month
from .sql_rows import SqlRows
from .statistics import activity_by_assistant, national_statistics_sheets
from .tables import Report, with_progress
from .writers import WRITERS

logger = logging.getLogger(__name__)

# A job whose worker died this many times in a row is given up rather than retried forever.
MAX_ATTEMPTS = 3
# The states of a job waiting for a worker to take it.
WAITING = (JobState.QUEUED, JobState.INTERRUPTED)
# The first key of the advisory locks that keep a job to one process at a time (see _hold).
_LOCK_CLASS = 0x5245504F  # "REPO"


# Making the file (in the worker) ------------------------------------------------------------


def _hold(job_id: int) -> bool:
    """Whether this process may work on the job: no other living process is making it.

    The broker can hand out a message that a worker still works on (a message not acknowledged
    within the visibility timeout, a retry waiting for its countdown, a stranded job sent again),
    and the job row says only "running", as it does for a job whose worker died. A session lock
    in PostgreSQL tells them apart: PostgreSQL drops it as soon as the holder's connection ends
    (its process killed, the database restarted), never while the holder is alive."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, job_id % 2**31])
        return bool(cursor.fetchone()[0])


def _release(job_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, job_id % 2**31])
    except DatabaseError:
        pass  # the connection is gone, and the lock went with it


def _claim(job_id: int) -> ReportJob | None:
    """Mark the job running as a new attempt, unless it is done or failed already (a second
    delivery). The attempt's number (`attempts` after the claim) is its token: progress, the
    heartbeat and the result are recorded only while the job still carries it."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in (JobState.DONE, JobState.FAILED):
            return None
        if job.attempts >= MAX_ATTEMPTS:
            job.state = JobState.FAILED
            job.error_message = _("The report could not be made: the worker stopped several times.")
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "error_message", "finished_at"])
            return None
        job.state = JobState.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        # A task that reached the worker was sent, even if its request could not tell (a publish
        # that timed out on a hung Redis whose message arrived after all).
        job.sent_at = job.sent_at or job.started_at
        job.progress = 0
        job.attempts = F("attempts") + 1
        job.save(update_fields=["state", "started_at", "heartbeat_at", "sent_at", "progress", "attempts"])
    job.refresh_from_db()
    return job


def _set_progress(job_id: int, attempt: int, percent: int) -> None:
    ReportJob.objects.filter(pk=job_id, state__in=OWNED, attempts=attempt).update(
        progress=max(0, min(percent, 99)), heartbeat_at=timezone.now(), state=JobState.RUNNING
    )


def _is_current(job_id: int, attempt: int) -> bool:
    """Whether the job is still this attempt's (not taken over after its heartbeat stopped)."""
    try:
        return ReportJob.objects.filter(pk=job_id, state__in=OWNED, attempts=attempt).exists()
    except DatabaseError:
        return True  # cannot tell: the caller goes on as the owner


def _period_text(params: ReportParameters) -> str:
    return _("Period %(start)s – %(end)s") % {
        "start": formats.date_format(params.start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(params.end, "SHORT_DATE_FORMAT"),
    }


def build_report(job: ReportJob, params: ReportParameters) -> Report:
    """The sheets of a job's report, from record sets scoped for its type and requester."""
    subtitle = _period_text(params)
    if job.report_type in FUNDER_REPORTS:
        # Made with the requester's scope, checked again now (their role or organisation may
        # have changed since they asked).
        if job.requested_by is None:
            raise PermissionDenied
        return build_funder_report(report_type=job.report_type, params=params, requested_by=job.requested_by)
    if job.report_type == ReportType.NATIONAL_STATISTICS:
        if job.requested_by is not None and not Role(job.requested_by.role).can_see_national_statistics():
            raise PermissionDenied
        sheets = national_statistics_sheets(params)
        return Report(title=_("National statistics of the assistant programme"), subtitle=subtitle, sheets=sheets)
    organisation = job.organisation
    if organisation is None:  # every report but the national statistics is about one organisation
        raise ValueError(f"The {job.report_type} job {job.pk} names no organisation.")
    subtitle = f"{organisation.name} · {subtitle}"
    if job.report_type == ReportType.ACTIVITY:
        contacts = selectors.organisation_contacts(organisation.pk)
        sheets = activity_by_assistant(
            contacts=contacts, cases=selectors.organisation_cases(organisation.pk), params=params
        )
        sheets.append(activities_by_category(contacts=contacts, params=params))
        return Report(title=_("Monthly activity report"), subtitle=subtitle, sheets=sheets)
    # The person-level export is scoped by the requester's own selectors, checked again now.
    requester = job.requested_by
    if requester is None or not Role(requester.role).can_make_organisation_reports():
        raise PermissionDenied
    sheets = case_and_contact_export(
        contacts=visible_contacts(requester), cases=visible_cases(requester), params=params
    )
    return Report(title=_("Contacts and cases of the organisation"), subtitle=subtitle, sheets=sheets)


def _track_progress(job_id: int, attempt: int, report: Report) -> None:
    """Report progress as the writer consumes rows: by rows for exports, by sheets otherwise."""
    known = [sheet.row_count for sheet in report.sheets]
    total_rows = sum(count or 0 for count in known)
    every = max(total_rows // 50, 500)
    done_before = 0
    for index, sheet in enumerate(report.sheets):
        if sheet.row_count:
            offset = done_before

            def update(done: int, offset: int = offset) -> None:
                _set_progress(job_id, attempt, int(90 * (offset + done) / total_rows))

            if isinstance(sheet.rows, SqlRows):  # counts the rows itself, also while COPY writes them
                sheet.rows.progress = (every, update)
            else:
                sheet.rows = with_progress(sheet.rows, every, update)
            done_before += sheet.row_count
        elif not total_rows:
            _set_progress(job_id, attempt, int(90 * index / max(len(report.sheets), 1)))


def run_report_job(job_id: int) -> None:
    """Make the file of a job. Safe to call again: a done or failed job is left alone, and a job
    that another process is making is left to it (no attempt counted, no second file).

    A database error puts the job back in the queue for the task's retry, without counting the
    attempt; an attempt whose job another attempt took over meanwhile (reports/heartbeat.py)
    drops its work quietly instead of failing the job."""
    if not _hold(job_id):
        logger.warning("Report job %s is being made by another process: this delivery is dropped.", job_id)
        return
    try:
        _make(job_id)
    finally:
        _release(job_id)


def _make(job_id: int) -> None:
    job = _claim(job_id)
    if job is None:
        return
    attempt = job.attempts
    removed = storage.remove_work_files(job.pk)
    if removed:
        logger.warning("Report job %s: removed %d work files of an earlier attempt.", job.pk, removed)
    try:
        with Heartbeat(job.pk, attempt):
            _make_file(job, attempt)
    except Exception as error:
        if not _is_current(job.pk, attempt):
            logger.warning("Report job %s: attempt %s was taken over; its work is dropped.", job.pk, attempt)
            return
        if isinstance(error, OperationalError | InterfaceError):
            report_job_requeue(job.pk, attempt)
        raise


def _make_file(job: ReportJob, attempt: int) -> None:
    plain_path = None
    try:
        with translation.override(settings.LANGUAGE_CODE):
            params = parse_parameters(job.report_type, job.parameters)
            report = build_report(job, params)
            _track_progress(job.pk, attempt, report)
            plain_path = storage.new_work_path(job.pk, params.format)
            WRITERS[params.format](report, plain_path)
        _set_progress(job.pk, attempt, 95)
        name, size = storage.store_encrypted(plain_path, job.pk)
    finally:
        storage.discard(plain_path)
    now = timezone.now()
    try:
        updated = ReportJob.objects.filter(pk=job.pk, state__in=OWNED, attempts=attempt).update(
            state=JobState.DONE,
            progress=100,
            result_file=name,
            result_size=size,
            finished_at=now,
            expires_at=now + datetime.timedelta(days=settings.REPORTS_RESULT_TTL_DAYS),
            error_message="",
        )
    except DatabaseError:
        # The database went away after the file was stored: the job is not done, and its next
        # attempt makes the file again, so this one must not stay beside it.
        storage.delete_stored(name)
        raise
    if not updated:  # failed or taken over by another attempt meanwhile: the file is nobody's
        storage.delete_stored(name)


def report_job_requeue(job_id: int, attempt: int) -> None:
    """Back to the queue after a transient database error; that attempt does not count."""
    try:
        ReportJob.objects.filter(pk=job_id, state__in=OWNED, attempts=attempt).update(
            state=JobState.QUEUED, attempts=Greatest(F("attempts") - 1, 0)
        )
    except DatabaseError:
        logger.warning("Report job %s: the database is unavailable; the retry will pick it up.", job_id)


def report_job_fail(job_id: int, message: str) -> None:
    """Mark the job failed with the message, unless it is done or failed already (the first
    message says why: the task's general one comes after a specific one)."""
    ReportJob.objects.filter(pk=job_id).exclude(state__in=(JobState.DONE, JobState.FAILED)).update(
        state=JobState.FAILED, error_message=message[:500], finished_at=timezone.now()
    )


# The monthly schedule and the clean-up -------------------------------------------------------


@transaction.atomic
def schedule_monthly_reports(today: datetime.date | None = None) -> list[ReportJob]:
    """The previous month's national statistics and every serving organisation's activity report:
    the jobs it made, for the caller to enqueue (reports.tasks.schedule_monthly_reports).

    Run twice on the same day (a beat restart), it makes no second set.
    """
    start, end = previous_month(today or timezone.localdate())
    parameters = {"start": start.isoformat(), "end": end.isoformat(), "breakdown": ALL}
    wanted: list[tuple[str, int | None, str]] = [(ReportType.NATIONAL_STATISTICS, None, ReportFormat.XLSX)]
    organisations = Organisation.objects.filter(kind__in=[Organisation.Kind.NGO, Organisation.Kind.MUNICIPALITY])
    wanted += [(ReportType.ACTIVITY, pk, ReportFormat.XLSX) for pk in organisations.values_list("pk", flat=True)]
    jobs = []
    for report_type, organisation_id, file_format in wanted:
        job_parameters = {**parameters, "format": file_format}
        # organisation_id=None is Django's IS NULL (the national report); the stubs' lookup check
        # does not take None for the nullable key.
        exists = ReportJob.objects.filter(
            scheduled=True,
            report_type=report_type,
            organisation_id=organisation_id,  # type: ignore[misc]
            parameters=job_parameters,
        ).exists()
        if exists:
            continue
        job = ReportJob.objects.create(
            report_type=report_type,
            organisation_id=organisation_id,
            parameters=job_parameters,
            scheduled=True,
        )
        jobs.append(job)
    return jobs


def report_job_sent(job_id: int) -> None:
    """Note that the job's task reached the broker (reports.tasks.send_report_job)."""
    try:
        ReportJob.objects.filter(pk=job_id).update(sent_at=timezone.now())
    except DatabaseError:
        # Left unsent: the next check sends it once more, which the worker takes as one (_claim).
        logger.warning("Report job %s: sent, but the database could not record it.", job_id)


def unsent_report_jobs(limit: int = 500) -> list[int]:
    """Ids of the queued jobs whose task never reached the broker (it was down or hung when they
    were asked for), once the request that asked has had its own chance to send them."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_UNSENT_AFTER_SECONDS)
    return list(
        ReportJob.objects.filter(state__in=WAITING, sent_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def stranded_report_jobs(limit: int = 500) -> list[int]:
    """Ids of the jobs still queued long after they were sent: their message was lost (Redis
    restarted without it). Not sooner: a sent job may merely wait behind others."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_REQUEUE_AFTER_SECONDS)
    return list(
        ReportJob.objects.filter(state__in=WAITING, sent_at__lt=cutoff)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=cutoff))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def clean_up_report_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete expired files; fail jobs stuck since a lost worker; remove stale work files."""
    now = now or timezone.now()
    expired = 0
    for job in ReportJob.objects.filter(state=JobState.DONE, expires_at__lt=now).exclude(result_file=""):
        storage.delete_stored(job.result_file)
        ReportJob.objects.filter(pk=job.pk).update(result_file="")
        expired += 1
    stuck_since = now - datetime.timedelta(seconds=settings.REPORTS_HARD_TIME_LIMIT * 2)
    stuck = ReportJob.objects.filter(state=JobState.RUNNING, started_at__lt=stuck_since).update(
        state=JobState.FAILED,
        error_message=_("The report could not be made: the worker stopped. Please ask for it again."),
        finished_at=now,
    )
    work_files = storage.remove_stale_work_files(settings.REPORTS_HARD_TIME_LIMIT * 2)
    return {"expired": expired, "stuck": stuck, "work_files": work_files}
