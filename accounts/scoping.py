"""The building blocks of record scoping, shared by every app's selectors.

Scoping is the main guard of this system: every view, export and API endpoint gets
its records from a `visible_*(user)` selector, and nothing else.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from .models import User
from .roles import Role


def client_work_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation whose client files the user works with, or None.

    Only active assistants and coordinators of an NGO or a municipality have one;
    police, ministry and administrators never see client files through the app.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if not Role(user.role).can_work_with_clients() or user.organisation_id is None:
        return None
    if user.organisation is None or not user.organisation.provides_the_service:
        return None
    return user.organisation_id


def own_client_work_organisation_id(user: User) -> int:
    """The organisation a new client file (client, contact, case) of the user belongs to.

    PermissionDenied for a user who keeps no client files (no organisation, or one that provides
    no service): such a record would otherwise be refused by the database, or be out of the
    user's own sight from the moment it was saved.
    """
    organisation_id = client_work_organisation_id(user)
    if organisation_id is None:
        raise PermissionDenied
    return organisation_id


def police_region_id(user: User | AnonymousUser) -> int | None:
    """The region whose shared cases a police liaison officer reviews, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    return user.police_region_id
