"""Reference data, demo data and the services the suite runs against."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Locality, Organisation, Region, User
from cases.models import CrimeType
from contacts.models import Authority


def test_reference_data_is_loaded(db):
    assert Region.objects.count() == 14
    assert Organisation.objects.filter(kind=Organisation.Kind.POLICE).count() == 14
    for city in ["Plzeň", "Brno", "Olomouc", "Karviná", "Ostrava", "Cheb"]:
        assert Locality.objects.filter(municipality__name=city).exists(), city
    assert CrimeType.objects.filter(section="§218", name="Lichva").exists()
    assert Authority.objects.filter(name="Probační a mediační služba").exists()


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", password="demo-heslo-123")
    counts = (User.objects.count(), Organisation.objects.count())
    call_command("seed_demo", password="demo-heslo-123")
    assert (User.objects.count(), Organisation.objects.count()) == counts
    brno = User.objects.get(username="asistent.brno")
    assert (
        brno.organisation is not None
        and brno.organisation.name == "DROM, romské středisko"
        and brno.check_password("demo-heslo-123")
    )
    assert User.objects.get(username="policie.jmk").police_region_id == Region.objects.get(code="CZ064").pk
    for username in ["koordinator.brno", "asistent.ostrava", "asistent.cheb", "ministerstvo", "admin"]:
        assert User.objects.filter(username=username).exists()


def test_demo_and_bulk_data_speak_one_vocabulary(db, settings):
    """The demo's made-up people, outcomes and cases come from the vocabulary of the bulk seeder."""
    from cases.models import Case
    from clients.models import Client
    from contacts.models import Contact
    from seed import vocabulary

    settings.DEBUG = True
    call_command("seed_demo", password="demo-heslo-123")
    named = Client.objects.filter(identity=Client.Identity.NAMED)
    assert named.exists()
    first_names = set(vocabulary.MALE_FIRST) | set(vocabulary.FEMALE_FIRST)
    surnames = {form for pair in vocabulary.SURNAMES for form in pair}
    for first, last in named.values_list("first_name", "last_name"):
        assert first in first_names and last in surnames, (first, last)
    nicknames = set(Client.objects.filter(identity=Client.Identity.PSEUDONYM).values_list("nickname", flat=True))
    assert nicknames and nicknames <= set(vocabulary.NICKNAMES)
    assert set(Contact.objects.values_list("outcome", flat=True)) <= set(vocabulary.DEMO_OUTCOMES)
    assert set(Case.objects.values_list("title", flat=True)) <= set(vocabulary.CASE_TITLES)


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", password="x")


@pytest.mark.skipif(not settings.REDIS_URL, reason="runs against real Redis in make test")
def test_redis_cache_and_broker_are_real():
    cache.set("liaison-test", "ok", 10)
    assert cache.get("liaison-test") == "ok"
    from liaison.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        # Redis, through the project's subclass of kombu's Redis transport (liaison/broker.py).
        assert connection.transport_cls == "liaison.broker:Transport", connection.transport_cls
        from kombu.transport.redis import Transport

        assert isinstance(connection.transport, Transport)


def test_database_is_postgresql_in_make_test(db):
    from django.db import connection

    assert connection.vendor == "postgresql"
