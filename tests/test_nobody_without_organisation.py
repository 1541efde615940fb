"""A user without an organisation (or whose organisation keeps no client files) is offered nobody
to assign or filter by: a lookup of "organisation IS NULL" would offer every other such user,
administrators included. Nor can such a user create a client file: it is refused (403), not
left to fail in the database."""

import datetime
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_filters import ModelChoiceFilter

from accounts.models import Organisation
from accounts.roles import Role
from cases.models import Case
from cases.selectors import case_assignable_users
from cases.services import case_open
from clients.models import Client
from contacts.filters import ContactFilter

from .factories import CaseFactory, ClientFactory, OrganisationFactory, UserFactory

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

    offered = cast(ModelChoiceFilter, contact_filter.filters["assistant"]).queryset
    assert offered is not None and list(offered) == []


def test_contact_filter_offers_the_users_of_the_organisation():
    organisation = OrganisationFactory()
    assistant = UserFactory(organisation=organisation)
    colleague = UserFactory(organisation=organisation)
    UserFactory(organisation=None, role=Role.ADMIN)

    contact_filter = ContactFilter(None, user=assistant)

    offered = cast(ModelChoiceFilter, contact_filter.filters["assistant"]).queryset
    assert offered is not None and set(offered) == {assistant, colleague}


@pytest.mark.parametrize("organisation_kind", [None, Organisation.Kind.MINISTRY])
def test_no_client_created_by_a_user_who_keeps_no_client_files(client, organisation_kind):
    organisation = OrganisationFactory(kind=organisation_kind) if organisation_kind else None
    assistant = UserFactory(organisation=organisation, role=Role.ASSISTANT)
    client.force_login(assistant)

    response = client.post(reverse("clients:create"), {"identity": "named", "first_name": "Marie", "last_name": "N"})

    assert response.status_code == 403
    assert Client.objects.count() == 0


def test_no_case_opened_by_a_user_without_an_organisation():
    own_client = ClientFactory()
    assistant = UserFactory(organisation=None, role=Role.ASSISTANT)
    case = CaseFactory.build(client=own_client, assistant=assistant, organisation=None)

    with pytest.raises(PermissionDenied):
        case_open(
            by=assistant, client=own_client, title=case.title, assistant=assistant, crime_types=[], region=case.region
        )

    assert Case.objects.count() == 0


def test_no_contact_created_through_the_api_by_a_user_without_an_organisation():
    from rest_framework.test import APIClient

    from contacts.models import Authority, Contact

    api = APIClient()
    api.force_authenticate(UserFactory(organisation=None, role=Role.ASSISTANT))
    payload = {
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "duration_minutes": 30,
        "authority": Authority.objects.get(name="Policie ČR").pk,
        "anonymous_persons": 1,
    }

    response = api.post("/api/v1/contacts/", payload, format="json")

    assert response.status_code == 403
    assert Contact.objects.count() == 0
