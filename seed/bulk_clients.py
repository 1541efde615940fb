"""Bulk seeder: clients and their consents (COPY)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from accounts.models import District
from clients.models import Client, Consent, Sex

from .copy_streams import Spool, Table, copy_lines, next_ids, q
from .plan import SeedState
from .vocabulary import FEMALE_FIRST, MALE_FIRST, NICKNAMES, SURNAMES, TARGET_GROUP_WEIGHTS

GROUPS, GROUP_WEIGHTS = list(TARGET_GROUP_WEIGHTS), list(TARGET_GROUP_WEIGHTS.values())


def _sex(rng: random.Random, identity: str, female: bool) -> str:
    if identity == Client.Identity.NAMED:
        return Sex.FEMALE if female else Sex.MALE
    roll = rng.random()
    if identity == Client.Identity.ANONYMOUS and roll < 0.5:
        return Sex.UNSTATED
    return Sex.FEMALE if roll < 0.72 else Sex.MALE if roll < 0.97 else Sex.OTHER


def _target_groups(rng: random.Random) -> str:
    """A PostgreSQL array literal: one group, sometimes two, or none (one client in ten)."""
    if rng.random() < 0.1:
        return "{}"
    chosen = set(rng.choices(GROUPS, weights=GROUP_WEIGHTS, k=rng.choice([1, 1, 1, 2])))
    return "{" + ",".join(sorted(chosen, key=GROUPS.index)) + "}"


def copy_clients(seeder: SeedState, cursor) -> None:
    rng = seeder.rng
    table = Table(
        Client,
        [
            "id",
            "organisation",
            "identity",
            "first_name",
            "last_name",
            "nickname",
            "birth_year",
            "sex",
            "locality",
            "district",
            "target_groups",
            "phone",
            "created_by",
            "created_at",
            "updated_at",
            "record_key",
        ],
    )
    consent_table = Table(
        Consent,
        [
            "client",
            "purpose",
            "given_on",
            "recorded_by",
            "recorded_at",
            "withdrawn_on",
            "withdrawn_by",
            "withdrawn_at",
        ],
        with_id=False,
    )
    first_id = next_ids(cursor, table.name)
    consents = Spool()
    this_year = seeder.now.year
    # Sex, district and target groups from a stream of their own: the rest stays as it was.
    extra = random.Random(f"client funder fields {seeder.seed}")  # noqa: S311 - made-up data
    districts_by_region: dict[int, list[int]] = {}
    for district_id, region_id in District.objects.values_list("pk", "region_id"):
        districts_by_region.setdefault(region_id, []).append(district_id)

    def lines() -> Iterator[str]:
        for offset, plan in enumerate(seeder.pick_orgs(seeder.n_clients)):
            pk = first_id + offset
            plan.clients.append(pk)
            author = rng.choice(plan.assistants)
            created = datetime.datetime.fromtimestamp(seeder.clock.moment(), tz=datetime.UTC).replace(microsecond=0)
            r = rng.random()
            first = last = nickname = phone = ""
            birth_year = None
            female = False
            if r < 0.7:
                identity = Client.Identity.NAMED
                female = rng.random() < 0.55
                first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
                last = rng.choice(SURNAMES)[1 if female else 0]
                birth_year = this_year - rng.randint(15, 80)
                if rng.random() < 0.4:
                    phone = f"+420 7{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            elif r < 0.9:
                identity = Client.Identity.PSEUDONYM
                nickname = rng.choice(NICKNAMES)
                birth_year = this_year - rng.randint(15, 80)
            else:
                identity = Client.Identity.ANONYMOUS
            locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.8 else None
            districts = districts_by_region.get(plan.region.pk)
            district = extra.choice(districts) if districts and extra.random() < 0.85 else None
            stamp = created.isoformat()
            if identity != Client.Identity.ANONYMOUS:
                given = created.date()
                if rng.random() < 0.85:
                    consents.append(
                        consent_table.line(
                            [
                                str(pk),
                                q(Consent.Purpose.PROCESSING),
                                given.isoformat(),
                                str(author),
                                stamp,
                                "",
                                "",
                                "",
                            ]
                        )
                    )
                if rng.random() < 0.3:
                    withdrawn = rng.random() < 0.1
                    if withdrawn:
                        when = created + datetime.timedelta(days=rng.randint(1, 400))
                        when = min(when, seeder.now)
                        ends = [when.date().isoformat(), str(author), when.isoformat()]
                    else:
                        plan.police_consent_clients.append(pk)
                        ends = ["", "", ""]
                    consents.append(
                        consent_table.line(
                            [
                                str(pk),
                                q(Consent.Purpose.POLICE_SHARING),
                                given.isoformat(),
                                str(author),
                                stamp,
                                *ends,
                            ]
                        )
                    )
            yield table.line(
                [
                    str(pk),
                    str(plan.organisation.pk),
                    q(identity),
                    q(first),
                    q(last),
                    q(nickname),
                    "" if birth_year is None else str(birth_year),
                    q(_sex(extra, identity, female)),
                    "" if locality is None else str(locality),
                    "" if district is None else str(district),
                    q(_target_groups(extra)),
                    q(phone),
                    str(author),
                    stamp,
                    stamp,
                    seeder.record_key(),
                ]
            )

    seeder.result.clients = copy_lines(cursor, table, lines())
    seeder.result.consents = consents.copy(cursor, consent_table)
