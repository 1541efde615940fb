"""Aggregate reports: national statistics (suppressed) and an organisation's activity report.

Every count is computed in SQL (values/annotate); Python only puts the few aggregate rows into
tables. The record sets come in already scoped (reports.selectors), so the same code serves a
ministry user, the monthly schedule and the dashboards.
"""

from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Municipality, Region, User
from cases.models import Case, CaseStatus, CrimeType
from clients.models import Client
from contacts.models import Authority, Contact
from programmes.vocabulary import ActivityCategory

from . import selectors
from .disclosure import key_sum
from .parameters import ReportParameters
from .tables import COUNT, HOURS, TEXT, Sheet, count_table

UNKNOWN = None  # the key of "no region / municipality recorded"

# Where a contact happened: its locality, or else the municipality the assistant works in.
CONTACT_MUNICIPALITY = Coalesce("locality__municipality_id", "assistant__assistant_profile__municipality_id")
CONTACT_REGION = Coalesce("locality__municipality__region_id", "assistant__assistant_profile__municipality__region_id")


def contacts_in_period(contacts: QuerySet[Contact], params: ReportParameters) -> QuerySet[Contact]:
    return contacts.filter(occurred_at__gte=params.start_datetime(), occurred_at__lt=params.end_datetime_exclusive())


def cases_in_period(cases: QuerySet[Case], params: ReportParameters) -> QuerySet[Case]:
    """Cases opened in the period, counted by the status they have now."""
    return cases.filter(opened_at__gte=params.start_datetime(), opened_at__lt=params.end_datetime_exclusive())


def month_label(month) -> str:
    """A month as people name it: "listopad 2026" (the nominative, YEAR_MONTH_FORMAT)."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _region_keys(with_unknown: bool) -> list[tuple[object, str]]:
    keys: list[tuple[object, str]] = list(Region.objects.order_by("name").values_list("id", "name"))
    if with_unknown:
        keys.append((UNKNOWN, _("Not recorded")))
    return keys


def _municipality_keys(ids: set) -> list[tuple[object, str]]:
    named = Municipality.objects.filter(id__in=[i for i in ids if i is not None]).select_related("region")
    keys: list[tuple[object, str]] = [
        (m.id, f"{m.region.name} – {m.name}") for m in sorted(named, key=lambda m: (m.region.name, m.name))
    ]
    if UNKNOWN in ids:
        keys.append((UNKNOWN, _("Not recorded")))
    return keys


def _counts(rows, row_field: str, column_field: str, value_field: str = "n") -> dict:
    return {(row[row_field], row[column_field]): row[value_field] for row in rows}


def _keys(rows, row_field: str, column_field: str, protect: bool) -> dict | None:
    """The cells' keys for the cell-key perturbation, or None to publish true counts."""
    return _counts(rows, row_field, column_field, "key") if protect else None


# National statistics -----------------------------------------------------------------------


def contacts_by_month_and_region(contacts, params, threshold, protect: bool = True) -> Sheet:
    rows = [
        {**row, "month": row["month"].date()}
        for row in contacts_in_period(contacts, params)
        .annotate(month=TruncMonth("occurred_at"), region=CONTACT_REGION)
        .values("month", "region")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    ]
    counts = _counts(rows, "month", "region")
    regions = _region_keys(with_unknown=any(region is UNKNOWN for _m, region in counts))
    return count_table(
        title=_("Contacts by month and region"),
        row_heading=_("Month"),
        row_keys=[(month, month_label(month)) for month in params.months()],
        column_keys=regions,
        counts=counts,
        threshold=threshold,
        cell_keys=_keys(rows, "month", "region", protect),
        chart_from_row_totals=True,
    )


def contacts_by_municipality_and_authority(contacts, params, threshold, protect: bool = True) -> Sheet:
    rows = list(
        contacts_in_period(contacts, params)
        .annotate(municipality=CONTACT_MUNICIPALITY)
        .values("municipality", "authority")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    )
    column_keys: list[tuple[object, str]] = list(
        Authority.objects.order_by("ordering", "name").values_list("id", "name")
    )
    if any(row["authority"] is None for row in rows):
        column_keys.append((None, _("No authority")))
    return count_table(
        title=_("Contacts by municipality and authority"),
        row_heading=_("Municipality"),
        row_keys=_municipality_keys({row["municipality"] for row in rows}),
        column_keys=column_keys,
        counts=_counts(rows, "municipality", "authority"),
        threshold=threshold,
        cell_keys=_keys(rows, "municipality", "authority", protect),
    )


def contacts_by_municipality_and_category(contacts, params, threshold, protect: bool = True) -> Sheet:
    """Contacts by municipality and the national category of their activities.

    A contact counts once under each category of its activities (two activities of one category:
    once) and adds its record key once there, as a case does under each of its crime types: the
    distinct (contact, category) pairs are counted, in one query."""
    pairs = (
        contacts_in_period(contacts, params)
        .annotate(
            pair_contact=F("id"),
            pair_key=F("record_key"),
            municipality=CONTACT_MUNICIPALITY,
            category=F("activities__activity_type__category"),
        )
        .filter(category__isnull=False)
        .values("pair_contact", "pair_key", "municipality", "category")
        .distinct()
        .order_by()
    )
    rows: list[dict] = []
    if not pairs.query.is_empty():
        sql, sql_params = pairs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.municipality, d.category, count(*), COALESCE(sum(d.pair_key), 0)"  # noqa: S608 - Django's SQL
                f" FROM ({sql}) AS d GROUP BY d.municipality, d.category",
                sql_params,
            )
            rows = [
                {"municipality": municipality, "category": category, "n": n, "key": key}
                for municipality, category, n, key in cursor.fetchall()
            ]
    return count_table(
        title=_("Contacts by municipality and activity category"),
        row_heading=_("Municipality"),
        row_keys=_municipality_keys({row["municipality"] for row in rows}),
        column_keys=[(value, str(label)) for value, label in ActivityCategory.choices],
        counts=_counts(rows, "municipality", "category"),
        threshold=threshold,
        cell_keys=_keys(rows, "municipality", "category", protect),
        notes=[_("A contact with activities of several categories counts under each of them.")],
    )


def clients_by_region(contacts, clients, params, threshold, protect: bool = True) -> list[Sheet]:
    """Distinct clients with a contact in the period, by the region of their locality and identity;
    people present without a client file (anonymous persons at contacts) in a table of their own."""
    links = Contact.clients.through.objects.filter(contact__in=contacts_in_period(contacts, params).values("id"))
    supported = clients.filter(id__in=links.values("client_id")).annotate(region=F("locality__municipality__region_id"))
    # Each client is one row here (a filter, not a join), so the sum of keys adds each client once.
    rows = list(supported.values("region", "identity").annotate(n=Count("id"), key=key_sum()).order_by())
    counts = _counts(rows, "region", "identity")
    identity_keys = [(value, str(label)) for value, label in Client.Identity.choices]
    distinct_clients = count_table(
        title=_("Clients supported by region"),
        row_heading=_("Region"),
        row_keys=_region_keys(with_unknown=True),
        column_keys=identity_keys,
        counts=counts,
        threshold=threshold,
        cell_keys=_keys(rows, "region", "identity", protect),
        notes=[_("Each client counts once, in the region of the client's locality.")],
    )
    # The key of a number of anonymous persons is that of the contacts they were present at.
    anonymous = list(
        contacts_in_period(contacts, params)
        .annotate(region=CONTACT_REGION)
        .values("region")
        .annotate(n=Sum("anonymous_persons"), key=key_sum(filter=Q(anonymous_persons__gt=0)))
        .order_by()
    )
    anonymous_counts = {(row["region"], "persons"): row["n"] or 0 for row in anonymous}
    anonymous_keys = {(row["region"], "persons"): row["key"] for row in anonymous} if protect else None
    anonymous_persons = count_table(
        title=_("Anonymous persons at contacts by region"),
        row_heading=_("Region"),
        row_keys=_region_keys(with_unknown=True),
        column_keys=[("persons", _("Anonymous persons"))],
        counts=anonymous_counts,
        threshold=threshold,
        cell_keys=anonymous_keys,
        notes=[_("People present who gave no name, counted at every contact: not distinct people.")],
    )
    return [distinct_clients, anonymous_persons]


def cases_by_crime_type_and_status(cases, params, threshold, protect: bool = True) -> Sheet:
    # One row per case and crime type: each case counts (and adds its key) once under each type.
    rows = list(
        cases_in_period(cases, params).values("crime_types", "status").annotate(n=Count("id"), key=key_sum()).order_by()
    )
    counts = _counts(rows, "crime_types", "status")
    crime_keys: list[tuple[object, str]] = [
        (pk, f"{name} ({section})") for pk, name, section in CrimeType.objects.values_list("id", "name", "section")
    ]
    if any(crime is None for crime, _status in counts):
        crime_keys.append((None, _("Not recorded")))
    return count_table(
        title=_("Cases by crime type and status"),
        row_heading=_("Crime type"),
        row_keys=crime_keys,
        column_keys=[(value, str(label)) for value, label in CaseStatus.choices],
        counts=counts,
        threshold=threshold,
        cell_keys=_keys(rows, "crime_types", "status", protect),
        notes=[_("A case with several crime types counts under each of them; cases opened in the period.")],
    )


def cases_by_region_and_status(cases, params, threshold, protect: bool = True) -> Sheet:
    rows = list(
        cases_in_period(cases, params).values("region", "status").annotate(n=Count("id"), key=key_sum()).order_by()
    )
    return count_table(
        title=_("Cases by region and status"),
        row_heading=_("Region"),
        row_keys=_region_keys(with_unknown=False),
        column_keys=[(value, str(label)) for value, label in CaseStatus.choices],
        counts=_counts(rows, "region", "status"),
        threshold=threshold,
        cell_keys=_keys(rows, "region", "status", protect),
        notes=[_("Cases opened in the period, by their status today.")],
    )


def referrals_by_service_and_state(referrals, params, threshold, protect: bool = True) -> Sheet:
    """Referrals to support services proposed in the period, by service and their state today."""
    from cases.models import ReferralService, ReferralState

    rows = list(
        referrals.filter(proposed_on__gte=params.start, proposed_on__lte=params.end)
        .values("service", "state")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    )
    return count_table(
        title=_("Referrals by service and state"),
        row_heading=_("Service"),
        row_keys=[(value, str(label)) for value, label in ReferralService.choices],
        column_keys=[(value, str(label)) for value, label in ReferralState.choices],
        counts=_counts(rows, "service", "state"),
        threshold=threshold,
        cell_keys=_keys(rows, "service", "state", protect),
        notes=[_("Referrals proposed in the period, by their state today.")],
    )


def national_statistics(
    *, contacts, clients, cases, referrals=None, params: ReportParameters, threshold: int | None, protect: bool = True
) -> list[Sheet]:
    """The national tables. Every route that shows them to the ministry (files, API) keeps
    `protect`: suppressed and perturbed by the cell-key method; the true counts
    (`threshold=None, protect=False`) are for checking the method, never for a user."""
    sheets: list[Sheet] = []
    if params.includes("contacts_month_region"):
        sheets.append(contacts_by_month_and_region(contacts, params, threshold, protect))
    if params.includes("contacts_municipality_authority"):
        sheets.append(contacts_by_municipality_and_authority(contacts, params, threshold, protect))
    if params.includes("contacts_municipality_form"):
        sheets.append(contacts_by_municipality_and_category(contacts, params, threshold, protect))
    if params.includes("clients_region"):
        sheets.extend(clients_by_region(contacts, clients, params, threshold, protect))
    if params.includes("cases_crime_status"):
        sheets.append(cases_by_crime_type_and_status(cases, params, threshold, protect))
    if params.includes("cases_region_status"):
        sheets.append(cases_by_region_and_status(cases, params, threshold, protect))
    if referrals is not None and params.includes("referrals_service_state"):
        sheets.append(referrals_by_service_and_state(referrals, params, threshold, protect))
    return sheets


# The organisation's activity report ----------------------------------------------------------


def activity_by_assistant(*, contacts, cases, params: ReportParameters) -> list[Sheet]:
    """Per assistant: contacts, hours, distinct clients, anonymous persons, cases opened and open.

    Not suppressed: the organisation reports its own work to its funder.
    """
    period_contacts = contacts_in_period(contacts, params)
    per_assistant: dict[int, dict] = defaultdict(dict)
    # Two queries: joining the clients would repeat a contact once per client in the sums.
    for row in (
        period_contacts.values("assistant")
        .annotate(contacts=Count("id"), minutes=Sum("duration_minutes"), anonymous=Sum("anonymous_persons"))
        .order_by()
    ):
        per_assistant[row["assistant"]].update(row)
    for client_row in period_contacts.values("assistant").annotate(clients=Count("clients", distinct=True)).order_by():
        per_assistant[client_row["assistant"]]["clients"] = client_row["clients"]
    for case_row in cases_in_period(cases, params).values("assistant").annotate(opened=Count("id")).order_by():
        per_assistant[case_row["assistant"]]["opened"] = case_row["opened"]
    open_cases = cases.filter(opened_at__lt=params.end_datetime_exclusive()).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=params.end_datetime_exclusive())
    )
    for row in open_cases.values("assistant").annotate(open=Count("id")).order_by():
        per_assistant[row["assistant"]]["open"] = row["open"]
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=per_assistant.keys()).only("first_name", "last_name", "username")
    }
    rows: list[list] = []
    totals = [0, 0.0, 0, 0, 0, 0]
    for assistant_id in sorted(per_assistant, key=lambda pk: names.get(pk, "")):
        data = per_assistant[assistant_id]
        values = [
            data.get("contacts", 0),
            round((data.get("minutes") or 0) / 60, 2),
            data.get("clients", 0),
            data.get("anonymous") or 0,
            data.get("opened", 0),
            data.get("open", 0),
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([names.get(assistant_id, ""), *values])
    # Distinct clients of the whole organisation: a client seen by two assistants counts once.
    totals[2] = period_contacts.aggregate(n=Count("clients", distinct=True))["n"]
    totals[1] = round(totals[1], 2)
    rows.append([_("Organisation total"), *totals])
    return [
        Sheet(
            title=_("Activity by assistant"),
            header=[
                _("Assistant"),
                _("Contacts"),
                _("Hours"),
                _("Distinct clients"),
                _("Anonymous persons"),
                _("Cases opened"),
                _("Cases open at the end"),
            ],
            rows=rows,
            kinds=[TEXT, COUNT, HOURS, COUNT, COUNT, COUNT, COUNT],
            notes=[_("Anonymous persons are counted at every contact, not as distinct people.")],
            chart=([row[0] for row in rows[:-1]], [row[1] for row in rows[:-1]]),
        )
    ]


def national_statistics_sheets(params: ReportParameters) -> list[Sheet]:
    """The national statistics of a period, suppressed and perturbed (reports.disclosure): the
    one assembly behind the report file and the API's JSON, so that both give the same numbers."""
    return national_statistics(
        contacts=selectors.national_contacts(),
        clients=selectors.national_clients(),
        cases=selectors.national_cases(),
        referrals=selectors.national_referrals(),
        params=params,
        threshold=settings.REPORTS_SUPPRESSION_THRESHOLD,
    )
