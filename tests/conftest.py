"""Named users per role. Alice is an assistant of the Drom NGO, Bob her colleague,
Carol their coordinator; Oscar is an assistant of another organisation (the outsider)."""

import pytest

from accounts.models import Organisation
from accounts.roles import Role
from tests.factories import ClientFactory, ContactFactory, OrganisationFactory, UserFactory, police_directorate


@pytest.fixture
def drom(db) -> Organisation:
    return OrganisationFactory(name="DROM, romské středisko")


@pytest.fixture
def other_org(db) -> Organisation:
    return OrganisationFactory(name="Jiná organizace, z.s.")


@pytest.fixture
def alice(drom):
    return UserFactory(username="alice", organisation=drom, role=Role.ASSISTANT)


@pytest.fixture
def bob(drom):
    return UserFactory(username="bob", organisation=drom, role=Role.ASSISTANT)


@pytest.fixture
def carol(drom):
    return UserFactory(username="carol", organisation=drom, role=Role.COORDINATOR)


@pytest.fixture
def oscar(other_org):
    return UserFactory(username="oscar", organisation=other_org, role=Role.ASSISTANT)


@pytest.fixture
def police_officer(db):
    return UserFactory(username="policie", organisation=police_directorate("CZ064"), role=Role.POLICE)


@pytest.fixture
def ministry_analyst(db):
    ministry = Organisation.objects.get(kind=Organisation.Kind.MINISTRY)
    return UserFactory(username="mv", organisation=ministry, role=Role.MINISTRY)


@pytest.fixture
def administrator(db):
    operator = Organisation.objects.get(kind=Organisation.Kind.OPERATOR)
    return UserFactory(username="spravce", organisation=operator, role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def own_client(alice):
    return ClientFactory(organisation=alice.organisation, created_by=alice)


@pytest.fixture
def foreign_client(oscar):
    return ClientFactory(organisation=oscar.organisation, created_by=oscar)


@pytest.fixture
def own_contact(alice, own_client):
    return ContactFactory(assistant=alice, clients=[own_client])


@pytest.fixture
def foreign_contact(oscar, foreign_client):
    return ContactFactory(assistant=oscar, clients=[foreign_client])


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Templates need no collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
