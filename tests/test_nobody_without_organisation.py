"""A user without an organisation (or whose organisation keeps no client files) is offered nobody
to assign or filter by: a lookup of "organisation IS NULL" would offer every other such user,
administrators included."""

import pytest

from accounts.models import Organisation
from accounts.roles import Role
from cases.selectors import case_assignable_users
from contacts.filters import ContactFilter

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_no_assignable_users_for_an_organisation_without_client_files():
    ministry = OrganisationFactory(kind=Organisation.Kind.MINISTRY)
    coordinator = UserFactory(organisation=ministry, role=Role.COORDINATOR)
    UserFactory(organisation=None, role=Role.ASSISTANT)
    UserFactory(organisation=None, role=Role.COORDINATOR)

    assert list(case_assignable_users(coordinator)) == []


def test_contact_filter_offers_no_assistants_to_a_user_without_an_organisation():
    assistant = UserFactory(organisation=None, role=Role.ASSISTANT)
    UserFactory(organisation=None, role=Role.ADMIN)

    contact_filter = ContactFilter(None, user=assistant)

    assert list(contact_filter.filters["assistant"].queryset) == []


def test_contact_filter_offers_the_users_of_the_organisation():
    organisation = OrganisationFactory()
    assistant = UserFactory(organisation=organisation)
    colleague = UserFactory(organisation=organisation)
    UserFactory(organisation=None, role=Role.ADMIN)

    contact_filter = ContactFilter(None, user=assistant)

    assert set(contact_filter.filters["assistant"].queryset) == {assistant, colleague}
