"""Reads of the programme set-up, scoped to what a user may see."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .models import ActivityType, Assignment, Project, Service


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
