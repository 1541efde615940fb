"""A reference for the contact export: the same rows as reports.exports.contacts_sheet, streamed
as tuples (`values_list`, a server-side cursor in chunks) instead of model instances, with each
chunk's clients and topics read in one query per chunk. The benchmark measures it next to the
reports export to show how close to PostgreSQL's COPY a Django export can get."""

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from contacts.models import Contact, FormOfWork

CHUNK_SIZE = 5000

COLUMNS = (
    "id",
    "occurred_at",
    "assistant__first_name",
    "assistant__last_name",
    "assistant__username",
    "duration_minutes",
    "authority__name",
    "form_of_work",
    "locality_id",
    "locality__municipality__name",
    "locality__name",
    "anonymous_persons",
    "outcome",
    "case_id",
)


def _client_name(identity: str, first: str, last: str, nickname: str, birth_year: int | None, pk: int) -> str:
    """Client.display_name without a model instance."""
    if identity == Client.Identity.NAMED:
        return f"{first} {last}".strip()
    if identity == Client.Identity.PSEUDONYM:
        return f"„{nickname}“" + (f" ({birth_year})" if birth_year else "")
    return _("Anonymous client no. %(id)s") % {"id": pk}


def _links(ids: list[int]) -> tuple[dict, dict]:
    clients: dict[int, list[str]] = defaultdict(list)
    through = Contact.clients.through.objects.filter(contact_id__in=ids).order_by(
        "contact_id", "client__last_name", "client__first_name", "client__nickname", "client_id"
    )
    for contact_id, *client in through.values_list(
        "contact_id",
        "client__identity",
        "client__first_name",
        "client__last_name",
        "client__nickname",
        "client__birth_year",
        "client_id",
    ):
        clients[contact_id].append(_client_name(*client))
    topics: dict[int, list[str]] = defaultdict(list)
    topic_links = Contact.topics.through.objects.filter(contact_id__in=ids).order_by("contact_id", "topic__name")
    for contact_id, name in topic_links.values_list("contact_id", "topic__name"):
        topics[contact_id].append(name)
    return clients, topics


def contact_rows(contacts: QuerySet[Contact], start: datetime.datetime, end: datetime.datetime) -> Iterator[list]:
    forms = dict(FormOfWork.choices)
    zone = timezone.get_current_timezone()
    rows = (
        contacts.filter(occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "id")
        .values_list(*COLUMNS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    chunk: list[tuple] = []

    def flush() -> Iterator[list]:
        clients, topics = _links([row[0] for row in chunk])
        for (
            pk,
            when,
            first,
            last,
            username,
            minutes,
            authority,
            form,
            locality,
            town,
            place,
            anon,
            outcome,
            case,
        ) in chunk:
            yield [
                pk,
                when.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                f"{first} {last}".strip() or username,
                round(minutes / 60, 2),
                authority,
                str(forms.get(form, form)),
                f"{town} – {place}" if locality else "",
                "; ".join(clients.get(pk, ())),
                anon,
                "; ".join(topics.get(pk, ())),
                outcome,
                case or "",
            ]

    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_SIZE:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def write_contacts_csv(contacts: QuerySet[Contact], start, end, path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        for row in contact_rows(contacts, start, end):
            writer.writerow(row)
            count += 1
    return count
