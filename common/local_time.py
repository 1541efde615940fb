"""Local wall-clock times around the changes of daylight saving time (Europe/Prague and alike).

On the autumn night the clocks go back an hour, so every time from 02:00 to 02:59 happens twice
(first in summer time, UTC+02:00, then in winter time, UTC+01:00); on the spring night they go
forward, so the times from 02:00 to 02:59 never happen. A form takes an ambiguous time with the
occurrence the user chose (common.forms.LocalDateTimeField) and refuses one that never happened;
an export writes the UTC offset after a time that is ambiguous, so that the two 02:30s differ.
"""

import datetime

from django.utils import timezone

NORMAL = "normal"
AMBIGUOUS = "ambiguous"  # happened twice (the clocks went back)
NONEXISTENT = "nonexistent"  # never happened (the clocks went forward)

# Which of the two times an ambiguous wall-clock time means: Python's `fold` (PEP 495).
FIRST, SECOND = "first", "second"


def _zone(tz: datetime.tzinfo | None) -> datetime.tzinfo:
    return tz or timezone.get_current_timezone()


def wall_time_kind(naive: datetime.datetime, tz: datetime.tzinfo | None = None) -> str:
    """Whether a wall-clock time (naive) happened once, twice or never in the time zone."""
    tz = _zone(tz)
    first = naive.replace(tzinfo=tz, fold=0)
    if first.utcoffset() == naive.replace(tzinfo=tz, fold=1).utcoffset():
        return NORMAL
    # The two offsets differ around a change; the time exists if it survives a round trip.
    back = first.astimezone(datetime.UTC).astimezone(tz).replace(tzinfo=None)
    return AMBIGUOUS if back == naive.replace(fold=0) else NONEXISTENT


def make_aware(
    naive: datetime.datetime, occurrence: str = FIRST, tz: datetime.tzinfo | None = None
) -> datetime.datetime:
    """The moment a wall-clock time means: of an ambiguous one, the chosen occurrence (the first
    unless the second is asked for); in UTC. The caller refuses a nonexistent time first."""
    tz = _zone(tz)
    local = naive.replace(tzinfo=tz, fold=1 if occurrence == SECOND else 0)
    return local.astimezone(datetime.UTC)


def occurrence_of(local: datetime.datetime) -> str:
    """Which occurrence a local time (aware, or naive with its fold kept) is."""
    return SECOND if local.fold else FIRST


def offset_text(local: datetime.datetime) -> str:
    """'+01:00' for an aware local time."""
    return _offset_text(local.utcoffset() or datetime.timedelta(0))


def _offset_text(offset: datetime.timedelta) -> str:
    sign = "-" if offset < datetime.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def local_text(value: datetime.datetime | None, tz: datetime.tzinfo | None = None) -> str:
    """'2025-10-26 02:30', with the UTC offset after a time that happened twice
    ('2025-10-26 02:30 +01:00'); '' for None."""
    if value is None:
        return ""
    tz = _zone(tz)
    local = value.astimezone(tz)
    text = local.strftime("%Y-%m-%d %H:%M")
    if wall_time_kind(local.replace(tzinfo=None), tz) == AMBIGUOUS:
        text += " " + offset_text(local)
    return text


def seasonal_offsets(year: int, tz: datetime.tzinfo | None = None) -> tuple[str, str]:
    """The zone's summer and winter offsets in a year, as text ('+02:00', '+01:00')."""
    tz = _zone(tz)
    offsets = [
        datetime.datetime(year, month, 1, 12, tzinfo=tz).utcoffset() or datetime.timedelta(0) for month in (1, 7)
    ]
    return _offset_text(max(offsets)), _offset_text(min(offsets))
