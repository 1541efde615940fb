"""Reads of staff data (the assistant programme), scoped to the person asking."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import AssistantProfile, User
from .roles import Role


def visible_assistant_profiles(user: User) -> QuerySet[AssistantProfile]:
    """Coordinators see their organisation's assistants; ministry and administrators the programme."""
    profiles = AssistantProfile.objects.select_related("user", "employer", "municipality__region")
    if not user.is_authenticated or not user.is_active:
        return profiles.none()
    role = Role(user.role)
    if role in (Role.MINISTRY, Role.ADMIN):
        return profiles
    if role == Role.COORDINATOR and user.organisation_id:
        return profiles.filter(employer_id=user.organisation_id)
    return profiles.none()


def programme_overview(user: User) -> dict[str, Sequence[Mapping[str, Any]]]:
    """Counts of currently employed assistants per city, employer type and funder."""
    today = timezone.localdate()
    current = visible_assistant_profiles(user).filter(
        Q(employed_until__isnull=True) | Q(employed_until__gte=today), employed_from__lte=today
    )
    by_city = list(
        current.values("municipality__name", "municipality__region__name")
        .annotate(count=Count("id"))
        .order_by("municipality__region__name", "municipality__name")
    )
    by_employer_kind = list(current.values("employer__kind").annotate(count=Count("id")).order_by("employer__kind"))
    by_funder = list(
        current.filter(
            Q(assignments__valid_until__isnull=True) | Q(assignments__valid_until__gte=today),
            assignments__valid_from__lte=today,
            assignments__project__isnull=False,
        )
        .values("assignments__project__funder__kind", "assignments__project__funder__name")
        .annotate(count=Count("id", distinct=True))
        .order_by("assignments__project__funder__kind", "assignments__project__funder__name")
    )
    return {"by_city": by_city, "by_employer_kind": by_employer_kind, "by_funder": by_funder}
