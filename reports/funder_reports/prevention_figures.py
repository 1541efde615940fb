"""The figures of crime-prevention work, counted for a set of projects and a period: shared by
the crime-prevention project report (reports.funder_reports.prevention, the organisation's own
figures, as they are) and the report for a city or region as funder
(reports.funder_reports.funder_area, several organisations aggregated and protected).

Which records count (the definitions on the cover page say so in Czech):
- contacts and group activities whose project is one of the projects, in the period;
- locality observations of the projects' organisations made in the period by an assistant whose
  assignment on that day was to one of the projects (an observation names no project: it belongs
  where the assistant's work belonged, as a contact recorded that day would);
- cases that a counted contact was about (a case names no project either), by their crime types
  and their status today; police feedback and reviews of the cases the projects ever worked on,
  received in the period.

Every figure is an aggregate computed in SQL; Python only lays the few rows out. With a
`Protection`, counts below its threshold are suppressed (with complements where a total would
reveal them: reports.suppression) and every published count is randomly rounded by the
cell-key method (reports.disclosure) as national statistics are; hours then are whole hours,
rounded with the key of their row's activities, and hidden where those are.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum, Value
from django.utils.translation import gettext as _

from accounts.models import Locality
from cases.models import Case, CaseStatus, CrimeType, PoliceFeedback
from clients.models import Client
from contacts.models import Activity, Authority, Contact
from groupwork.models import AnonymousAttendance, GroupActivity
from observations.models import Observation, ObservationKind, PassedTo, PoliceReply
from programmes.models import Assignment
from programmes.vocabulary import ActivityCategory

from ..disclosure import cell_key, key_sum, perturb
from ..parameters import ReportParameters
from ..statistics import contacts_in_period
from ..suppression import is_primary_sensitive, suppress
from ..tables import COUNT, HOURS, SUPPRESSED_MARK, TEXT, Sheet, count_table, rounding_note

# Activities are shown by the organisation's own activity types (one organisation's project),
# or by the national categories they map to (several organisations: their types differ).
BY_TYPE, BY_CATEGORY = "activity_type__name", "activity_type__category"
POLICE_KINDS = (Authority.Kind.POLICE, Authority.Kind.MUNICIPAL_POLICE)
NOT_RECORDED = None


@dataclass(frozen=True)
class Protection:
    """Suppression below `threshold` and the cell-key rounding, for roles that see no person."""

    threshold: int


@dataclass(frozen=True)
class Records:
    """The record sets of the projects in the period (querysets, never loaded)."""

    contacts: QuerySet[Contact]
    groups: QuerySet[GroupActivity]
    observations: QuerySet[Observation]
    # Observations of the projects whatever their day, for the police's replies in the period.
    all_observations: QuerySet[Observation]
    cases: QuerySet[Case]
    # Cases the projects ever worked on, for the police's feedback and reviews in the period.
    all_cases: QuerySet[Case]


def records_of(project_ids: Sequence[int], params: ReportParameters) -> Records:
    project_ids = list(project_ids)
    project_contacts = Contact.objects.filter(project_id__in=project_ids)
    contacts = contacts_in_period(project_contacts, params)
    groups = GroupActivity.objects.filter(
        project_id__in=project_ids,
        occurred_at__gte=params.start_datetime(),
        occurred_at__lt=params.end_datetime_exclusive(),
    )
    assigned = Assignment.objects.filter(
        project_id__in=project_ids,
        project__organisation_id=OuterRef("organisation_id"),
        profile__user_id=OuterRef("assistant_id"),
        valid_from__lte=OuterRef("observed_on"),
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef("observed_on")))
    all_observations = Observation.objects.filter(Exists(assigned))
    observations = all_observations.filter(observed_on__gte=params.start, observed_on__lte=params.end)
    cases = Case.objects.filter(id__in=contacts.filter(case__isnull=False).values("case_id"))
    all_cases = Case.objects.filter(id__in=project_contacts.filter(case__isnull=False).values("case_id"))
    return Records(contacts, groups, observations, all_observations, cases, all_cases)


# Tables of indicators ---------------------------------------------------------------------------


@dataclass
class Column:
    """A column of figures by row: counts (or minutes, for HOURS) and the cells' record keys.

    An additive column's rows add up to its total (suppression then protects the total too); a
    column of distinct persons does not (a person in two rows counts once in the total). A HOURS
    column, protected, follows the count column `follows` (its index): rounded with that cell's
    key and hidden where that cell is."""

    label: str
    values: dict
    keys: dict
    total: int
    total_key: int
    kind: str = COUNT
    additive: bool = True
    follows: int | None = None
    # The indexes of the two additive count columns whose row sums this column is: protected, the
    # three are suppressed together as one two-way table with its row and column totals.
    sums: tuple[int, int] | None = None


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 2)


def _published_column(column: Column, row_keys: list, threshold: int) -> tuple[list[int | None], int | None]:
    values = [column.values.get(key, 0) or 0 for key in row_keys]
    if column.additive:
        table = suppress([[value] for value in values], threshold)
        cells: list[int | None] = [row[0] for row in table.cells]
        total = table.column_totals[0] if values else column.total
    else:
        cells = [None if is_primary_sensitive(value, threshold) else value for value in values]
        total = None if is_primary_sensitive(column.total, threshold) else column.total
    keys = [column.keys.get(key, 0) for key in row_keys]
    published = [None if value is None else perturb(value, key) for value, key in zip(cells, keys, strict=True)]
    return published, None if total is None else perturb(total, column.total_key)


def _two_way_tables(columns: list[Column], row_keys: list, threshold: int) -> dict[int, tuple[list, int | None]]:
    """The published cells and totals of the columns that make a two-way table (two parts and
    their sum), by column index."""
    found: dict[int, tuple[list, int | None]] = {}
    for index, column in enumerate(columns):
        if column.sums is None:
            continue
        parts = [columns[i] for i in column.sums]
        if not row_keys:  # nothing at all: zeros
            for i in (*column.sums, index):
                found[i] = ([], 0)
            continue
        table = suppress([[part.values.get(key, 0) or 0 for part in parts] for key in row_keys], threshold)
        for j, (i, part) in enumerate(zip(column.sums, parts, strict=True)):
            cells = [row[j] for row in table.cells]
            found[i] = (
                [None if v is None else perturb(v, part.keys.get(k, 0)) for v, k in zip(cells, row_keys, strict=True)],
                None if table.column_totals[j] is None else perturb(table.column_totals[j] or 0, part.total_key),
            )
        grand = table.grand_total
        found[index] = (
            [
                None if v is None else perturb(v, column.keys.get(k, 0))
                for v, k in zip(table.row_totals, row_keys, strict=True)
            ],
            None if grand is None else perturb(grand, column.total_key),
        )
    return found


def indicator_sheet(
    *,
    title: str,
    row_heading: str,
    rows: list[tuple[object, str]],
    columns: list[Column],
    protection: Protection | None,
    notes: Sequence[str] = (),
    total_label: str | None = None,
) -> Sheet:
    """Rows × indicator columns with a total row, as they are or protected."""
    row_keys = [key for key, _label in rows]
    published: list[list] = []
    totals: list = []
    two_way = _two_way_tables(columns, row_keys, protection.threshold) if protection is not None else {}
    for index, column in enumerate(columns):
        if index in two_way:
            cells, total = two_way[index]
            published.append(cells)
            totals.append(total)
            continue
        if protection is None:
            if column.kind == HOURS:
                published.append([_hours(column.values.get(key)) for key in row_keys])
                totals.append(_hours(column.total))
            else:
                published.append([column.values.get(key, 0) or 0 for key in row_keys])
                totals.append(column.total)
            continue
        if column.kind == HOURS and column.follows is not None:
            guide = columns[column.follows]
            guide_cells, guide_total = published[column.follows], totals[column.follows]
            published.append(
                [
                    None
                    if shown is None
                    else perturb(round((column.values.get(key) or 0) / 60), guide.keys.get(key, 0))
                    for key, shown in zip(row_keys, guide_cells, strict=True)
                ]
            )
            totals.append(None if guide_total is None else perturb(round(column.total / 60), guide.total_key))
            continue
        cells, total = _published_column(column, row_keys, protection.threshold)
        published.append(cells)
        totals.append(total)
    body: list[list] = [[label, *(cells[i] for cells in published)] for i, (_key, label) in enumerate(rows)]
    body.append([total_label or _("Total"), *totals])
    kinds = [TEXT] + [COUNT if protection is not None else column.kind for column in columns]
    all_notes = list(notes)
    if protection is not None:
        all_notes.append(
            _("%(mark)s = suppressed: counts below %(threshold)s and the cells that would reveal them.")
            % {"mark": SUPPRESSED_MARK, "threshold": protection.threshold}
        )
        all_notes.append(rounding_note())
        if any(column.kind == HOURS for column in columns):
            all_notes.append(_("Hours are whole hours, rounded in the same way as the counts of their row."))
    return Sheet(
        title=title,
        header=[row_heading, *(column.label for column in columns)],
        rows=body,
        kinds=kinds,
        notes=all_notes,
    )


def _by(rows, key_field: str, value_field: str) -> dict:
    return {row[key_field]: row[value_field] or 0 for row in rows}


# The sheets -------------------------------------------------------------------------------------


def _activity_rows(dimension: str, *found: list[dict]) -> list[tuple[object, str]]:
    """The rows of activities present in the aggregates `found` (each row with its dimension and
    `first`, the smallest order of its activity types): categories in their national order, or
    the organisation's activity types in its own order."""
    present = {row[dimension] for rows in found for row in rows}
    if dimension == BY_CATEGORY:
        return [(value, str(label)) for value, label in ActivityCategory.choices if value in present]
    orderings: dict = {}
    for rows in found:
        for row in rows:
            orderings[row[dimension]] = min(row["first"], orderings.get(row[dimension], row["first"]))
    return [(name, name) for name in sorted(present, key=lambda name: (orderings[name], name))]


def activities_sheet(records: Records, dimension: str, protection: Protection | None) -> Sheet:
    individual = list(
        Activity.objects.filter(contact__in=records.contacts.values("id"))
        .values(dimension)
        .annotate(
            n=Count("id"),
            key=key_sum("contact__record_key"),
            direct=Sum("minutes", filter=Q(work=Activity.Work.DIRECT)),
            on_behalf=Sum("minutes", filter=Q(work=Activity.Work.ON_BEHALF)),
            first=Min("activity_type__ordering"),
        )
        .order_by()
    )
    group = list(
        records.groups.values(dimension)
        .annotate(n=Count("id"), key=key_sum(), minutes=Sum("minutes"), first=Min("activity_type__ordering"))
        .order_by()
    )
    rows = _activity_rows(dimension, individual, group)
    present = [key for key, _label in rows]
    individual_n, group_n = _by(individual, dimension, "n"), _by(group, dimension, "n")
    individual_keys, group_keys = _by(individual, dimension, "key"), _by(group, dimension, "key")
    individual_direct, group_minutes = _by(individual, dimension, "direct"), _by(group, dimension, "minutes")
    direct = {key: individual_direct.get(key, 0) + group_minutes.get(key, 0) for key in present}
    on_behalf = _by(individual, dimension, "on_behalf")
    both = {key: individual_n.get(key, 0) + group_n.get(key, 0) for key in present}
    both_keys = {key: cell_key(individual_keys.get(key), group_keys.get(key)) for key in present}
    worked = {key: direct.get(key, 0) + on_behalf.get(key, 0) for key in present}
    columns = [
        Column(
            _("Activities in contacts"),
            individual_n,
            individual_keys,
            sum(individual_n.values()),
            cell_key(*individual_keys.values()),
        ),
        Column(_("Group activities"), group_n, group_keys, sum(group_n.values()), cell_key(*group_keys.values())),
        Column(
            _("Activities in total"), both, both_keys, sum(both.values()), cell_key(*both_keys.values()), sums=(0, 1)
        ),
        Column(_("Hours of direct work"), direct, {}, sum(direct.values()), 0, kind=HOURS, follows=2),
        Column(_("Hours on the client's behalf"), on_behalf, {}, sum(on_behalf.values()), 0, kind=HOURS, follows=2),
        Column(_("Hours in total"), worked, {}, sum(worked.values()), 0, kind=HOURS, follows=2),
    ]
    by_type = dimension == BY_TYPE
    return indicator_sheet(
        title=_("Activities by type") if by_type else _("Activities by category"),
        row_heading=_("Activity type") if by_type else _("Activity category"),
        rows=rows,
        columns=columns,
        protection=protection,
        notes=[
            _(
                "An activity of a contact counts once with its minutes; a group activity counts once with its "
                "duration, as direct work."
            )
        ],
    )


INDIVIDUAL_ONLY, GROUP_ONLY, BOTH = "individual", "group", "both"


def _clients_by_source(records: Records) -> list[tuple[bool, bool, int, int]]:
    """(met at contacts, met at group activities, clients, sum of their keys): each client once,
    in one pass over the links of the period's contacts and group activities."""
    at_contacts = Contact.clients.through.objects.filter(contact__in=records.contacts.values("id")).values_list(
        "client_id", Value(1)
    )
    at_groups = GroupActivity.participants.through.objects.filter(
        groupactivity__in=records.groups.values("id")
    ).values_list("client_id", Value(2))
    try:
        sql, sql_params = at_contacts.union(at_groups, all=True).query.sql_with_params()
    except EmptyResultSet:  # no project at all (a funder that pays none)
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.individual, d.in_group, count(*), COALESCE(sum(c.record_key), 0) FROM ("  # noqa: S608
            " SELECT u.client, bool_or(u.source = 1) AS individual, bool_or(u.source = 2) AS in_group"
            f" FROM ({sql}) AS u (client, source) GROUP BY u.client"
            f") AS d JOIN {Client._meta.db_table} AS c ON c.id = d.client GROUP BY d.individual, d.in_group",
            sql_params,
        )
        return list(cursor.fetchall())


def clients_sheet(records: Records, found: list[tuple[bool, bool, int, int]], protection: Protection | None) -> Sheet:
    """Distinct clients: each once, whether met in contacts, at group activities or both."""
    where = {(True, False): INDIVIDUAL_ONLY, (False, True): GROUP_ONLY, (True, True): BOTH}
    counts = {where[(bool(individual), bool(group))]: n for individual, group, n, _key in found}
    keys = {where[(bool(individual), bool(group))]: key for individual, group, _n, key in found}
    return indicator_sheet(
        title=_("Clients"),
        row_heading=_("Clients met"),
        rows=[
            (INDIVIDUAL_ONLY, _("Only in individual work (contacts)")),
            (GROUP_ONLY, _("Only at group activities")),
            (BOTH, _("In individual work and at group activities")),
        ],
        columns=[Column(_("Clients"), counts, keys, sum(counts.values()), cell_key(*keys.values()))],
        protection=protection,
        total_label=_("Distinct clients in total"),
        notes=[_("Each client counts once however many contacts and group activities they took part in.")],
    )


def anonymous_sheet(records: Records, protection: Protection | None) -> Sheet:
    at_contacts = records.contacts.aggregate(n=Sum("anonymous_persons"), key=key_sum(filter=Q(anonymous_persons__gt=0)))
    at_groups = AnonymousAttendance.objects.filter(group_activity__in=records.groups.values("id")).aggregate(
        n=Sum("count"), key=key_sum("group_activity__record_key")
    )
    counts = {"contacts": at_contacts["n"] or 0, "groups": at_groups["n"] or 0}
    keys = {"contacts": at_contacts["key"], "groups": at_groups["key"]}
    return indicator_sheet(
        title=_("Anonymous persons"),
        row_heading=_("Where present"),
        rows=[("contacts", _("At contacts")), ("groups", _("At group activities"))],
        columns=[Column(_("Anonymous persons"), counts, keys, sum(counts.values()), cell_key(*keys.values()))],
        protection=protection,
        notes=[_("People who gave no name, counted at every contact and group activity: not distinct people.")],
    )


def group_activities_sheet(records: Records, dimension: str, protection: Protection | None) -> Sheet:
    through = GroupActivity.participants.through.objects.filter(groupactivity__in=records.groups.values("id"))
    through_dimension = f"groupactivity__{dimension}"
    activities = list(
        records.groups.values(dimension)
        .annotate(n=Count("id"), key=key_sum(), minutes=Sum("minutes"), first=Min("activity_type__ordering"))
        .order_by()
    )
    named = list(
        through.values(through_dimension)
        .annotate(
            attendances=Count("id"),
            key=key_sum("groupactivity__record_key"),
            persons=Count("client_id", distinct=True),
            person_key=Sum("client__record_key", distinct=True),
        )
        .order_by()
    )
    anonymous_dimension = f"group_activity__{dimension}"
    anonymous = list(
        AnonymousAttendance.objects.filter(group_activity__in=records.groups.values("id"))
        .values(anonymous_dimension)
        .annotate(n=Sum("count"), key=key_sum("group_activity__record_key"))
        .order_by()
    )
    everyone = through.aggregate(
        persons=Count("client_id", distinct=True), key=Sum("client__record_key", distinct=True)
    )
    rows = _activity_rows(dimension, activities)
    present = [key for key, _label in rows]
    n, n_keys = _by(activities, dimension, "n"), _by(activities, dimension, "key")
    minutes = _by(activities, dimension, "minutes")
    attendances, attendance_keys = _by(named, through_dimension, "attendances"), _by(named, through_dimension, "key")
    persons, person_keys = _by(named, through_dimension, "persons"), _by(named, through_dimension, "person_key")
    heads, head_keys = _by(anonymous, anonymous_dimension, "n"), _by(anonymous, anonymous_dimension, "key")
    everybody = {key: attendances.get(key, 0) + heads.get(key, 0) for key in present}
    everybody_keys = {key: cell_key(attendance_keys.get(key), head_keys.get(key)) for key in present}
    columns = [
        Column(_("Group activities"), n, n_keys, sum(n.values()), cell_key(*n_keys.values())),
        Column(_("Hours"), minutes, {}, sum(minutes.values()), 0, kind=HOURS, follows=0),
        Column(
            _("Attendances of clients"),
            attendances,
            attendance_keys,
            sum(attendances.values()),
            cell_key(*attendance_keys.values()),
        ),
        Column(
            _("Distinct clients"), persons, person_keys, everyone["persons"], cell_key(everyone["key"]), additive=False
        ),
        Column(_("Anonymous participants"), heads, head_keys, sum(heads.values()), cell_key(*head_keys.values())),
        Column(
            _("Attendances in total"),
            everybody,
            everybody_keys,
            sum(everybody.values()),
            cell_key(*everybody_keys.values()),
            sums=(2, 4),
        ),
    ]
    by_type = dimension == BY_TYPE
    return indicator_sheet(
        title=_("Group activities"),
        row_heading=_("Activity type") if by_type else _("Activity category"),
        rows=rows,
        columns=columns,
        protection=protection,
        notes=[
            _(
                "A client at five meetings is five attendances and one distinct client; in the total row too, "
                "each client counts once. Anonymous participants are the head count of each activity."
            )
        ],
    )


def _locality_keys(ids: set) -> list[tuple[object, str]]:
    named = Locality.objects.filter(id__in=[i for i in ids if i is not None]).select_related("municipality")
    keys: list[tuple[object, str]] = [
        (locality.id, str(locality)) for locality in sorted(named, key=lambda loc: (loc.municipality.name, loc.name))
    ]
    if NOT_RECORDED in ids:
        keys.append((NOT_RECORDED, _("Not recorded")))
    return keys


def _clients_by_locality(records: Records) -> tuple[dict, dict]:
    """Distinct clients per locality of the contacts and group activities they were met at."""
    at_contacts = Contact.clients.through.objects.filter(contact__in=records.contacts.values("id")).values_list(
        "contact__locality_id", "client_id", "client__record_key"
    )
    at_groups = GroupActivity.participants.through.objects.filter(
        groupactivity__in=records.groups.values("id")
    ).values_list("groupactivity__locality_id", "client_id", "client__record_key")
    pairs = at_contacts.union(at_groups)  # UNION: a client met twice at one locality is one pair
    try:
        sql, sql_params = pairs.query.sql_with_params()
    except EmptyResultSet:  # no project at all (a funder that pays none)
        return {}, {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.locality, count(*), COALESCE(sum(d.client_key), 0)"  # noqa: S608 - Django's SQL
            f" FROM ({sql}) AS d (locality, client, client_key) GROUP BY d.locality",
            sql_params,
        )
        found = cursor.fetchall()
    return {row[0]: row[1] for row in found}, {row[0]: row[2] for row in found}


def localities_sheet(records: Records, distinct_clients: tuple[int, int], protection: Protection | None) -> Sheet:
    contacts = list(records.contacts.values("locality").annotate(n=Count("id"), key=key_sum()).order_by())
    groups = list(records.groups.values("locality").annotate(n=Count("id"), key=key_sum()).order_by())
    observations = list(records.observations.values("locality").annotate(n=Count("id"), key=key_sum()).order_by())
    clients, client_keys = _clients_by_locality(records)
    present = {row["locality"] for row in contacts + groups + observations} | set(clients)
    columns = []
    for label, found in ((_("Contacts"), contacts), (_("Group activities"), groups), (_("Observations"), observations)):
        values, keys = _by(found, "locality", "n"), _by(found, "locality", "key")
        columns.append(Column(label, values, keys, sum(values.values()), cell_key(*keys.values())))
    total_clients, total_client_key = distinct_clients
    columns.insert(
        1, Column(_("Distinct clients"), clients, client_keys, total_clients, total_client_key, additive=False)
    )
    return indicator_sheet(
        title=_("Localities"),
        row_heading=_("Locality"),
        rows=_locality_keys(present),
        columns=columns,
        protection=protection,
        notes=[
            _(
                "The locality recorded with each contact, group activity and observation. A client met in two "
                "localities counts in both, and once in the total."
            )
        ],
    )


def observations_sheet(records: Records, protection: Protection | None) -> Sheet:
    rows = list(records.observations.values("kind", "passed_to").annotate(n=Count("id"), key=key_sum()).order_by())
    return count_table(
        title=_("Observations"),
        row_heading=_("Type of observation"),
        row_keys=[(value, str(label)) for value, label in ObservationKind.choices],
        column_keys=[(value, str(label)) for value, label in PassedTo.choices],
        counts={(row["kind"], row["passed_to"]): row["n"] for row in rows},
        threshold=protection.threshold if protection else None,
        cell_keys={(row["kind"], row["passed_to"]): row["key"] for row in rows} if protection else None,
        notes=[_("Locality observations made in the period, by whom they were passed to.")],
    )


def cases_sheet(records: Records, protection: Protection | None) -> Sheet:
    rows = list(records.cases.values("crime_types", "status").annotate(n=Count("id"), key=key_sum()).order_by())
    counts = {(row["crime_types"], row["status"]): row["n"] for row in rows}
    present = {crime for crime, _status in counts}
    crime_keys: list[tuple[object, str]] = [
        (pk, f"{name} ({section})")
        for pk, name, section in CrimeType.objects.filter(Q(is_active=True) | Q(pk__in=present - {None}))
        .order_by("name")
        .values_list("id", "name", "section")
    ]
    if None in present:
        crime_keys.append((None, _("Not recorded")))
    return count_table(
        title=_("Cases by crime type"),
        row_heading=_("Crime type"),
        row_keys=crime_keys,
        column_keys=[(value, str(label)) for value, label in CaseStatus.choices],
        counts=counts,
        threshold=protection.threshold if protection else None,
        cell_keys={(row["crime_types"], row["status"]): row["key"] for row in rows} if protection else None,
        notes=[
            _(
                "Cases that a contact of the period was about, by their status today; a case with several crime "
                "types counts under each of them."
            )
        ],
    )


def police_sheet(records: Records, params: ReportParameters, protection: Protection | None) -> Sheet:
    """Cooperation with the police: contacts, accompaniments, observations passed on and what the
    police said back."""
    with_police = records.contacts.filter(authority__kind__in=POLICE_KINDS)
    contact_rows = {
        row["authority__kind"]: row
        for row in with_police.values("authority__kind").annotate(n=Count("id"), key=key_sum()).order_by()
    }
    accompaniments = with_police.filter(
        id__in=Activity.objects.filter(
            contact__in=with_police.values("id"), activity_type__category=ActivityCategory.ACCOMPANIMENT
        ).values("contact_id")
    )
    accompanied = accompaniments.aggregate(n=Count("id"), key=key_sum())
    accompanied_clients = Client.objects.filter(
        id__in=Contact.clients.through.objects.filter(contact__in=accompaniments.values("id")).values("client_id")
    ).aggregate(n=Count("id"), key=key_sum())
    passed = {
        row["passed_to"]: row
        for row in records.observations.filter(passed_to__in=[PassedTo.POLICE, PassedTo.MUNICIPAL_POLICE])
        .values("passed_to")
        .annotate(n=Count("id"), key=key_sum())
        .order_by()
    }
    replies = PoliceReply.objects.filter(
        observation__in=records.all_observations.values("id"),
        created_at__gte=params.start_datetime(),
        created_at__lt=params.end_datetime_exclusive(),
    ).aggregate(n=Count("id"), key=key_sum("observation__record_key"))
    shared = records.cases.filter(shared_with_police=True).aggregate(n=Count("id"), key=key_sum())
    reported = records.all_cases.filter(reported_on__gte=params.start, reported_on__lte=params.end).aggregate(
        n=Count("id"), key=key_sum()
    )
    feedback = PoliceFeedback.objects.filter(
        case__in=records.all_cases.values("id"),
        created_at__gte=params.start_datetime(),
        created_at__lt=params.end_datetime_exclusive(),
    ).aggregate(n=Count("id"), key=key_sum("case__record_key"))
    reviewed = records.all_cases.filter(
        police_reviewed_at__gte=params.start_datetime(), police_reviewed_at__lt=params.end_datetime_exclusive()
    ).aggregate(n=Count("id"), key=key_sum())

    def found(row: Any) -> tuple[int, int]:
        return ((row or {}).get("n") or 0, (row or {}).get("key") or 0)

    indicators = [
        ("police_contacts", _("Contacts with Policie ČR"), found(contact_rows.get(Authority.Kind.POLICE))),
        (
            "municipal_police_contacts",
            _("Contacts with the municipal police"),
            found(contact_rows.get(Authority.Kind.MUNICIPAL_POLICE)),
        ),
        ("accompaniments", _("Accompaniments to the police"), found(accompanied)),
        ("accompanied_clients", _("Distinct clients accompanied to the police"), found(accompanied_clients)),
        ("passed_police", _("Observations passed to Policie ČR"), found(passed.get(PassedTo.POLICE))),
        (
            "passed_municipal_police",
            _("Observations passed to the municipal police"),
            found(passed.get(PassedTo.MUNICIPAL_POLICE)),
        ),
        ("replies", _("Replies of the police to observations received"), found(replies)),
        ("shared", _("Cases shared with the police"), found(shared)),
        ("reported", _("Cases reported to the police in the period"), found(reported)),
        ("feedback", _("Feedback of the police on cases received"), found(feedback)),
        ("reviewed", _("Cases reviewed by the police in the period"), found(reviewed)),
    ]
    values = {key: value for key, _label, (value, _k) in indicators}
    keys = {key: record_key for key, _label, (_v, record_key) in indicators}
    sheet = indicator_sheet(
        title=_("Cooperation with the police"),
        row_heading=_("Indicator"),
        rows=[(key, label) for key, label, _found in indicators],
        columns=[Column(_("Number"), values, keys, 0, 0, additive=False)],
        protection=protection,
        notes=[
            _(
                "Contacts with the police: contacts whose authority is Policie ČR or the municipal police; an "
                "accompaniment is such a contact with an activity of assistance / accompaniment. Replies, "
                "feedback and reviews: received in the period, about observations and cases of the work counted."
            )
        ],
    )
    sheet.rows = list(sheet.rows)[:-1]  # the indicators do not add up: no total row
    return sheet


def figures(
    *, project_ids: Sequence[int], params: ReportParameters, dimension: str, protection: Protection | None
) -> list[Sheet]:
    """Every sheet of the figures of the projects' work in the period."""
    records = records_of(project_ids, params)
    by_source = _clients_by_source(records)
    return [
        activities_sheet(records, dimension, protection),
        clients_sheet(records, by_source, protection),
        anonymous_sheet(records, protection),
        group_activities_sheet(records, dimension, protection),
        localities_sheet(
            records, (sum(row[2] for row in by_source), cell_key(*(row[3] for row in by_source))), protection
        ),
        observations_sheet(records, protection),
        cases_sheet(records, protection),
        police_sheet(records, params, protection),
    ]


def common_definitions(*, several_projects: bool = False) -> list[str]:
    whose = (
        _(
            "Contacts and group activities count when their project is one of the projects counted and they "
            "took place in the period."
        )
        if several_projects
        else _(
            "Contacts and group activities count when their project is the project reported on and they took "
            "place in the period."
        )
    )
    return [
        whose,
        _(
            "Activities (výkony) are counted from the activities of each contact, with their minutes of direct "
            "work and of work on the client's behalf; each group activity counts as one activity of its type, "
            "its duration as direct work."
        ),
        _(
            "A client is a person with a client file: each counts once however many contacts and group "
            "activities they took part in. Anonymous persons (present without giving a name) are counted "
            "apart, at every contact and group activity."
        ),
        _(
            "Observations of a locality name no project: one counts when the assistant who made it was assigned "
            "to the project on that day."
        ),
        _(
            "Cases name no project: a case counts when a contact of the project in the period was about it, by "
            "its crime types and its status today. Police feedback and reviews count when received in the "
            "period about a case the project worked on."
        ),
    ]
