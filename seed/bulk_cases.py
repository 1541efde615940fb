"""Bulk seeder: cases, their crime types and status history (COPY)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from cases.models import Case, CaseStatus, CaseTransition, CrimeType, RiskLevel

from .copy_streams import Spool, Table, copy_lines, next_ids, q
from .plan import SeedState
from .sampling import weighted
from .vocabulary import CASE_TITLES

STATUS_PATH = [
    CaseStatus.NEW,
    CaseStatus.IN_PROGRESS,
    CaseStatus.REPORTED,
    CaseStatus.INVESTIGATION,
    CaseStatus.COURT,
    CaseStatus.CLOSED,
]
STATUS_WEIGHTS = {
    CaseStatus.NEW: 6,
    CaseStatus.IN_PROGRESS: 18,
    CaseStatus.REPORTED: 10,
    CaseStatus.INVESTIGATION: 10,
    CaseStatus.COURT: 5,
    CaseStatus.CLOSED: 51,
}


def copy_cases(seeder: SeedState, cursor) -> None:
    if seeder.n_cases <= 0:
        return
    rng = seeder.rng
    given = [
        "id",
        "organisation",
        "client",
        "assistant",
        "title",
        "incident_date",
        "reported_on",
        "region",
        "locality",
        "particularly_vulnerable",
        "risk_level",
        "shared_with_police",
        "status",
        "opened_at",
        "closed_at",
        "police_reviewed_at",
        "updated_at",
        "record_key",
    ]
    table = Table(Case, given)
    crime_table = Table(Case.crime_types.through, ["case", "crimetype"], with_id=False)
    transition_table = Table(CaseTransition, ["case", "from_status", "to_status", "by", "at"], with_id=False)
    crime_ids = list(CrimeType.objects.values_list("pk", flat=True))
    statuses = weighted(rng, STATUS_WEIGHTS, seeder.n_cases)
    first_id = next_ids(cursor, table.name)
    crimes, transitions = Spool(), Spool()
    plans = [p for p in seeder.pick_orgs(seeder.n_cases * 2) if p.clients][: seeder.n_cases]

    def lines() -> Iterator[str]:
        for offset, plan in enumerate(plans):
            pk = first_id + offset
            status = statuses[offset]
            shared = bool(plan.police_consent_clients) and rng.random() < 0.6
            client = rng.choice(plan.police_consent_clients if shared else plan.clients)
            plan.cases.append((pk, client))
            assistant = rng.choice(plan.assistants)
            opened = datetime.datetime.fromtimestamp(seeder.clock.moment(), tz=datetime.UTC).replace(microsecond=0)
            steps = STATUS_PATH[: STATUS_PATH.index(status) + 1]
            if status == CaseStatus.CLOSED and rng.random() < 0.5:
                # Many cases close without ever reaching the police.
                steps = [CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED]
            at, previous = opened, ""
            reported_on = None
            for step in steps:
                transitions.append(
                    transition_table.line([str(pk), q(previous), q(step), str(assistant), at.isoformat()])
                )
                if step == CaseStatus.REPORTED:
                    reported_on = at.date()
                previous = step
                at = min(at + datetime.timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600)), seeder.now)
            last_change = at
            closed = last_change if status == CaseStatus.CLOSED else None
            reviewed = last_change if shared and rng.random() < 0.5 else None
            for crime in rng.sample(crime_ids, k=min(len(crime_ids), 1 + (rng.random() < 0.3))):
                crimes.append(crime_table.line([str(pk), str(crime)]))
            locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.8 else None
            incident = (opened - datetime.timedelta(days=rng.randint(0, 60))).date()
            yield table.line(
                [
                    str(pk),
                    str(plan.organisation.pk),
                    str(client),
                    str(assistant),
                    q(rng.choice(CASE_TITLES)),
                    incident.isoformat(),
                    "" if reported_on is None else reported_on.isoformat(),
                    str(plan.region.pk),
                    "" if locality is None else str(locality),
                    "t" if rng.random() < 0.1 else "f",
                    q(weighted(rng, {RiskLevel.LOW: 6, RiskLevel.MEDIUM: 3, RiskLevel.HIGH: 1}, 1)[0]),
                    "t" if shared else "f",
                    q(status),
                    opened.isoformat(),
                    "" if closed is None else closed.isoformat(),
                    "" if reviewed is None else reviewed.isoformat(),
                    last_change.isoformat(),
                    seeder.record_key(),
                ]
            )

    seeder.result.cases = copy_lines(cursor, table, lines())
    crimes.copy(cursor, crime_table)
    seeder.result.transitions = transitions.copy(cursor, transition_table)
