"""The coordinator's person-level export of the own organisation's contacts and cases.

Rows stream from the database in chunks (`iterator(chunk_size=...)`, a server-side cursor on
PostgreSQL), with the many-to-many names prefetched per chunk, so the worker's memory stays flat
whether the organisation has a thousand contacts or a million. Encrypted notes are never
exported.
"""

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import F, Func, Prefetch, QuerySet, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CrimeType
from clients.models import Client, client_display_name
from contacts.models import Contact, FormOfWork

from .parameters import ReportParameters
from .statistics import cases_in_period, contacts_in_period
from .tables import COUNT, HOURS, TEXT, Sheet

CHUNK_SIZE = 2000

_CLIENT_FIELDS = ("id", "identity", "first_name", "last_name", "nickname", "birth_year")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _local_time_text(field: str) -> Func:
    return Func(
        Func(Value(timezone.get_current_timezone_name()), F(field), function="timezone"),
        Value("YYYY-MM-DD HH24:MI"),
        function="to_char",
        output_field=TextField(),
    )


def _of_contacts(through, contact_ids: list[int]) -> QuerySet:
    """The link rows of a chunk of contacts. The ids go as one array parameter:
    an IN list of thousands of parameters costs more to prepare than the query takes to run."""
    links = through.objects.all()
    column = f'"{through._meta.db_table}"."contact_id"'
    return links.extra(where=[f"{column} = ANY(%s)"], params=[contact_ids])  # noqa: S610 - fixed column


def _names_by_contact(through, contact_ids: list[int], fields: tuple[str, ...]) -> dict[int, list]:
    """The linked values of each contact of a chunk, in one query, sorted as the fields go."""
    names: dict[int, list] = defaultdict(list)
    rows = _of_contacts(through, contact_ids).values_list("contact_id", *fields)
    for contact_id, *values in rows.order_by(*fields):
        names[contact_id].append(values)
    return names


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_CONTACT_VALUES = (
    "pk",
    "occurred_at",
    "assistant__first_name",
    "assistant__last_name",
    "assistant__username",
    "duration_minutes",
    "authority__name",
    "form_of_work",
    "locality__municipality__name",
    "locality__name",
    "anonymous_persons",
    "outcome",
    "case_id",
)


def _contact_rows(contacts: QuerySet[Contact]) -> Iterator[list]:
    """Plain values read through a server-side cursor, a chunk at a time; the clients and topics
    of a chunk in one query each. No model instance per row: a million rows stay fast and flat."""
    forms = {value: str(label) for value, label in FormOfWork.choices}
    client_fields = ("client__last_name", "client__first_name", "client__nickname", "client__birth_year")
    # The local time as text, formatted by PostgreSQL while it reads the row.
    contacts = contacts.annotate(occurred_text=_local_time_text("occurred_at"))
    values = ("pk", "occurred_text", *_CONTACT_VALUES[2:])
    rows = contacts.values_list(*values).iterator(chunk_size=CHUNK_SIZE)
    for chunk in _chunks(rows, CHUNK_SIZE):
        ids = [row[0] for row in chunk]
        clients = _names_by_contact(Contact.clients.through, ids, (*client_fields, "client__identity", "client_id"))
        topics = _names_by_contact(Contact.topics.through, ids, ("topic__name",))
        for (
            pk,
            occurred,
            first,
            last,
            username,
            minutes,
            authority,
            form,
            town,
            place,
            anonymous,
            outcome,
            case,
        ) in chunk:
            yield [
                pk,
                occurred if isinstance(occurred, str) else _local(occurred),
                f"{first} {last}".strip() or username,
                round(minutes / 60, 2),
                authority,
                forms.get(form, form),
                f"{town} – {place}" if place else "",
                "; ".join(
                    client_display_name(identity, first_name, last_name, nickname, year, client_id)
                    for last_name, first_name, nickname, year, identity, client_id in clients.get(pk, [])
                ),
                anonymous,
                "; ".join(name for (name,) in topics.get(pk, [])),
                outcome,
                case or "",
            ]


def contacts_sheet(contacts: QuerySet[Contact], params: ReportParameters) -> Sheet:
    selected = contacts_in_period(contacts, params).order_by("occurred_at", "id")
    return Sheet(
        title=_("Contacts"),
        header=[
            _("Contact no."),
            _("Date and time"),
            _("Assistant"),
            _("Hours"),
            _("Authority"),
            _("Form of work"),
            _("Locality"),
            _("Clients"),
            _("Anonymous persons"),
            _("Topics"),
            _("Outcome"),
            _("Case no."),
        ],
        rows=_contact_rows(selected),
        kinds=[COUNT, TEXT, TEXT, HOURS, TEXT, TEXT, TEXT, TEXT, COUNT, TEXT, TEXT, COUNT],
        row_count=selected.count(),
    )


def _case_rows(cases: QuerySet[Case]) -> Iterator[list]:
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        yield [
            case.pk,
            case.title,
            case.client.display_name,
            case.assistant.get_full_name() or case.assistant.username,
            "; ".join(str(crime) for crime in case.crime_types.all()),
            case.get_status_display(),
            case.region.name,
            str(case.locality) if case.locality_id else "",
            _("yes") if case.particularly_vulnerable else _("no"),
            _("yes") if case.shared_with_police else _("no"),
            _local(case.opened_at),
            _local(case.closed_at),
        ]


def cases_sheet(cases: QuerySet[Case], params: ReportParameters) -> Sheet:
    selected = (
        cases_in_period(cases, params)
        .select_related("assistant", "region", "locality__municipality")
        .prefetch_related(
            Prefetch("client", queryset=Client.objects.only(*_CLIENT_FIELDS)),
            Prefetch("crime_types", queryset=CrimeType.objects.only("id", "name", "section")),
        )
        .order_by("opened_at", "id")
    )
    return Sheet(
        title=_("Cases"),
        header=[
            _("Case no."),
            _("Title"),
            _("Client"),
            _("Assistant"),
            _("Crime types"),
            _("Status"),
            _("Region"),
            _("Locality"),
            _("Particularly vulnerable victim"),
            _("Shared with the police"),
            _("Opened"),
            _("Closed"),
        ],
        rows=_case_rows(selected),
        kinds=[COUNT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT],
        row_count=selected.count(),
    )


def case_and_contact_export(*, contacts, cases, params: ReportParameters) -> list[Sheet]:
    sheets = []
    if params.includes("contacts"):
        sheets.append(contacts_sheet(contacts, params))
    if params.includes("cases"):
        sheets.append(cases_sheet(cases, params))
    return sheets
