"""A reference for the contact export: the same rows as reports.exports.contacts_sheet, streamed
as tuples (`values_list`, a server-side cursor in chunks) instead of model instances, with each
chunk's clients and topics read in one query per chunk. The benchmark measures it next to the
reports export to show how close to PostgreSQL's COPY a Django export can get."""

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from contacts.models import Contact, FormOfWork, Topic

CHUNK_SIZE = 5000

COLUMNS = (
    "id",
    "local_time",
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
    """The clients' names and the topics of a chunk of contacts: one query each, the ids passed as
    one array (`= ANY(%s)`) rather than thousands of IN parameters."""
    client_link = Contact.clients.through._meta.db_table
    topic_link = Contact.topics.through._meta.db_table
    clients: dict[int, list[str]] = defaultdict(list)
    topics: dict[int, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.contact_id, k.identity, k.first_name, k.last_name, k.nickname, k.birth_year, k.id "  # noqa: S608
            f'FROM "{client_link}" l JOIN "{Client._meta.db_table}" k ON k.id = l.client_id '
            "WHERE l.contact_id = ANY(%s) ORDER BY l.contact_id, k.last_name, k.first_name, k.nickname, k.id",
            [ids],
        )
        for contact_id, *client in cursor.fetchall():
            clients[contact_id].append(_client_name(*client))
        cursor.execute(
            f'SELECT l.contact_id, t.name FROM "{topic_link}" l JOIN "{Topic._meta.db_table}" t '  # noqa: S608
            "ON t.id = l.topic_id WHERE l.contact_id = ANY(%s) ORDER BY l.contact_id, t.name",
            [ids],
        )
        for contact_id, name in cursor.fetchall():
            topics[contact_id].append(name)
    return clients, topics


def contact_rows(contacts: QuerySet[Contact], start: datetime.datetime, end: datetime.datetime) -> Iterator[list]:
    forms = {value: str(label) for value, label in FormOfWork.choices}
    # The local time as text, formatted by PostgreSQL while it reads the row.
    local_time = Func(
        Func(Value(timezone.get_current_timezone_name()), F("occurred_at"), function="timezone"),
        Value("YYYY-MM-DD HH24:MI"),
        function="to_char",
        output_field=TextField(),
    )
    rows = (
        contacts.filter(occurred_at__gte=start, occurred_at__lt=end)
        .annotate(local_time=local_time)
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
                when,
                f"{first} {last}".strip() or username,
                round(minutes / 60, 2),
                authority,
                forms.get(form, form),
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
