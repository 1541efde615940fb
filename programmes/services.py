"""Writes of the programme set-up: services with their activity types, funders, projects and
the assignments of assistants' work. Staff time: programmes/staff_time.py."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import AssistantProfile, Locality, Municipality, Organisation, Region

from .models import ActivityType, Assignment, Funder, Project, Service
from .vocabulary import STARTING_ACTIVITY_TYPES, ServiceKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def refuse(field: str | None, message: "StrOrPromise") -> NoReturn:
    """Refuses the write with a message for the form: under `field`, or for the whole form."""
    if field:
        raise ValidationError({field: message})
    raise ValidationError(message)


def _check_service_name(organisation: Organisation, name: str, service: Service | None = None) -> None:
    same = Service.objects.filter(organisation=organisation, name__iexact=name.strip())
    if service is not None:
        same = same.exclude(pk=service.pk)
    if same.exists():
        refuse("name", _("Your organisation already has a service of this name."))


@transaction.atomic
def service_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    registration_id: str = "",
    target_groups: list[str] | None = None,
    capacity: int | None = None,
    localities: Iterable[Locality] = (),
    is_active: bool = True,
) -> Service:
    """A new service starts with the activity types of Czech field programmes, which its
    coordinator then renames, orders or switches off."""
    _check_service_name(organisation, name)
    localities = list(localities)
    service = Service(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        registration_id=registration_id,
        target_groups=target_groups or [],
        capacity=capacity,
        is_active=is_active,
    )
    service.full_clean()
    service.save()
    service.localities.set(localities)
    ActivityType.objects.bulk_create(
        ActivityType(service=service, name=type_name, category=category, without_client=without, ordering=i)
        for i, (type_name, category, without) in enumerate(STARTING_ACTIVITY_TYPES)
    )
    return service


@transaction.atomic
def service_update(
    *,
    service: Service,
    name: str,
    kind: str,
    registration_id: str,
    target_groups: list[str],
    capacity: int | None,
    localities: Iterable[Locality],
    is_active: bool,
) -> Service:
    _check_service_name(service.organisation, name, service)
    localities = list(localities)
    service.name, service.kind, service.registration_id = name.strip(), kind, registration_id
    service.target_groups, service.capacity, service.is_active = target_groups, capacity, is_active
    service.full_clean()
    service.save(update_fields=["name", "kind", "registration_id", "target_groups", "capacity", "is_active"])
    service.localities.set(localities)
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


# -- activity types (výkony) --------------------------------------------------------------------


def _check_activity_type_name(service: Service, name: str, activity_type: ActivityType | None = None) -> None:
    same = ActivityType.objects.filter(service=service, name__iexact=name.strip())
    if activity_type is not None:
        same = same.exclude(pk=activity_type.pk)
    if same.exists():
        refuse("name", _("This service already has an activity type of this name."))


@transaction.atomic
def activity_type_create(
    *, service: Service, name: str, category: str, without_client: bool, is_active: bool = True
) -> ActivityType:
    """A new activity type comes last in the service's order."""
    Service.objects.select_for_update().filter(pk=service.pk).first()  # one new type at a time
    _check_activity_type_name(service, name)
    last = ActivityType.objects.filter(service=service).aggregate(last=Max("ordering"))["last"]
    activity_type = ActivityType(
        service=service,
        name=name.strip(),
        category=category,
        without_client=without_client,
        is_active=is_active,
        ordering=0 if last is None else last + 1,
    )
    activity_type.full_clean()
    activity_type.save()
    return activity_type


@transaction.atomic
def activity_type_update(
    *, activity_type: ActivityType, name: str, category: str, without_client: bool, ordering: int, is_active: bool
) -> ActivityType:
    _check_activity_type_name(activity_type.service, name, activity_type)
    activity_type.name, activity_type.category = name.strip(), category
    activity_type.without_client, activity_type.ordering, activity_type.is_active = without_client, ordering, is_active
    activity_type.full_clean()
    activity_type.save(update_fields=["name", "category", "without_client", "ordering", "is_active"])
    return activity_type


@transaction.atomic
def activity_type_move(*, activity_type: ActivityType, up: bool) -> None:
    """Moves the type one place up or down in its service's order (the order is renumbered
    0, 1, 2, ... so that equal numbers never leave a move without effect)."""
    types = list(
        ActivityType.objects.select_for_update()
        .filter(service_id=activity_type.service_id)
        .order_by("ordering", "name")
    )
    position = next(i for i, t in enumerate(types) if t.pk == activity_type.pk)
    other = position - 1 if up else position + 1
    if 0 <= other < len(types):
        types[position], types[other] = types[other], types[position]
    for i, each in enumerate(types):
        each.ordering = i
    ActivityType.objects.bulk_update(types, ["ordering"])


@transaction.atomic
def activity_type_delete(*, activity_type: ActivityType) -> None:
    """A type never used may go; one that records of work name stays (they keep what they
    counted) and is switched off instead."""
    try:
        with transaction.atomic():
            activity_type.delete()
    except ProtectedError:
        refuse(
            None,
            _(
                "“%(name)s” is already used in records of work, so it cannot be deleted. "
                "Switch it off instead (untick “in use”): it will no longer be offered."
            )
            % {"name": activity_type.name},
        )


# -- funders and projects -----------------------------------------------------------------------


@transaction.atomic
def funder_create(
    *, kind: str, name: str, municipality: Municipality | None = None, region: Region | None = None
) -> Funder:
    if Funder.objects.filter(name__iexact=name.strip()).exists():
        refuse("name", _("A funder of this name already exists: choose it from the list."))
    funder = Funder(kind=kind, name=name.strip(), municipality=municipality, region=region)
    funder.full_clean()
    funder.save()
    return funder


def _check_project(organisation: Organisation, name: str, services: list[Service], project: Project | None) -> None:
    same = Project.objects.filter(organisation=organisation, name__iexact=name.strip())
    if project is not None:
        same = same.exclude(pk=project.pk)
    if same.exists():
        refuse("name", _("Your organisation already has a project of this name."))
    if any(service.organisation_id != organisation.pk for service in services):
        refuse("services", _("A project funds only services of its own organisation."))


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    name: str,
    funder: Funder,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    registration_number: str = "",
    services: Iterable[Service] = (),
    budgeted_hours: int | None = None,
    is_active: bool = True,
) -> Project:
    services = list(services)
    _check_project(organisation, name, services, None)
    project = Project(
        organisation=organisation,
        name=name.strip(),
        registration_number=registration_number.strip(),
        funder=funder,
        starts_on=starts_on,
        ends_on=ends_on,
        budgeted_hours=budgeted_hours,
        is_active=is_active,
    )
    project.full_clean()
    project.save()
    project.services.set(services)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    name: str,
    funder: Funder,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    registration_number: str,
    services: Iterable[Service],
    budgeted_hours: int | None,
    is_active: bool,
) -> Project:
    services = list(services)
    _check_project(project.organisation, name, services, project)
    funded = {service.pk for service in services}
    if project.assignments.exclude(service_id__in=funded).exists():
        refuse(
            "services",
            _("Assistants are assigned to this project in a service you removed: change their assignments first."),
        )
    project.name, project.registration_number, project.funder = name.strip(), registration_number.strip(), funder
    project.starts_on, project.ends_on = starts_on, ends_on
    project.budgeted_hours, project.is_active = budgeted_hours, is_active
    project.full_clean()
    project.save()
    project.services.set(services)
    return project


# -- assignments --------------------------------------------------------------------------------


def _check_assignment(
    profile: AssistantProfile,
    service: Service,
    project: Project | None,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    assignment: Assignment | None,
) -> None:
    if valid_until is not None and valid_until < valid_from:
        refuse("valid_until", _("The end cannot be before the start."))
    if service.organisation_id != profile.employer_id:
        refuse("service", _("The assistant can work only in a service of their employer."))
    if project is not None:
        if project.organisation_id != profile.employer_id:
            refuse("project", _("The project belongs to another organisation."))
        if not project.services.filter(pk=service.pk).exists():
            refuse("project", _("This project does not fund the chosen service."))
    others = Assignment.objects.filter(profile=profile).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    if valid_until is not None:
        others = others.filter(valid_from__lte=valid_until)
    if assignment is not None:
        others = others.exclude(pk=assignment.pk)
    clash = others.select_related("service").first()
    if clash is not None:
        refuse(
            None,
            _(
                "This period overlaps the assistant's assignment to %(service)s (%(start)s%(end)s). "
                "End that assignment first or choose another period."
            )
            % {
                "service": clash.service.name,
                "start": date_format(clash.valid_from, "SHORT_DATE_FORMAT"),
                "end": " – " + date_format(clash.valid_until, "SHORT_DATE_FORMAT") if clash.valid_until else "",
            },
        )


@transaction.atomic
def assignment_create(
    *,
    profile: AssistantProfile,
    service: Service,
    project: Project | None,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Assignment:
    """Where the assistant's work belongs for a period. One assistant's periods do not overlap."""
    AssistantProfile.objects.select_for_update().filter(pk=profile.pk).first()  # one change at a time
    _check_assignment(profile, service, project, valid_from, valid_until, None)
    assignment = Assignment(
        profile=profile, service=service, project=project, valid_from=valid_from, valid_until=valid_until
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    service: Service,
    project: Project | None,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
) -> Assignment:
    AssistantProfile.objects.select_for_update().filter(pk=assignment.profile_id).first()
    _check_assignment(assignment.profile, service, project, valid_from, valid_until, assignment)
    assignment.service, assignment.project = service, project
    assignment.valid_from, assignment.valid_until = valid_from, valid_until
    assignment.full_clean()
    assignment.save(update_fields=["service", "project", "valid_from", "valid_until"])
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()
