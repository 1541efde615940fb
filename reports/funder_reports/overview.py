"""The ministry's national programme overview: assistants, services and projects by region and
funder, activities and hours, persons helped, cases by crime type and locality observations,
for a calendar month, quarter or year, for the whole country.

Every table is protected as national statistics are (docs/statistical-disclosure.md): small
counts suppressed with the cells that would reveal them, every published count randomly
rounded to a multiple of 5 by its cell key. Regions are assigned as national statistics assign
them (reports.statistics): work by its locality or else the municipality its assistant works
in, an assistant by that municipality, a client by the client's locality, a case by its region,
an observation by its locality. Every figure is counted in SQL; what comes to Python is one row
per cell, or one per service, project or assistant and region (a few thousand at most).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from cases.models import CrimeType
from clients.models import Client
from contacts.models import Activity, Contact
from groupwork.models import AnonymousAttendance, GroupActivity
from groupwork.selectors import in_period as group_activities_in_period
from observations.models import ObservationKind
from programmes.vocabulary import ActivityCategory, FunderKind

from .. import selectors
from ..disclosure import cell_key, key_sum, perturb
from ..models import ReportType
from ..parameters import ReportParameters
from ..statistics import CONTACT_REGION, UNKNOWN, _region_keys, cases_in_period, contacts_in_period
from ..suppression import suppress
from ..tables import COUNT, SUPPRESSED_MARK, TEXT, Report, Sheet, count_table, rounding_note

# The national overview has no subject: it is about the whole programme.
SUBJECT_LABEL = gettext_lazy("Area")

# Where a group activity happened: its locality, or else the municipality its author works in.
GROUP_REGION = Coalesce("locality__municipality__region_id", "author__assistant_profile__municipality__region_id")
# The region of an assistant: of the municipality the assistant works in (the directory's).
ASSISTANT_REGION = "assistant_profile__municipality__region_id"

Cells = dict[tuple[Any, Any], int]


def offered_to(user: User) -> bool:
    return Role(user.role).can_see_national_statistics()


def subjects(user: User) -> None:
    return None


def build(*, subject: None, params: ReportParameters, requested_by: User) -> Report:
    threshold = settings.REPORTS_SUPPRESSION_THRESHOLD
    return Report(
        title=str(ReportType.NATIONAL_OVERVIEW.label),
        subtitle=_("The whole Czech Republic"),
        sheets=overview_sheets(params, threshold=threshold, protect=True),
        cover=[
            (_("Area"), _("The whole Czech Republic")),
            (_("Services and projects"), _("All services and projects of the assistant programme")),
            (_("Data"), _("Aggregate counts only, never a person; small counts suppressed, counts randomly rounded")),
        ],
        definitions=definitions(threshold),
    )


def definitions(threshold: int) -> list[str]:
    return [
        _(
            "Region: where the work took place (the locality of a contact or group activity, or else the "
            "municipality its assistant works in), as in national statistics; an assistant by the municipality "
            "the assistant works in, a client by the client's locality, a case by its region, an observation by "
            "its locality. \u201cNot recorded\u201d where none is known."
        ),
        _(
            "Assistant: a person who recorded at least one contact or group activity in the period. Services "
            "and projects: those with at least one contact or group activity in the period."
        ),
        _(
            "Funder: the kind of funder of the project that paid for the work; work outside any project is "
            "\u201cNot paid by a project\u201d. An assistant, service or project counts once in each region and "
            "under each kind of funder its work belonged to, so the totals add these up."
        ),
        _(
            "Activities: every activity (výkon) of a contact and every group activity, by the national "
            "category of its activity type. Hours: their minutes of direct work and of work on the client's "
            "behalf, in whole hours."
        ),
        _(
            "Persons helped: each client with a contact or a group activity in the period once, however many "
            "there were; anonymous persons (present without a name at contacts and group activities) are "
            "counted at each of them, not as distinct people."
        ),
        _(
            "Cases: opened in the period; a case with several crime types counts under each of them. "
            "Observations: locality observations made in the period, by type."
        ),
        _(
            "Protection: counts from 1 to %(below)s and the cells that would reveal them are suppressed "
            "(%(mark)s); every other count is randomly rounded to a multiple of 5, the same records always "
            "giving the same number, so rows and columns may not add up to the totals. Hours are rounded in "
            "the same way and hidden where their number of activities is."
        )
        % {"below": threshold - 1, "mark": SUPPRESSED_MARK},
    ]


# The tables ----------------------------------------------------------------------------------


def overview_sheets(params: ReportParameters, *, threshold: int | None, protect: bool = True) -> list[Sheet]:
    """The overview's tables. The report keeps `protect` and the settings' threshold; the true
    counts (`threshold=None, protect=False`) are for checking the figures, never for a user."""
    contacts = contacts_in_period(selectors.national_contacts(), params)
    groups = group_activities_in_period(selectors.national_group_activities(), params.start, params.end)
    work = work_done(contacts, groups)
    activities, hours = activities_and_hours(contacts, groups, threshold, protect)
    return [
        assistants_by_region_and_funder(work, threshold, protect),
        services_by_region_and_funder(work, threshold, protect),
        projects_by_region_and_funder(work, threshold, protect),
        activities,
        hours,
        persons_helped_by_region(contacts, groups, threshold, protect),
        cases_by_crime_type_and_region(params, threshold, protect),
        observations_by_region_and_type(params, threshold, protect),
    ]


def _regions(*cell_sets: Mapping[tuple[Any, Any], int], region_first: bool = True) -> list[tuple[object, str]]:
    """Every region (the table keeps its shape whatever the data), and "Not recorded" when a
    count has no region."""
    position = 0 if region_first else 1
    unknown = any(cell[position] is UNKNOWN for cells in cell_sets for cell in cells)
    return _region_keys(with_unknown=unknown)


def _funder_columns(with_no_project: bool) -> list[tuple[object, str]]:
    columns: list[tuple[object, str]] = [(value, str(label)) for value, label in FunderKind.choices]
    if with_no_project:
        columns.append((None, _("Not paid by a project")))
    return columns


# Who did the work, for what and where: one distinct row per combination in the period.
WORK_FIELDS = [
    "w_assistant",
    "w_assistant_region",
    "w_assistant_key",
    "w_service",
    "w_service_key",
    "w_project",
    "w_project_key",
    "w_region",
    "w_kind",
]


def work_done(contacts, groups) -> set[tuple]:
    """The distinct combinations of assistant, service, project, region of the work and kind of
    funder in the period: one scan of the contacts and one of the group activities for all three
    tables of members (a few rows per assistant, however many contacts)."""
    common = {
        "w_service": F("service"),
        "w_service_key": F("service__record_key"),
        "w_project": F("project"),
        "w_project_key": F("project__record_key"),
        "w_kind": F("project__funder__kind"),
    }
    of_contacts = contacts.annotate(
        w_assistant=F("assistant"),
        w_assistant_region=F(f"assistant__{ASSISTANT_REGION}"),
        w_assistant_key=F("assistant__assistant_profile__record_key"),
        w_region=CONTACT_REGION,
        **common,
    )
    of_groups = groups.annotate(
        w_assistant=F("author"),
        w_assistant_region=F(f"author__{ASSISTANT_REGION}"),
        w_assistant_key=F("author__assistant_profile__record_key"),
        w_region=GROUP_REGION,
        **common,
    )
    work: set[tuple] = set()
    for source in (of_contacts, of_groups):
        work.update(source.values_list(*WORK_FIELDS).distinct().order_by())
    return work


def _member_cells(members: Iterable[tuple]) -> tuple[Cells, Cells]:
    """Counts and keys per (region, funder kind) of distinct (member, region, kind, key): each
    member once per cell, however much work it did there."""
    counts: Cells = defaultdict(int)
    keys: Cells = defaultdict(int)
    for _member, region, kind, key in set(members):
        counts[(region, kind)] += 1
        keys[(region, kind)] += key or 0
    return counts, keys


def _member_table(
    *, title: str, members: Iterable[tuple], threshold, protect, with_no_project: bool, notes: list[str]
) -> Sheet:
    counts, keys = _member_cells(members)
    return count_table(
        title=title,
        row_heading=_("Region"),
        row_keys=_regions(counts),
        column_keys=_funder_columns(with_no_project),
        counts=counts,
        threshold=threshold,
        cell_keys=keys if protect else None,
        notes=notes,
    )


def assistants_by_region_and_funder(work: set[tuple], threshold, protect: bool = True) -> Sheet:
    return _member_table(
        title=_("Assistants by region and funder"),
        members=((a, a_region, kind, a_key) for a, a_region, a_key, *_s, kind in work),
        threshold=threshold,
        protect=protect,
        with_no_project=True,
        notes=[
            _(
                "Assistants with at least one contact or group activity, by the region of the municipality "
                "they work in."
            ),
            _("An assistant whose work was paid by funders of several kinds counts under each of them."),
        ],
    )


def services_by_region_and_funder(work: set[tuple], threshold, protect: bool = True) -> Sheet:
    return _member_table(
        title=_("Services by region and funder"),
        members=((service, region, kind, key) for _a, _ar, _ak, service, key, _p, _pk, region, kind in work),
        threshold=threshold,
        protect=protect,
        with_no_project=True,
        notes=[_("A service counts once in each region and under each kind of funder of its work in the period.")],
    )


def projects_by_region_and_funder(work: set[tuple], threshold, protect: bool = True) -> Sheet:
    return _member_table(
        title=_("Projects by region and funder"),
        members=(
            (project, region, kind, key)
            for _a, _ar, _ak, _s, _sk, project, key, region, kind in work
            if project is not None
        ),
        threshold=threshold,
        protect=protect,
        with_no_project=False,
        notes=[_("A project counts once in each region where its work took place in the period.")],
    )


def activities_and_hours(contacts, groups, threshold, protect: bool = True) -> tuple[Sheet, Sheet]:
    """Activities and their hours by region and national category, in two tables of one shape.

    An activity of a contact takes the contact's key (it is the contact's record), a group
    activity its own; the hours of a cell are hidden where its number of activities is."""
    counts: Cells = defaultdict(int)
    minutes: Cells = defaultdict(int)
    keys: Cells = defaultdict(int)
    of_contacts = (
        Activity.objects.filter(contact__in=contacts.values("id"))
        .annotate(
            o_region=Coalesce(
                "contact__locality__municipality__region_id",
                "contact__assistant__assistant_profile__municipality__region_id",
            )
        )
        .values("o_region", "activity_type__category")
        .annotate(n=Count("id"), minutes=Sum("minutes"), key=key_sum("contact__record_key"))
        .order_by()
    )
    of_groups = (
        groups.annotate(o_region=GROUP_REGION)
        .values("o_region", "activity_type__category")
        .annotate(n=Count("id"), minutes=Sum("minutes"), key=key_sum())
        .order_by()
    )
    for rows in (of_contacts, of_groups):
        for row in rows:
            cell = (row["o_region"], row["activity_type__category"])
            counts[cell] += row["n"]
            minutes[cell] += row["minutes"] or 0
            keys[cell] += row["key"]
    regions = _regions(counts)
    categories: list[tuple[object, str]] = [(value, str(label)) for value, label in ActivityCategory.choices]
    activities = count_table(
        title=_("Activities by region and category"),
        row_heading=_("Region"),
        row_keys=regions,
        column_keys=categories,
        counts=counts,
        threshold=threshold,
        cell_keys=keys if protect else None,
        notes=[_("Every activity of a contact and every group activity, by the category of its type.")],
    )
    hours = hours_table(
        title=_("Hours by region and category"),
        row_heading=_("Region"),
        row_keys=regions,
        column_keys=categories,
        counts=counts,
        minutes=minutes,
        threshold=threshold,
        cell_keys=keys if protect else None,
    )
    return activities, hours


def hours_table(
    *,
    title: str,
    row_heading: str,
    row_keys: Sequence[tuple[object, str]],
    column_keys: Sequence[tuple[object, str]],
    counts: Mapping[tuple[Any, Any], int],
    minutes: Mapping[tuple[Any, Any], int],
    threshold: int | None,
    cell_keys: Mapping[tuple[Any, Any], int] | None,
) -> Sheet:
    """Whole hours with totals, shaped as count_table: hidden where suppression hides the number
    of activities behind them, otherwise randomly rounded to a multiple of 5 by the same cell key,
    so that hours, too, never show a difference of one activity's time."""
    count_matrix = [[counts.get((r, c), 0) for c, _l in column_keys] for r, _l in row_keys]
    minute_matrix = [[minutes.get((r, c), 0) for c, _l in column_keys] for r, _l in row_keys]
    key_matrix = [[(cell_keys or {}).get((r, c), 0) for c, _l in column_keys] for r, _l in row_keys]
    width = len(column_keys)
    # The values with totals, in the shape of suppress(): cells, row totals, column totals, total.
    hour_cells: list[list[int | None]] = [[_whole_hours(m) for m in row] for row in minute_matrix]
    hour_row_totals: list[int | None] = [_whole_hours(sum(row)) for row in minute_matrix]
    hour_column_totals: list[int | None] = [_whole_hours(sum(row[j] for row in minute_matrix)) for j in range(width)]
    hour_total: int | None = _whole_hours(sum(map(sum, minute_matrix)))
    if threshold is not None:
        hidden = suppress(count_matrix, threshold)
        hour_cells = [
            [None if shown is None else value for value, shown in zip(h_row, c_row, strict=True)]
            for h_row, c_row in zip(hour_cells, hidden.cells, strict=True)
        ]
        hour_row_totals = [None if s is None else v for v, s in zip(hour_row_totals, hidden.row_totals, strict=True)]
        hour_column_totals = [
            None if s is None else v for v, s in zip(hour_column_totals, hidden.column_totals, strict=True)
        ]
        hour_total = None if hidden.grand_total is None else hour_total
    if cell_keys is not None:
        hour_cells = [
            [_published(value, key) for value, key in zip(h_row, k_row, strict=True)]
            for h_row, k_row in zip(hour_cells, key_matrix, strict=True)
        ]
        hour_row_totals = [
            _published(v, cell_key(*k_row)) for v, k_row in zip(hour_row_totals, key_matrix, strict=True)
        ]
        hour_column_totals = [
            _published(v, cell_key(*(row[j] for row in key_matrix))) for j, v in enumerate(hour_column_totals)
        ]
        hour_total = _published(hour_total, cell_key(*(k for row in key_matrix for k in row)))
    rows: list[list] = [
        [label, *cells, total]
        for (_key, label), cells, total in zip(row_keys, hour_cells, hour_row_totals, strict=True)
    ]
    rows.append([_("Total"), *hour_column_totals, hour_total])
    notes = [_("Hours of direct work and of work on the client's behalf, in whole hours.")]
    if threshold is not None:
        notes.append(
            _("%(mark)s = suppressed where the number of activities is suppressed.") % {"mark": SUPPRESSED_MARK}
        )
    if cell_keys is not None:
        notes.append(rounding_note())
    return Sheet(
        title=title,
        header=[row_heading, *(label for _key, label in column_keys), _("Total")],
        rows=rows,
        kinds=[TEXT] + [COUNT] * (width + 1),
        notes=notes,
    )


def _whole_hours(minutes: int) -> int:
    return (minutes + 30) // 60  # half an hour and more rounds up, as people round


def _published(value: int | None, key: int) -> int | None:
    return None if value is None else perturb(value, key)


def persons_helped_by_region(contacts, groups, threshold, protect: bool = True) -> Sheet:
    """Distinct clients (contacts and group activities together) and anonymous persons."""
    at_contacts = Contact.clients.through.objects.filter(contact__in=contacts.values("id")).values("client_id")
    at_groups = GroupActivity.participants.through.objects.filter(groupactivity__in=groups.values("id")).values(
        "client_id"
    )
    # Each client is one row here (a filter, not a join), so its key is added once.
    clients = (
        Client.objects.filter(Q(id__in=at_contacts) | Q(id__in=at_groups))
        .annotate(o_region=F("locality__municipality__region_id"))
        .values("o_region")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    )
    named, anonymous = "clients", "anonymous"
    counts: Cells = defaultdict(int)
    keys: Cells = defaultdict(int)
    for row in clients:
        counts[(row["o_region"], named)] += row["n"]
        keys[(row["o_region"], named)] += row["key"]
    # Anonymous persons take the keys of the contacts and group activities they were present at.
    at_contact_rows = (
        contacts.filter(anonymous_persons__gt=0)
        .annotate(o_region=CONTACT_REGION)
        .values("o_region")
        .annotate(n=Sum("anonymous_persons"), key=key_sum())
        .order_by()
    )
    at_group_rows = (
        AnonymousAttendance.objects.filter(group_activity__in=groups.values("id"))
        .annotate(
            o_region=Coalesce(
                "group_activity__locality__municipality__region_id",
                "group_activity__author__assistant_profile__municipality__region_id",
            )
        )
        .values("o_region")
        .annotate(n=Sum("count"), key=key_sum("group_activity__record_key"))
        .order_by()
    )
    for rows in (at_contact_rows, at_group_rows):
        for row in rows:
            counts[(row["o_region"], anonymous)] += row["n"] or 0
            keys[(row["o_region"], anonymous)] += row["key"]
    return count_table(
        title=_("Persons helped by region"),
        row_heading=_("Region"),
        row_keys=_regions(counts),
        column_keys=[(named, _("Clients (each once)")), (anonymous, _("Anonymous persons"))],
        counts=counts,
        threshold=threshold,
        cell_keys=keys if protect else None,
        notes=[
            _(
                "A client counts once, in the region of the client's locality, however many contacts and "
                "group activities."
            ),
            _("Anonymous persons are counted at every contact and group activity, in the region of the work."),
        ],
    )


def cases_by_crime_type_and_region(params: ReportParameters, threshold, protect: bool = True) -> Sheet:
    # One row per case and crime type: a case counts (and adds its key) once under each type.
    rows = list(
        cases_in_period(selectors.national_cases(), params)
        .values("crime_types", "region")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    )
    counts = {(row["crime_types"], row["region"]): row["n"] for row in rows}
    keys = {(row["crime_types"], row["region"]): row["key"] for row in rows}
    crime_keys: list[tuple[object, str]] = [
        (pk, f"{name} ({section})") for pk, name, section in CrimeType.objects.values_list("id", "name", "section")
    ]
    if any(crime is None for crime, _region in counts):
        crime_keys.append((None, _("Not recorded")))
    return count_table(
        title=_("Cases by crime type and region"),
        row_heading=_("Crime type"),
        row_keys=crime_keys,
        column_keys=_regions(counts, region_first=False),
        counts=counts,
        threshold=threshold,
        cell_keys=keys if protect else None,
        notes=[_("Cases opened in the period; a case with several crime types counts under each of them.")],
    )


def observations_by_region_and_type(params: ReportParameters, threshold, protect: bool = True) -> Sheet:
    rows = list(
        selectors.national_observations()
        .filter(observed_on__gte=params.start, observed_on__lte=params.end)
        .annotate(o_region=F("locality__municipality__region_id"))
        .values("o_region", "kind")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    )
    counts = {(row["o_region"], row["kind"]): row["n"] for row in rows}
    keys = {(row["o_region"], row["kind"]): row["key"] for row in rows}
    return count_table(
        title=_("Observations by region and type"),
        row_heading=_("Region"),
        row_keys=_regions(counts),
        column_keys=[(value, str(label)) for value, label in ObservationKind.choices],
        counts=counts,
        threshold=threshold,
        cell_keys=keys if protect else None,
        notes=[_("Locality observations made in the period, by the region of their locality.")],
    )
