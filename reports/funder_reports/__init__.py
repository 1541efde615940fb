"""The reports that funders and the ministry ask for: the MPSV annual statement and its user
cards, ESF+ monitoring, the crime-prevention project report, the report for a city or region as
funder and the national programme overview.

Each is a module of this package, registered in REPORTS, that provides:

- ``offered_to(user) -> bool``: whether the person's role may ask for it at all;
- ``subjects(user) -> QuerySet | None``: the services, projects or funders the person may make
  it about, scoped as every read is (None for a report about the whole programme);
- ``build(*, subject, params, requested_by) -> Report``: its sheets and cover page, where
  `subject` is the chosen service, project or funder (None for the national overview).

The framework (reports.services, reports.jobs, reports.forms) asks these and nothing else:
a report module never sees a subject the requester could not choose, and the worker checks the
subject again against the requester's scope when it makes the file.
"""

import datetime
from importlib import import_module
from types import ModuleType

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from programmes.models import ReportingDeadline
from programmes.vocabulary import FunderKind

from ..models import ReportType
from ..parameters import ReportParameters
from ..tables import Report

# Report type -> the module that makes it.
REPORTS: dict[str, str] = {
    ReportType.NATIONAL_OVERVIEW: "reports.funder_reports.overview",
    ReportType.ESF_MONITORING: "reports.funder_reports.esf",
    ReportType.MPSV_STATEMENT: "reports.funder_reports.mpsv",
    ReportType.MPSV_USER_CARDS: "reports.funder_reports.mpsv_cards",
    ReportType.PREVENTION_PROJECT: "reports.funder_reports.prevention",
    ReportType.FUNDER_AREA: "reports.funder_reports.funder_area",
}


def report_module(report_type: str) -> ModuleType | None:
    path = REPORTS.get(report_type)
    return import_module(path) if path else None


def offered_report_types(user: User) -> list[str]:
    """The funders' reports this person's role may ask for (by the role alone, without a query:
    the report form says so when there is no service, project or funder to choose)."""
    return [report_type for report_type in REPORTS if _offered(report_module(report_type), user)]


def _offered(module: ModuleType | None, user: User) -> bool:
    return module is not None and bool(module.offered_to(user))


def subject_choices(user: User, report_type: str) -> list[tuple[int, str]]:
    module = report_module(report_type)
    subjects = module.subjects(user) if module is not None and _offered(module, user) else None
    return [(subject.pk, str(subject)) for subject in subjects] if subjects is not None else []


def subject_for(user: User, report_type: str, subject_id: int | None) -> Model | None:
    """The subject of a report as this person may choose it; PermissionDenied for any other."""
    module = report_module(report_type)
    if module is None or not _offered(module, user):
        raise PermissionDenied
    subjects = module.subjects(user)
    if subjects is None:
        return None
    subject = subjects.filter(pk=subject_id).first() if subject_id else None
    if subject is None:
        raise PermissionDenied
    return subject


def report_for_deadline(deadline: ReportingDeadline) -> tuple[str, dict[str, str]]:
    """The funder's report that a reporting deadline asks for, and the values of its request
    form: the MPSV statement of the service for the year covered, or the monitoring (ESF+) or
    project report of the project for the period covered."""
    if deadline.service_id is not None:
        year = deadline.period_start.year if deadline.period_start else deadline.due_on.year - 1
        return ReportType.MPSV_STATEMENT, {"subject": str(deadline.service_id), "year": str(year)}
    project = deadline.project
    if project is None:  # a deadline is of a service or of a project (its constraint)
        raise ValueError(f"Reporting deadline {deadline.pk} has neither a service nor a project.")
    start = deadline.period_start or project.starts_on
    end = deadline.period_end or min(project.ends_on or deadline.due_on, deadline.due_on)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    if project.funder.kind == FunderKind.MPSV:
        # No funder's report is made per MPSV-subsidised project (the statement is the service's):
        # the organisation's activity report of the period.
        return ReportType.ACTIVITY, period
    report_type = ReportType.ESF_MONITORING if project.funder.kind == FunderKind.ESF else ReportType.PREVENTION_PROJECT
    return report_type, {"subject": str(project.pk), **period}


def build_funder_report(
    *, report_type: str, params: ReportParameters, requested_by: User, now: datetime.datetime | None = None
) -> Report:
    """The report with its cover page: what it is about (the report's own lines) between the
    period and who made it when."""
    module = report_module(report_type)
    if module is None:
        raise ValueError(f"No module makes the report {report_type!r}.")
    subject = subject_for(requested_by, report_type, params.subject)
    report: Report = module.build(subject=subject, params=params, requested_by=requested_by)
    made_at = timezone.localtime(now or timezone.now())
    start = formats.date_format(params.start, "SHORT_DATE_FORMAT")
    end = formats.date_format(params.end, "SHORT_DATE_FORMAT")
    period = f"{start} – {end}"
    report.cover = [
        (_("Report"), report.title),
        (_("Period"), period),
        *report.cover,
        (_("Made by"), requested_by.get_full_name() or requested_by.get_username()),
        (_("Made on"), formats.date_format(made_at, "SHORT_DATETIME_FORMAT")),
    ]
    return report


__all__ = [
    "REPORTS",
    "ReportType",
    "build_funder_report",
    "offered_report_types",
    "report_module",
    "subject_choices",
    "subject_for",
]
