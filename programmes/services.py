"""Writes of the programme set-up: services with their starting activity types, assignments."""

import datetime

from django.db import transaction

from accounts.models import AssistantProfile, Organisation

from .models import ActivityType, Assignment, Project, Service
from .vocabulary import STARTING_ACTIVITY_TYPES, ServiceKind


@transaction.atomic
def service_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    registration_id: str = "",
    target_groups: list[str] | None = None,
    capacity: int | None = None,
) -> Service:
    """A new service starts with the activity types of Czech field programmes, which its
    coordinator then renames, orders or switches off."""
    service = Service(
        organisation=organisation,
        name=name,
        kind=kind,
        registration_id=registration_id,
        target_groups=target_groups or [],
        capacity=capacity,
    )
    service.full_clean()
    service.save()
    ActivityType.objects.bulk_create(
        ActivityType(service=service, name=type_name, category=category, without_client=without, ordering=i)
        for i, (type_name, category, without) in enumerate(STARTING_ACTIVITY_TYPES)
    )
    return service


def starting_service(organisation: Organisation) -> Service:
    """The organisation's first service, made when it has none (a new organisation's first
    record of work must belong to a service)."""
    service = organisation.services.order_by("id").first()
    if service is None:
        service = service_create(
            organisation=organisation,
            name=str(organisation.name),
            kind=ServiceKind.NOT_REGISTERED,
        )
    return service


@transaction.atomic
def assignment_create(
    *,
    profile: AssistantProfile,
    service: Service,
    project: Project | None,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Assignment:
    assignment = Assignment(
        profile=profile, service=service, project=project, valid_from=valid_from, valid_until=valid_until
    )
    assignment.full_clean()
    assignment.save()
    return assignment
