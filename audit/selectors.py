"""Reads of the audit trail, scoped to the person asking."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role

from .models import AuditEvent


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
