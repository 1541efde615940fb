"""Demo services, projects, assignments and staff time of the demo organisations (seed_demo).

Each organisation runs a service as Czech providers do (DROM field programmes under §69 with
a registration identifier, Člověk v tísni specialised counselling under §37 and a crime-prevention
project outside act 108/2006 Sb., ...), paid by the city, the region, MV – Program prevence
kriminality, MSp, MPSV or ESF+/OPZ+. Registration identifiers and numbers are made up.
Running it again adds nothing twice."""

import datetime
import random

from django.utils import timezone

from accounts.models import AssistantProfile, Locality, Organisation, User
from contacts.models import Contact
from groupwork.models import GroupActivity
from programmes.deadlines import add_months, deadline_create
from programmes.models import Assignment, Funder, Project, ReportingDeadline, Service, StaffTime
from programmes.services import service_create
from programmes.summary import czech_public_holidays
from programmes.vocabulary import ServiceKind, TargetGroup

# organisation: [(service name, kind, registration id, target groups, municipality, capacity)]
# The first service of an organisation is where its records of work go.
SERVICES: dict[str, list[tuple[str, str, str, list[str], str, int | None]]] = {
    "DROM, romské středisko": [
        (
            "Terénní programy Brno",
            ServiceKind.FIELD_PROGRAMMES,
            "4523817",
            [TargetGroup.SOCIALLY_EXCLUDED, TargetGroup.CRIME_VICTIMS, TargetGroup.MINORITIES],
            "Brno",
            120,
        ),
    ],
    "Člověk v tísni, o.p.s.": [
        (
            "Poradna pro oběti trestných činů",
            ServiceKind.SOCIAL_COUNSELLING,
            "7318452",
            [TargetGroup.CRIME_VICTIMS, TargetGroup.DOMESTIC_VIOLENCE, TargetGroup.COMMERCIALLY_EXPLOITED],
            "Ostrava",
            60,
        ),
        (
            "Asistenti prevence kriminality Ostrava",
            ServiceKind.NOT_REGISTERED,
            "",
            [TargetGroup.SOCIALLY_EXCLUDED],
            "Ostrava",
            None,
        ),
    ],
    "Vzájemné soužití, o.s.": [
        (
            "Terénní programy Ostrava",
            ServiceKind.FIELD_PROGRAMMES,
            "9087341",
            [TargetGroup.SOCIALLY_EXCLUDED, TargetGroup.CRIME_VICTIMS],
            "Ostrava",
            80,
        ),
    ],
    "Sociální služby Karviná, p.o.": [
        (
            "Terénní programy Karviná",
            ServiceKind.FIELD_PROGRAMMES,
            "6650912",
            [TargetGroup.SOCIALLY_EXCLUDED, TargetGroup.ADDICTION, TargetGroup.CRIME_VICTIMS],
            "Karviná",
            50,
        ),
    ],
    "Magistrát města Cheb": [
        (
            "Asistenti prevence kriminality Cheb",
            ServiceKind.NOT_REGISTERED,
            "",
            [TargetGroup.SOCIALLY_EXCLUDED, TargetGroup.CHILDREN_YOUTH],
            "Cheb",
            None,
        ),
    ],
}

# organisation: [(project name, registration number, funder, services funded, budgeted hours)]
PROJECTS: dict[str, list[tuple[str, str, str, list[int], int]]] = {
    "DROM, romské středisko": [
        ("Terénní programy Brno – dotace města 2026", "", "Statutární město Brno", [0], 3200),
        (
            "Asistenti pro jednání s úřady (OPZ+)",
            "CZ.03.02.01/00/22_005/0001234",
            "Evropský sociální fond (OP Zaměstnanost plus)",
            [0],
            4800,
        ),
        ("Terénní programy – dotace Jihomoravského kraje", "JMK 052/2026", "Jihomoravský kraj", [0], 1600),
    ],
    "Člověk v tísni, o.p.s.": [
        (
            "Pomoc obětem trestných činů 2026",
            "MSp-OBTC/118/2026",
            "MSp – dotace na pomoc obětem trestných činů",
            [0],
            2400,
        ),
        ("Asistent prevence kriminality Ostrava", "PPK-MSK/2026/07", "MV – Program prevence kriminality", [1], 1760),
        (
            "Poradenství v regionech (OPZ+)",
            "CZ.03.02.01/00/22_005/0004711",
            "Evropský sociální fond (OP Zaměstnanost plus)",
            [0],
            3200,
        ),
        ("Odborné sociální poradenství – dotace MPSV", "", "MPSV – dotace na sociální služby", [0], 3000),
    ],
    "Vzájemné soužití, o.s.": [
        ("Terénní programy – dotace Moravskoslezského kraje", "MSK 311/2026", "Moravskoslezský kraj", [0], 1760),
    ],
    "Sociální služby Karviná, p.o.": [
        ("Terénní programy Karviná – dotace MPSV", "", "MPSV – dotace na sociální služby", [0], 1760),
    ],
    "Magistrát města Cheb": [
        ("Asistent prevence kriminality Cheb", "PPK-KVK/2026/02", "MV – Program prevence kriminality", [0], 1760),
        ("Prevence kriminality – rozpočet města", "", "Město Cheb", [0], 880),
    ],
}

# assistant: [(service index, project name or None, from, until)], oldest first; hours a day
ASSIGNMENTS: dict[str, list[tuple[int, str | None, datetime.date, datetime.date | None]]] = {
    "asistent.brno": [
        (0, None, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
        (0, "Asistenti pro jednání s úřady (OPZ+)", datetime.date(2024, 1, 1), None),
    ],
    "asistent2.brno": [(0, "Terénní programy – dotace Jihomoravského kraje", datetime.date(2024, 1, 1), None)],
    "asistent.ostrava": [(1, "Asistent prevence kriminality Ostrava", datetime.date(2024, 1, 1), None)],
    "asistent.plzen": [(0, "Poradenství v regionech (OPZ+)", datetime.date(2024, 1, 1), None)],
    "asistent.olomouc": [(0, "Pomoc obětem trestných činů 2026", datetime.date(2024, 1, 1), None)],
    "asistent.vzajemne": [(0, "Terénní programy – dotace Moravskoslezského kraje", datetime.date(2024, 1, 1), None)],
    "asistent.karvina": [(0, "Terénní programy Karviná – dotace MPSV", datetime.date(2024, 1, 1), None)],
    "asistent.cheb": [(0, "Asistent prevence kriminality Cheb", datetime.date(2024, 1, 1), None)],
}
HOURS_A_DAY = {"asistent2.brno": 6, "asistent.cheb": 4}  # part-time; the others 8 hours


def seed_services(organisations: dict[str, Organisation]) -> dict[str, list[Service]]:
    """Each demo organisation's services, made before any record of work (which goes to the first)."""
    made: dict[str, list[Service]] = {}
    for org_name, specs in SERVICES.items():
        organisation = organisations[org_name]
        made[org_name] = []
        for name, kind, registration_id, groups, town, capacity in specs:
            service = Service.objects.filter(organisation=organisation, name=name).first()
            if service is None:
                service = service_create(
                    organisation=organisation,
                    name=name,
                    kind=kind,
                    registration_id=registration_id,
                    target_groups=list(groups),
                    capacity=capacity,
                    localities=Locality.objects.filter(municipality__name=town),
                )
            made[org_name].append(service)
    return made


def seed_programme_work(
    rng: random.Random, organisations: dict[str, Organisation], services: dict[str, list[Service]]
) -> None:
    """Projects with their funders, the assistants' assignments and a year of their staff time."""
    projects: dict[str, Project] = {}
    for org_name, specs in PROJECTS.items():
        organisation = organisations[org_name]
        for name, number, funder_name, funded, hours in specs:
            project, created = Project.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={
                    "registration_number": number,
                    "funder": Funder.objects.get(name=funder_name),
                    "starts_on": datetime.date(2024, 1, 1),
                    "ends_on": datetime.date(2027, 12, 31),
                    "budgeted_hours": hours,
                },
            )
            if created:
                project.services.set([services[org_name][i] for i in funded])
            projects[name] = project
    _seed_deadlines(projects, services)
    for username, periods in ASSIGNMENTS.items():
        profile = AssistantProfile.objects.filter(user__username=username).select_related("employer").first()
        if profile is None or profile.assignments.exists():
            continue
        for service_index, project_name, start, end in periods:
            Assignment.objects.create(
                profile=profile,
                service=services[profile.employer.name][service_index],
                project=projects[project_name] if project_name else None,
                valid_from=start,
                valid_until=end,
            )
    _seed_staff_time(rng)


def _seed_deadlines(projects: dict[str, Project], services: dict[str, list[Service]]) -> None:
    """Reports owed by the demo organisations, dated from today so that the start page always has
    one due within a week and one overdue: the OPZ+ progress report every six months, the MPSV
    annual statement by 30 June, a crime-prevention project's final report."""
    today = timezone.localdate()
    opz = projects["Asistenti pro jednání s úřady (OPZ+)"]
    if ReportingDeadline.objects.filter(organisation=opz.organisation).exists():
        return
    due = today + datetime.timedelta(days=5)
    half_end = due.replace(day=1) - datetime.timedelta(days=1)
    deadline_create(
        organisation=opz.organisation,
        project=opz,
        name="Průběžná zpráva o realizaci (OPZ+)",
        due_on=due,
        repeat=ReportingDeadline.Repeat.HALF_YEAR,
        period_start=add_months(half_end + datetime.timedelta(days=1), -6),
        period_end=half_end,
    )
    brno = services["DROM, romské středisko"][0]
    statement_due = datetime.date(today.year, 6, 30)
    if statement_due < today:
        statement_due = statement_due.replace(year=today.year + 1)
    deadline_create(
        organisation=brno.organisation,
        service=brno,
        name="Roční výkaz služby pro MPSV",
        due_on=statement_due,
        repeat=ReportingDeadline.Repeat.YEAR,
        period_start=datetime.date(statement_due.year - 1, 1, 1),
        period_end=datetime.date(statement_due.year - 1, 12, 31),
    )
    ostrava = projects["Asistent prevence kriminality Ostrava"]
    final_due = today + datetime.timedelta(days=25)
    deadline_create(
        organisation=ostrava.organisation,
        project=ostrava,
        name="Závěrečná zpráva projektu prevence kriminality",
        due_on=final_due,
        period_start=datetime.date(today.year, 1, 1),
        period_end=max(datetime.date(today.year, 1, 1), final_due - datetime.timedelta(days=14)),
    )
    cheb = projects["Asistent prevence kriminality Cheb"]
    deadline_create(
        organisation=cheb.organisation,
        project=cheb,
        name="Průběžná zpráva",
        due_on=today - datetime.timedelta(days=3),
    )


def _seed_staff_time(rng: random.Random) -> None:
    """Each assistant's paid time, day by day on working days of the last twelve months, with a
    few days of leave; days already there stay as they are."""
    today = timezone.localdate()
    first = today.replace(year=today.year - 1)
    holidays = czech_public_holidays(first.year) | czech_public_holidays(today.year)
    days = [first + datetime.timedelta(days=n) for n in range((today - first).days)]
    working = [day for day in days if day.weekday() < 5 and day not in holidays]
    rows = []
    for username in ASSIGNMENTS:
        user = User.objects.filter(username=username).first()
        assignment = Assignment.objects.filter(profile__user=user, valid_until__isnull=True).first()
        if user is None or assignment is None or user.organisation_id is None:
            continue
        hours = HOURS_A_DAY.get(username, 8)
        for day in working:
            if rng.random() < 0.07:  # leave, illness
                continue
            rows.append(
                StaffTime(
                    assistant=user,
                    organisation_id=user.organisation_id,
                    service_id=assignment.service_id,
                    period=StaffTime.Period.DAY,
                    starts_on=day,
                    minutes=hours * 60,
                    entered_by=user,
                )
            )
    StaffTime.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def attach_work_to_projects() -> None:
    """The demo's contacts and group activities go to the project of their author's assignment on
    their day, as the quick entry fills it in, where the assignment is to the service the record
    is in (so that the funders' reports of a project have its work). Running it again changes
    nothing."""
    for assignment in Assignment.objects.filter(project__isnull=False).select_related("profile"):
        first = timezone.make_aware(datetime.datetime.combine(assignment.valid_from, datetime.time.min))
        for model, author in ((Contact, "assistant_id"), (GroupActivity, "author_id")):
            records = model.objects.filter(
                **{author: assignment.profile.user_id},
                service_id=assignment.service_id,
                project__isnull=True,
                occurred_at__gte=first,
            )
            if assignment.valid_until is not None:
                after = assignment.valid_until + datetime.timedelta(days=1)
                records = records.filter(
                    occurred_at__lt=timezone.make_aware(datetime.datetime.combine(after, datetime.time.min))
                )
            records.update(project_id=assignment.project_id)
