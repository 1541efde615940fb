"""Reads of contact records, scoped to the person asking."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import client_work_organisation_id
from clients.models import Client

from .models import Activity, Contact


def visible_contacts(user: User) -> QuerySet[Contact]:
    """Assistants and coordinators see their organisation's contacts; nobody else sees any."""
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        return Contact.objects.none()
    return Contact.objects.filter(organisation_id=organisation_id)


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
                queryset=Client.objects.only("id", "identity", "first_name", "last_name", "nickname", "birth_year"),
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
