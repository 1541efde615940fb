"""A minimal iCalendar (RFC 5545) writer for the calendar feed: all-day events only.

Written by hand rather than with a library: text values are escaped (backslash, semicolon,
comma, line breaks; section 3.3.11), lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character (section 3.1)."""

import datetime
from dataclasses import dataclass

LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    on: datetime.date
    summary: str
    url: str
    description: str = ""


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


def calendar(*, name: str, events: list[Event], stamp: datetime.datetime) -> str:
    """The whole VCALENDAR; `stamp` (aware) is the DTSTAMP of every event."""
    utc = stamp.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
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
            f"DTSTART;VALUE=DATE:{_date(event.on)}",
            f"DTEND;VALUE=DATE:{_date(event.on + datetime.timedelta(days=1))}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"URL;VALUE=URI:{event.url}",
            f"DESCRIPTION:{escape_text(event.description or event.url)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
