"""Reads of contact records, scoped to the person asking."""

import datetime

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from clients.models import Client

from .models import Activity, ClientLastContact, Contact


def visible_contacts(user: User) -> QuerySet[Contact]:
    """Assistants and coordinators see their organisation's contacts; nobody else sees any."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return Contact.objects.none()
    return Contact.objects.filter(organisation_id=organisation_id)


def visible_client_last_contacts(user: User) -> QuerySet[ClientLastContact]:
    """When each client was last met in a contact the user sees (their organisation's)."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return ClientLastContact.objects.none()
    return ClientLastContact.objects.filter(organisation_id=organisation_id)


def can_edit_contact(user: User, contact: Contact) -> bool:
    """The author edits a contact; a coordinator edits any of the organisation's (the contact
    comes from `visible_contacts`, so it is of the user's organisation)."""
    return contact.assistant_id == user.pk or Role(user.role).can_supervise()


def contacts_for_list(user: User) -> QuerySet[Contact]:
    """Visible contacts with what a list row shows, in a constant number of queries."""
    return (
        visible_contacts(user)
        .select_related("assistant", "authority", "locality__municipality")
        .prefetch_related(
            Prefetch(
                "clients",
                queryset=Client.objects.only(
                    "id", "organisation_id", "identity", "first_name", "last_name", "nickname", "birth_year"
                ),
            ),
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("activity_type").only(
                    "id",
                    "contact_id",
                    "minutes",
                    "work",
                    "activity_type__id",
                    "activity_type__name",
                    "activity_type__category",
                ),
            ),
        )
    )


def work_minutes(user: User, start: datetime.date, end: datetime.date) -> dict[tuple[int, int, str], int]:
    """Minutes of the activities of visible contacts made from `start` to `end` (local days),
    per (assistant id, service id, kind of work: direct or on the client's behalf). One query."""
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    rows = (
        Activity.objects.filter(contact__in=visible_contacts(user), contact__occurred_at__gte=since)
        .filter(contact__occurred_at__lt=until)
        .values("contact__assistant_id", "contact__service_id", "work")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return {(row["contact__assistant_id"], row["contact__service_id"], row["work"]): row["total"] for row in rows}


def used_activity_type_ids(user: User, service_id: int) -> set[int]:
    """Activity types of the service that visible records of work name (they cannot be deleted)."""
    return set(
        Activity.objects.filter(contact__in=visible_contacts(user), activity_type__service_id=service_id)
        .values_list("activity_type_id", flat=True)
        .distinct()
    )
