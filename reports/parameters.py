"""The parameters of a report job and their rules, shared by the form and the service."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases import models as case_models

from .models import ReportFormat, ReportType

MAX_PERIOD_YEARS = 10
EARLIEST_YEAR = 2000

# National statistics exist for fixed periods only (docs/statistical-disclosure.md): a period
# of the requester's choosing, one day longer than another, would reveal that day's records.
MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = [(MONTH, _("Calendar month")), (QUARTER, _("Quarter")), (YEAR, _("Year"))]
# The report for a city or region as funder crosses organisations and is protected as they are.
FIXED_PERIOD_ONLY = {ReportType.NATIONAL_STATISTICS, ReportType.NATIONAL_OVERVIEW, ReportType.FUNDER_AREA}
_PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")

ALL = "all"

# The breakdowns each report offers; "all" puts every one in the file (one sheet each).
BREAKDOWNS: dict[str, list[tuple[str, str | Promise]]] = {
    ReportType.NATIONAL_STATISTICS: [
        (ALL, _("All breakdowns")),
        ("contacts_month_region", _("Contacts by month and region")),
        ("contacts_municipality_authority", _("Contacts by municipality and authority")),
        ("contacts_municipality_form", _("Contacts by municipality and activity category")),
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

# The funders' reports have one breakdown: the whole form, as the funder asks for it.
FUNDER_REPORT_TYPES = [
    ReportType.MPSV_STATEMENT,
    ReportType.MPSV_USER_CARDS,
    ReportType.ESF_MONITORING,
    ReportType.PREVENTION_PROJECT,
    ReportType.FUNDER_AREA,
    ReportType.NATIONAL_OVERVIEW,
]
for _report_type in FUNDER_REPORT_TYPES:
    BREAKDOWNS[_report_type] = [(ALL, _("The whole report"))]

# A person-level export has no PDF: thousands of pages help nobody.
_ALL_FORMATS: list[str] = [ReportFormat.CSV, ReportFormat.XLSX, ReportFormat.PDF]
FORMATS: dict[str, list[str]] = {
    ReportType.NATIONAL_STATISTICS: _ALL_FORMATS,
    ReportType.ACTIVITY: _ALL_FORMATS,
    ReportType.CASE_CONTACT_EXPORT: [ReportFormat.CSV, ReportFormat.XLSX],
    ReportType.MPSV_STATEMENT: _ALL_FORMATS,
    ReportType.MPSV_USER_CARDS: [ReportFormat.CSV, ReportFormat.XLSX],
    ReportType.ESF_MONITORING: _ALL_FORMATS,
    ReportType.PREVENTION_PROJECT: _ALL_FORMATS,
    ReportType.FUNDER_AREA: _ALL_FORMATS,
    ReportType.NATIONAL_OVERVIEW: _ALL_FORMATS,
}

# Reports about one service, project or funder: the job names it as its `subject`
# (which ones a person may choose is the report's own, reports.funder_reports).
SUBJECT_REQUIRED = {
    ReportType.MPSV_STATEMENT,
    ReportType.MPSV_USER_CARDS,
    ReportType.ESF_MONITORING,
    ReportType.PREVENTION_PROJECT,
    ReportType.FUNDER_AREA,
}
# The MPSV statement and its user cards are for a calendar year (act 108/2006 Sb., §85(5)).
CALENDAR_YEAR_ONLY = {ReportType.MPSV_STATEMENT, ReportType.MPSV_USER_CARDS}


@dataclass(frozen=True)
class ReportParameters:
    start: datetime.date
    end: datetime.date
    breakdown: str
    format: str
    # The service, project or funder the report is about (SUBJECT_REQUIRED), by its id.
    subject: int | None = None

    def as_json(self) -> dict:
        values: dict = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "breakdown": self.breakdown,
            "format": self.format,
        }
        if self.subject is not None:
            values["subject"] = self.subject
        return values

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


def fixed_period(kind: str, year: int, number: int | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a calendar month (number 1-12), quarter (1-4) or year."""
    if kind == YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if number is None:
        raise ValueError(f"A {kind} needs its number.")
    first_month = number if kind == MONTH else 3 * (number - 1) + 1
    last_month = first_month if kind == MONTH else first_month + 2
    return (
        datetime.date(year, first_month, 1),
        datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def fixed_period_name(start: datetime.date, end: datetime.date) -> str | None:
    """ "2026-11", "2026-Q4" or "2026" when start–end is exactly that period, else None."""
    candidates = [
        (f"{start.year}", fixed_period(YEAR, start.year)),
        (f"{start.year}-Q{(start.month - 1) // 3 + 1}", fixed_period(QUARTER, start.year, (start.month - 1) // 3 + 1)),
        (f"{start.year}-{start.month:02d}", fixed_period(MONTH, start.year, start.month)),
    ]
    return next((name for name, period in candidates if period == (start, end)), None)


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """A period written as "2026-11" (month), "2026-Q4" (quarter) or "2026" (year)."""
    match = _PERIOD_PATTERN.match(text.strip())
    month = int(match["month"]) if match and match["month"] else None
    if not match or not 1900 <= int(match["year"]) <= 2999 or (month is not None and not 1 <= month <= 12):
        raise ValidationError(
            _("Enter a calendar month, quarter or year, e.g. 2026-11, 2026-Q4 or 2026."), code="invalid_period"
        )
    if month is not None:
        return fixed_period(MONTH, int(match["year"]), month)
    if match["quarter"]:
        return fixed_period(QUARTER, int(match["year"]), int(match["quarter"]))
    return fixed_period(YEAR, int(match["year"]))


def breakdown_choices(report_type: str) -> list[tuple[str, str | Promise]]:
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
    if start > timezone.localdate():
        raise ValidationError(
            _("A report period cannot start in the future (after %(today)s).")
            % {"today": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")},
            code="period_in_future",
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
    if raw.get("period"):
        try:
            dates["start"], dates["end"] = parse_period(str(raw["period"]))
        except ValidationError as exc:
            errors["period"] = exc
    for name in ("start", "end"):
        if name in dates or "period" in errors:
            continue
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
    file_format = str(raw.get("format"))  # (None and anything else unknown is refused below)
    if file_format not in FORMATS[report_type]:
        errors["format"] = ValidationError(_("Unknown or unavailable format."), code="unknown_format")
    if not errors:
        try:
            validate_period(dates["start"], dates["end"])
        except ValidationError as exc:
            errors["end"] = exc
    if not errors and report_type in FIXED_PERIOD_ONLY and fixed_period_name(dates["start"], dates["end"]) is None:
        message = (
            _(
                "The report for a funder is made for a calendar month, quarter or year only "
                "(e.g. 2026-11, 2026-Q4 or 2026); %(start)s – %(end)s is none of those."
            )
            if report_type == ReportType.FUNDER_AREA
            else _(
                "National statistics are published for a calendar month, quarter or year only "
                "(e.g. 2026-11, 2026-Q4 or 2026); %(start)s – %(end)s is none of those."
            )
        )
        errors["period"] = ValidationError(
            message % {"start": dates["start"].isoformat(), "end": dates["end"].isoformat()},
            code="not_a_fixed_period",
        )
    if (
        not errors
        and report_type in CALENDAR_YEAR_ONLY
        and (dates["start"], dates["end"]) != fixed_period(YEAR, dates["start"].year)
    ):
        errors["period"] = ValidationError(
            _("The MPSV statement is made for a whole calendar year (1 January to 31 December)."),
            code="not_a_calendar_year",
        )
    subject = None
    if report_type in SUBJECT_REQUIRED:
        try:
            subject = int(raw.get("subject") or 0)
        except (TypeError, ValueError):
            subject = 0
        if subject <= 0:
            errors["subject"] = ValidationError(_("Choose what the report is about."), code="subject_required")
    if errors:
        raise ValidationError(errors)
    return ReportParameters(
        start=dates["start"], end=dates["end"], breakdown=breakdown, format=file_format, subject=subject
    )


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last_day = today.replace(day=1) - datetime.timedelta(days=1)
    return last_day.replace(day=1), last_day
