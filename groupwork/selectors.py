"""Reads of group activities, scoped to the person asking, and the counting of persons."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from clients.models import Client
from programmes.models import Service

from .models import HEAD_COUNT_CELLS, AgeBand, AnonymousAttendance, GroupActivity, Sex


def visible_group_activities(user: User) -> QuerySet[GroupActivity]:
    """Assistants and coordinators see their organisation's group activities; nobody else any."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return GroupActivity.objects.none()
    return GroupActivity.objects.filter(organisation_id=organisation_id)


def can_edit_group_activity(user: User, group_activity: GroupActivity) -> bool:
    """The author edits a group activity; a coordinator any of the organisation's."""
    if not visible_group_activities(user).filter(pk=group_activity.pk).exists():
        return False
    return group_activity.author_id == user.pk or Role(user.role).can_supervise()


def can_delete_group_activity(user: User, group_activity: GroupActivity) -> bool:
    return Role(user.role).can_supervise() and visible_group_activities(user).filter(pk=group_activity.pk).exists()


def _anonymous_sum() -> Coalesce:
    cells = (
        AnonymousAttendance.objects.filter(group_activity=OuterRef("pk"))
        .order_by()
        .values("group_activity")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Coalesce(Subquery(cells, output_field=IntegerField()), Value(0))


def group_activities_for_list(user: User) -> QuerySet[GroupActivity]:
    """Visible group activities with what a list row shows, in a constant number of queries."""
    return (
        visible_group_activities(user)
        .select_related("author", "service", "activity_type", "locality__municipality")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Client.objects.only(
                    "id", "organisation_id", "identity", "first_name", "last_name", "nickname", "birth_year"
                ),
            )
        )
        .annotate(anonymous_sum=_anonymous_sum())
    )


def group_activity_detail(user: User) -> QuerySet[GroupActivity]:
    """Visible group activities with everything their page shows."""
    return (
        group_activities_for_list(user)
        .select_related("project", "organisation")
        .prefetch_related("anonymous_attendance")
    )


def group_activities_of_client(user: User, client: Client) -> QuerySet[GroupActivity]:
    """The visible group activities a client took part in (the client's page)."""
    return (
        visible_group_activities(user)
        .filter(participants=client)
        .select_related("activity_type", "locality__municipality", "author")
    )


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def in_period(
    activities: QuerySet[GroupActivity], start: datetime.date | None, end: datetime.date | None
) -> QuerySet[GroupActivity]:
    """Activities from the start day to the end day, both included (local time)."""
    if start is not None:
        activities = activities.filter(occurred_at__gte=local_midnight(start))
    if end is not None:
        activities = activities.filter(occurred_at__lt=local_midnight(end + datetime.timedelta(days=1)))
    return activities


@dataclass
class GroupParticipation:
    """Who came to a set of group activities: attendances and distinct persons apart."""

    activities: int = 0
    named_attendances: int = 0  # a client at five meetings: five
    distinct_named_persons: int = 0  # ... and one person
    anonymous: dict[tuple[str, str], int] = field(default_factory=dict)  # (sex, age band) -> persons

    @property
    def anonymous_persons(self) -> int:
        return sum(self.anonymous.values())

    @property
    def attendances(self) -> int:
        return self.named_attendances + self.anonymous_persons

    def anonymous_by_sex(self) -> dict[str, int]:
        return {sex: sum(n for (s, _b), n in self.anonymous.items() if s == sex) for sex in Sex.values}

    def anonymous_by_age_band(self) -> dict[str, int]:
        return {band: sum(n for (_s, b), n in self.anonymous.items() if b == band) for band in AgeBand.values}

    def grid(self) -> list[tuple[str, list[int], int]]:
        """Rows of the head count for a table: (sex label, counts per age band, row total)."""
        rows = []
        for sex, label in Sex.choices:
            counts = [self.anonymous.get((sex, band), 0) for band in AgeBand.values]
            rows.append((str(label), counts, sum(counts)))
        return rows


def participation_of(activities: QuerySet[GroupActivity]) -> GroupParticipation:
    """Counts of a (scoped, filtered) set of group activities, in three queries."""
    ids = activities.order_by().values("pk")
    through = GroupActivity.participants.through.objects.filter(groupactivity_id__in=ids)
    named = through.aggregate(attendances=Count("id"), persons=Count("client_id", distinct=True))
    cells = (
        AnonymousAttendance.objects.filter(group_activity_id__in=ids)
        .order_by()
        .values_list("sex", "age_band")
        .annotate(persons=Sum("count"))
    )
    anonymous = {cell: 0 for cell in HEAD_COUNT_CELLS}
    for sex, band, persons in cells:
        anonymous[(sex, band)] = persons
    return GroupParticipation(
        activities=activities.order_by().count(),
        named_attendances=named["attendances"],
        distinct_named_persons=named["persons"],
        anonymous=anonymous,
    )


def group_participation(
    user: User,
    period: tuple[datetime.date | None, datetime.date | None],
    service: Service | None = None,
) -> GroupParticipation:
    """Group activities of the user's organisation in `period` (first and last day, included),
    of one service or all: how many, attendances, distinct named persons, the anonymous head
    count by sex and age band."""
    activities = in_period(visible_group_activities(user), *period)
    if service is not None:
        activities = activities.filter(service=service)
    return participation_of(activities)
