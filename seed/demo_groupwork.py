"""Demo group activities: prevention talks and community meetings of each organisation in the
last year, with named participants (some clients come to several) and an anonymous head count."""

import datetime
import random

from django.utils import timezone

from accounts.models import Locality, Organisation, User
from accounts.roles import Role
from clients.models import Client
from groupwork.models import AnonymousAttendance, GroupActivity, Sex
from programmes.services import starting_service

from .vocabulary import GROUP_DESCRIPTIONS, GROUP_TOPICS

# Who comes to a talk or a meeting: mostly adults, seniors to talks on fraud, youth to workshops.
BAND_WEIGHTS = {"0-14": 1, "15-17": 2, "18-26": 3, "27-64": 6, "65+": 3}


def seed_group_activities(*, per_organisation: int = 8) -> None:
    if GroupActivity.objects.exists():
        return
    now = timezone.now()
    for organisation in Organisation.objects.filter(clients__isnull=False).distinct().order_by("name"):
        # A stream of its own: the demo's other data stay as they were before group activities.
        rng = random.Random(f"group activities {organisation.name}")  # noqa: S311 - made-up data
        _seed_organisation(rng, organisation, now, per_organisation)


def _seed_organisation(rng: random.Random, organisation: Organisation, now: datetime.datetime, count: int) -> None:
    people = User.objects.filter(organisation=organisation).order_by("pk")
    staff = list(people.filter(role=Role.ASSISTANT)) or list(people.filter(role=Role.COORDINATOR))
    if not staff:
        return
    service = starting_service(organisation)
    types = {t.category: t for t in service.activity_types.filter(is_active=True)}
    named = list(Client.objects.filter(organisation=organisation).exclude(identity=Client.Identity.ANONYMOUS))
    regulars = rng.sample(named, k=min(3, len(named)))  # they come again and again
    localities = list(Locality.objects.filter(assistant_profiles__employer=organisation).distinct().order_by("pk"))
    bands = list(BAND_WEIGHTS)
    for _ in range(count):
        topic, category, minutes = rng.choice(GROUP_TOPICS)
        occurred = now - datetime.timedelta(days=rng.randint(3, 360), hours=rng.randint(0, 6))
        activity = GroupActivity.objects.create(
            organisation=organisation,
            author=rng.choice(staff),
            service=service,
            activity_type=types.get(category) or types["group"],
            occurred_at=occurred.replace(minute=0, second=0, microsecond=0),
            minutes=minutes,
            locality=rng.choice(localities) if localities else None,
            topic=topic,
            description=rng.choice(GROUP_DESCRIPTIONS),
        )
        others = rng.sample(named, k=min(len(named), rng.randint(0, 3)))
        activity.participants.set({*rng.sample(regulars, k=min(len(regulars), rng.randint(0, 2))), *others})
        cells: dict[tuple[str, str], int] = {}
        for _person in range(rng.randint(3, 25)):
            sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.UNKNOWN])
            band = rng.choices(bands, weights=list(BAND_WEIGHTS.values()))[0]
            cells[(sex, band)] = cells.get((sex, band), 0) + 1
        AnonymousAttendance.objects.bulk_create(
            AnonymousAttendance(group_activity=activity, sex=sex, age_band=band, count=n)
            for (sex, band), n in cells.items()
        )
