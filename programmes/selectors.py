"""Reads of the programme set-up, scoped to what a user may see."""

import datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .models import ActivityType, Assignment, Funder, Project, ReportingDeadline, Service, StaffTime


def visible_services(user: User) -> QuerySet[Service]:
    """Services of the user's own organisation (the ministry and administrators: all)."""
    services = Service.objects.select_related("organisation")
    if not user.is_authenticated or not user.is_active:
        return services.none()
    role = Role(user.role)
    if role in (Role.MINISTRY, Role.ADMIN):
        return services
    if role.can_work_with_clients() and user.organisation_id:
        return services.filter(organisation_id=user.organisation_id)
    return services.none()


def visible_projects(user: User) -> QuerySet[Project]:
    projects = Project.objects.select_related("organisation", "funder")
    if not user.is_authenticated or not user.is_active:
        return projects.none()
    role = Role(user.role)
    if role in (Role.MINISTRY, Role.ADMIN):
        return projects
    if role.can_work_with_clients() and user.organisation_id:
        return projects.filter(organisation_id=user.organisation_id)
    return projects.none()


def activity_types_for(service: Service) -> QuerySet[ActivityType]:
    """The activity types an assistant may record in a service (those in use)."""
    return ActivityType.objects.filter(service=service, is_active=True).order_by("ordering", "name")


def assignment_on(user: User, day: datetime.date | None = None) -> Assignment | None:
    """Where the assistant's work belongs on `day`: the service and project of their assignment."""
    day = day or timezone.localdate()
    return (
        Assignment.objects.filter(profile__user=user, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("service", "project")
        .order_by("-valid_from")
        .first()
    )


def visible_activity_types(user: User) -> QuerySet[ActivityType]:
    """Activity types of the services the user sees."""
    return ActivityType.objects.filter(service__in=visible_services(user)).select_related("service")


def visible_assignments(user: User) -> QuerySet[Assignment]:
    """Assignments of the assistants a coordinator manages (the own organisation's)."""
    if not user.is_authenticated or not user.is_active or not Role(user.role).can_manage_programme():
        return Assignment.objects.none()
    if user.organisation_id is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(profile__employer_id=user.organisation_id).select_related(
        "profile__user", "service", "project__funder"
    )


def visible_staff_time(user: User) -> QuerySet[StaffTime]:
    """An assistant sees their own working time; a coordinator that of the organisation's staff."""
    entries = StaffTime.objects.select_related("assistant", "service", "entered_by")
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return entries.none()
    role = Role(user.role)
    if role.can_manage_programme():
        return entries.filter(organisation_id=user.organisation_id)
    if role.can_work_with_clients():
        return entries.filter(organisation_id=user.organisation_id, assistant=user)
    return entries.none()


def funders_to_choose() -> QuerySet[Funder]:
    """Funders are shared by every organisation (a city pays several); those in use."""
    return Funder.objects.filter(is_active=True).select_related("municipality", "region")


def paid_minutes(user: User, start: datetime.date, end: datetime.date) -> dict[tuple[int, int], int]:
    """Paid minutes per (assistant id, service id) of staff time in the period: days within it,
    and weeks whose Monday lies within it."""
    rows = (
        visible_staff_time(user)
        .filter(starts_on__range=(start, end))
        .values("assistant_id", "service_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return {(row["assistant_id"], row["service_id"]): row["total"] for row in rows}


def visible_deadlines(user: User) -> QuerySet[ReportingDeadline]:
    """Reporting deadlines of the coordinator's own organisation."""
    rows = ReportingDeadline.objects.select_related("project__funder", "service", "submitted_by")
    if not user.is_authenticated or not user.is_active or not Role(user.role).can_manage_programme():
        return rows.none()
    if user.organisation_id is None:
        return rows.none()
    return rows.filter(organisation_id=user.organisation_id)


def open_deadlines(user: User, *, until: datetime.date | None = None) -> QuerySet[ReportingDeadline]:
    """Reports not yet submitted, overdue ones included, soonest first; those due by `until`."""
    rows = visible_deadlines(user).filter(submitted_at__isnull=True)
    if until is not None:
        rows = rows.filter(due_on__lte=until)
    return rows.order_by("due_on", "name", "id")
