"""Reading an import of staff time: a CSV (UTF-8 or Windows-1250, `;` or `,`) or an XLSX file
with the columns uživatel, datum, hodiny and optionally služba, one row per person and day.

Every row is checked before anything is saved, and every problem is named with its row number
(the row as a spreadsheet numbers it: the header is row 1)."""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Assignment, Service, StaffTime
from .staff_time import DAYS_AHEAD, EARLIEST_STAFF_TIME, CheckedRow, RowError, parse_hours, staff_members, week_start

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = {
    "uzivatel": "username",
    "uzivatelske jmeno": "username",
    "username": "username",
    "datum": "date",
    "den": "date",
    "date": "date",
    "hodiny": "hours",
    "hours": "hours",
    "sluzba": "service",
    "service": "service",
}
REQUIRED = ("username", "date", "hours")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# The columns are named in Czech whatever the language of the page (the example on the page).
EXAMPLE = "uživatel;datum;hodiny;služba\nasistent.brno;28.11.2026;7,5;Terénní programy\nasistent2.brno;28.11.2026;4:00;"


class UnreadableFile(Exception):
    """The file is not a table this import reads; the message says why, in the user's language."""


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1250 decodes almost any bytes
        raise UnreadableFile(_("The file is neither UTF-8 nor Windows-1250 text."))
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a CSV or XLSX table."))
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The XLSX file cannot be read: is it a spreadsheet saved as .xlsx?")) from error
    sheet = workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield list(values)
    workbook.close()


def read_table(name: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows of the file as (row number, {column: value}), blank rows left out."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 2 MB: split it into several imports."))
    rows = _xlsx_rows(data) if name.lower().endswith(".xlsx") or data[:2] == b"PK" else _csv_rows(data)
    header: list[str | None] | None = None
    table: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=1):
        if all(value is None or str(value).strip() == "" for value in values):
            continue
        if header is None:
            header = [COLUMNS.get(_plain(str(value or ""))) for value in values]
            missing = [column for column in REQUIRED if column not in header]
            if missing:
                raise UnreadableFile(
                    _("Row %(row)s: the header must name the columns uživatel, datum and hodiny (služba may follow).")
                    % {"row": number}
                )
            continue
        if len(table) >= MAX_ROWS:
            raise UnreadableFile(_("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS})
        table.append((number, {column: value for column, value in zip(header, values, strict=False) if column}))
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    return table


def parse_day(value: Any) -> datetime.date:
    """A date cell: an Excel date or serial number, `28.11.2026`, `28. 11. 2026` or `2026-11-28`."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 100_000:
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = str(value or "").strip().replace(" ", "")
    czech = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if czech:
        day, month, year = (int(part) for part in czech.groups())
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise ValueError(text)
    return datetime.date(year, month, day)  # ValueError for 31.2.2026


def parse_cell_hours(value: Any) -> int:
    """Minutes of an hours cell: a number of hours (7.5), a time of day (7:30) or text."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if not 0 <= value <= 1000:
            raise ValueError(value)
        return round(value * 60)
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() // 60)
    return parse_hours(str(value or ""))


def check_rows(*, by: User, table: list[tuple[int, dict[str, Any]]]) -> tuple[list[CheckedRow], list[RowError]]:
    """Checks every row against the organisation's staff, services and assignments; nothing is saved."""
    people = {user.username.lower(): user for user in staff_members(by.organisation_id)}
    services = list(Service.objects.filter(organisation=by.organisation))
    by_name = {service.name.lower(): service for service in services}
    assignments = list(
        Assignment.objects.filter(profile__user__in=people.values()).select_related("service", "profile")
    )
    weeks = set(
        StaffTime.objects.filter(organisation=by.organisation, period=StaffTime.Period.WEEK).values_list(
            "assistant_id", "starts_on"
        )
    )
    checked: list[CheckedRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[int, int, datetime.date], int] = {}

    def fail(number: int, message: str) -> None:
        errors.append(RowError(number, message))

    for number, cells in table:
        username = str(cells.get("username") or "").strip()
        person = people.get(username.lower())
        if not username:
            fail(number, _("The user name is missing."))
            continue
        if person is None:
            fail(number, _("“%(user)s” is not a user name of your organisation's staff.") % {"user": username})
            continue
        try:
            day = parse_day(cells.get("date"))
        except ValueError:
            fail(number, _("“%(value)s” is not a date: write it as 28.11.2026.") % {"value": cells.get("date") or ""})
            continue
        try:
            minutes = parse_cell_hours(cells.get("hours"))
        except ValueError:
            fail(
                number, _("“%(value)s” are not hours: write them as 7,5 or 7:30.") % {"value": cells.get("hours") or ""}
            )
            continue
        if not EARLIEST_STAFF_TIME <= day <= timezone.localdate() + datetime.timedelta(days=DAYS_AHEAD):
            fail(
                number,
                _("The date %(day)s is outside the years of the programme or more than a month ahead.")
                % {"day": date_format(day, "SHORT_DATE_FORMAT")},
            )
            continue
        if not 0 < minutes <= 24 * 60:
            fail(number, _("Hours of one day must be above zero and at most 24."))
            continue
        service_name = str(cells.get("service") or "").strip()
        if service_name:
            service = by_name.get(service_name.lower())
            if service is None:
                fail(number, _("“%(service)s” is not a service of your organisation.") % {"service": service_name})
                continue
        else:
            current = [a for a in assignments if a.profile.user_id == person.pk and a.covers(day)]
            if current:
                service = current[0].service
            elif len(services) == 1:
                service = services[0]
            else:
                fail(
                    number,
                    _("Fill in the service: %(user)s has no assignment on %(day)s.")
                    % {"user": username, "day": date_format(day, "SHORT_DATE_FORMAT")},
                )
                continue
        if (person.pk, week_start(day)) in weeks:
            fail(
                number,
                _("The whole week of this day is already entered for %(user)s as one week.") % {"user": username},
            )
            continue
        key = (person.pk, service.pk, day)
        if key in seen:
            fail(number, _("The same person, day and service as row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = number
        checked.append(CheckedRow(number, person, service, day, minutes))
    return checked, errors


def normalised_csv(rows: list[CheckedRow]) -> str:
    """The checked rows as a CSV this module reads again: what the confirmation imports."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["uživatel", "datum", "hodiny", "služba"])
    for row in rows:
        writer.writerow(
            [
                row.assistant.username,
                row.day.strftime("%d.%m.%Y"),
                f"{row.minutes // 60}:{row.minutes % 60:02d}",
                row.service.name,
            ]
        )
    return out.getvalue()


def validation_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]
