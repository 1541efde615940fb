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
        assert connection.transport_cls == "redis" or "redis" in connection.as_uri()


def test_database_is_postgresql_in_make_test(db):
    from django.db import connection

    assert connection.vendor == "postgresql"
