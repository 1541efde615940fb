"""Client files: identities, consents as history, and bad input."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import Client, Consent
from tests.factories import ClientFactory, ConsentFactory


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


def test_no_ethnicity_field_anywhere():
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            assert "ethnic" not in field.name.lower(), f"{model.__name__}.{field.name}"


def test_display_names(db, alice):
    named = ClientFactory(first_name="Jan", last_name="Novák", organisation=alice.organisation, created_by=alice)
    pseudo = ClientFactory(identity=Client.Identity.PSEUDONYM, nickname="Kuba", birth_year=1990, created_by=alice)
    anonymous = ClientFactory(identity=Client.Identity.ANONYMOUS, first_name="", last_name="", created_by=alice)
    assert named.display_name == "Jan Novák"
    assert pseudo.display_name == "„Kuba“ (1990)"
    assert str(anonymous.pk) in anonymous.display_name


def test_create_named_client(logged_in, alice):
    response = logged_in.post(
        reverse("clients:create"), {"identity": "named", "first_name": "Marie", "last_name": "Dvořáková"}
    )
    created = Client.objects.get()
    assert response["Location"] == reverse("clients:detail", args=[created.pk])
    assert created.organisation == alice.organisation
    assert created.created_by == alice


def test_create_pseudonym_needs_nickname_and_year(logged_in):
    response = logged_in.post(reverse("clients:create"), {"identity": "pseudonym"})
    body = response.content.decode()
    assert "Klient pod pseudonymem musí mít přezdívku." in body
    assert "Klient pod pseudonymem musí mít rok narození." in body
    assert Client.objects.count() == 0


def test_anonymous_client_keeps_nothing_identifying(logged_in):
    logged_in.post(reverse("clients:create"), {"identity": "anonymous", "first_name": "Jan", "phone": "777 123 456"})
    client = Client.objects.get()
    assert client.first_name == "" and client.phone == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"identity": "named", "first_name": "Jan"}, "Klient se jménem musí mít příjmení."),
        ({"identity": "named", "first_name": "J" * 101, "last_name": "N"}, "nejvýše 100 znaků"),
        ({"identity": "pseudonym", "nickname": "K", "birth_year": "2999"}, "Zadejte rok mezi 1900 a letošním rokem."),
        (
            {"identity": "named", "first_name": "J", "last_name": "N", "email": "no-at-sign"},
            "platnou e-mailovou adresu",
        ),
        ({"identity": "spy", "first_name": "J", "last_name": "N"}, "Vyberte platnou možnost"),
    ],
)
def test_bad_client_input(logged_in, data, message):
    response = logged_in.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Client.objects.count() == 0


def test_consent_history_is_kept_on_withdrawal(logged_in, alice, own_client):
    given = timezone.localdate() - datetime.timedelta(days=5)
    logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {"purpose": Consent.Purpose.POLICE_SHARING, "given_on": given.isoformat()},
    )
    consent = Consent.objects.get()
    assert consent.recorded_by == alice and consent.is_active
    logged_in.post(
        reverse("clients:consent_withdraw", args=[own_client.pk, consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    consent.refresh_from_db()
    assert not consent.is_active
    assert consent.withdrawn_by == alice
    # A new consent after withdrawal is a new row; the old one stays.
    logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {"purpose": Consent.Purpose.POLICE_SHARING, "given_on": timezone.localdate().isoformat()},
    )
    assert Consent.objects.filter(client=own_client).count() == 2
    assert Consent.objects.filter(client=own_client, withdrawn_at__isnull=True).count() == 1


def test_duplicate_active_consent_is_refused(logged_in, own_client, alice):
    ConsentFactory(client=own_client, purpose=Consent.Purpose.PROCESSING, recorded_by=alice)
    response = logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {"purpose": Consent.Purpose.PROCESSING, "given_on": timezone.localdate().isoformat()},
    )
    assert "Tento souhlas je již zaznamenán a nebyl odvolán." in response.content.decode()
    assert Consent.objects.count() == 1


def test_database_refuses_two_active_consents(own_client, alice):
    ConsentFactory(client=own_client, recorded_by=alice)
    with pytest.raises(IntegrityError):
        Consent.objects.create(
            client=own_client, purpose=Consent.Purpose.PROCESSING, given_on=timezone.localdate(), recorded_by=alice
        )


def test_future_consent_and_early_withdrawal_refused(logged_in, own_client, alice):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {"purpose": Consent.Purpose.PROCESSING, "given_on": tomorrow.isoformat()},
    )
    assert "Datum nemůže být v budoucnosti." in response.content.decode()
    consent = ConsentFactory(client=own_client, recorded_by=alice, given_on=timezone.localdate())
    with pytest.raises(services.ConsentError):
        services.consent_withdraw(
            consent=consent, withdrawn_on=timezone.localdate() - datetime.timedelta(days=1), withdrawn_by=alice
        )
    consent.refresh_from_db()
    assert consent.is_active


def test_client_search_by_name(logged_in, alice):
    ClientFactory(first_name="Jan", last_name="Horváth", organisation=alice.organisation, created_by=alice)
    ClientFactory(first_name="Eva", last_name="Novotná", organisation=alice.organisation, created_by=alice)
    body = logged_in.post(reverse("clients:list"), {"q": "horv"}).content.decode()
    assert "Horváth" in body and "Novotná" not in body


# -- consents given for a time ------------------------------------------------------------------


def _day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_a_consent_with_a_valid_until_stands_through_its_last_day_and_then_not(logged_in, alice, own_client):
    response = logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {
            "purpose": Consent.Purpose.POLICE_SHARING,
            "given_on": _day(-30).isoformat(),
            "valid_until": _day(0).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.valid_until == _day(0) and consent.is_active and not consent.is_expired
    assert list(Consent.objects.active(Consent.Purpose.POLICE_SHARING)) == [consent]
    # A day later it no longer stands, though nobody withdrew it.
    Consent.objects.filter(pk=consent.pk).update(valid_until=_day(-1))
    consent.refresh_from_db()
    assert consent.withdrawn_at is None and consent.is_expired and not consent.is_active
    assert not Consent.objects.active(Consent.Purpose.POLICE_SHARING).exists()
    assert list(Consent.objects.standing(_day(-1))) == [consent]  # as it stood yesterday
    page = logged_in.get(reverse("clients:detail", args=[own_client.pk])).content.decode()
    assert "Platný do" in page and "již neplatí" in page
    assert reverse("clients:consent_withdraw", args=[own_client.pk, consent.pk]) not in page
    # The client may give it again: a new record, the expired one stays in the history.
    response = logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {"purpose": Consent.Purpose.POLICE_SHARING, "given_on": _day(0).isoformat()},
    )
    assert response.status_code == 302
    assert Consent.objects.filter(client=own_client).count() == 2
    assert Consent.objects.active(Consent.Purpose.POLICE_SHARING).get().valid_until is None
    assert "do odvolání" in logged_in.get(reverse("clients:detail", args=[own_client.pk])).content.decode()


def test_a_standing_consent_with_a_valid_until_is_not_recorded_twice(logged_in, alice, own_client):
    ConsentFactory(client=own_client, recorded_by=alice, valid_until=_day(10))
    for valid_until in ("", _day(20).isoformat()):
        response = logged_in.post(
            reverse("clients:consent_add", args=[own_client.pk]),
            {"purpose": Consent.Purpose.PROCESSING, "given_on": _day(0).isoformat(), "valid_until": valid_until},
        )
        assert "Tento souhlas je již zaznamenán a nebyl odvolán." in response.content.decode()
    assert Consent.objects.count() == 1
    with pytest.raises(services.ConsentError):
        services.consent_record(
            client=own_client, purpose=Consent.Purpose.PROCESSING, given_on=_day(0), recorded_by=alice
        )


def test_a_valid_until_before_the_given_on_is_refused_in_czech(logged_in, alice, own_client):
    from django.core.exceptions import ValidationError
    from django.utils.formats import date_format

    given = _day(-3)
    response = logged_in.post(
        reverse("clients:consent_add", args=[own_client.pk]),
        {
            "purpose": Consent.Purpose.PROCESSING,
            "given_on": given.isoformat(),
            "valid_until": _day(-4).isoformat(),
        },
    )
    message = (
        f"Platnost souhlasu nemůže skončit dříve, než byl souhlas udělen ({date_format(given, 'SHORT_DATE_FORMAT')})."
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Consent.objects.exists()
    # The service refuses it too, whatever the route.
    with pytest.raises(ValidationError) as refused:
        services.consent_record(
            client=own_client,
            purpose=Consent.Purpose.PROCESSING,
            given_on=given,
            valid_until=_day(-4),
            recorded_by=alice,
        )
    assert refused.value.message_dict["valid_until"] == [message]
    assert not Consent.objects.exists()
    # And the database refuses it by any other route.
    with pytest.raises(IntegrityError):
        Consent.objects.create(
            client=own_client,
            purpose=Consent.Purpose.PROCESSING,
            given_on=given,
            valid_until=_day(-4),
            recorded_by=alice,
        )


def test_the_api_gives_the_valid_until_and_whether_a_consent_stands(alice, own_client):
    from rest_framework.test import APIClient

    ConsentFactory(client=own_client, recorded_by=alice, purpose=Consent.Purpose.POLICE_SHARING, valid_until=_day(-1))
    ConsentFactory(client=own_client, recorded_by=alice, purpose=Consent.Purpose.PROCESSING, valid_until=_day(5))
    api = APIClient()
    api.force_authenticate(alice)
    consents = api.get(reverse("api:client-detail", args=[own_client.pk])).json()["consents"]
    assert sorted((c["purpose"], c["valid_until"], c["is_active"]) for c in consents) == [
        ("police_sharing", _day(-1).isoformat(), False),
        ("processing", _day(5).isoformat(), True),
    ]
