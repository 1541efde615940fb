"""Bulk seeder: contacts with their activities, clients and topics (COPY)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from common.crypto import encrypt_text
from contacts.models import Activity, Authority, Contact, Topic
from programmes.models import ActivityType

from .copy_streams import Spool, Table, copy_lines, next_ids, q
from .plan import SeedState
from .sampling import Clock, cumulative
from .vocabulary import (
    ACTIVITY_WEIGHTS,
    OUTCOMES,
    SECOND_ACTIVITIES,
    SECOND_ACTIVITY_MINUTES,
    SECOND_ACTIVITY_SHARE,
    split_minutes,
)

ENCRYPTED_NOTE_EVERY = 2000  # one contact in this many carries an (encrypted) note


def copy_contacts(seeder: SeedState, cursor) -> None:
    rng = seeder.rng
    given = [
        "id",
        "organisation",
        "assistant",
        "occurred_at",
        "duration_minutes",
        "anonymous_persons",
        "authority",
        "service",
        "locality",
        "outcome",
        "follow_up_on",
        "note",
        "case",
        "created_at",
        "updated_at",
        "record_key",
    ]
    table = Table(Contact, given)
    client_table = Table(Contact.clients.through, ["contact", "client"], with_id=False)
    topic_table = Table(Contact.topics.through, ["contact", "topic"], with_id=False)
    authorities = list(Authority.objects.filter(is_active=True).values_list("pk", "kind"))
    # The police and offices come up most often.
    authority_weights = [{"police": 5, "office": 3, "municipal_police": 2}.get(kind, 1) for _, kind in authorities]
    authority_cum = cumulative(authority_weights)
    authority_ids = [str(pk) for pk, _ in authorities]
    topic_ids = [str(pk) for pk in Topic.objects.values_list("pk", flat=True)]
    # Each service's activity type of every national category, as COPY text.
    type_ids: dict[int, dict[str, str]] = {}
    for type_id, service_id, category in ActivityType.objects.filter(
        service_id__in={plan.service for plan in seeder.plans}
    ).values_list("id", "service_id", "category"):
        type_ids.setdefault(service_id, {})[category] = str(type_id)
    categories = list(ACTIVITY_WEIGHTS)
    category_cum = cumulative(list(ACTIVITY_WEIGHTS.values()))
    activity_table = Table(Activity, ["id", "contact", "activity_type", "minutes", "work"])
    first_activity_id = next_ids(cursor, activity_table.name)
    durations = ["15", "30", "45", "60", "90", "120", "180"]
    duration_cum = cumulative([15, 30, 15, 20, 10, 7, 3])
    outcomes = [q(o) for o in OUTCOMES]
    note = q(encrypt_text("Poznámka asistenta (syntetická data)."))
    first_id = next_ids(cursor, table.name)
    # The two link tables are streamed to a second and third COPY after the contacts.
    client_links, topic_links, activities = Spool(), Spool(), Spool()
    chunk = 100_000

    def lines() -> Iterator[str]:
        pk = first_id
        activity_id = first_activity_id
        done = 0
        while done < seeder.n_contacts:
            k = min(chunk, seeder.n_contacts - done)
            orgs = seeder.pick_orgs(k)
            auths = rng.choices(authority_ids, cum_weights=authority_cum, k=k)
            category_list = rng.choices(categories, cum_weights=category_cum, k=k)
            duration_list = rng.choices(durations, cum_weights=duration_cum, k=k)
            for i in range(k):
                plan = orgs[i]
                ts = seeder.clock.moment()
                occurred = Clock.working_hours(ts)
                if occurred > seeder.now:
                    occurred -= datetime.timedelta(days=1)
                stamp = occurred.isoformat()
                r = rng.random()
                case = ""
                if plan.cases and r < 0.1:
                    case_id, client = rng.choice(plan.cases)
                    case = str(case_id)
                    chosen: list[int] | set[int] = [client]
                elif r < 0.3 or not plan.clients:
                    chosen = []
                else:
                    n = 1 if r < 0.8 else (2 if r < 0.95 else 3)
                    chosen = {rng.choice(plan.clients) for _ in range(n)}
                anonymous = str(rng.randint(1, 4)) if not chosen else ("0" if rng.random() < 0.9 else "1")
                for client in chosen:
                    client_links.append(f"{pk},{client}\n")
                t = rng.random()
                if t < 0.6:
                    topic_links.append(f"{pk},{topic_ids[int(t * 1000) % len(topic_ids)]}\n")
                    if t < 0.15:
                        topic_links.append(f"{pk},{topic_ids[(int(t * 1000) + 1) % len(topic_ids)]}\n")
                # One or two activities (the second often on the client's behalf), adding up to the duration.
                types = type_ids[plan.service or 0]  # every plan has its service (bulk_people)
                duration = int(duration_list[i])
                if rng.random() < SECOND_ACTIVITY_SHARE and duration >= 10:
                    first, second = split_minutes(duration, rng.choice(SECOND_ACTIVITY_MINUTES))
                    second_category = rng.choice(SECOND_ACTIVITIES)
                    work = "on_behalf" if second_category != "information" else "direct"
                    activities.append(
                        activity_table.line([str(activity_id), str(pk), types[category_list[i]], str(first), "direct"])
                    )
                    activities.append(
                        activity_table.line([str(activity_id + 1), str(pk), types[second_category], str(second), work])
                    )
                    activity_id += 2
                else:
                    work = "on_behalf" if category_list[i] == "advocacy" else "direct"
                    activities.append(
                        activity_table.line([str(activity_id), str(pk), types[category_list[i]], str(duration), work])
                    )
                    activity_id += 1
                locality = rng.choice(plan.localities) if plan.localities and rng.random() < 0.7 else ""
                u = rng.random()
                outcome = outcomes[int(u * 100) % len(outcomes)] if u < 0.3 else '""'
                follow_up = (
                    (occurred.date() + datetime.timedelta(days=7 + int(u * 1000) % 24)).isoformat()
                    if (u > 0.92)
                    else ""
                )
                yield table.line(
                    [
                        str(pk),
                        str(plan.organisation.pk),
                        str(rng.choice(plan.assistants)),
                        stamp,
                        duration_list[i],
                        anonymous,
                        auths[i],
                        str(plan.service),
                        str(locality),
                        outcome,
                        follow_up,
                        note if pk % ENCRYPTED_NOTE_EVERY == 0 else '""',
                        case,
                        stamp,
                        stamp,
                        seeder.record_key(),
                    ]
                )
                pk += 1
            done += k

    # The contacts first, then their links (the foreign keys need the contacts).
    seeder.result.contacts = copy_lines(cursor, table, lines())
    seeder.result.contact_clients = client_links.copy(cursor, client_table)
    topic_links.copy(cursor, topic_table)
    seeder.result.activities = activities.copy(cursor, activity_table)
