"""Writes of hearings and appointments at authorities (cases.hearing_models.Hearing).

Their history (who added, changed or deleted which hearing, and what it said) is kept by the
database's audit history like that of every table of the cases app."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Case, Hearing
from .services import CaseError

# The earliest and the latest hearing day that is plausible: older records are not kept (like
# contacts), and nobody summons anyone more than a few years ahead; otherwise a typed year is wrong.
MAX_AGE_YEARS = 10
MAX_YEARS_AHEAD = 3


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check(case: Case, starts_at: datetime.datetime, place: str) -> str:
    """The place, tidied; CaseError (by field) for a time or place that cannot be right."""
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be aware")
    day, today = timezone.localtime(starts_at).date(), timezone.localdate()
    if day < _years_from(today, -MAX_AGE_YEARS):
        raise CaseError(_("A hearing more than ten years ago is not kept: please check the year."), field="starts_at")
    if day > _years_from(today, MAX_YEARS_AHEAD):
        raise CaseError(
            _("A hearing can be recorded at most three years ahead: please check the year."), field="starts_at"
        )
    if case.incident_date and day < case.incident_date:
        raise CaseError(_("The hearing cannot be before the incident."), field="starts_at")
    place = place.strip()
    if not place:
        raise CaseError(_("Enter where the hearing takes place."), field="place")
    return place


@transaction.atomic
def hearing_add(
    *,
    case: Case,
    by: User,
    kind: str,
    starts_at: datetime.datetime,
    place: str,
    accompanied: bool = True,
    note: str = "",
) -> Hearing:
    place = _check(case, starts_at, place)
    return Hearing.objects.create(
        case=case, created_by=by, kind=kind, starts_at=starts_at, place=place, accompanied=accompanied, note=note
    )


@transaction.atomic
def hearing_update(
    *, hearing: Hearing, kind: str, starts_at: datetime.datetime, place: str, accompanied: bool, note: str
) -> Hearing:
    hearing.place = _check(hearing.case, starts_at, place)
    hearing.kind, hearing.starts_at, hearing.accompanied, hearing.note = kind, starts_at, accompanied, note
    hearing.save(update_fields=["kind", "starts_at", "place", "accompanied", "note", "updated_at"])
    return hearing


@transaction.atomic
def hearing_delete(*, hearing: Hearing) -> None:
    hearing.delete()
