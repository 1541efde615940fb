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


@pytest.fixture(autouse=True, scope="session")
def _plain_http_in_tests():
    """Production settings redirect to HTTPS (nginx terminates TLS); the test client and the live
    server speak plain HTTP. Session-wide, before the live server loads its middleware."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    # A fast hasher: every user the factories make would otherwise cost a full PBKDF2 run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit and throttle counters (Redis in `make
    test`) must not carry over from an earlier test or an earlier run."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def real_two_factors():
    """Ask for it in a test of the sign-in itself: `client.force_login(user)` then leaves the
    session without the second factor, as after the password alone."""


@pytest.fixture(autouse=True)
def _force_login_gives_both_factors(request, monkeypatch):
    """Two factors are mandatory (LIAISON_REQUIRE_2FA). `client.force_login(user)` signs the user
    in as if they had also given the code of a (test) device, so that tests of other features
    need not go through the second factor. Tests of sign-in use the `real_two_factors` fixture."""
    if "real_two_factors" in request.fixturenames:
        return
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device, _created = StaticDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server without the redirect to https: it speaks plain http on
    localhost (SecurityMiddleware reads the setting once, at start). Secure cookies stay on:
    browsers accept them from localhost."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    plain_http = override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0)
    plain_http.enable()
    server = LiveServer("localhost")
    yield server
    server.stop()
    plain_http.disable()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test as a database test unless it says otherwise.

    pytest-django runs database tests first and transactional ones after them; a test that
    reaches the database only through `request.getfixturevalue(...)` looks database-free
    and would run after the transactional tests, whose final flush empties the reference
    data (regions, police directorates, ...) that the data migrations loaded.
    """
    for item in items:
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
