"""Bulk seeder: group activities with their participants and anonymous head count (COPY), about
one for every 200 contacts, by the same organisations over the same years."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from groupwork.models import AnonymousAttendance, GroupActivity, Sex
from programmes.models import ActivityType
from programmes.vocabulary import ActivityCategory

from .copy_streams import Spool, Table, copy_lines, next_ids, q
from .plan import SeedState
from .sampling import Clock
from .vocabulary import GROUP_TOPICS

CONTACTS_PER_GROUP_ACTIVITY = 200
BANDS = ["0-14", "15-17", "18-26", "27-64", "65+"]
SEXES = [Sex.FEMALE.value, Sex.MALE.value, Sex.UNKNOWN.value]


def copy_group_activities(seeder: SeedState, cursor) -> None:
    rng = seeder.rng
    n = seeder.n_contacts // CONTACTS_PER_GROUP_ACTIVITY
    if n == 0 or not seeder.plans:
        return
    given = [
        "id",
        "organisation",
        "author",
        "service",
        "activity_type",
        "occurred_at",
        "minutes",
        "locality",
        "topic",
        "description",
        "created_at",
        "updated_at",
        "record_key",
    ]
    table = Table(GroupActivity, given)
    participant_table = Table(GroupActivity.participants.through, ["groupactivity", "client"], with_id=False)
    cell_table = Table(AnonymousAttendance, ["group_activity", "sex", "age_band", "count"], with_id=False)
    # The group and community types of every organisation's service.
    types: dict[tuple[int, str], int] = {
        (service_id, category): pk
        for pk, service_id, category in ActivityType.objects.filter(
            service_id__in=[plan.service for plan in seeder.plans if plan.service],
            category__in=[ActivityCategory.GROUP, ActivityCategory.COMMUNITY],
        ).values_list("pk", "service_id", "category")
    }
    topics = [(q(topic), category, str(minutes)) for topic, category, minutes in GROUP_TOPICS]
    first_id = next_ids(cursor, table.name)
    participants, cells = Spool(), Spool()

    def lines() -> Iterator[str]:
        pk = first_id
        for plan in seeder.pick_orgs(n):
            if not plan.assistants or plan.service is None:
                continue
            topic, category, minutes = rng.choice(topics)
            activity_type = types.get((plan.service, category)) or types.get((plan.service, ActivityCategory.GROUP))
            if activity_type is None:
                continue
            occurred = Clock.working_hours(seeder.clock.moment())
            if occurred > seeder.now:
                occurred -= datetime.timedelta(days=1)
            stamp = occurred.isoformat()
            chosen = {rng.choice(plan.clients) for _ in range(rng.randint(0, 4))} if plan.clients else set()
            for client in chosen:
                participants.append(f"{pk},{client}\n")
            head_count: dict[tuple[str, str], int] = {}
            for _ in range(rng.randint(0 if chosen else 1, 20)):
                cell = (rng.choice(SEXES), rng.choice(BANDS))
                head_count[cell] = head_count.get(cell, 0) + 1
            for (sex, band), count in head_count.items():
                cells.append(f"{pk},{sex},{q(band)},{count}\n")
            locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.8 else ""
            yield table.line(
                [
                    str(pk),
                    str(plan.organisation.pk),
                    str(rng.choice(plan.assistants)),
                    str(plan.service),
                    str(activity_type),
                    stamp,
                    minutes,
                    str(locality),
                    topic,
                    '""',
                    stamp,
                    stamp,
                    seeder.record_key(),
                ]
            )
            pk += 1

    seeder.result.group_activities = copy_lines(cursor, table, lines())
    participants.copy(cursor, participant_table)
    cells.copy(cursor, cell_table)
