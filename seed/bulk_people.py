"""Bulk seeder: organisations, places and people (ORM: a few thousand rows at most)."""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.auth.hashers import make_password

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, Region, User
from accounts.roles import Role
from programmes.services import starting_service

from .plan import OrgPlan, SeedState
from .sampling import YEARS, cumulative, weighted
from .vocabulary import FEMALE_FIRST, MALE_FIRST, ORGANISATION_NAMES, SURNAMES, TOWNS

# Relative weight of each region: where the programme has most work.
REGION_WEIGHTS = {
    "CZ010": 7,
    "CZ020": 6,
    "CZ031": 3,
    "CZ032": 5,
    "CZ041": 7,
    "CZ042": 16,
    "CZ051": 5,
    "CZ052": 3,
    "CZ053": 3,
    "CZ063": 2,
    "CZ064": 9,
    "CZ071": 7,
    "CZ072": 3,
    "CZ080": 20,
}


def add_organisations(seeder: SeedState) -> None:
    regions = {r.code: r for r in Region.objects.all()}
    for code, towns in TOWNS.items():
        region = regions.get(code)
        if region is None:
            continue
        for town, names in towns.items():
            municipality, _ = Municipality.objects.get_or_create(region=region, name=town)
            for name in names:
                Locality.objects.get_or_create(municipality=municipality, name=name)
    towns_by_region: dict[int, list[str]] = {}
    localities_by_region: dict[int, list[int]] = {}
    for locality in Locality.objects.select_related("municipality"):
        localities_by_region.setdefault(locality.municipality.region_id, []).append(locality.pk)
    for municipality in Municipality.objects.all():
        towns_by_region.setdefault(municipality.region_id, []).append(municipality.name)
    codes = [c for c in REGION_WEIGHTS if c in regions]
    region_of = weighted(seeder.rng, {c: REGION_WEIGHTS[c] for c in codes}, seeder.n_organisations)
    # Sizes follow a Zipf-like law: a few large organisations, many small ones.
    new = []
    for rank in range(seeder.n_organisations):
        region = regions[region_of[rank]]
        town = seeder.rng.choice(towns_by_region.get(region.pk) or [region.name])
        kind, pattern = seeder.rng.choice(ORGANISATION_NAMES)
        name = f"{pattern.format(town=town)} ({seeder.tag}-{rank + 1})"
        new.append(Organisation(name=name, kind=kind))
        seeder.plans.append(
            OrgPlan(
                organisation=new[-1],
                region=region,
                weight=1.0 / (rank + 1),
                localities=localities_by_region.get(region.pk, []),
            )
        )
    Organisation.objects.bulk_create(new)
    for plan in seeder.plans:
        plan.service = starting_service(plan.organisation).pk
    seeder.result.organisations = len(new)
    seeder.org_cum = cumulative([p.weight for p in seeder.plans])


def add_users(seeder: SeedState) -> None:
    # About one assistant per 2000 contacts (hundreds nationally), at least two per organisation.
    total_assistants = max(2 * len(seeder.plans), seeder.n_contacts // 2000)
    weight_sum = seeder.org_cum[-1]
    password = make_password(seeder.password) if seeder.password else make_password(None)
    users: list[User] = []
    owners: list[tuple[OrgPlan, bool]] = []
    for index, plan in enumerate(seeder.plans):
        count = max(2, round(total_assistants * plan.weight / weight_sum))
        for k in range(count + 1):
            coordinator = k == count
            first = seeder.rng.choice(FEMALE_FIRST if seeder.rng.random() < 0.6 else MALE_FIRST)
            surname = seeder.rng.choice(SURNAMES)[1 if first in FEMALE_FIRST else 0]
            role = Role.COORDINATOR if coordinator else Role.ASSISTANT
            users.append(
                User(
                    username=f"{role}.{seeder.tag}.{index + 1}.{k + 1}",
                    first_name=first,
                    last_name=surname,
                    organisation=plan.organisation,
                    role=role,
                    password=password,
                    date_joined=seeder.now,
                )
            )
            owners.append((plan, coordinator))
    police = Organisation.objects.filter(kind=Organisation.Kind.POLICE).select_related("region")
    for organisation in police:
        # Every police directorate is the one of a region (created with the regions).
        region = cast(Region, organisation.region)
        users.append(
            User(
                username=f"police.{seeder.tag}.{region.code.lower()}",
                first_name="Styčný",
                last_name="Důstojník",
                organisation=organisation,
                role=Role.POLICE,
                password=password,
                date_joined=seeder.now,
            )
        )
    ministry = Organisation.objects.filter(kind=Organisation.Kind.MINISTRY).first()
    if ministry is not None:
        users.append(
            User(
                username=f"ministry.{seeder.tag}",
                first_name="Analytička",
                last_name="Ministerstva",
                organisation=ministry,
                role=Role.MINISTRY,
                password=password,
                date_joined=seeder.now,
            )
        )
    User.objects.bulk_create(users)
    municipality_of_region = {m.region_id: m for m in Municipality.objects.order_by("pk")}
    profiles = []
    for user, (plan, coordinator) in zip(users, owners, strict=False):
        if coordinator:
            plan.coordinator = user.pk
        else:
            plan.assistants.append(user.pk)
        profiles.append(
            AssistantProfile(
                user=user,
                employer=plan.organisation,
                municipality=municipality_of_region[plan.region.pk],
                employed_from=(seeder.now - datetime.timedelta(days=seeder.rng.randint(30, YEARS * 365))).date(),
            )
        )
    AssistantProfile.objects.bulk_create(profiles)
    seeder.result.users = len(users)
