"""A minimal iCalendar (RFC 5545) writer for the calendar feed: all-day events, and events at a
time (hearings) written in UTC (section 3.3.5, form #2), so that no VTIMEZONE is needed and the
calendar program shows them in its own zone, summer and winter time alike.

Written by hand rather than with a library: text values are escaped (backslash, semicolon,
comma, line breaks; section 3.3.11), lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character (section 3.1)."""

import datetime
from dataclasses import dataclass

LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """An all-day event on `on`, or with `starts_at` (aware) an event at that time lasting
    `duration`; `on` is then its local day, by which the feed sorts."""

    uid: str
    on: datetime.date
    summary: str
    url: str
    description: str = ""
    starts_at: datetime.datetime | None = None
    duration: datetime.timedelta = datetime.timedelta(hours=1)


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """The content line in parts of at most 75 octets, each further part after CRLF and a space."""
    parts: list[str] = []
    current, size = "", 0
    limit = LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size, limit = char, octets, LINE_OCTETS - 1
        else:
            current += char
            size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def _date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _duration(value: datetime.timedelta) -> str:
    """A positive duration in minutes (section 3.3.6), e.g. PT1H30M."""
    minutes = max(1, int(value.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


def _when(event: Event) -> list[str]:
    if event.starts_at is None:
        return [
            f"DTSTART;VALUE=DATE:{_date(event.on)}",
            f"DTEND;VALUE=DATE:{_date(event.on + datetime.timedelta(days=1))}",
        ]
    return [f"DTSTART:{_utc(event.starts_at)}", f"DURATION:{_duration(event.duration)}"]


def calendar(*, name: str, events: list[Event], stamp: datetime.datetime) -> str:
    """The whole VCALENDAR; `stamp` (aware) is the DTSTAMP of every event."""
    utc = _utc(stamp)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Liaison//Attention calendar//CS",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{utc}",
            *_when(event),
            f"SUMMARY:{escape_text(event.summary)}",
            f"URL;VALUE=URI:{event.url}",
            f"DESCRIPTION:{escape_text(event.description or event.url)}",
            # A deadline leaves the day free; a hearing takes its hour.
            "TRANSP:TRANSPARENT" if event.starts_at is None else "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
