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

from django.db.models import Max, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from clients.models import Sex
from clients.participation import EndReason
from contacts.models import Contact
from groupwork.models import GroupActivity
from programmes.models import Service
from programmes.vocabulary import PERSON_TARGET_GROUPS

from ..parameters import ReportParameters
from ..tables import COUNT, DATE, TEXT, Report, Sheet
from . import mpsv

SUBJECT_LABEL = gettext_lazy("Service")
CHUNK_SIZE = 2000

offered_to = mpsv.offered_to
subjects = mpsv.subjects


def _first_or_last(links: QuerySet, time_field: str, aggregate: type[Min] | type[Max]) -> Subquery:
    """The first (Min) or last (Max) moment of the client's records of the service in the period."""
    return Subquery(links.values("client_id").annotate(moment=aggregate(time_field)).values("moment")[:1])


def card_rows_queryset(user: User, service: Service, params: ReportParameters) -> QuerySet:
    since, until = params.start_datetime(), params.end_datetime_exclusive()
    contact_links = Contact.clients.through.objects.filter(
        client_id=OuterRef("pk"),
        contact__service_id=service.pk,
        contact__occurred_at__gte=since,
        contact__occurred_at__lt=until,
    ).order_by()
    group_links = GroupActivity.participants.through.objects.filter(
        client_id=OuterRef("pk"),
        groupactivity__service_id=service.pk,
        groupactivity__occurred_at__gte=since,
        groupactivity__occurred_at__lt=until,
    ).order_by()
    periods = mpsv.uses_in_period(service, params).filter(client_id=OuterRef("pk"))
    last_period = periods.order_by("-started_on", "-id")
    return (
        mpsv.service_users(user, service, params)
        .annotate(
            first_contact=_first_or_last(contact_links, "contact__occurred_at", Min),
            last_contact=_first_or_last(contact_links, "contact__occurred_at", Max),
            first_group=_first_or_last(group_links, "groupactivity__occurred_at", Min),
            last_group=_first_or_last(group_links, "groupactivity__occurred_at", Max),
            period_start=Subquery(periods.order_by("started_on", "id").values("started_on")[:1]),
            period_end=Subquery(last_period.values("ended_on")[:1]),
            period_reason=Subquery(last_period.values("end_reason")[:1]),
        )
        .order_by("id")
    )


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _rows(queryset: QuerySet, params: ReportParameters) -> Iterator[list]:
    sexes = dict(Sex.choices)
    groups = dict(PERSON_TARGET_GROUPS)
    reasons = dict(EndReason.choices)
    recorded, from_contacts = _("the recorded period of use"), _("the contacts of the year")
    fields = [
        "id",
        "external_id",
        "sex",
        "birth_year",
        "target_groups",
        "district__name",
        "first_contact",
        "last_contact",
        "first_group",
        "last_group",
        "period_start",
        "period_end",
        "period_reason",
    ]
    for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
        (pk, external_id, sex, birth_year, target_groups, district, *moments, start, end, reason) = row
        days = [day for day in (_local_day(moment) for moment in moments) if day is not None]
        first, last = min(days), max(days)
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
    queryset = card_rows_queryset(user, service, params)
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
        rows=_rows(queryset, params),
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
