"""The MPSV user cards of a registered social service for a calendar year: one row per user of
the service in the year (the users the annual statement counts, reports.funder_reports.mpsv) in
the columns of the ministry's user card, to be loaded instead of typed.

Person-level: the job stays with whoever asked for it (reports.selectors) and asking for it and
downloading it are audited as the organisation's export is (reports.views). A card never names
the person: it carries the organisation's own identifier of the client, or the client's number.
Rows stream from the database in chunks; the worker's memory stays flat.
"""

import datetime
from collections.abc import Iterator

from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import District, User
from clients.models import Client, ServiceUse, Sex
from clients.participation import EndReason
from clients.selectors import visible_clients
from programmes.models import Service
from programmes.vocabulary import PERSON_TARGET_GROUPS

from ..parameters import ReportParameters
from ..tables import COUNT, DATE, TEXT, Report, Sheet
from . import mpsv

SUBJECT_LABEL = gettext_lazy("Service")
CHUNK_SIZE = 2000

offered_to = mpsv.offered_to
subjects = mpsv.subjects


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def card_query(user: User, service: Service, params: ReportParameters) -> tuple[str, list] | None:
    """One query of the cards, in the clients' order: each user's first and last contact or group
    activity of the service in the period (one pass over the year's records, grouped), the
    recorded period of use that overlaps it, and the client's card fields. None when the
    requester sees no client at all."""
    contacts = mpsv.contact_links(service, params).values("client_id", moment=F("contact__occurred_at"))
    groups = mpsv.group_links(service, params).values("client_id", moment=F("groupactivity__occurred_at"))
    clients = visible_clients(user).values("id")
    if any(queryset.query.is_empty() for queryset in (contacts, groups, clients)):
        return None
    (contacts_sql, contacts_params), (groups_sql, groups_params), (clients_sql, clients_params) = (
        _sql(contacts),
        _sql(groups),
        _sql(clients),
    )
    client, district, use = Client._meta.db_table, District._meta.db_table, ServiceUse._meta.db_table
    overlapping = (
        f"FROM {use} u WHERE u.client_id = k.id AND u.service_id = %s AND u.started_on <= %s"
        " AND (u.ended_on IS NULL OR u.ended_on >= %s)"
    )
    period = [service.pk, params.end, params.start]
    sql = (
        "SELECT k.id, k.external_id, k.sex, k.birth_year, k.target_groups, d.name, s.first_moment,"  # noqa: S608 - table names from the models, values as parameters
        f" s.last_moment, (SELECT u.started_on {overlapping} ORDER BY u.started_on, u.id LIMIT 1),"
        " p.ended_on, p.end_reason"
        " FROM (SELECT t.client_id, min(t.moment) AS first_moment, max(t.moment) AS last_moment"
        f" FROM (({contacts_sql}) UNION ALL ({groups_sql})) AS t GROUP BY t.client_id) AS s"
        f" JOIN {client} k ON k.id = s.client_id"
        f" LEFT JOIN {district} d ON d.id = k.district_id"
        f" LEFT JOIN LATERAL (SELECT u.ended_on, u.end_reason {overlapping}"
        " ORDER BY u.started_on DESC, u.id DESC LIMIT 1) AS p ON true"
        f" WHERE k.id IN ({clients_sql})"
        " ORDER BY k.id"
    )
    return sql, [*period, *contacts_params, *groups_params, *period, *clients_params]


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _fetched(query: tuple[str, list] | None) -> Iterator[tuple]:
    """The rows of the query from a server-side cursor, a chunk at a time."""
    if query is None:
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(*query)
        while chunk := cursor.fetchmany(CHUNK_SIZE):
            yield from chunk


def _rows(query: tuple[str, list] | None, params: ReportParameters) -> Iterator[list]:
    sexes = dict(Sex.choices)
    groups = dict(PERSON_TARGET_GROUPS)
    reasons = dict(EndReason.choices)
    recorded, from_contacts = _("the recorded period of use"), _("the contacts of the year")
    for row in _fetched(query):
        (pk, external_id, sex, birth_year, target_groups, district, first_moment, last_moment, start, end, reason) = row
        first, last = _local_day(first_moment), _local_day(last_moment)
        if start is not None:
            # A recorded period: its start, and its end if the person stopped within the year.
            ended = end if end is not None and end <= params.end else None
            basis, reason_text = recorded, str(reasons.get(reason, "")) if ended else ""
        else:
            start, ended, basis, reason_text = first, last, from_contacts, ""
        yield [
            external_id or str(pk),
            pk,
            str(sexes.get(sex, sex)),
            birth_year if birth_year is not None else "",
            "; ".join(str(groups.get(group, group)) for group in target_groups or []),
            district or "",
            start,
            ended if ended is not None else "",
            reason_text,
            first,
            last,
            basis,
        ]


def cards_sheet(user: User, service: Service, params: ReportParameters) -> Sheet:
    return Sheet(
        title=_("User cards"),
        header=[
            _("Identifier of the user"),
            _("Client number"),
            _("Sex"),
            _("Year of birth"),
            _("Target group"),
            _("District of residence"),
            _("Start of the service"),
            _("End of the service"),
            _("Reason for ending"),
            _("First contact in the year"),
            _("Last contact in the year"),
            _("Start and end from"),
        ],
        rows=_rows(card_query(user, service, params), params),
        kinds=[TEXT, COUNT, TEXT, COUNT, TEXT, TEXT, DATE, DATE, TEXT, DATE, DATE, TEXT],
        row_count=mpsv.service_users(user, service, params).count(),
    )


def definitions() -> list[str]:
    return [
        _(
            "One card per user of the service in the year: a person with a client file who had at least one "
            "contact or group activity of the service in it (as the annual statement counts them)."
        ),
        _(
            "Identifier: the organisation's own identifier of the client where one is recorded, else the "
            "client's number in this system; never the name."
        ),
        _(
            "Start and end of the service: those of the recorded period of use of the service that overlaps "
            "the year (the end only when it falls within the year); where no period is recorded, the days of "
            "the first and the last contact or group activity of the year."
        ),
    ]


def build(*, subject: Service, params: ReportParameters, requested_by: User) -> Report:
    service = subject
    report = Report(
        title=_("User cards of a social service (MPSV)"),
        subtitle=_("%(service)s · year %(year)s") % {"service": service.name, "year": params.start.year},
        sheets=[cards_sheet(requested_by, service, params)],
    )
    report.cover = mpsv.cover_lines(service)
    report.definitions = definitions()
    return report
