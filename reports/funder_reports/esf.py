"""ESF+ / OPZ+ project monitoring: the participants of a project in a monitoring period, counted
once each, those who reached the 40-hour support threshold ("podpořená osoba"), the minimally
supported and anonymous persons of the reduced indicator, the hours of support, and the
participant sheet (one row per person, with the answers of their monitoring sheet).

Hours of support of a person are the minutes of the activities (výkony) of the project's
contacts the person is a client of, plus the duration of each of the project's group activities
the person took part in. Whether a person reached the threshold is decided on their hours from
the start of the project to the end of the monitoring period, so that support given in earlier
periods counts too.

Everything is counted in SQL per person (a few rows per participant); the participant sheet is
read in chunks as the writer consumes it.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from clients.models import Client, Sex
from clients.participation import DECLINED, PARTICIPANT_QUESTIONS
from contacts.models import Contact
from groupwork.models import AnonymousAttendance, GroupActivity
from groupwork.models import Sex as GroupSex
from programmes.models import Project
from programmes.selectors import visible_projects
from programmes.vocabulary import FunderKind

from ..models import ReportType
from ..parameters import ReportParameters
from ..tables import COUNT, DATE, HOURS, TEXT, Report, Sheet

SUBJECT_LABEL = gettext_lazy("ESF+ / OPZ+ project")

# A participant with at least this much support since the start of the project is a supported
# person (podpořená osoba); below it, a minimally supported one.
THRESHOLD_HOURS = 40
THRESHOLD_MINUTES = THRESHOLD_HOURS * 60

# The columns of the counts: total, then by sex as the monitoring sheet asks.
MEN, WOMEN, OTHER = "men", "women", "other"
_SEX_COLUMN: dict[str, str] = {Sex.MALE: MEN, Sex.FEMALE: WOMEN, Sex.OTHER: OTHER, Sex.UNSTATED: OTHER}
_GROUP_SEX_COLUMN: dict[str, str] = {GroupSex.MALE: MEN, GroupSex.FEMALE: WOMEN, GroupSex.UNKNOWN: OTHER}

CHUNK = 2000


def offered_to(user: User) -> bool:
    return Role(user.role).can_make_organisation_reports()


def subjects(user: User) -> QuerySet[Project]:
    """The ESF+ / OPZ+ projects of the coordinator's own organisation."""
    if not user.organisation_id:
        return Project.objects.none()
    return (
        visible_projects(user)
        .filter(organisation_id=user.organisation_id, funder__kind=FunderKind.ESF)
        .order_by("-starts_on", "name", "pk")
    )


def initial_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last half-year that has ended: OPZ+ progress reports cover six months."""
    if today.month > 6:
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)
    return datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31)


@dataclass
class Support:
    """A participant's minutes of support: individual and group, in the period and since the
    start of the project (to the end of the period), and the day of their first support."""

    individual_period: int = 0
    group_period: int = 0
    individual_total: int = 0
    group_total: int = 0
    first: datetime.datetime | None = None
    supports_in_period: int = 0

    @property
    def period(self) -> int:
        return self.individual_period + self.group_period

    @property
    def total(self) -> int:
        return self.individual_total + self.group_total

    @property
    def supported(self) -> bool:
        return self.total >= THRESHOLD_MINUTES

    def add(self, *, individual: bool, period: int, total: int, first: datetime.datetime, supports: int) -> None:
        if individual:
            self.individual_period += period
            self.individual_total += total
        else:
            self.group_period += period
            self.group_total += total
        self.first = first if self.first is None else min(self.first, first)
        self.supports_in_period += supports


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def support_by_client(project: Project, params: ReportParameters) -> dict[int, Support]:
    """Minutes of support of every person supported in the project from its start to the end of
    the period, by client id (two grouped queries)."""
    since = _midnight(project.starts_on)
    start, end = params.start_datetime(), params.end_datetime_exclusive()
    support: dict[int, Support] = {}
    individual = (
        Contact.clients.through.objects.filter(
            contact__project=project,
            contact__organisation_id=project.organisation_id,
            contact__occurred_at__gte=since,
            contact__occurred_at__lt=end,
        )
        .values("client_id")
        .annotate(
            period=Sum("contact__activities__minutes", filter=Q(contact__occurred_at__gte=start)),
            total=Sum("contact__activities__minutes"),
            first=Min("contact__occurred_at"),
            supports=Count("contact", filter=Q(contact__occurred_at__gte=start), distinct=True),
        )
        .order_by()
    )
    group = (
        GroupActivity.participants.through.objects.filter(
            groupactivity__project=project,
            groupactivity__organisation_id=project.organisation_id,
            groupactivity__occurred_at__gte=since,
            groupactivity__occurred_at__lt=end,
        )
        .values("client_id")
        .annotate(
            period=Sum("groupactivity__minutes", filter=Q(groupactivity__occurred_at__gte=start)),
            total=Sum("groupactivity__minutes"),
            first=Min("groupactivity__occurred_at"),
            supports=Count("groupactivity", filter=Q(groupactivity__occurred_at__gte=start)),
        )
        .order_by()
    )
    for is_individual, rows in ((True, individual), (False, group)):
        for row in rows.iterator(chunk_size=CHUNK):
            support.setdefault(row["client_id"], Support()).add(
                individual=is_individual,
                period=row["period"] or 0,
                total=row["total"] or 0,
                first=row["first"],
                supports=row["supports"],
            )
    return support


def _participants(project: Project, support: dict[int, Support]) -> QuerySet[Client]:
    """The project organisation's clients with support in the period."""
    ids = [client_id for client_id, minutes in support.items() if minutes.supports_in_period]
    return Client.objects.filter(pk__in=ids, organisation_id=project.organisation_id)


def _anonymous_persons(project: Project, params: ReportParameters) -> dict[str, dict[str, int]]:
    """Head counts of people without a client file: at the project's contacts (sex not recorded)
    and its group activities (by sex), in the period."""
    start, end = params.start_datetime(), params.end_datetime_exclusive()
    at_contacts = (
        Contact.objects.filter(
            project=project,
            organisation_id=project.organisation_id,
            occurred_at__gte=start,
            occurred_at__lt=end,
        ).aggregate(total=Sum("anonymous_persons"))["total"]
        or 0
    )
    at_groups = {MEN: 0, WOMEN: 0, OTHER: 0}
    for row in (
        AnonymousAttendance.objects.filter(
            group_activity__project=project,
            group_activity__organisation_id=project.organisation_id,
            group_activity__occurred_at__gte=start,
            group_activity__occurred_at__lt=end,
        )
        .values("sex")
        .annotate(total=Sum("count"))
        .order_by()
    ):
        at_groups[_GROUP_SEX_COLUMN.get(row["sex"], OTHER)] += row["total"]
    return {"contacts": {MEN: 0, WOMEN: 0, OTHER: at_contacts}, "groups": at_groups}


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _counts_row(label: str, counts: dict[str, int]) -> list:
    return [label, counts[MEN] + counts[WOMEN] + counts[OTHER], counts[MEN], counts[WOMEN], counts[OTHER]]


def _summary(
    participants: QuerySet[Client], support: dict[int, Support], anonymous: dict[str, dict[str, int]]
) -> Sheet:
    keys = ("all", "supported", "minimal", "anonymous_files")
    counts = {key: {MEN: 0, WOMEN: 0, OTHER: 0} for key in keys}
    for client_id, sex, identity in participants.values_list("pk", "sex", "identity").iterator(chunk_size=CHUNK):
        column = _SEX_COLUMN.get(sex, OTHER)
        counts["all"][column] += 1
        counts["supported" if support[client_id].supported else "minimal"][column] += 1
        if identity == Client.Identity.ANONYMOUS:
            counts["anonymous_files"][column] += 1
    without_file = {
        column: anonymous["contacts"][column] + anonymous["groups"][column] for column in (MEN, WOMEN, OTHER)
    }
    reduced = {column: counts["minimal"][column] + without_file[column] for column in (MEN, WOMEN, OTHER)}
    threshold = {"hours": THRESHOLD_HOURS}
    rows = [
        _counts_row(_("Participants (each person once)"), counts["all"]),
        _counts_row(
            _("of which supported persons (at least %(hours)s hours of support since the start of the project)")
            % threshold,
            counts["supported"],
        ),
        _counts_row(
            _("of which minimally supported persons (less than %(hours)s hours)") % threshold, counts["minimal"]
        ),
        _counts_row(_("of which recorded anonymously (a client file without identity)"), counts["anonymous_files"]),
        _counts_row(_("Anonymous persons without a client file: individual contacts"), anonymous["contacts"]),
        _counts_row(_("Anonymous persons without a client file: group activities"), anonymous["groups"]),
        _counts_row(_("Anonymous persons without a client file, total"), without_file),
        _counts_row(_("Minimally supported and anonymous persons (reduced indicator)"), reduced),
    ]
    return Sheet(
        title=_("Participants of the project"),
        header=[_("Indicator"), _("Total"), _("Men"), _("Women"), _("Other or not stated")],
        rows=rows,
        kinds=[TEXT, COUNT, COUNT, COUNT, COUNT],
        notes=[
            _(
                "Anonymous persons without a client file are head counts: the same person at two "
                "contacts counts twice, as nothing identifies them. Sex is not recorded at contacts."
            )
        ],
    )


def _hours_sheet(participants: QuerySet[Client], support: dict[int, Support]) -> Sheet:
    sums = [0, 0, 0, 0]  # individual in the period, group in the period, individual total, group total
    for client_id in participants.values_list("pk", flat=True).iterator(chunk_size=CHUNK):
        minutes = support[client_id]
        sums[0] += minutes.individual_period
        sums[1] += minutes.group_period
        sums[2] += minutes.individual_total
        sums[3] += minutes.group_total
    rows = [
        [_("Individual activities"), _hours(sums[0]), _hours(sums[2])],
        [_("Group activities"), _hours(sums[1]), _hours(sums[3])],
        [_("Total"), _hours(sums[0] + sums[1]), _hours(sums[2] + sums[3])],
    ]
    return Sheet(
        title=_("Hours of support"),
        header=[_("Support"), _("Hours in the period"), _("Hours since the start of the project")],
        rows=rows,
        kinds=[TEXT, HOURS, HOURS],
        notes=[_("Hours of the participants of the period, the sums of the participant sheet's columns.")],
    )


def _answer(sheet, name: str, labels: dict[str, dict[str, str]]) -> str:
    value = getattr(sheet, name, "") if sheet is not None else ""
    if not value:
        return _("not asked")
    if value == DECLINED:
        return _("declined to say")
    return labels[name].get(value, value)


def _participant_rows(
    participants: QuerySet[Client], support: dict[int, Support], end: datetime.date
) -> Iterator[list]:
    sexes = {value: str(label) for value, label in Sex.choices}
    labels = {
        name: {value: str(label) for value, label in answers.choices} for name, answers in PARTICIPANT_QUESTIONS.items()
    }
    yes, no = _("yes"), _("no")
    rows = (
        participants.select_related("district", "participant_sheet")
        .only(
            "pk",
            "organisation_id",
            "external_id",
            "sex",
            "birth_year",
            "district__name",
            *(f"participant_sheet__{name}" for name in PARTICIPANT_QUESTIONS),
        )
        .order_by("pk")
    )
    for client in rows.iterator(chunk_size=CHUNK):
        minutes = support[client.pk]
        sheet = getattr(client, "participant_sheet", None)
        first = timezone.localtime(minutes.first).date() if minutes.first else None
        yield [
            str(client.pk),
            client.external_id,
            sexes.get(client.sex, client.sex),
            str(client.birth_year) if client.birth_year else "",
            end.year - client.birth_year if client.birth_year else "",
            client.district.name if client.district is not None else "",
            *(_answer(sheet, name, labels) for name in PARTICIPANT_QUESTIONS),
            first,
            _hours(minutes.individual_period),
            _hours(minutes.group_period),
            _hours(minutes.period),
            _hours(minutes.total),
            yes if minutes.supported else no,
        ]


def _participant_sheet(participants: QuerySet[Client], support: dict[int, Support], end: datetime.date) -> Sheet:
    return Sheet(
        title=_("Participant sheet"),
        header=[
            _("Client number"),
            _("External identifier"),
            _("Sex"),
            _("Year of birth"),
            _("Age at the end of the period"),
            _("District of residence"),
            _("Labour-market status"),
            _("Highest education (ISCED)"),
            _("Housing exclusion"),
            _("Disadvantage"),
            _("Entered the project"),
            _("Hours of individual support in the period"),
            _("Hours of group support in the period"),
            _("Hours of support in the period"),
            _("Hours of support since the start of the project"),
            _("Supported person (%(hours)s hours)") % {"hours": THRESHOLD_HOURS},
        ],
        rows=_participant_rows(participants, support, end),
        kinds=[TEXT, TEXT, TEXT, TEXT, COUNT, TEXT, TEXT, TEXT, TEXT, TEXT, DATE, HOURS, HOURS, HOURS, HOURS, TEXT],
        notes=[_("One row per participant of the period, identified by the client number, never by name.")],
        row_count=participants.count(),
    )


def _definitions() -> list[str]:
    threshold = {"hours": THRESHOLD_HOURS}
    return [
        _(
            "Participant: a client of the organisation with at least one contact or group activity of the "
            "project in the period, counted once however many times they were supported."
        ),
        _(
            "Hours of support of a participant: the minutes of every activity of the project's contacts at "
            "which they were a client (direct work and work on their behalf; each client of a contact with "
            "several clients gets the activity's minutes), plus the whole duration of every group activity "
            "of the project they took part in. Only contacts and group activities assigned to this project "
            "count."
        ),
        _(
            "Supported person (podpořená osoba): a participant with at least %(hours)s hours of support in "
            "the project, counted from the start of the project to the end of the period, so that support "
            "in earlier periods counts; %(hours)s hours exactly reach the threshold. A minimally supported "
            "person is a participant below it."
        )
        % threshold,
        _(
            "Anonymous persons: people without a client file, entered as a head count at a contact or a "
            "group activity of the project in the period; counted with the minimally supported persons in "
            "the reduced indicator. Clients recorded anonymously have a file and count as participants."
        ),
        _(
            "Participant sheet: the answers of the person's monitoring sheet as recorded; "
            "“declined to say” where the person declined, “not asked” where no answer is recorded. "
            "Entered the project: the day of the person's first support in the project."
        ),
    ]


def build(*, subject: Project, params: ReportParameters, requested_by: User) -> Report:
    project = subject
    support = support_by_client(project, params)
    participants = _participants(project, support)
    anonymous = _anonymous_persons(project, params)
    project_period = formats.date_format(project.starts_on, "SHORT_DATE_FORMAT") + " – "
    if project.ends_on:
        project_period += formats.date_format(project.ends_on, "SHORT_DATE_FORMAT")
    report = Report(
        title=str(ReportType(ReportType.ESF_MONITORING).label),
        subtitle=project.name,
        sheets=[
            _summary(participants, support, anonymous),
            _hours_sheet(participants, support),
            _participant_sheet(participants, support, params.end),
        ],
    )
    report.cover = [
        (_("Project"), project.name),
        (_("Registration number"), project.registration_number or "–"),
        (_("Funder"), project.funder.name),
        (_("Organisation"), project.organisation.name),
        (_("Project period"), project_period),
    ]
    report.definitions = _definitions()
    return report
