"""Writes of staff time: paid working time of an assistant for a day or a week, entered by the
assistant or their coordinator, or imported from a file (reading it: programmes/staff_import.py).

Hours are entered as `7:30` or `7,5`; they are kept in minutes."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role

from .models import Service, StaffTime
from .services import refuse

EARLIEST_STAFF_TIME = datetime.date(2000, 1, 1)
# Time may be entered ahead (a week planned on its Monday), not for months to come.
DAYS_AHEAD = 31
_HOURS = re.compile(r"^(\d{1,3})(?::(\d{1,2}))?$")


def parse_hours(text: str) -> int:
    """Minutes of `7:30`, `7,5`, `7.5`, `8` or `8 h`; ValueError for anything else."""
    cleaned = text.strip().lower().removesuffix("hod").removesuffix("h").strip().replace(" ", "")
    if ":" in cleaned:
        match = _HOURS.match(cleaned)
        if not match or match.group(2) is None or len(match.group(2)) != 2 or int(match.group(2)) >= 60:
            raise ValueError(text)
        return int(match.group(1)) * 60 + int(match.group(2))
    try:
        hours = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not hours.is_finite() or hours < 0 or hours > 1000:
        raise ValueError(text)
    return int((hours * 60).to_integral_value())


def format_hours(minutes: int | None) -> str:
    """`450` → `7:30`."""
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


def staff_members(organisation_id: int | None, *, former: bool = False) -> QuerySet[User]:
    """The people whose working time an organisation keeps: its assistants and coordinators
    (with `former`, also those whose account was closed)."""
    if organisation_id is None:
        return User.objects.none()
    people = User.objects.filter(organisation_id=organisation_id, role__in=[Role.ASSISTANT, Role.COORDINATOR])
    if not former:
        people = people.filter(is_active=True)
    return people.order_by("last_name", "first_name", "username")


def may_enter_staff_time(by: User, assistant: User) -> bool:
    """Assistants enter their own time; a coordinator also that of the organisation's staff."""
    if by.pk == assistant.pk:
        return Role(by.role).can_work_with_clients()
    return Role(by.role).can_manage_programme() and by.organisation_id == assistant.organisation_id


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _check(*, by: User, assistant: User, service: Service, period: str, starts_on: datetime.date, minutes: int) -> None:
    if not may_enter_staff_time(by, assistant):
        refuse("assistant", _("You can enter working time only for yourself or your organisation's staff."))
    if service.organisation_id != assistant.organisation_id:
        refuse("service", _("Choose a service of the assistant's organisation."))
    if starts_on < EARLIEST_STAFF_TIME:
        refuse("starts_on", _("The date cannot be before the year 2000."))
    if starts_on > timezone.localdate() + datetime.timedelta(days=DAYS_AHEAD):
        refuse("starts_on", _("Working time can be entered at most a month ahead."))
    if period == StaffTime.Period.WEEK:
        if starts_on.weekday() != 0:
            refuse("starts_on", _("A week starts on a Monday."))
        days = StaffTime.objects.filter(
            assistant=assistant,
            period=StaffTime.Period.DAY,
            starts_on__range=(starts_on, starts_on + datetime.timedelta(days=6)),
        )
        if days.exists():
            refuse("period", _("Working time of single days of this week is already entered: correct those days."))
    else:
        weeks = StaffTime.objects.filter(
            assistant=assistant, period=StaffTime.Period.WEEK, starts_on=week_start(starts_on)
        )
        if weeks.exists():
            refuse("period", _("Working time of the whole week is already entered: correct the week instead."))
    limit = 24 * 60 if period == StaffTime.Period.DAY else 7 * 24 * 60
    if not 0 < minutes <= limit:
        refuse("minutes", _("Enter a working time above zero and at most the length of the period."))


@transaction.atomic
def staff_time_save(
    *,
    by: User,
    assistant: User,
    service: Service,
    period: str,
    starts_on: datetime.date,
    minutes: int,
    entry: StaffTime | None = None,
) -> StaffTime:
    """Records working time. A new entry for a day (or week) already entered corrects that one;
    editing an entry onto another entry's day is refused."""
    _check(by=by, assistant=assistant, service=service, period=period, starts_on=starts_on, minutes=minutes)
    key = {"assistant": assistant, "service": service, "period": period, "starts_on": starts_on}
    same = StaffTime.objects.select_for_update().filter(**key)
    if entry is not None:
        if same.exclude(pk=entry.pk).exists():
            refuse(None, _("Working time for this day and service is already entered: correct that entry."))
    else:
        entry = same.first() or StaffTime(**key)
    entry.assistant, entry.service, entry.period, entry.starts_on = assistant, service, period, starts_on
    entry.organisation_id = assistant.organisation_id  # type: ignore[assignment]  # checked above: not None
    entry.minutes, entry.entered_by = minutes, by
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def staff_time_delete(*, by: User, entry: StaffTime) -> None:
    if not may_enter_staff_time(by, entry.assistant):
        refuse(None, _("You can delete only your own working time or that of your organisation's staff."))
    entry.delete()


# -- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedRow:
    number: int
    assistant: User
    service: Service
    day: datetime.date
    minutes: int


@dataclass(frozen=True)
class RowError:
    number: int
    message: str


@transaction.atomic
def staff_time_import(*, by: User, rows: list[CheckedRow]) -> tuple[int, int]:
    """Saves every row or none: (new, corrected). A row for a day already entered corrects it,
    so importing the same file twice changes nothing the second time."""
    created = updated = 0
    for row in rows:
        exists = StaffTime.objects.filter(
            assistant=row.assistant, service=row.service, period=StaffTime.Period.DAY, starts_on=row.day
        ).exists()
        staff_time_save(
            by=by,
            assistant=row.assistant,
            service=row.service,
            period=StaffTime.Period.DAY,
            starts_on=row.day,
            minutes=row.minutes,
        )
        if exists:
            updated += 1
        else:
            created += 1
    return created, updated
