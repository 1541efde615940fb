"""The charts of each role's dashboard, each from that role's own scope.

A chart is a title, labels and values; the page draws it with Chart.js and shows the same
numbers in a table for those who cannot see the chart. The ministry's national series are
suppressed and perturbed like the exports (reports.disclosure); the keys of the cells are
added up in the same queries as the counts.
"""

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from cases.models import CaseStatus
from cases.selectors import visible_cases
from contacts.models import Activity
from contacts.month_totals import monthly_contact_totals
from contacts.selectors import visible_contacts
from programmes.vocabulary import ActivityCategory

from . import selectors
from .disclosure import key_sum, perturb
from .suppression import suppress

MONTHS_SHOWN = 12


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar" or "line"
    labels: list[str]
    values: Sequence[int | None]  # None: suppressed
    value_label: str

    def as_json(self) -> dict:
        return asdict(self)

    @property
    def rows(self) -> list[tuple[str, int | None]]:
        return list(zip(self.labels, self.values, strict=True))


def _recent_months(today: datetime.date) -> list[datetime.date]:
    month = today.replace(day=1)
    months = [month]
    for _i in range(MONTHS_SHOWN - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return list(reversed(months))


def _monthly_series(contacts, today: datetime.date) -> tuple[list[str], list[int], list[int]]:
    months = _recent_months(today)
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    rows = (
        contacts.filter(occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    )
    return _series_from_totals({row["month"].date(): (row["n"], row["key"]) for row in rows}, months)


def _series_from_totals(totals: dict[datetime.date, tuple[int, int]], months: list[datetime.date]):
    return (
        [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in months],
        [totals.get(month, (0, 0))[0] for month in months],
        [totals.get(month, (0, 0))[1] for month in months],
    )


def _monthly_series_of_organisations(
    today: datetime.date, organisation_id: int | None, *, national: bool = False
) -> tuple[list[str], list[int], list[int]]:
    """The same as _monthly_series over an organisation's contacts (or every contact, nationally),
    from the monthly totals the database keeps (contacts.month_totals) instead of counting them."""
    months = _recent_months(today)
    if organisation_id is None and not national:
        return _series_from_totals({}, months)
    totals = monthly_contact_totals(months[0], months[-1], organisation_id=None if national else organisation_id)
    return _series_from_totals(totals, months)


def _this_month(contacts, today: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(today.replace(day=1), datetime.time.min))
    return contacts.filter(occurred_at__gte=start)


def _by_choice(queryset, field: str, choices) -> tuple[list[str], list[int], list[int]]:
    counts = {
        row[field]: (row["n"], row["key"])
        for row in queryset.values(field).annotate(n=Count("id"), key=key_sum()).order_by()
    }
    return (
        [str(label) for _value, label in choices],
        [counts.get(value, (0, 0))[0] for value, _label in choices],
        [counts.get(value, (0, 0))[1] for value, _label in choices],
    )


def _minutes_by_category(contacts) -> tuple[list[str], list[int]]:
    """Minutes of the contacts' activities by national category (the categories with any)."""
    rows = (
        Activity.objects.filter(contact__in=contacts.values("id"))
        .values("activity_type__category")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    minutes = {row["activity_type__category"]: row["minutes"] for row in rows}
    shown = [(str(label), minutes[value]) for value, label in ActivityCategory.choices if minutes.get(value)]
    return [label for label, _m in shown], [value for _l, value in shown]


def _protected(values: list[int], keys: list[int]) -> list[int | None]:
    """A one-column table: each value against the series total (also suppressed if small);
    the values left visible are perturbed by their cells' keys."""
    if not values:
        return []
    table = suppress([[value] for value in values], settings.REPORTS_SUPPRESSION_THRESHOLD)
    return [None if row[0] is None else perturb(row[0], key) for row, key in zip(table.cells, keys, strict=True)]


def _contacts_per_month(key: str, title: str, contacts, today, protected: bool = False) -> Chart:
    return _monthly_chart(key, title, _monthly_series(contacts, today), protected)


def _monthly_chart(key: str, title: str, series, protected: bool = False) -> Chart:
    labels, values, keys = series
    return Chart(key, title, "line", labels, _protected(values, keys) if protected else values, _("Contacts"))


def _cases_by_status(key: str, title: str, cases, protected: bool = False) -> Chart:
    labels, values, keys = _by_choice(cases, "status", CaseStatus.choices)
    return Chart(key, title, "bar", labels, _protected(values, keys) if protected else values, _("Cases"))


def dashboard_charts(user: User, today: datetime.date | None = None) -> list[Chart]:
    today = today or timezone.localdate()
    role = Role(user.role)
    if role == Role.ASSISTANT:
        mine = visible_contacts(user).filter(assistant=user)
        labels, values = _minutes_by_category(_this_month(mine, today))
        return [
            Chart("own-activities", _("My work this month by activity category"), "bar", labels, values, _("Minutes")),
            _contacts_per_month("own-months", _("My contacts in the last 12 months"), mine, today),
        ]
    if role == Role.COORDINATOR:
        contacts = visible_contacts(user)
        per_assistant = list(
            _this_month(contacts, today)
            .values("assistant__first_name", "assistant__last_name", "assistant__username")
            .annotate(n=Count("id"))
            .order_by("assistant__last_name", "assistant__first_name")
        )
        return [
            _monthly_chart(
                "org-months",
                _("Contacts of the organisation in the last 12 months"),
                # The organisation's contacts are the coordinator's visible ones (visible_contacts).
                _monthly_series_of_organisations(today, client_work_organisation_id(user)),
            ),
            Chart(
                "org-assistants",
                _("Contacts this month by assistant"),
                "bar",
                [
                    f"{row['assistant__first_name']} {row['assistant__last_name']}".strip()
                    or row["assistant__username"]
                    for row in per_assistant
                ],
                [row["n"] for row in per_assistant],
                _("Contacts"),
            ),
            _cases_by_status("org-cases", _("Cases of the organisation by status"), visible_cases(user)),
        ]
    if role == Role.POLICE:
        cases = visible_cases(user)
        crime_rows = list(cases.values("crime_types__name").annotate(n=Count("id", distinct=True)).order_by("-n"))
        return [
            _cases_by_status("police-status", _("Cases shared with the police in the region by status"), cases),
            Chart(
                "police-crimes",
                _("Shared cases by crime type"),
                "bar",
                [row["crime_types__name"] or _("Not recorded") for row in crime_rows],
                [row["n"] for row in crime_rows],
                _("Cases"),
            ),
        ]
    if role == Role.MINISTRY:
        return [
            _monthly_chart(
                "national-months",
                _("Contacts nationally in the last 12 months"),
                _monthly_series_of_organisations(today, None, national=True),
                protected=True,
            ),
            _cases_by_status(
                "national-cases", _("Cases nationally by status"), selectors.national_cases(), protected=True
            ),
        ]
    return []
