"""Asking for a report: the job is recorded and queued. What the worker then does with it is
reports.jobs, run by the Celery tasks of reports.tasks."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User

from . import selectors
from .models import ReportJob, ReportType
from .parameters import parse_parameters
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
    organisation_id = None if report_type == ReportType.NATIONAL_STATISTICS else by.organisation_id
    job = ReportJob.objects.create(
        requested_by=by,
        organisation_id=organisation_id,
        report_type=report_type,
        parameters=params.as_json(),
    )
    enqueue_report_job(job)
    return job


def report_job_file_missing(*, job: ReportJob) -> None:
    """The job's stored file is gone (the storage was restored without it, or removed by hand):
    the job shows as expired, as after the clean-up, and can be asked for again."""
    logger.warning("Report job %s: its file is missing from the report storage; shown as expired.", job.pk)
    ReportJob.objects.filter(pk=job.pk, result_file=job.result_file).update(result_file="")
    job.result_file = ""
