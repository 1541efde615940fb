"""The state of one bulk load that its generators share: the plan of each organisation (the ids
the generators hand on to each other), the random streams, and the counts it reports."""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Organisation, Region

from .sampling import Clock


@dataclass
class OrgPlan:
    organisation: Organisation
    region: Region
    weight: float
    assistants: list[int] = field(default_factory=list)
    coordinator: int | None = None
    localities: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    police_consent_clients: list[int] = field(default_factory=list)
    cases: list[tuple[int, int]] = field(default_factory=list)  # (case id, client id)
    service: int | None = None  # the organisation's starting service


@dataclass
class BulkResult:
    organisations: int = 0
    users: int = 0
    clients: int = 0
    consents: int = 0
    cases: int = 0
    transitions: int = 0
    contacts: int = 0
    contact_clients: int = 0
    projects: int = 0
    staff_time: int = 0
    group_activities: int = 0
    activities: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    triggers_skipped: bool = False


class SeedState:
    """What the generators of one load share: sizes, random streams, the organisations' plans
    and the counts so far. The bulk seeder (seed/bulk.py) runs the generators over it."""

    def __init__(
        self,
        *,
        contacts: int,
        clients: int,
        cases: int,
        organisations: int,
        seed: int = 1,
        password: str | None = None,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.n_contacts, self.n_clients, self.n_cases = contacts, clients, cases
        self.n_organisations = max(1, organisations)
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        # Record keys of the statistics' perturbation: unpredictable and from a stream of their
        # own, so that the made-up data stays the same for a given seed.
        self.keys = random.Random(secrets.randbits(64))  # noqa: S311 - seeded from secrets
        self.now = timezone.now().replace(microsecond=0)
        self.clock = Clock(self.rng, self.now)
        self.password = password
        self.log = log
        self.tag = f"{int(time.time()) % 10_000_000:07d}"
        self.result = BulkResult()
        self.plans: list[OrgPlan] = []
        self.org_cum: list[float] = []  # cumulative weights of the plans, set with them

    def record_key(self) -> str:
        return str(self.keys.getrandbits(31))

    def pick_orgs(self, k: int) -> list[OrgPlan]:
        return self.rng.choices(self.plans, cum_weights=self.org_cum, k=k)
