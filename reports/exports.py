"""The coordinator's person-level export of the own organisation's contacts and cases.

The contacts are one SQL query built from the scoped queryset with every label (assistant,
service, project, activities, locality, clients, topics) computed by PostgreSQL, which writes the CSV itself
(reports.sql_rows): the largest organisation's ten years take about as long as a bare COPY.
Cases stream from the database in chunks (`iterator(chunk_size=...)`, a server-side cursor).
Either way the worker's memory stays flat whether the organisation has a thousand contacts or a
million. Encrypted notes are never exported: every exported column is plain in the database.
"""

from collections.abc import Iterator
from typing import cast

from django.db.models import (
    Case,
    DecimalField,
    F,
    Field,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case as CaseRecord
from cases.models import CrimeType
from clients.models import Client
from common.local_time import local_text
from contacts.models import Activity, Contact, Topic
from programmes.models import ActivityType

from . import sql_rows
from .parameters import ReportParameters
from .sql_rows import Column, SqlRows
from .statistics import cases_in_period, contacts_in_period
from .tables import COUNT, HOURS, TEXT, Sheet

CHUNK_SIZE = 2000

_CLIENT_FIELDS = ("id", "identity", "first_name", "last_name", "nickname", "birth_year")


def _local_time_text(field: str) -> RawSQL:
    """As common.local_time.local_text, in SQL: '2025-10-26 02:30', and the UTC offset after a
    time that happened twice ('2025-10-26 02:30 +01:00'), so that the two differ. A local time
    happened twice when the clock an hour later (or earlier) showed the same (the changes of
    Europe/Prague, as of every European zone, are one hour)."""
    column = f'"{Contact._meta.db_table}"."{cast(Field, Contact._meta.get_field(field)).column}"'
    local = f"timezone(%s, {column})"
    offset = f"({local} - timezone('UTC', {column}))"
    sql = (
        f"to_char({local}, 'YYYY-MM-DD HH24:MI') || CASE"
        f" WHEN timezone(%s, {column} + interval '1 hour') = {local}"
        f" OR timezone(%s, {column} - interval '1 hour') = {local}"
        f" THEN ' ' || CASE WHEN {offset} < interval '0' THEN '' ELSE '+' END || to_char({offset}, 'HH24:MI')"
        " ELSE '' END"
    )
    zone = timezone.get_current_timezone_name()
    return RawSQL(sql, [zone] * sql.count("%s"), output_field=TextField())  # noqa: S611 - fixed SQL, values as parameters


def _client_names(anonymous: str, transferred: str) -> RawSQL:
    """The clients of the contact, named as `client_display_name` names them, joined by "; "
    in the order the export always had (surname, first name, nickname, year, identity, id)."""
    link = Contact.clients.through._meta.db_table
    before, _middle, after = anonymous.partition("%(id)s")
    sql = (
        "SELECT COALESCE(string_agg(CASE"  # noqa: S608 - table names from the models, values as parameters
        f' WHEN k.organisation_id <> "{Contact._meta.db_table}"."organisation_id" THEN %s'
        " WHEN k.identity = %s THEN btrim(k.first_name || ' ' || k.last_name)"
        " WHEN k.identity = %s THEN '„' || k.nickname || '“' || COALESCE(' (' || NULLIF(k.birth_year, 0) || ')', '')"
        " ELSE %s || k.id || %s END, '; '"
        " ORDER BY k.last_name, k.first_name, k.nickname, k.birth_year, k.identity, k.id), '')"
        f' FROM "{link}" l JOIN "{Client._meta.db_table}" k ON k.id = l.client_id'
        f' WHERE l.contact_id = "{Contact._meta.db_table}"."id"'
    )
    # A client transferred to another organisation is no longer named in the sender's export.
    params = [transferred, Client.Identity.NAMED, Client.Identity.PSEUDONYM, before, after]
    return RawSQL(sql, params, output_field=TextField())  # noqa: S611 - fixed SQL, values as parameters


def _topic_names() -> RawSQL:
    link = Contact.topics.through._meta.db_table
    sql = (
        "SELECT COALESCE(string_agg(t.name, '; ' ORDER BY t.name), '')"  # noqa: S608 - table names from the models
        f' FROM "{link}" l JOIN "{Topic._meta.db_table}" t ON t.id = l.topic_id'
        f' WHERE l.contact_id = "{Contact._meta.db_table}"."id"'
    )
    return RawSQL(sql, [], output_field=TextField())  # noqa: S611 - fixed SQL


def _activity_list() -> RawSQL:
    """The contact's activities as a coordinator reads them in a spreadsheet cell, in the order
    they were entered: "Asistence / doprovod 30 min; Telefonický kontakt 10 min"."""
    sql = (
        "SELECT COALESCE(string_agg(t.name || ' ' || a.minutes || ' min', '; ' ORDER BY a.id), '')"  # noqa: S608 - table names from the models
        f' FROM "{Activity._meta.db_table}" a JOIN "{ActivityType._meta.db_table}" t ON t.id = a.activity_type_id'
        f' WHERE a.contact_id = "{Contact._meta.db_table}"."id"'
    )
    return RawSQL(sql, [], output_field=TextField())  # noqa: S611 - fixed SQL


def _minutes_of(work: str) -> RawSQL:
    """Minutes of the contact's direct work with the client, or of work on the client's behalf."""
    sql = (
        "SELECT COALESCE(sum(a.minutes), 0)"  # noqa: S608 - table names from the models, values as parameters
        f' FROM "{Activity._meta.db_table}" a'
        f' WHERE a.contact_id = "{Contact._meta.db_table}"."id" AND a.work = %s'
    )
    return RawSQL(sql, [work], output_field=IntegerField())  # noqa: S611 - fixed SQL


# The columns of the contact sheet, in order, and how each is written.
_CONTACT_COLUMNS = [
    Column("export_id", sql_rows.NUMBER),
    Column("export_when", sql_rows.PLAIN),
    Column("export_assistant", sql_rows.TEXT),
    Column("export_hours", sql_rows.HOURS),
    Column("export_authority", sql_rows.TEXT),
    Column("export_service", sql_rows.TEXT),
    Column("export_project", sql_rows.TEXT),
    Column("export_activities", sql_rows.TEXT),
    Column("export_direct", sql_rows.NUMBER),
    Column("export_on_behalf", sql_rows.NUMBER),
    Column("export_locality", sql_rows.TEXT),
    Column("export_clients", sql_rows.TEXT),
    Column("export_anonymous", sql_rows.NUMBER),
    Column("export_topics", sql_rows.TEXT),
    Column("export_outcome", sql_rows.TEXT),
    Column("export_case", sql_rows.NUMBER),
]


def contact_rows(contacts: QuerySet[Contact]) -> SqlRows:
    """The export's rows of `contacts` (scoped and filtered by the caller), every label in SQL
    in the current language: one query, which the CSV writer has PostgreSQL COPY."""
    contact_table = Contact._meta.db_table
    annotated = contacts.order_by("occurred_at", "id").annotate(
        export_id=F("pk"),
        export_at=F("occurred_at"),
        export_when=_local_time_text("occurred_at"),
        export_assistant=Coalesce(
            NullIf(Trim(Concat("assistant__first_name", Value(" "), "assistant__last_name")), Value("")),
            "assistant__username",
            output_field=TextField(),
        ),
        # numeric, rounded as Python rounded the float (a whole number of minutes is never a tie)
        export_hours=RawSQL(  # noqa: S611 - fixed SQL
            f'round("{contact_table}"."duration_minutes" / 60.0, 2)', [], output_field=DecimalField()
        ),
        export_authority=F("authority__name"),
        export_service=F("service__name"),
        export_project=Coalesce(F("project__name"), Value(""), output_field=TextField()),
        export_activities=_activity_list(),
        export_direct=_minutes_of(Activity.Work.DIRECT),
        export_on_behalf=_minutes_of(Activity.Work.ON_BEHALF),
        export_locality=Case(
            When(
                Q(locality__name__isnull=False) & ~Q(locality__name=""),
                then=Concat("locality__municipality__name", Value(" – "), "locality__name"),
            ),
            default=Value(""),
            output_field=TextField(),
        ),
        export_clients=_client_names(
            _("Anonymous client no. %(id)s"), _("a client transferred to another organisation")
        ),
        export_anonymous=F("anonymous_persons"),
        export_topics=_topic_names(),
        export_outcome=F("outcome"),
        export_case=F("case_id"),
    )
    return SqlRows(queryset=annotated, columns=_CONTACT_COLUMNS, order=["export_at", "export_id"])


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
            _("Service"),
            _("Project"),
            _("Activities"),
            _("Direct work (minutes)"),
            _("On the client's behalf (minutes)"),
            _("Locality"),
            _("Clients"),
            _("Anonymous persons"),
            _("Topics"),
            _("Outcome"),
            _("Case no."),
        ],
        rows=contact_rows(selected),
        kinds=[COUNT, TEXT, TEXT, HOURS, TEXT, TEXT, TEXT, TEXT, COUNT, COUNT, TEXT, TEXT, COUNT, TEXT, TEXT, COUNT],
        row_count=selected.count(),
    )


def _case_rows(cases: QuerySet[CaseRecord]) -> Iterator[list]:
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
            local_text(case.opened_at),
            local_text(case.closed_at),
        ]


def cases_sheet(cases: QuerySet[CaseRecord], params: ReportParameters) -> Sheet:
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
