"""Asking for a report: the job is recorded and queued. What the worker then does with it is
reports.jobs, run by the Celery tasks of reports.tasks."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User

from . import selectors
from .funder_reports import subject_for
from .models import ReportJob, ReportType
from .parameters import SUBJECT_REQUIRED, parse_parameters
from .tasks import enqueue_report_job

logger = logging.getLogger(__name__)


def _may_request(user: User, report_type: str) -> bool:
    return report_type in selectors.report_types_for(user)


@transaction.atomic
def report_job_request(*, by: User, report_type: str, raw_parameters: dict) -> ReportJob:
    """Record a job and queue its task once the transaction commits; bad input creates nothing."""
    if not _may_request(by, report_type):
        raise PermissionDenied
    params = parse_parameters(report_type, raw_parameters)
    parameters = params.as_json()
    if report_type in SUBJECT_REQUIRED:
        # The service's or project's organisation; none for a funder's area, which crosses them.
        subject = subject_for(by, report_type, params.subject)
        organisation_id = getattr(subject, "organisation_id", None)
        parameters["subject_name"] = str(subject)  # for the list of jobs; the job reads `subject`
    elif report_type in (ReportType.NATIONAL_STATISTICS, ReportType.NATIONAL_OVERVIEW):
        organisation_id = None
    else:
        organisation_id = by.organisation_id
    job = ReportJob.objects.create(
        requested_by=by,
        organisation_id=organisation_id,
        report_type=report_type,
        parameters=parameters,
    )
    enqueue_report_job(job)
    return job


def report_job_file_missing(*, job: ReportJob) -> None:
    """The job's stored file is gone (the storage was restored without it, or removed by hand):
    the job shows as expired, as after the clean-up, and can be asked for again."""
    logger.warning("Report job %s: its file is missing from the report storage; shown as expired.", job.pk)
    ReportJob.objects.filter(pk=job.pk, result_file=job.result_file).update(result_file="")
    job.result_file = ""
