"""Random values of the bulk seeder: moments over the years, weighted choices."""

import datetime
import random
from collections.abc import Sequence

YEARS = 10


class Clock:
    """Random moments over the last YEARS years, denser in recent years (the programme grew)."""

    def __init__(self, rng: random.Random, now: datetime.datetime) -> None:
        self.rng = rng
        self.now = now.timestamp()
        self.span = YEARS * 365.25 * 86400

    def moment(self) -> float:
        # sqrt of a uniform number leans towards 1: more recent moments are more likely.
        return self.now - self.span * (1.0 - self.rng.random() ** 0.5)

    @staticmethod
    def working_hours(ts: float) -> datetime.datetime:
        """The same day, between 7:00 and 18:59 UTC (8–20 local time), whole minutes."""
        day = int(ts // 86400) * 86400
        minute = int((ts - day) / 60) % (12 * 60)
        return datetime.datetime.fromtimestamp(day + 7 * 3600 + minute * 60, tz=datetime.UTC)


def weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
