"""The coordinator's person-level export of the own organisation's contacts and cases.

Rows stream from the database in chunks (`iterator(chunk_size=...)`, a server-side cursor on
PostgreSQL), with the many-to-many names prefetched per chunk, so the worker's memory stays flat
whether the organisation has a thousand contacts or a million. Encrypted notes are never
exported.
"""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CrimeType
from clients.models import Client
from contacts.models import Contact, Topic

from .parameters import ReportParameters
from .statistics import cases_in_period, contacts_in_period
from .tables import COUNT, HOURS, TEXT, Sheet

CHUNK_SIZE = 2000

_CLIENT_FIELDS = ("id", "identity", "first_name", "last_name", "nickname", "birth_year")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _contact_rows(contacts: QuerySet[Contact]) -> Iterator[list]:
    for contact in contacts.iterator(chunk_size=CHUNK_SIZE):
        yield [
            contact.pk,
            _local(contact.occurred_at),
            contact.assistant.get_full_name() or contact.assistant.username,
            round(contact.duration_minutes / 60, 2),
            contact.authority.name,
            contact.get_form_of_work_display(),
            str(contact.locality) if contact.locality_id else "",
            "; ".join(client.display_name for client in contact.clients.all()),
            contact.anonymous_persons,
            "; ".join(topic.name for topic in contact.topics.all()),
            contact.outcome,
            contact.case_id or "",
        ]


def contacts_sheet(contacts: QuerySet[Contact], params: ReportParameters) -> Sheet:
    selected = (
        contacts_in_period(contacts, params)
        .select_related("assistant", "authority", "locality__municipality")
        .prefetch_related(
            Prefetch("clients", queryset=Client.objects.only(*_CLIENT_FIELDS)),
            Prefetch("topics", queryset=Topic.objects.only("id", "name")),
        )
        .defer("note")
        .order_by("occurred_at", "id")
    )
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
