"""Reads of the audit trail, scoped to the person asking."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .models import AccessChange, AuditEvent

ACCESS_CHANGES_DAYS = 30


def visible_audit_events(user: User) -> QuerySet[AuditEvent]:
    """An administrator sees the whole trail; a coordinator the events by the own
    organisation's users and about its records; nobody else sees any."""
    if not user.is_authenticated or not user.is_active:
        return AuditEvent.objects.none()
    role = Role(user.role)
    if role == Role.ADMIN:
        return AuditEvent.objects.all()
    if role == Role.COORDINATOR and user.organisation_id is not None:
        organisation_id = user.organisation_id
        return AuditEvent.objects.filter(
            Q(actor_organisation_id=organisation_id) | Q(record_organisation_id=organisation_id)
        )
    return AuditEvent.objects.none()


def audit_trail_users(user: User) -> QuerySet[User]:
    """The users a person may filter the trail by."""
    role = Role(user.role)
    if role == Role.ADMIN:
        return User.objects.order_by("username")
    if role == Role.COORDINATOR and user.organisation_id is not None:
        return User.objects.filter(organisation_id=user.organisation_id).order_by("username")
    return User.objects.none()


def organisation_access_changes(user: User) -> QuerySet[AccessChange]:
    """Changes of role or organisation of the last 30 days that a coordinator is told of: of
    users who left or joined the own organisation, or changed role in it."""
    if not user.is_authenticated or Role(user.role) != Role.COORDINATOR or user.organisation_id is None:
        return AccessChange.objects.none()
    since = timezone.now() - datetime.timedelta(days=ACCESS_CHANGES_DAYS)
    return AccessChange.objects.filter(
        Q(old_organisation_id=user.organisation_id) | Q(new_organisation_id=user.organisation_id),
        occurred_at__gte=since,
    ).select_related("old_organisation", "new_organisation")
