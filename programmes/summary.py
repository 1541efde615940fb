"""Direct work against paid working time, per assistant and service, and the FTE of each service.

The minutes of work come from the records of work (contacts, an upper layer): the page passes
them in, this module only puts them together."""

import datetime
from dataclasses import dataclass, field

from accounts.models import User

from .models import Service

FULL_TIME_HOURS_PER_WEEK = 40
DIRECT, ON_BEHALF = "direct", "on_behalf"  # contacts.Activity.Work


def _easter_sunday(year: int) -> datetime.date:
    """The Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


def czech_public_holidays(year: int) -> set[datetime.date]:
    """Public holidays of the Czech Republic (act 245/2000 Sb.), Good Friday and Easter Monday included."""
    fixed = [(1, 1), (5, 1), (5, 8), (7, 5), (7, 6), (9, 28), (10, 28), (11, 17), (12, 24), (12, 25), (12, 26)]
    easter = _easter_sunday(year)
    return {datetime.date(year, month, day) for month, day in fixed} | {
        easter - datetime.timedelta(days=2),
        easter + datetime.timedelta(days=1),
    }


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Mondays to Fridays from `start` to `end`, public holidays left out."""
    holidays: set[datetime.date] = set()
    for year in range(start.year, end.year + 1):
        holidays |= czech_public_holidays(year)
    count, day = 0, start
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += datetime.timedelta(days=1)
    return count


def share(part: int, whole: int) -> float | None:
    return None if not whole else part / whole


@dataclass
class Line:
    """One assistant in one service, or one service's total."""

    paid: int = 0
    direct: int = 0
    on_behalf: int = 0

    @property
    def direct_share(self) -> float | None:
        return share(self.direct, self.paid)

    @property
    def worked(self) -> int:
        return self.direct + self.on_behalf


@dataclass
class AssistantLine(Line):
    assistant: User | None = None
    service: Service | None = None


@dataclass
class ServiceLine(Line):
    service: Service | None = None
    fte: float | None = None
    lines: list[AssistantLine] = field(default_factory=list)


def build_summary(
    *,
    people: dict[int, User],
    services: dict[int, Service],
    paid: dict[tuple[int, int], int],
    work: dict[tuple[int, int, str], int],
    days: int,
) -> list[ServiceLine]:
    """Per service, its assistants' paid and worked minutes and the service's FTE:
    paid hours / (40 h × working days ÷ 5)."""
    pairs = set(paid) | {(assistant, service) for assistant, service, _work in work}
    by_service: dict[int, ServiceLine] = {}
    for assistant_id, service_id in pairs:
        if assistant_id not in people or service_id not in services:
            continue
        line = AssistantLine(
            assistant=people[assistant_id],
            service=services[service_id],
            paid=paid.get((assistant_id, service_id), 0),
            direct=work.get((assistant_id, service_id, DIRECT), 0),
            on_behalf=work.get((assistant_id, service_id, ON_BEHALF), 0),
        )
        total = by_service.setdefault(service_id, ServiceLine(service=services[service_id]))
        total.lines.append(line)
        total.paid += line.paid
        total.direct += line.direct
        total.on_behalf += line.on_behalf
    full_time_minutes = FULL_TIME_HOURS_PER_WEEK * 60 * days / 5
    for total in by_service.values():
        total.fte = total.paid / full_time_minutes if full_time_minutes else None
        total.lines.sort(
            key=lambda line: (line.assistant.last_name, line.assistant.first_name) if line.assistant else ("", "")
        )
    return sorted(by_service.values(), key=lambda total: total.service.name if total.service else "")
