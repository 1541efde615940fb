"""Synthetic demo data: the seed's organisations, one user per role, and plausible
clients, consents, contacts and cases (their histories: seed/demo_cases.py). Names come from the
vocabulary shared with the bulk seeder (seed/vocabulary.py): common Czech names, not real people."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import (
    AssistantProfile,
    Locality,
    Municipality,
    Organisation,
    Region,
    User,
)
from accounts.roles import Role
from cases.models import (
    Case,
    CaseStatus,
    CrimeType,
    RiskLevel,
)
from clients.models import ApplicantSex, Client, Consent, RefusalReason, RefusedApplicant
from contacts.models import Activity, Authority, Contact, Topic
from programmes.models import Funder
from programmes.services import starting_service
from programmes.vocabulary import FunderKind

from .demo_cases import seed_case_work, seed_pending_transfer
from .demo_clients import seed_funder_fields
from .demo_esf import seed_esf_project_work
from .demo_groupwork import seed_group_activities
from .demo_observations import seed_observations
from .demo_programmes import attach_work_to_projects, seed_programme_work, seed_services
from .vocabulary import (
    ACTIVITY_WEIGHTS,
    CASE_TITLES,
    DEMO_OUTCOMES,
    FEMALE_FIRST,
    MALE_FIRST,
    NICKNAMES,
    REFUSAL_REQUESTS,
    SECOND_ACTIVITIES,
    SECOND_ACTIVITY_MINUTES,
    SECOND_ACTIVITY_SHARE,
    SURNAMES,
    split_minutes,
)

ORGANISATIONS = [
    ("Člověk v tísni, o.p.s.", Organisation.Kind.NGO),
    ("DROM, romské středisko", Organisation.Kind.NGO),
    ("Vzájemné soužití, o.s.", Organisation.Kind.NGO),
    ("Sociální služby Karviná, p.o.", Organisation.Kind.MUNICIPALITY),
    ("Magistrát města Cheb", Organisation.Kind.MUNICIPALITY),
]

# A town's own organisation names its town (its coordinators see the town's report as funder).
TOWN_ORGANISATIONS = {"Sociální služby Karviná, p.o.": "Karviná", "Magistrát města Cheb": "Cheb"}

# name, kind, the municipality or region it is the budget of
FUNDERS = [
    ("Statutární město Brno", FunderKind.CITY, "Brno"),
    ("Statutární město Ostrava", FunderKind.CITY, "Ostrava"),
    ("Město Cheb", FunderKind.CITY, "Cheb"),
    ("Jihomoravský kraj", FunderKind.REGION, "CZ064"),
    ("Moravskoslezský kraj", FunderKind.REGION, "CZ080"),
    ("MPSV – dotace na sociální služby", FunderKind.MPSV, None),
    ("Evropský sociální fond (OP Zaměstnanost plus)", FunderKind.ESF, None),
    ("MV – Program prevence kriminality", FunderKind.MV_CRIME_PREVENTION, None),
    ("MSp – dotace na pomoc obětem trestných činů", FunderKind.MSP_VICTIM_SUPPORT, None),
]

# username, first name, last name, organisation, role, city (assistants: where they work)
USERS = [
    ("asistent.brno", "Jana", "Horváthová", "DROM, romské středisko", Role.ASSISTANT, "Brno"),
    ("koordinator.brno", "Petr", "Kučera", "DROM, romské středisko", Role.COORDINATOR, "Brno"),
    ("asistent2.brno", "Marek", "Daniel", "DROM, romské středisko", Role.ASSISTANT, "Brno"),
    ("asistent.ostrava", "Lucie", "Baláková", "Člověk v tísni, o.p.s.", Role.ASSISTANT, "Ostrava"),
    ("koordinator.ostrava", "Ivana", "Kotlárová", "Člověk v tísni, o.p.s.", Role.COORDINATOR, None),
    ("asistent.plzen", "Tomáš", "Lakatoš", "Člověk v tísni, o.p.s.", Role.ASSISTANT, "Plzeň"),
    ("asistent.olomouc", "Eva", "Šarközi", "Člověk v tísni, o.p.s.", Role.ASSISTANT, "Olomouc"),
    ("asistent.vzajemne", "Pavel", "Gabčo", "Vzájemné soužití, o.s.", Role.ASSISTANT, "Ostrava"),
    ("asistent.karvina", "Kateřina", "Pokutová", "Sociální služby Karviná, p.o.", Role.ASSISTANT, "Karviná"),
    ("asistent.cheb", "Martin", "Berki", "Magistrát města Cheb", Role.ASSISTANT, "Cheb"),
    ("policie.jmk", "Roman", "Novotný", "Krajské ředitelství policie Jihomoravského kraje", Role.POLICE, None),
    ("ministerstvo", "Alena", "Dvořáková", "Ministerstvo vnitra ČR", Role.MINISTRY, None),
    ("admin", "Správce", "Systému", "Provozovatel systému Liaison", Role.ADMIN, None),
]


@transaction.atomic
def seed_demo(password: str, *, clients_per_org: int = 30, contacts_per_assistant: int = 60) -> list[User]:
    rng = random.Random(2010)  # stable data on every machine
    organisations = {}
    for name, kind in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        if name in TOWN_ORGANISATIONS and organisations[name].municipality_id is None:
            organisations[name].municipality = Municipality.objects.get(name=TOWN_ORGANISATIONS[name])
            organisations[name].save(update_fields=["municipality"])
    for org in Organisation.objects.filter(
        kind__in=[Organisation.Kind.POLICE, Organisation.Kind.MINISTRY, Organisation.Kind.OPERATOR]
    ):
        organisations[org.name] = org
    for funder_name, funder_kind, place in FUNDERS:
        _funder(funder_name, funder_kind, place)
    services = seed_services(organisations)  # before any record of work: they go to the first one

    users = []
    for username, first, last, org_name, role, city in USERS:
        # Created with its role and organisation: not a change for the coordinators' start page.
        user, _ = User.objects.get_or_create(
            username=username, defaults={"organisation": organisations[org_name], "role": role}
        )
        user.first_name, user.last_name = first, last
        user.organisation = organisations[org_name]
        user.role = role
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.email = f"{username}@example.org"
        user.set_password(password)
        user.save()
        users.append(user)
        if city:
            municipality = Municipality.objects.get(name=city)
            profile, created = AssistantProfile.objects.get_or_create(
                user=user,
                defaults={
                    "employer": user.organisation,
                    "municipality": municipality,
                    "employed_from": datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randint(0, 1500)),
                },
            )
            if created:
                profile.localities.set(Locality.objects.filter(municipality=municipality))
    # Projects, where each assistant's work belongs, and a year of their working time.
    seed_programme_work(rng, organisations, services)

    for org_name, _kind in ORGANISATIONS:
        org = organisations[org_name]
        if not Client.objects.filter(organisation=org).exists():
            _seed_client_work(rng, org, clients_per_org, contacts_per_assistant)
        if not RefusedApplicant.objects.filter(organisation=org).exists():
            _seed_refused_applicants(org)
    seed_case_work(rng)
    seed_pending_transfer()
    seed_observations(rng)
    seed_group_activities()
    attach_work_to_projects()
    seed_esf_project_work()
    return users


def _funder(name: str, kind: str, place: str | None) -> Funder:
    funder, _ = Funder.objects.get_or_create(name=name, defaults={"kind": kind})
    if kind == FunderKind.CITY and place:
        funder.municipality = Municipality.objects.filter(name=place).first()
    elif kind == FunderKind.REGION and place:
        funder.region = Region.objects.filter(code=place).first()
    funder.save()
    return funder


def _seed_client_work(rng: random.Random, org: Organisation, clients_per_org: int, contacts_per_assistant: int) -> None:
    assistants = list(User.objects.filter(organisation=org, role__in=[Role.ASSISTANT, Role.COORDINATOR]))
    field_staff = [u for u in assistants if u.role == Role.ASSISTANT] or assistants
    localities = list(
        Locality.objects.filter(assistant_profiles__employer=org).select_related("municipality__region").distinct()
    )
    authorities = list(Authority.objects.all())
    topics = list(Topic.objects.all())
    crime_types = list(CrimeType.objects.all())
    today = timezone.localdate()

    clients = []
    for _ in range(clients_per_org):
        author = rng.choice(field_staff)
        roll = rng.random()
        female = rng.random() < 0.5
        if roll < 0.7:
            client = Client(
                identity=Client.Identity.NAMED,
                first_name=rng.choice(FEMALE_FIRST if female else MALE_FIRST),
                last_name=rng.choice(SURNAMES)[1 if female else 0],
                birth_year=rng.randint(1950, 2006),
                phone=f"+420 7{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            )
        elif roll < 0.9:
            client = Client(
                identity=Client.Identity.PSEUDONYM, nickname=rng.choice(NICKNAMES), birth_year=rng.randint(1950, 2006)
            )
        else:
            client = Client(identity=Client.Identity.ANONYMOUS)
        client.organisation = org
        client.created_by = author
        client.locality = rng.choice(localities) if localities else None
        client.save()
        clients.append(client)
        if client.identity != Client.Identity.ANONYMOUS:
            given = today - datetime.timedelta(days=rng.randint(30, 700))
            Consent.objects.create(
                client=client, purpose=Consent.Purpose.PROCESSING, given_on=given, recorded_by=author
            )
            if rng.random() < 0.35:
                Consent.objects.create(
                    client=client, purpose=Consent.Purpose.POLICE_SHARING, given_on=given, recorded_by=author
                )

    cases = []
    named = [c for c in clients if c.identity != Client.Identity.ANONYMOUS]
    for client in rng.sample(named, k=min(6, len(named))):
        locality = client.locality
        case = Case.objects.create(
            organisation=org,
            client=client,
            assistant=rng.choice(field_staff),
            title=rng.choice(CASE_TITLES),
            incident_date=today - datetime.timedelta(days=rng.randint(10, 300)),
            region=locality.municipality.region
            if locality
            else org.region or Municipality.objects.get(name="Brno").region,
            locality=locality,
            particularly_vulnerable=rng.random() < 0.2,
            risk_level=rng.choice(RiskLevel.values),
            status=rng.choice([CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.REPORTED, CaseStatus.INVESTIGATION]),
            shared_with_police=client.consents.filter(purpose=Consent.Purpose.POLICE_SHARING).exists(),
        )
        case.crime_types.set(rng.sample(crime_types, k=rng.randint(1, 2)))
        cases.append(case)

    now = timezone.now()
    service = starting_service(org)
    types_by_category = {t.category: t for t in service.activity_types.all()}
    for assistant in field_staff:
        for _ in range(contacts_per_assistant):
            occurred = now - datetime.timedelta(
                days=rng.randint(0, 365), hours=rng.randint(0, 8), minutes=rng.randint(0, 59)
            )
            chosen = rng.sample(clients, k=rng.choice([0, 1, 1, 1, 2]))
            contact = Contact.objects.create(
                organisation=org,
                service=service,
                assistant=assistant,
                occurred_at=occurred.replace(second=0, microsecond=0),
                duration_minutes=rng.choice([15, 20, 30, 45, 60, 90, 120, 180]),
                anonymous_persons=0 if chosen else rng.randint(1, 4),
                authority=rng.choice(authorities),
                locality=rng.choice(localities) if localities else None,
                outcome=rng.choice(DEMO_OUTCOMES),
                follow_up_on=(timezone.localdate() + datetime.timedelta(days=rng.randint(1, 14)))
                if rng.random() < 0.1
                else None,
            )
            first = rng.choices(list(ACTIVITY_WEIGHTS), weights=list(ACTIVITY_WEIGHTS.values()))[0]
            minutes = [contact.duration_minutes]
            if rng.random() < SECOND_ACTIVITY_SHARE and contact.duration_minutes >= 10:
                minutes = list(split_minutes(contact.duration_minutes, rng.choice(SECOND_ACTIVITY_MINUTES)))
            for category, share in zip([first, rng.choice(SECOND_ACTIVITIES)], minutes, strict=False):
                on_behalf = category == "advocacy" or (category == "phone" and len(minutes) == 2)
                Activity.objects.create(
                    contact=contact,
                    activity_type=types_by_category[category],
                    minutes=share,
                    work=Activity.Work.ON_BEHALF if on_behalf else Activity.Work.DIRECT,
                )
            contact.clients.set(chosen)
            contact.topics.set(rng.sample(topics, k=rng.randint(0, 2)))
            linked = [case for case in cases if case.client in chosen]
            if linked:
                contact.case = linked[0]
                contact.save(update_fields=["case"])

    seed_funder_fields(org.name, clients, service, field_staff, today)


def _seed_refused_applicants(org: Organisation) -> None:
    """A few applicants refused under §91(3), most for lack of capacity, as in real statements.
    Its own random stream: the client work above stays the same as before refusals existed, and
    a demo seeded before refusals existed gets them when seeded again."""
    rng = random.Random(f"refused {org.name}")
    today = timezone.localdate()
    field_staff = list(User.objects.filter(organisation=org, role=Role.ASSISTANT)) or list(
        User.objects.filter(organisation=org, role=Role.COORDINATOR)
    )
    if not field_staff:
        return
    localities = list(Locality.objects.filter(assistant_profiles__employer=org).distinct())
    reasons = [RefusalReason.CAPACITY] * 3 + [RefusalReason.NOT_PROVIDED] * 2 + list(RefusalReason.values)
    for _ in range(rng.randint(4, 7)):
        RefusedApplicant.objects.create(
            organisation=org,
            recorded_by=rng.choice(field_staff),
            requested_on=today - datetime.timedelta(days=rng.randint(0, 500)),
            requested=rng.choice(REFUSAL_REQUESTS),
            reason=rng.choice(reasons),
            birth_year=rng.choice([None, rng.randint(1950, 2006)]),
            sex=rng.choice(["", ApplicantSex.FEMALE, ApplicantSex.MALE]),
            locality=rng.choice(localities) if localities and rng.random() < 0.6 else None,
        )
