"""Writes of contact records: the record and its many-to-many links in one transaction. The
quick-entry page and the API both parse their input and call these, so the rules below apply
to both routes alike."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Locality, Organisation, User
from accounts.scoping import own_client_work_organisation_id
from cases.models import Case
from clients.models import Client
from programmes.selectors import activity_types_for, assignment_on
from programmes.services import starting_service
from programmes.vocabulary import FORM_OF_WORK_CATEGORY

from .models import Activity, Authority, Contact, Topic
from .selectors import can_edit_contact

# The fields a contact's author fills in, on the page and in the API.
CONTACT_FIELDS = (
    "occurred_at",
    "duration_minutes",
    "authority",
    "form_of_work",
    "clients",
    "anonymous_persons",
    "locality",
    "topics",
    "outcome",
    "follow_up_on",
    "note",
    "case",
)


def _check_case_among_clients(case: Case | None, clients: list[Client]) -> None:
    """A contact tied to a case must include that case's client (when it names any client)."""
    if case is not None and clients and case.client_id not in {client.pk for client in clients}:
        raise ValidationError({"case": _("The case belongs to a client who is not among this contact's clients.")})


def _check_someone_present(contact: Contact, clients: list[Client]) -> None:
    """A contact is work with somebody: a client, the client of a case, or people who gave no
    name. One with none of them counts nobody in the statistics; it is what a stray Enter in the
    quick entry used to save, so it is refused here, for the page and the API alike."""
    if not clients and contact.case is None and not contact.anonymous_persons:
        raise ValidationError(
            {"clients": _("Choose at least one client, a case, or enter the number of anonymous persons present.")}
        )


def _save(contact: Contact, *, clients: list[Client], topics: Iterable[Topic]) -> Contact:
    contact.clean()  # the model's plausibility rules (duration, dates, ...)
    _check_someone_present(contact, clients)
    _check_case_among_clients(contact.case, clients)
    contact.save()
    contact.clients.set(clients)
    contact.topics.set(topics)
    _record_activity(contact)
    return contact


def _record_activity(contact: Contact) -> None:
    """The contact's one activity: the type its form of work maps to, for its whole duration."""
    category = FORM_OF_WORK_CATEGORY[contact.form_of_work]
    activity_type = activity_types_for(contact.service).filter(category=category).first()
    if activity_type is None:
        raise ValidationError({"form_of_work": _("The service has no activity type for this form of work.")})
    contact.activities.all().delete()
    Activity.objects.create(contact=contact, activity_type=activity_type, minutes=contact.duration_minutes)


@transaction.atomic
def contact_create(
    *,
    by: User,
    occurred_at: datetime.datetime,
    duration_minutes: int,
    authority: Authority,
    form_of_work: str,
    clients: Iterable[Client] = (),
    anonymous_persons: int = 0,
    locality: Locality | None = None,
    topics: Iterable[Topic] = (),
    outcome: str = "",
    follow_up_on: datetime.date | None = None,
    note: str = "",
    case: Case | None = None,
) -> Contact:
    """Record a contact of the assistant `by`, in the assistant's organisation. Raises
    ValidationError (by field) when a rule is broken; nothing is saved then."""
    organisation_id = own_client_work_organisation_id(by)
    assignment = assignment_on(by, occurred_at.date())
    if assignment is not None and assignment.service.organisation_id == organisation_id:
        service, project = assignment.service, assignment.project
    else:
        service, project = starting_service(Organisation.objects.get(pk=organisation_id)), None
    contact = Contact(
        assistant=by,
        organisation_id=organisation_id,
        service=service,
        project=project,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        authority=authority,
        form_of_work=form_of_work,
        anonymous_persons=anonymous_persons,
        locality=locality,
        outcome=outcome,
        follow_up_on=follow_up_on,
        note=note,
        case=case,
    )
    return _save(contact, clients=list(clients), topics=topics)


@transaction.atomic
def contact_update(
    *,
    by: User,
    contact: Contact,
    occurred_at: datetime.datetime,
    duration_minutes: int,
    authority: Authority,
    form_of_work: str,
    clients: Iterable[Client],
    anonymous_persons: int,
    locality: Locality | None,
    topics: Iterable[Topic],
    outcome: str,
    follow_up_on: datetime.date | None,
    note: str,
    case: Case | None,
) -> Contact:
    """Replace a contact's fields; only its author or a coordinator may (PermissionDenied)."""
    if not can_edit_contact(by, contact):
        raise PermissionDenied
    contact.occurred_at = occurred_at
    contact.duration_minutes = duration_minutes
    contact.authority = authority
    contact.form_of_work = form_of_work
    contact.anonymous_persons = anonymous_persons
    contact.locality = locality
    contact.outcome = outcome
    contact.follow_up_on = follow_up_on
    contact.note = note
    contact.case = case
    return _save(contact, clients=list(clients), topics=topics)
