"""The MPSV annual statement of a registered social service (roční výkaz poskytovatele sociálních
služeb, §85(5) of act 108/2006 Sb.) for one service and one calendar year.

Every number is counted in SQL over the service's records of the year; Python only lays the few
aggregate rows out as the statement's tables. Not suppressed: the organisation reports its own
work to the ministry. The user cards of the same service (mpsv_cards) count the same users.
"""

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import District, User
from accounts.roles import Role
from clients.models import Client, RefusalReason, RefusedApplicant, ServiceUse, Sex
from clients.selectors import visible_clients
from contacts.models import Activity, Contact
from contacts.selectors import work_minutes
from groupwork.models import AnonymousAttendance, GroupActivity
from programmes.models import ActivityType, Service
from programmes.selectors import paid_minutes, visible_services
from programmes.summary import build_summary, working_days
from programmes.vocabulary import PERSON_TARGET_GROUPS, ActivityCategory, ServiceKind

from ..parameters import ReportParameters
from ..tables import COUNT, DECIMAL, HOURS, PERCENT, TEXT, Report, Sheet, count_table

SUBJECT_LABEL = gettext_lazy("Service")

# The activities (výkony) that count as interventions: those of the national categories the
# domain names so (intervence, krizová intervence). Every other activity is counted as itself.
INTERVENTION_CATEGORIES = (ActivityCategory.INTERVENTION, ActivityCategory.CRISIS)

UNKNOWN = "unknown"

# The age bands of the statement: the age categories of the register of social service
# providers (the first two, under 1 and 1-6, as one), by the age reached in the statement's year.
# (key, lowest age, highest age or None)
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("0-6", 0, 6),
    ("7-12", 7, 12),
    ("13-15", 13, 15),
    ("16-18", 16, 18),
    ("19-26", 19, 26),
    ("27-64", 27, 64),
    ("65-80", 65, 80),
    ("81+", 81, None),
]


def age_band_labels() -> list[tuple[str, str]]:
    labels = []
    for key, low, high in AGE_BANDS:
        if low == 0:
            label = _("up to %(high)s years") % {"high": high}
        elif high is None:
            label = _("%(low)s years and over") % {"low": low}
        else:
            label = _("%(low)s–%(high)s years") % {"low": low, "high": high}
        labels.append((key, label))
    return [*labels, (UNKNOWN, _("Year of birth not recorded"))]


def age_band(year: int) -> CaseWhen:
    """The client's age band in `year`: the age is the year minus the year of birth."""
    whens = [When(birth_year__isnull=True, then=Value(UNKNOWN))]
    for key, _low, high in AGE_BANDS:
        if high is not None:  # the bands in order: the first whose youngest year of birth fits
            whens.append(When(birth_year__gte=year - high, then=Value(key)))
    return CaseWhen(*whens, default=Value(AGE_BANDS[-1][0]))


# Who may ask, about what ---------------------------------------------------------------------


def offered_to(user: User) -> bool:
    return Role(user.role).can_make_organisation_reports() and user.organisation_id is not None


def subjects(user: User) -> QuerySet[Service]:
    """The registered social services of the coordinator's own organisation, those in use first.

    A service that is not registered under act 108/2006 Sb. (a crime-prevention project) files
    no statement and has no users in the ministry's sense: it is not offered."""
    organisation_id = user.organisation_id
    if not offered_to(user) or organisation_id is None:
        return Service.objects.none()
    return (
        visible_services(user)
        .filter(organisation_id=organisation_id)
        .exclude(kind=ServiceKind.NOT_REGISTERED)
        .order_by("-is_active", "name", "id")
    )


# The records of the service in the year ------------------------------------------------------


def service_contacts(service: Service, params: ReportParameters) -> QuerySet[Contact]:
    """The service's records of work in the period (the organisation's index, then the service)."""
    return Contact.objects.filter(
        organisation_id=service.organisation_id,
        service=service,
        occurred_at__gte=params.start_datetime(),
        occurred_at__lt=params.end_datetime_exclusive(),
    )


def service_group_activities(service: Service, params: ReportParameters) -> QuerySet[GroupActivity]:
    return GroupActivity.objects.filter(
        organisation_id=service.organisation_id,
        service=service,
        occurred_at__gte=params.start_datetime(),
        occurred_at__lt=params.end_datetime_exclusive(),
    )


def contact_links(service: Service, params: ReportParameters) -> QuerySet:
    return Contact.clients.through.objects.filter(contact_id__in=service_contacts(service, params).values("id"))


def group_links(service: Service, params: ReportParameters) -> QuerySet:
    return GroupActivity.participants.through.objects.filter(
        groupactivity_id__in=service_group_activities(service, params).values("id")
    )


def service_users(user: User, service: Service, params: ReportParameters) -> QuerySet[Client]:
    """The users of the service in the period: the client files (of the requester's scope) with
    at least one record of work or group activity of the service in it. A filter, not a join:
    each person is one row however many contacts and group activities they had."""
    return visible_clients(user).filter(
        Q(id__in=contact_links(service, params).values("client_id"))
        | Q(id__in=group_links(service, params).values("client_id"))
    )


def uses_in_period(service: Service, params: ReportParameters) -> QuerySet[ServiceUse]:
    """Recorded periods of use of the service that overlap the period."""
    return ServiceUse.objects.filter(service=service, started_on__lte=params.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=params.start)
    )


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 2)


def _sex_columns() -> list[tuple[object, str]]:
    return [(value, str(label)) for value, label in Sex.choices]


# The statement's tables ----------------------------------------------------------------------


def overview_sheet(user: User, service: Service, params: ReportParameters, users: QuerySet[Client]) -> Sheet:
    contacts = service_contacts(service, params)
    groups = service_group_activities(service, params)
    started = ServiceUse.objects.filter(service=service, started_on__range=(params.start, params.end))
    ended = ServiceUse.objects.filter(service=service, ended_on__range=(params.start, params.end))
    counts = users.aggregate(
        total=Count("id"),
        named=Count("id", filter=Q(identity=Client.Identity.NAMED)),
        pseudonym=Count("id", filter=Q(identity=Client.Identity.PSEUDONYM)),
        anonymous=Count("id", filter=Q(identity=Client.Identity.ANONYMOUS)),
        individual=Count("id", filter=Q(id__in=contact_links(service, params).values("client_id"))),
        group=Count("id", filter=Q(id__in=group_links(service, params).values("client_id"))),
        started=Count("id", filter=Q(id__in=started.values("client_id"))),
        ended=Count("id", filter=Q(id__in=ended.values("client_id"))),
    )
    contact_totals = contacts.aggregate(contacts=Count("id"), anonymous=Sum("anonymous_persons"))
    work = Activity.objects.filter(contact_id__in=contacts.values("id")).aggregate(
        interventions=Count("id", filter=Q(activity_type__category__in=INTERVENTION_CATEGORIES)),
        direct=Sum("minutes", filter=Q(work=Activity.Work.DIRECT)),
        on_behalf=Sum("minutes", filter=Q(work=Activity.Work.ON_BEHALF)),
    )
    group_totals = groups.aggregate(activities=Count("id"), minutes=Sum("minutes"))
    group_anonymous = (
        AnonymousAttendance.objects.filter(group_activity_id__in=groups.values("id")).aggregate(n=Sum("count"))["n"]
        or 0
    )
    contact_anonymous = contact_totals["anonymous"] or 0
    rows: list[list] = [
        [_("Users of the service (persons with a client file)"), counts["total"], ""],
        ["– " + _("of whom named"), counts["named"], ""],
        ["– " + _("of whom under a pseudonym"), counts["pseudonym"], ""],
        ["– " + _("of whom with an anonymous client file"), counts["anonymous"], ""],
        ["– " + _("of whom served in individual contacts"), counts["individual"], ""],
        ["– " + _("of whom at group activities"), counts["group"], ""],
        ["– " + _("of whom started using the service in the year"), counts["started"], ""],
        ["– " + _("of whom stopped using the service in the year"), counts["ended"], ""],
        [_("Anonymous persons without a client file (present, summed)"), contact_anonymous + group_anonymous, ""],
        ["– " + _("at contacts"), contact_anonymous, ""],
        ["– " + _("at group activities"), group_anonymous, ""],
        [_("Contacts (records of work)"), contact_totals["contacts"], ""],
        [_("Interventions"), work["interventions"], ""],
        [_("Group activities"), group_totals["activities"], _hours(group_totals["minutes"])],
        [_("Direct work with clients"), "", _hours(work["direct"])],
        [_("Work on the clients' behalf"), "", _hours(work["on_behalf"])],
    ]
    return Sheet(
        title=_("Overview"),
        header=[_("Indicator"), _("Number"), _("Hours")],
        rows=rows,
        kinds=[TEXT, COUNT, HOURS],
    )


def sex_and_age_sheet(users: QuerySet[Client], params: ReportParameters) -> Sheet:
    rows = users.annotate(band=age_band(params.end.year)).values("band", "sex").annotate(n=Count("id")).order_by()
    return count_table(
        title=_("Users by sex and age"),
        row_heading=_("Age at the end of the year"),
        row_keys=list(age_band_labels()),
        column_keys=_sex_columns(),
        counts={(row["band"], row["sex"]): row["n"] for row in rows},
        threshold=None,
        notes=[_("Age = the statement's year minus the year of birth.")],
    )


def district_sheet(users: QuerySet[Client]) -> Sheet:
    rows = list(users.values("district_id", "sex").annotate(n=Count("id")).order_by())
    ids = {row["district_id"] for row in rows if row["district_id"] is not None}
    row_keys: list[tuple[object, str]] = list(
        District.objects.filter(id__in=ids).order_by("name").values_list("id", "name")
    )
    row_keys.append((None, _("Not recorded")))
    return count_table(
        title=_("Users by district"),
        row_heading=_("District of residence"),
        row_keys=row_keys,
        column_keys=_sex_columns(),
        counts={(row["district_id"], row["sex"]): row["n"] for row in rows},
        threshold=None,
    )


def target_group_sheet(users: QuerySet[Client]) -> Sheet:
    aggregates = {
        value: Count("id", filter=Q(target_groups__contains=[value])) for value, _label in PERSON_TARGET_GROUPS
    }
    counts = users.aggregate(**aggregates, not_recorded=Count("id", filter=Q(target_groups=[])), all_users=Count("id"))
    rows: list[list] = [[str(label), counts[value]] for value, label in PERSON_TARGET_GROUPS]
    rows.append([_("Not recorded"), counts["not_recorded"]])
    rows.append([_("Users in total (each once)"), counts["all_users"]])
    return Sheet(
        title=_("Users by target group"),
        header=[_("Target group"), _("Users")],
        rows=rows,
        kinds=[TEXT, COUNT],
        notes=[_("A user of several target groups counts in each of them, and once in the total.")],
    )


def refused_sheet(service: Service, params: ReportParameters) -> Sheet:
    rows = (
        RefusedApplicant.objects.filter(
            organisation_id=service.organisation_id, requested_on__range=(params.start, params.end)
        )
        .values("reason", "sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    return count_table(
        title=_("Refused applicants"),
        row_heading=_("Reason for refusal"),
        row_keys=[(value, str(label)) for value, label in RefusalReason.choices],
        column_keys=[("female", _("Woman")), ("male", _("Man")), ("", _("Not stated"))],
        counts={(row["reason"], row["sex"]): row["n"] for row in rows},
        threshold=None,
        notes=[
            _(
                "Refusals are recorded for the whole organisation, not for one of its services: "
                "these are all the organisation's refusals with a request in the year."
            )
        ],
    )


def activity_sheet(service: Service, params: ReportParameters) -> Sheet:
    contacts = service_contacts(service, params)
    counted: dict[int, dict] = {
        row["activity_type_id"]: dict(row)
        for row in Activity.objects.filter(contact_id__in=contacts.values("id"))
        .values("activity_type_id")
        .annotate(
            activities=Count("id"),
            contacts=Count("contact_id", distinct=True),
            direct=Sum("minutes", filter=Q(work=Activity.Work.DIRECT)),
            on_behalf=Sum("minutes", filter=Q(work=Activity.Work.ON_BEHALF)),
        )
        .order_by()
    }
    types = ActivityType.objects.filter(Q(service=service) & (Q(is_active=True) | Q(id__in=list(counted)))).order_by(
        "ordering", "name"
    )
    rows: list[list] = []
    totals = {"activities": 0, "interventions": 0, "direct": 0, "on_behalf": 0}
    for activity_type in types:
        row = dict(counted.get(activity_type.pk, {}))
        activities = row.get("activities", 0)
        interventions = activities if activity_type.category in INTERVENTION_CATEGORIES else 0
        direct, on_behalf = row.get("direct") or 0, row.get("on_behalf") or 0
        rows.append(
            [
                activity_type.name,
                activity_type.get_category_display(),
                row.get("contacts", 0),
                activities,
                interventions,
                _hours(direct),
                _hours(on_behalf),
            ]
        )
        totals["activities"] += activities
        totals["interventions"] += interventions
        totals["direct"] += direct
        totals["on_behalf"] += on_behalf
    rows.append(
        [
            _("Service total"),
            "",
            contacts.filter(activities__isnull=False).distinct().count(),
            totals["activities"],
            totals["interventions"],
            _hours(totals["direct"]),
            _hours(totals["on_behalf"]),
        ]
    )
    return Sheet(
        title=_("Contacts and interventions"),
        header=[
            _("Activity type"),
            _("National reporting category"),
            _("Contacts"),
            _("Activities"),
            _("Interventions"),
            _("Hours of direct work"),
            _("Hours on the client's behalf"),
        ],
        rows=rows,
        kinds=[TEXT, TEXT, COUNT, COUNT, COUNT, HOURS, HOURS],
        notes=[_("A contact with activities of several types counts under each of them, and once in the total.")],
    )


def staff_sheet(user: User, service: Service, params: ReportParameters) -> Sheet:
    """Paid working time of the service's staff set against their work, and the FTE
    (programmes.summary, as the page 'Direct work and working time' counts them)."""
    start, end = params.start, params.end
    paid = {key: minutes for key, minutes in paid_minutes(user, start, end).items() if key[1] == service.pk}
    work = {key: minutes for key, minutes in work_minutes(user, start, end).items() if key[1] == service.pk}
    people_ids = {key[0] for key in paid} | {key[0] for key in work}
    people = {person.pk: person for person in User.objects.filter(pk__in=people_ids)}
    days = working_days(params.start, params.end)
    lines = build_summary(people=people, services={service.pk: service}, paid=paid, work=work, days=days)
    line = lines[0] if lines else None
    staff = sum(1 for person in line.lines if person.paid) if line else 0
    rows = [
        [
            staff,
            days,
            _hours(line.paid if line else 0),
            round(line.fte, 2) if line and line.fte is not None else 0.0,
            _hours(line.direct if line else 0),
            _hours(line.on_behalf if line else 0),
            (line.direct_share if line and line.direct_share is not None else ""),
        ]
    ]
    return Sheet(
        title=_("Staff"),
        header=[
            _("Staff members with working time"),
            _("Working days"),
            _("Paid hours"),
            _("FTE"),
            _("Hours of direct work"),
            _("Hours on the client's behalf"),
            _("Share of direct work"),
        ],
        rows=rows,
        kinds=[COUNT, COUNT, HOURS, DECIMAL, HOURS, HOURS, PERCENT],
    )


def monthly_users(user: User, service: Service, params: ReportParameters) -> dict[datetime.date, int]:
    """Distinct users per calendar month (local time): one query over both kinds of record."""
    clients = visible_clients(user).values("id")
    individual = (
        contact_links(service, params)
        .filter(client_id__in=clients)
        .annotate(month=TruncMonth("contact__occurred_at"))
        .values("month", "client_id")
    )
    group = (
        group_links(service, params)
        .filter(client_id__in=clients)
        .annotate(month=TruncMonth("groupactivity__occurred_at"))
        .values("month", "client_id")
    )
    pairs = individual.union(group)  # distinct (month, client) pairs
    sql, sql_params = pairs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.month, count(*) FROM ({sql}) AS p GROUP BY p.month", sql_params)  # noqa: S608 - Django's SQL
        rows = cursor.fetchall()
    return {(month.date() if isinstance(month, datetime.datetime) else month): n for month, n in rows}


def capacity_sheets(user: User, service: Service, params: ReportParameters) -> list[Sheet]:
    by_month = monthly_users(user, service, params)
    months = params.months()
    values = [by_month.get(month, 0) for month in months]
    capacity = service.capacity
    mean = sum(values) / len(values) if values else 0.0
    peak = max(values) if values else 0
    peak_month = months[values.index(peak)] if values and peak else None

    def share(n: float) -> float | str:
        return n / capacity if capacity else ""

    summary = Sheet(
        title=_("Capacity"),
        header=[
            _("Capacity (clients at one time)"),
            _("Users a month on average"),
            _("Users in the busiest month"),
            _("Busiest month"),
            _("Capacity used on average"),
            _("Capacity used in the busiest month"),
        ],
        rows=[
            [
                capacity if capacity is not None else _("Not recorded"),
                round(mean, 2),
                peak,
                formats.date_format(peak_month, "YEAR_MONTH_FORMAT") if peak_month else "",
                share(mean),
                share(peak),
            ]
        ],
        kinds=[COUNT, DECIMAL, COUNT, TEXT, PERCENT, PERCENT],
        notes=[
            _(
                "Capacity used = the number of distinct users with a contact or group activity of the "
                "service in a calendar month, averaged over the months of the year, as a share of the capacity."
            )
        ],
    )
    monthly = Sheet(
        title=_("Users by month"),
        header=[_("Month"), _("Users"), _("Share of capacity")],
        rows=[
            [formats.date_format(month, "YEAR_MONTH_FORMAT"), n, share(n)]
            for month, n in zip(months, values, strict=True)
        ],
        kinds=[TEXT, COUNT, PERCENT],
    )
    return [summary, monthly]


def cover_lines(service: Service) -> list[tuple[str, str]]:
    not_recorded = _("Not recorded")
    return [
        (_("Service"), service.name),
        (_("Kind of service"), str(service.get_kind_display())),
        (_("Registration identifier"), service.registration_id or not_recorded),
        (_("Provider"), service.organisation.name),
        (_("Capacity (clients at one time)"), str(service.capacity) if service.capacity is not None else not_recorded),
        (_("Target groups of the service"), ", ".join(service.target_group_labels()) or not_recorded),
    ]


def definitions() -> list[str]:
    return [
        _(
            "User: a person with a client file of the organisation who had at least one contact (record of "
            "work) or group activity of the service in the year. Each person counts once, however many "
            "individual contacts and group activities they had."
        ),
        _(
            "Anonymous persons: people present at a contact or a group activity without a client file. They "
            "cannot be told apart, so each presence is counted; they are not among the users by sex, age, "
            "district or target group."
        ),
        _(
            "Age: the statement's year minus the year of birth, in the age categories of the register of "
            "social service providers. District: the district (okres) of residence in the client file."
        ),
        _(
            "Started or stopped using the service: a recorded period of use of the service that began, or "
            "ended, within the year."
        ),
        _(
            "Contact: one record of work of the service, however many activities it holds. Activity: one "
            "activity (výkon) of a record of work. Intervention: an activity of a type whose national "
            "category is intervention or crisis intervention."
        ),
        _(
            "Hours of direct work and on the clients' behalf: the minutes of the activities recorded as such "
            "in the service's contacts. Hours of group activities are shown apart."
        ),
        _(
            "FTE: paid working time entered for the service ÷ (40 hours × working days of the year ÷ 5); "
            "working days are Monday to Friday without public holidays."
        ),
        _("Counts are not suppressed: the provider reports its own work."),
    ]


def build(*, subject: Service, params: ReportParameters, requested_by: User) -> Report:
    service = subject
    users = service_users(requested_by, service, params)
    sheets: Iterable[Sheet] = [
        overview_sheet(requested_by, service, params, users),
        sex_and_age_sheet(users, params),
        district_sheet(users),
        target_group_sheet(users),
        refused_sheet(service, params),
        activity_sheet(service, params),
        staff_sheet(requested_by, service, params),
        *capacity_sheets(requested_by, service, params),
    ]
    report = Report(
        title=_("Annual statement of a social service (MPSV)"),
        subtitle=_("%(service)s · year %(year)s") % {"service": service.name, "year": params.start.year},
        sheets=list(sheets),
    )
    report.cover = cover_lines(service)
    report.definitions = definitions()
    return report
