"""Bulk seeder: projects with their funders and the assistants' assignments (ORM: a few thousand
rows), and each assistant's paid working time, one row a week (COPY)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from accounts.models import AssistantProfile
from programmes.models import Assignment, Funder, Project, StaffTime
from programmes.vocabulary import FunderKind

from .copy_streams import Table, copy_lines, q
from .plan import SeedState

# Paid time is kept for the last two years; a week is 40 hours, part-time assistants 20 or 30.
STAFF_TIME_WEEKS = 104
WEEKLY_HOURS = [40] * 6 + [30, 20]
NATIONAL_FUNDERS = [
    ("MV – Program prevence kriminality", FunderKind.MV_CRIME_PREVENTION),
    ("MSp – dotace na pomoc obětem trestných činů", FunderKind.MSP_VICTIM_SUPPORT),
    ("Evropský sociální fond (OP Zaměstnanost plus)", FunderKind.ESF),
    ("MPSV – dotace na sociální služby", FunderKind.MPSV),
]


def add_projects(seeder: SeedState) -> None:
    """Two projects per organisation funding its starting service (a national funder and the
    region or the city), and each assistant assigned to the service and one of them."""
    national = [Funder.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in NATIONAL_FUNDERS]
    regional: dict[int, Funder] = {}
    today = seeder.now.date()
    start = datetime.date(today.year - 1, 1, 1)
    projects: list[tuple[Project, int]] = []
    for index, plan in enumerate(seeder.plans):
        if plan.region.pk not in regional:
            regional[plan.region.pk] = Funder.objects.get_or_create(
                name=f"{plan.region.name} (kraj)", defaults={"kind": FunderKind.REGION, "region": plan.region}
            )[0]
        funders = [seeder.rng.choice(national), regional[plan.region.pk]]
        for number, funder in enumerate(funders, start=1):
            project = Project(
                organisation=plan.organisation,
                name=f"Asistenti prevence kriminality {number} ({seeder.tag}-{index + 1})",
                registration_number=f"CZ.03.02.01/00/22_{index % 1000:03d}/{seeder.rng.randint(1, 9_999_999):07d}"
                if funder.kind == FunderKind.ESF
                else "",
                funder=funder,
                starts_on=start,
                ends_on=datetime.date(today.year + 1, 12, 31),
                budgeted_hours=seeder.rng.choice([1600, 3200, 4800]),
            )
            projects.append((project, plan.service or 0))
    Project.objects.bulk_create([project for project, _service in projects])
    Project.services.through.objects.bulk_create(
        Project.services.through(project_id=project.pk, service_id=service) for project, service in projects if service
    )
    by_organisation: dict[int, list[Project]] = {}
    for project, _service in projects:
        by_organisation.setdefault(project.organisation_id, []).append(project)
    service_of = {plan.organisation.pk: plan.service for plan in seeder.plans if plan.service}
    assignments = []
    profiles = AssistantProfile.objects.filter(employer_id__in=list(service_of)).only("pk", "employer_id")
    for profile in profiles.order_by("pk"):
        plan_projects = by_organisation.get(profile.employer_id, [])
        assignments.append(
            Assignment(
                profile_id=profile.pk,
                service_id=service_of[profile.employer_id],
                project=seeder.rng.choice(plan_projects) if plan_projects else None,
                valid_from=start,
            )
        )
    Assignment.objects.bulk_create(assignments)
    seeder.result.projects = len(projects)


def copy_staff_time(seeder: SeedState, cursor) -> None:
    """A week of paid time per assistant for the last two years, from the Monday of each week."""
    table = Table(
        StaffTime,
        ["assistant", "organisation", "service", "period", "starts_on", "minutes", "entered_by"],
        with_id=False,
    )
    this_monday = seeder.now.date() - datetime.timedelta(days=seeder.now.date().weekday())
    week = q(StaffTime.Period.WEEK)

    def lines() -> Iterator[str]:
        for plan in seeder.plans:
            if plan.service is None:
                continue
            entered_by = str(plan.coordinator or plan.assistants[0])
            for assistant in plan.assistants:
                hours = seeder.rng.choice(WEEKLY_HOURS)
                for back in range(1, STAFF_TIME_WEEKS + 1):
                    monday = this_monday - datetime.timedelta(weeks=back)
                    # A week of leave now and then.
                    minutes = 0 if seeder.rng.random() < 0.06 else hours * 60
                    if minutes:
                        yield table.line(
                            [
                                str(assistant),
                                str(plan.organisation.pk),
                                str(plan.service),
                                week,
                                monday.isoformat(),
                                str(minutes),
                                entered_by,
                            ]
                        )

    seeder.result.staff_time = copy_lines(cursor, table, lines())
