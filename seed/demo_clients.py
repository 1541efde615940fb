"""What funders count about the demo's clients: sex, district, target groups, periods of service
use (some ended, with a reason) and, for organisations with an ESF+ project, the participants'
monitoring sheets (some questions declined). Its own random stream per organisation, so that the
clients, contacts and cases of seed/demo.py stay as they were before these fields existed."""

import datetime
import random

from accounts.models import District, User
from clients.models import Client, ParticipantSheet, ServiceUse, Sex
from clients.participation import PARTICIPANT_QUESTIONS, EndReason
from programmes.models import Project, Service
from programmes.vocabulary import FunderKind

from .vocabulary import FEMALE_FIRST, TARGET_GROUP_WEIGHTS, TOWN_DISTRICTS

END_REASON_WEIGHTS = {
    EndReason.GOAL_REACHED: 40,
    EndReason.CLIENT_ENDED: 20,
    EndReason.LOST_CONTACT: 15,
    EndReason.MOVED_AWAY: 10,
    EndReason.TRANSFERRED: 8,
    EndReason.OTHER: 5,
    EndReason.DIED: 2,
}


def district_for_town(districts: dict[str, District], town: str) -> District | None:
    return districts.get(TOWN_DISTRICTS.get(town, town))


def target_groups(rng: random.Random) -> list[str]:
    """One group, sometimes two; one client in ten has none recorded."""
    if rng.random() < 0.1:
        return []
    groups, weights = list(TARGET_GROUP_WEIGHTS), list(TARGET_GROUP_WEIGHTS.values())
    chosen = rng.choices(groups, weights=weights, k=rng.choice([1, 1, 1, 2]))
    return sorted(set(chosen), key=groups.index)


def sex_of(rng: random.Random, client: Client) -> str:
    if client.identity == Client.Identity.NAMED:
        return Sex.FEMALE if client.first_name in FEMALE_FIRST else Sex.MALE
    roll = rng.random()
    if client.identity == Client.Identity.ANONYMOUS:
        return Sex.UNSTATED if roll < 0.5 else Sex.FEMALE if roll < 0.75 else Sex.MALE
    return Sex.FEMALE if roll < 0.48 else Sex.MALE if roll < 0.94 else Sex.OTHER if roll < 0.96 else Sex.UNSTATED


def seed_funder_fields(
    org_name: str, clients: list[Client], service: Service, field_staff: list[User], today: datetime.date
) -> None:
    rng = random.Random(f"funder fields {org_name}")  # noqa: S311 - made-up data
    districts = {d.name: d for d in District.objects.all()}
    by_region: dict[int, list[District]] = {}
    for district in districts.values():
        by_region.setdefault(district.region_id, []).append(district)
    has_esf = Project.objects.filter(organisation=service.organisation, funder__kind=FunderKind.ESF).exists()
    for client in clients:
        client.sex = sex_of(rng, client)
        if client.locality is not None and rng.random() < 0.9:
            town = client.locality.municipality
            client.district = district_for_town(districts, town.name) or rng.choice(by_region[town.region_id])
        client.target_groups = target_groups(rng)
        client.save(update_fields=["sex", "district", "target_groups"])
        if rng.random() < 0.8:
            _service_use(rng, client, service, rng.choice(field_staff), today)
        if has_esf and client.identity != Client.Identity.ANONYMOUS and rng.random() < 0.6:
            _participant_sheet(rng, client)


def _service_use(rng: random.Random, client: Client, service: Service, author: User, today: datetime.date) -> None:
    started = today - datetime.timedelta(days=rng.randint(20, 700))
    use = ServiceUse(client=client, service=service, started_on=started, recorded_by=author)
    if rng.random() < 0.3:
        use.ended_on = started + datetime.timedelta(days=rng.randint(14, (today - started).days))
        use.end_reason = rng.choices(list(END_REASON_WEIGHTS), weights=list(END_REASON_WEIGHTS.values()))[0]
    use.save()


def _participant_sheet(rng: random.Random, client: Client) -> None:
    """Most questions answered; some declined (odmítl(a) uvést), a few not asked."""
    sheet = ParticipantSheet(client=client)
    for name, answers in PARTICIPANT_QUESTIONS.items():
        roll = rng.random()
        if roll < 0.05:
            continue  # not asked
        setattr(sheet, name, "declined" if roll < 0.15 else rng.choice([a for a in answers.values if a != "declined"]))
    sheet.save()
