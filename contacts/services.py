"""Writes of contact records: the record and its many-to-many links in one transaction. The
quick-entry page and the API both parse their input and call these, so the rules below apply
to both routes alike."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Locality, Organisation, User
from accounts.scoping import own_client_work_organisation_id
from cases.models import Case
from clients.models import Client
from common.versioning import check_version, next_version
from programmes.models import ActivityType, Project, Service
from programmes.selectors import assignment_on
from programmes.services import starting_service

from .models import Activity, Authority, Contact, Topic
from .selectors import can_edit_contact

# The fields a contact's author fills in, on the page and in the API (besides its activities).
CONTACT_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "service",
    "project",
    "authority",
    "clients",
    "anonymous_persons",
    "locality",
    "topics",
    "outcome",
    "follow_up_on",
    "note",
    "case",
)


class _FromAssignment:
    """Leave the project to the assistant's assignment (when it is of the contact's service)."""


FROM_ASSIGNMENT = _FromAssignment()


@dataclass(frozen=True)
class ActivityInput:
    """One activity (výkon) of a record of work as its author gives it."""

    activity_type: ActivityType
    minutes: int
    work: str = Activity.Work.DIRECT


def _check_case_among_clients(case: Case | None, clients: list[Client]) -> None:
    """A contact tied to a case must include that case's client (when it names any client)."""
    if case is not None and clients and case.client_id not in {client.pk for client in clients}:
        raise ValidationError({"case": _("The case belongs to a client who is not among this contact's clients.")})


def _check_someone_present(contact: Contact, clients: list[Client], activities: Sequence[ActivityInput]) -> None:
    """A contact is work with somebody: a client, the client of a case, or people who gave no
    name. One with none of them counts nobody in the statistics; it is what a stray Enter in the
    quick entry used to save, so it is refused here, for the page and the API alike, unless every
    activity is work without a client (monitoring a locality, a case conference)."""
    if clients or contact.case is not None or contact.anonymous_persons:
        return
    if activities and all(activity.activity_type.without_client for activity in activities):
        return
    raise ValidationError(
        {
            "clients": _(
                "Choose at least one client, a case, or enter the number of anonymous persons present. "
                "Only work without a client (such as monitoring a locality or a case conference) "
                "may be recorded with nobody."
            )
        }
    )


def _check_service_and_project(contact: Contact) -> None:
    """The service and the project are the organisation's; the project runs on the contact's day."""
    errors: dict[str, str] = {}
    service = contact.service
    if service.organisation_id != contact.organisation_id or not service.is_active:
        errors["service"] = _("Choose one of your organisation's services in use.")
    project = contact.project
    if project is not None:
        day = timezone.localtime(contact.occurred_at).date() if contact.occurred_at else None
        if project.organisation_id != contact.organisation_id:
            errors["project"] = _("Choose one of your organisation's projects.")
        elif day is not None and (day < project.starts_on or (project.ends_on is not None and day > project.ends_on)):
            errors["project"] = _("The project “%(project)s” does not run on the date of the contact.") % {
                "project": project.name
            }
    if errors:
        raise ValidationError(errors)


_WORK_VALUES = frozenset(Activity.Work.values)


def _check_activities(contact: Contact, activities: Sequence[ActivityInput], kept_type_ids: set[int]) -> None:
    """At least one activity; each of a type of the contact's service that is in use (or that the
    record already had), with at least one minute; the minutes add up to the duration."""
    if not activities:
        raise ValidationError({"activities": _("Enter at least one activity.")})
    errors: list[str] = []
    for activity in activities:
        activity_type = activity.activity_type
        if activity_type.service_id != contact.service_id or (
            not activity_type.is_active and activity_type.pk not in kept_type_ids
        ):
            errors.append(
                _("The activity type “%(type)s” is not in use in the service “%(service)s”.")
                % {"type": activity_type.name, "service": contact.service.name}
            )
        if activity.minutes is None or activity.minutes < 1:
            errors.append(_("Each activity takes at least one minute."))
        if activity.work not in _WORK_VALUES:
            errors.append(_("Choose whether the activity is direct work or work on the client's behalf."))
    if errors:
        raise ValidationError({"activities": list(dict.fromkeys(errors))})
    total = sum(activity.minutes for activity in activities)
    if contact.duration_minutes is not None and total != contact.duration_minutes:
        raise ValidationError(
            {
                "activities": _(
                    "Minutes of the activities add up to %(total)s min, but the duration is %(duration)s min. "
                    "Make them equal."
                )
                % {"total": total, "duration": contact.duration_minutes}
            }
        )


def _check(
    contact: Contact, *, clients: list[Client], activities: Sequence[ActivityInput], kept_type_ids: set[int]
) -> None:
    """Every rule of a contact record; ValidationError (by field) for the first broken one."""
    contact.clean()  # the model's plausibility rules (duration, dates, ...)
    _check_service_and_project(contact)
    _check_activities(contact, activities, kept_type_ids)
    _check_someone_present(contact, clients, activities)
    _check_case_among_clients(contact.case, clients)


def _save(
    contact: Contact, *, clients: list[Client], topics: Iterable[Topic], activities: Sequence[ActivityInput]
) -> Contact:
    kept_type_ids = set(contact.activities.values_list("activity_type_id", flat=True)) if contact.pk else set()
    _check(contact, clients=clients, activities=activities, kept_type_ids=kept_type_ids)
    contact.save()
    contact.clients.set(clients)
    contact.topics.set(topics)
    contact.activities.all().delete()
    Activity.objects.bulk_create(
        Activity(contact=contact, activity_type=a.activity_type, minutes=a.minutes, work=a.work) for a in activities
    )
    return contact


def _work_belongs(
    by: User,
    organisation_id: int,
    day: datetime.date,
    service: Service | None,
    project: Project | None | _FromAssignment,
) -> tuple[Service, Project | None]:
    """The service and project of a new record: as given, or where the assistant's assignment on
    `day` puts the work (the project only with the assignment's own service), or else the
    organisation's first service (made when it has none)."""
    assignment = assignment_on(by, day)
    if assignment is not None and assignment.service.organisation_id != organisation_id:
        assignment = None
    if service is None:
        service = assignment.service if assignment is not None else None
        if service is None:
            service = starting_service(Organisation.objects.get(pk=organisation_id))
    if isinstance(project, _FromAssignment):
        project = assignment.project if assignment is not None and assignment.service_id == service.pk else None
    return service, project


def ensure_a_service(user: User) -> None:
    """An organisation that keeps client files has a service in use, with its activity types, before
    its first record of work is entered (the organisation's first service is made when it has none)."""
    organisation_id = own_client_work_organisation_id(user)
    if not Service.objects.filter(organisation_id=organisation_id, is_active=True).exists():
        starting_service(Organisation.objects.get(pk=organisation_id))


@transaction.atomic
def contact_create(
    *,
    by: User,
    occurred_at: datetime.datetime,
    duration_minutes: int,
    activities: Sequence[ActivityInput],
    service: Service | None = None,
    project: Project | None | _FromAssignment = FROM_ASSIGNMENT,
    authority: Authority | None = None,
    clients: Iterable[Client] = (),
    anonymous_persons: int = 0,
    locality: Locality | None = None,
    topics: Iterable[Topic] = (),
    outcome: str = "",
    follow_up_on: datetime.date | None = None,
    note: str = "",
    case: Case | None = None,
) -> Contact:
    """Record a contact of the assistant `by`, in the assistant's organisation, with its
    activities. Without a service, the work belongs where the assistant's assignment says (its
    project too). Raises ValidationError (by field) when a rule is broken; nothing is saved then."""
    organisation_id = own_client_work_organisation_id(by)
    day = timezone.localtime(occurred_at).date()
    service, project = _work_belongs(by, organisation_id, day, service, project)
    contact = Contact(
        assistant=by,
        organisation_id=organisation_id,
        service=service,
        project=project,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        authority=authority,
        anonymous_persons=anonymous_persons,
        locality=locality,
        outcome=outcome,
        follow_up_on=follow_up_on,
        note=note,
        case=case,
    )
    return _save(contact, clients=list(clients), topics=topics, activities=list(activities))


def _keep_transferred(stored: Contact, clients: list[Client], case: Case | None) -> tuple[list[Client], Case | None]:
    """A client (and a case) transferred to another organisation is out of the editor's sight
    and of the form's choices, yet the record keeps naming them: the sender's statistics count
    the work done with the client before the transfer."""
    transferred = [c for c in stored.clients.all() if c.organisation_id != stored.organisation_id]
    clients = [*clients, *(c for c in transferred if c.pk not in {kept.pk for kept in clients})]
    if case is None and stored.case is not None and stored.case.organisation_id != stored.organisation_id:
        case = stored.case
    return clients, case


@transaction.atomic
def contact_update(
    *,
    by: User,
    contact: Contact,
    occurred_at: datetime.datetime,
    duration_minutes: int,
    activities: Sequence[ActivityInput],
    service: Service | None,
    project: Project | None,
    authority: Authority | None,
    clients: Iterable[Client],
    anonymous_persons: int,
    locality: Locality | None,
    topics: Iterable[Topic],
    outcome: str,
    follow_up_on: datetime.date | None,
    note: str,
    case: Case | None,
    version: int | None = None,
) -> Contact:
    """Replace a contact's fields and activities; only its author or a coordinator may
    (PermissionDenied). Without a service the contact keeps its own. When someone else saved
    the contact since the form showed `version`, nothing is saved (the message names what differs)."""
    if not can_edit_contact(by, contact):
        raise PermissionDenied
    stored = Contact.objects.select_for_update().get(pk=contact.pk)
    clients, topics = list(clients), list(topics)
    clients, case = _keep_transferred(stored, clients, case)
    check_version(
        stored,
        version,
        submitted={
            "occurred_at": occurred_at,
            "duration_minutes": duration_minutes,
            "authority": authority,
            "clients": clients,
            "anonymous_persons": anonymous_persons,
            "locality": locality,
            "topics": topics,
            "outcome": outcome,
            "follow_up_on": follow_up_on,
            "note": note,
            "case": case,
        },
        stored_value=lambda name: list(getattr(stored, name).all())
        if name in ("clients", "topics")
        else getattr(stored, name),
        private={"note"},
    )
    contact.version = stored.version
    next_version(contact)
    contact.occurred_at = occurred_at
    contact.duration_minutes = duration_minutes
    if service is not None:
        contact.service = service
    contact.project = project
    contact.authority = authority
    contact.anonymous_persons = anonymous_persons
    contact.locality = locality
    contact.outcome = outcome
    contact.follow_up_on = follow_up_on
    contact.note = note
    contact.case = case
    return _save(contact, clients=clients, topics=topics, activities=list(activities))


# -- imported from a spreadsheet (contacts/imports.py) ---------------------------------------------


@dataclass(frozen=True)
class CheckedContact:
    """A new contact that passed every rule of contact_create, not yet saved (contact_checked)."""

    contact: Contact
    clients: tuple[Client, ...]
    topics: tuple[Topic, ...]
    activities: tuple[ActivityInput, ...]


def contact_checked(
    *,
    organisation: Organisation,
    assistant: User,
    occurred_at: datetime.datetime,
    duration_minutes: int,
    activities: Sequence[ActivityInput],
    service: Service,
    project: Project | None,
    authority: Authority | None = None,
    clients: Iterable[Client] = (),
    anonymous_persons: int = 0,
    locality: Locality | None = None,
    topics: Iterable[Topic] = (),
    outcome: str = "",
    follow_up_on: datetime.date | None = None,
    note: str = "",
    external_id: str = "",
) -> CheckedContact:
    """A contact of `assistant` in `organisation` (the importing coordinator's own:
    own_client_work_organisation_id), checked by the rules of contact_create, nothing saved
    (ValidationError by field when a rule is broken). The caller has found the clients, the
    service and the rest in the coordinator's scope; no query is made here for them."""
    if assistant.organisation_id != organisation.pk:
        raise ValidationError({"assistant": _("The assistant is not of your organisation.")})
    contact = Contact(
        assistant=assistant,
        organisation=organisation,
        service=service,
        project=project,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        authority=authority,
        anonymous_persons=anonymous_persons,
        locality=locality,
        outcome=outcome,
        follow_up_on=follow_up_on,
        note=note,
        external_id=external_id,
    )
    clients, activities = list(clients), list(activities)
    _check(contact, clients=clients, activities=activities, kept_type_ids=set())
    return CheckedContact(contact, tuple(clients), tuple(topics), tuple(activities))


def contacts_imported_save(
    checked: Sequence[CheckedContact], *, by: User, file_name: str, at: datetime.datetime
) -> list[Contact]:
    """Saves checked contacts (contact_checked) in a few statements per batch, each marked as
    imported from `file_name` by `by`. The caller holds the transaction (all or nothing)."""
    contacts = [item.contact for item in checked]
    for contact in contacts:
        contact.imported_from, contact.imported_by, contact.imported_at = file_name[:255], by, at
    Contact.objects.bulk_create(contacts)
    Contact.clients.through.objects.bulk_create(
        Contact.clients.through(contact_id=item.contact.pk, client_id=client.pk)
        for item in checked
        for client in item.clients
    )
    Contact.topics.through.objects.bulk_create(
        Contact.topics.through(contact_id=item.contact.pk, topic_id=topic.pk)
        for item in checked
        for topic in item.topics
    )
    Activity.objects.bulk_create(
        Activity(contact_id=item.contact.pk, activity_type=a.activity_type, minutes=a.minutes, work=a.work)
        for item in checked
        for a in item.activities
    )
    return contacts
