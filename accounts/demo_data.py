"""Synthetic demo data: the seed's organisations, one user per role, and plausible
clients, consents, contacts and cases. Names are common Czech names, not real people."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseNote,
    CaseStatus,
    CaseTransition,
    CrimeType,
    PoliceFeedback,
    Referral,
    ReferralService,
    ReferralState,
    RightsInformation,
    RiskLevel,
    Task,
    VictimRight,
)
from clients.models import Client, Consent
from contacts.models import Authority, Contact, FormOfWork, Topic

from .models import AssistantFunding, AssistantProfile, FundingSource, Locality, Municipality, Organisation, User
from .roles import Role

ORGANISATIONS = [
    ("Člověk v tísni, o.p.s.", Organisation.Kind.NGO),
    ("DROM, romské středisko", Organisation.Kind.NGO),
    ("Vzájemné soužití, o.s.", Organisation.Kind.NGO),
    ("Sociální služby Karviná, p.o.", Organisation.Kind.MUNICIPALITY),
    ("Magistrát města Cheb", Organisation.Kind.MUNICIPALITY),
]

FUNDERS = [
    ("Statutární město Brno", FundingSource.Kind.CITY),
    ("Statutární město Ostrava", FundingSource.Kind.CITY),
    ("Město Cheb", FundingSource.Kind.CITY),
    ("Jihomoravský kraj", FundingSource.Kind.REGION),
    ("Moravskoslezský kraj", FundingSource.Kind.REGION),
    ("MPSV – dotace na sociální služby", FundingSource.Kind.MPSV),
    ("Evropský sociální fond (OP Zaměstnanost plus)", FundingSource.Kind.ESF),
]

# username, first name, last name, organisation, role, city, funders
USERS = [
    (
        "asistent.brno",
        "Jana",
        "Horváthová",
        "DROM, romské středisko",
        Role.ASSISTANT,
        "Brno",
        ["Statutární město Brno", "Evropský sociální fond (OP Zaměstnanost plus)"],
    ),
    ("koordinator.brno", "Petr", "Kučera", "DROM, romské středisko", Role.COORDINATOR, "Brno", []),
    ("asistent2.brno", "Marek", "Daniel", "DROM, romské středisko", Role.ASSISTANT, "Brno", ["Jihomoravský kraj"]),
    (
        "asistent.ostrava",
        "Lucie",
        "Baláková",
        "Člověk v tísni, o.p.s.",
        Role.ASSISTANT,
        "Ostrava",
        ["MPSV – dotace na sociální služby", "Statutární město Ostrava"],
    ),
    (
        "asistent.plzen",
        "Tomáš",
        "Lakatoš",
        "Člověk v tísni, o.p.s.",
        Role.ASSISTANT,
        "Plzeň",
        ["Evropský sociální fond (OP Zaměstnanost plus)"],
    ),
    (
        "asistent.olomouc",
        "Eva",
        "Šarközi",
        "Člověk v tísni, o.p.s.",
        Role.ASSISTANT,
        "Olomouc",
        ["MPSV – dotace na sociální služby"],
    ),
    (
        "asistent.vzajemne",
        "Pavel",
        "Gabčo",
        "Vzájemné soužití, o.s.",
        Role.ASSISTANT,
        "Ostrava",
        ["Moravskoslezský kraj"],
    ),
    (
        "asistent.karvina",
        "Kateřina",
        "Pokutová",
        "Sociální služby Karviná, p.o.",
        Role.ASSISTANT,
        "Karviná",
        ["MPSV – dotace na sociální služby"],
    ),
    ("asistent.cheb", "Martin", "Berki", "Magistrát města Cheb", Role.ASSISTANT, "Cheb", ["Město Cheb"]),
    ("policie.jmk", "Roman", "Novotný", "Krajské ředitelství policie Jihomoravského kraje", Role.POLICE, None, []),
    ("ministerstvo", "Alena", "Dvořáková", "Ministerstvo vnitra ČR", Role.MINISTRY, None, []),
    ("admin", "Správce", "Systému", "Provozovatel systému Liaison", Role.ADMIN, None, []),
]

FIRST_NAMES = [
    "Jan",
    "Josef",
    "Pavel",
    "Martin",
    "Tomáš",
    "Jiří",
    "Petr",
    "Lukáš",
    "Roman",
    "Miroslav",
    "Marie",
    "Jana",
    "Eva",
    "Anna",
    "Lenka",
    "Kateřina",
    "Lucie",
    "Veronika",
    "Monika",
    "Zdeňka",
]
LAST_NAMES = [
    "Novák",
    "Svoboda",
    "Dvořák",
    "Černý",
    "Procházka",
    "Kučera",
    "Veselý",
    "Horák",
    "Němec",
    "Pokorný",
    "Marek",
    "Pospíšil",
    "Hájek",
    "Král",
    "Jelínek",
    "Růžička",
    "Beneš",
    "Fiala",
    "Sedláček",
    "Doležal",
]
NICKNAMES = ["Kuba", "Pepa", "Máňa", "Bára", "Ďula", "Fanda", "Jarka", "Zuzka", "Vašek", "Týna"]
OUTCOMES = [
    "Podáno trestní oznámení",
    "Vyřízena žádost o dávku",
    "Domluvena další schůzka",
    "Klient informován o svých právech",
    "Předáno do intervenčního centra",
    "Sjednán splátkový kalendář",
    "",
]


def _female(last_name: str) -> str:
    if last_name.endswith("ý"):
        return last_name[:-1] + "á"
    if last_name.endswith(("a", "e", "ě")):
        return last_name[:-1] + "ová"
    return last_name + "ová"


@transaction.atomic
def seed_demo(password: str, *, clients_per_org: int = 30, contacts_per_assistant: int = 60) -> list[User]:
    rng = random.Random(2010)  # stable data on every machine
    organisations = {}
    for name, kind in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    for org in Organisation.objects.filter(
        kind__in=[Organisation.Kind.POLICE, Organisation.Kind.MINISTRY, Organisation.Kind.OPERATOR]
    ):
        organisations[org.name] = org
    funders = {
        name: FundingSource.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in FUNDERS
    }

    users = []
    for username, first, last, org_name, role, city, funder_names in USERS:
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
                for funder_name in funder_names:
                    AssistantFunding.objects.create(
                        profile=profile, source=funders[funder_name], valid_from=datetime.date(2024, 1, 1)
                    )

    for org_name, _kind in ORGANISATIONS:
        org = organisations[org_name]
        if not Client.objects.filter(organisation=org).exists():
            _seed_client_work(rng, org, clients_per_org, contacts_per_assistant)
    _seed_case_work(rng)
    return users


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
            first = rng.choice(FIRST_NAMES[10:] if female else FIRST_NAMES[:10])
            last = rng.choice(LAST_NAMES)
            client = Client(
                identity=Client.Identity.NAMED,
                first_name=first,
                last_name=_female(last) if female else last,
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
            title=rng.choice(
                [
                    "Lichva – nevýhodná půjčka",
                    "Vydírání sousedem",
                    "Krádež dokladů",
                    "Domácí násilí",
                    "Nebezpečné vyhrožování",
                    "Podvod s podpisem smlouvy",
                ]
            ),
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
    for assistant in field_staff:
        for _ in range(contacts_per_assistant):
            occurred = now - datetime.timedelta(
                days=rng.randint(0, 365), hours=rng.randint(0, 8), minutes=rng.randint(0, 59)
            )
            chosen = rng.sample(clients, k=rng.choice([0, 1, 1, 1, 2]))
            contact = Contact.objects.create(
                organisation=org,
                assistant=assistant,
                occurred_at=occurred.replace(second=0, microsecond=0),
                duration_minutes=rng.choice([15, 20, 30, 45, 60, 90, 120, 180]),
                anonymous_persons=0 if chosen else rng.randint(1, 4),
                authority=rng.choice(authorities),
                form_of_work=rng.choice(FormOfWork.values),
                locality=rng.choice(localities) if localities else None,
                outcome=rng.choice(OUTCOMES),
                follow_up_on=(timezone.localdate() + datetime.timedelta(days=rng.randint(1, 14)))
                if rng.random() < 0.1
                else None,
            )
            contact.clients.set(chosen)
            contact.topics.set(rng.sample(topics, k=rng.randint(0, 2)))
            linked = [case for case in cases if case.client in chosen]
            if linked:
                contact.case = linked[0]
                contact.save(update_fields=["case"])


# The status path a demo case walked to reach its status: the ordinary path of cases/workflow.py.
CASE_PATH: list[str] = [CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.REPORTED, CaseStatus.INVESTIGATION]
INTERNAL_NOTES = [
    "Klientka se bojí věřitele, schůzky jen v kanceláři.",
    "Dluh narostl z 10 000 na 60 000 Kč za půl roku.",
    "Klient nechce, aby se o oznámení dozvěděla rodina.",
]
SHARED_NOTES = [
    "Klient je ochoten podat vysvětlení na OOP, doprovodí ho asistent.",
    "Věřitel se v lokalitě pohybuje každý pátek u obchodu.",
]
TASKS = ["Doprovod na služebnu", "Zavolat do intervenčního centra", "Připravit podklady pro zmocněnce"]
FEEDBACK = [
    "Věc převzalo SKPV, prověřuje se. Děkujeme za součinnost.",
    "Oznámení přijato, vyslechneme poškozenou za přítomnosti asistentky.",
]


def _seed_case_work(rng: random.Random) -> None:
    """History for demo cases that have none yet: status changes, rights, notes, tasks,
    referrals, and for cases shared in Jihomoravský kraj a police review. Idempotent."""
    officer = User.objects.filter(username="policie.jmk").first()
    now = timezone.now()
    today = timezone.localdate()
    drom_shared = 0
    for case in Case.objects.filter(transitions__isnull=True).select_related("client", "region").order_by("pk"):
        # Make sure the officer of Jihomoravský kraj has cases to review (with the client's consent).
        if case.region.code == "CZ064" and drom_shared < 3 and case.client.identity != Client.Identity.ANONYMOUS:
            if not case.client.consents.filter(purpose=Consent.Purpose.POLICE_SHARING, withdrawn_at__isnull=True):
                Consent.objects.create(
                    client=case.client,
                    purpose=Consent.Purpose.POLICE_SHARING,
                    given_on=today - datetime.timedelta(days=40),
                    recorded_by=case.assistant,
                )
            case.shared_with_police = True
            drom_shared += 1
        path = CASE_PATH[: CASE_PATH.index(case.status) + 1] if case.status in CASE_PATH else [CaseStatus.NEW]
        # The story starts before the first contact linked to the case and after the incident.
        first_contact = case.contacts.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        start = min(now - datetime.timedelta(days=60), (first_contact or now) - datetime.timedelta(days=1))
        case.incident_date = min(case.incident_date or today, start.date() - datetime.timedelta(days=2))
        if CaseStatus.REPORTED in path:
            case.reported_on = (start + datetime.timedelta(days=10 * path.index(CaseStatus.REPORTED))).date()
        case.save(update_fields=["shared_with_police", "reported_on", "incident_date"])
        previous = ""
        for step, status in enumerate(path):
            transition = CaseTransition.objects.create(
                case=case, from_status=previous, to_status=status, by=case.assistant
            )
            CaseTransition.objects.filter(pk=transition.pk).update(at=start + datetime.timedelta(days=10 * step))
            previous = status
        RightsInformation.objects.bulk_create(
            RightsInformation(
                case=case,
                right=right,
                informed_on=(start + datetime.timedelta(days=1)).date(),
                recorded_by=case.assistant,
            )
            for right in [VictimRight.INFORMATION, VictimRight.PROFESSIONAL_HELP, VictimRight.PRIVACY]
        )
        note = CaseNote.objects.create(case=case, author=case.assistant, text=rng.choice(INTERNAL_NOTES))
        CaseNote.objects.filter(pk=note.pk).update(created_at=start + datetime.timedelta(days=2))
        if case.shared_with_police:
            note = CaseNote.objects.create(
                case=case, author=case.assistant, text=rng.choice(SHARED_NOTES), shared_with_police=True
            )
            CaseNote.objects.filter(pk=note.pk).update(created_at=start + datetime.timedelta(days=12))
        for offset in (-3, 5):  # one overdue task and one ahead
            Task.objects.create(
                case=case,
                title=rng.choice(TASKS),
                due_on=today + datetime.timedelta(days=offset),
                assignee=case.assistant,
                created_by=case.assistant,
            )
        Referral.objects.create(
            case=case,
            service=rng.choice([ReferralService.VICTIM_SUPPORT, ReferralService.INTERVENTION_CENTRE]),
            provider=rng.choice(["Bílý kruh bezpečí", "Intervenční centrum"]),
            state=ReferralState.SENT,
            proposed_on=(start + datetime.timedelta(days=3)).date(),
            sent_on=(start + datetime.timedelta(days=4)).date(),
            created_by=case.assistant,
        )
        if case.shared_with_police and officer and case.region_id == officer.police_region_id:
            feedback = PoliceFeedback.objects.create(
                case=case, officer=officer, text=rng.choice(FEEDBACK), marks_reviewed=True
            )
            reviewed = start + datetime.timedelta(days=15)
            PoliceFeedback.objects.filter(pk=feedback.pk).update(created_at=reviewed)
            Case.objects.filter(pk=case.pk).update(police_reviewed_at=reviewed, police_reviewed_by=officer)
