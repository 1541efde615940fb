"""The parameters of a report job and their rules, shared by the form and the service."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import models as case_models

from .models import ReportFormat, ReportType

MAX_PERIOD_YEARS = 10
EARLIEST_YEAR = 2000

ALL = "all"

# The breakdowns each report offers; "all" puts every one in the file (one sheet each).
BREAKDOWNS: dict[str, list[tuple[str, str]]] = {
    ReportType.NATIONAL_STATISTICS: [
        (ALL, _("All breakdowns")),
        ("contacts_month_region", _("Contacts by month and region")),
        ("contacts_municipality_authority", _("Contacts by municipality and authority")),
        ("contacts_municipality_form", _("Contacts by municipality and form of work")),
        ("clients_region", _("Clients supported by region")),
        ("cases_crime_status", _("Cases by crime type and status")),
        ("cases_region_status", _("Cases by region and status")),
    ],
    ReportType.ACTIVITY: [(ALL, _("Per assistant"))],
    ReportType.CASE_CONTACT_EXPORT: [
        (ALL, _("Contacts and cases")),
        ("contacts", _("Contacts only")),
        ("cases", _("Cases only")),
    ],
}
# Referrals to support services count only where the cases app records them.
if hasattr(case_models, "Referral"):
    BREAKDOWNS[ReportType.NATIONAL_STATISTICS].append(("referrals_service_state", _("Referrals by service and state")))

# A person-level export has no PDF: thousands of pages help nobody.
FORMATS: dict[str, list[str]] = {
    ReportType.NATIONAL_STATISTICS: [ReportFormat.CSV, ReportFormat.XLSX, ReportFormat.PDF],
    ReportType.ACTIVITY: [ReportFormat.CSV, ReportFormat.XLSX, ReportFormat.PDF],
    ReportType.CASE_CONTACT_EXPORT: [ReportFormat.CSV, ReportFormat.XLSX],
}


@dataclass(frozen=True)
class ReportParameters:
    start: datetime.date
    end: datetime.date
    breakdown: str
    format: str

    def as_json(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "breakdown": self.breakdown,
            "format": self.format,
        }

    def includes(self, breakdown: str) -> bool:
        return self.breakdown in (ALL, breakdown)

    def start_datetime(self) -> datetime.datetime:
        """The first moment of the period, in the project's time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    def end_datetime_exclusive(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def months(self) -> list[datetime.date]:
        """The first day of every month that the period touches."""
        month = self.start.replace(day=1)
        months = []
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def breakdown_choices(report_type: str) -> list[tuple[str, str]]:
    return BREAKDOWNS.get(report_type, [])


def format_choices(report_type: str) -> list[tuple[str, str]]:
    return [(value, ReportFormat(value).label) for value in FORMATS.get(report_type, [])]


def validate_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError(_("The end of the period cannot be before its start."), code="period_reversed")
    # No record is older than the programme, and a period near the ends of the calendar (year 1,
    # year 9999) cannot even be turned into local times.
    if start.year < EARLIEST_YEAR or end.year > timezone.localdate().year + 1:
        raise ValidationError(
            _("The period must lie between the year %(first)s and the end of next year.") % {"first": EARLIEST_YEAR},
            code="period_out_of_range",
        )
    try:
        limit = start.replace(year=start.year + MAX_PERIOD_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_PERIOD_YEARS, day=28)
    if end >= limit:
        raise ValidationError(
            _("The period can be at most %(years)s years long.") % {"years": MAX_PERIOD_YEARS},
            code="period_too_long",
        )


def parse_parameters(report_type: str, raw: dict) -> ReportParameters:
    """Check raw parameters (strings or dates); raise ValidationError with a message per field."""
    if report_type not in ReportType.values:
        raise ValidationError(_("Unknown report."), code="unknown_report")
    errors: dict[str, ValidationError] = {}
    dates: dict[str, datetime.date] = {}
    for name in ("start", "end"):
        value = raw.get(name)
        if isinstance(value, datetime.date):
            dates[name] = value
            continue
        try:
            dates[name] = datetime.date.fromisoformat(str(value))
        except ValueError:
            errors[name] = ValidationError(_("Enter a valid date."), code="invalid_date")
    breakdown = raw.get("breakdown") or ALL
    if breakdown not in dict(breakdown_choices(report_type)):
        errors["breakdown"] = ValidationError(_("Unknown breakdown."), code="unknown_breakdown")
    file_format = raw.get("format")
    if file_format not in FORMATS[report_type]:
        errors["format"] = ValidationError(_("Unknown or unavailable format."), code="unknown_format")
    if not errors:
        try:
            validate_period(dates["start"], dates["end"])
        except ValidationError as exc:
            errors["end"] = exc
    if errors:
        raise ValidationError(errors)
    return ReportParameters(start=dates["start"], end=dates["end"], breakdown=breakdown, format=file_format)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last_day = today.replace(day=1) - datetime.timedelta(days=1)
    return last_day.replace(day=1), last_day
