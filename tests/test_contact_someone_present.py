"""A contact is work with somebody: one naming no client, no case and no anonymous person is
refused (what a stray Enter in the quick entry used to save), on the page and in the API,
unless all its activities are work without a client (monitoring a locality, a case conference)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from contacts import services
from contacts.models import Authority, Contact
from tests.factories import CaseFactory, activity_rows, activity_type_of

MESSAGE_CS = (
    "Vyberte alespoň jednoho klienta nebo případ, nebo zadejte počet přítomných anonymních osob. "
    "Bez přítomných osob lze zaznamenat jen práci bez klienta (např. monitoring lokality nebo případovou konferenci)."
)


def _drom():
    from accounts.models import Organisation

    return Organisation.objects.get(name="DROM, romské středisko")


def _fields(**overrides):
    fields = {
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "duration_minutes": 30,
        "authority": Authority.objects.get(name="Policie ČR"),
        "activities": [services.ActivityInput(activity_type=activity_type_of(_drom()), minutes=30)],
    }
    fields.update(overrides)
    return fields


def test_service_refuses_a_contact_with_nobody(alice):
    with translation.override("cs"), pytest.raises(ValidationError) as raised:
        services.contact_create(by=alice, **_fields(outcome="Podáno trestní oznámení"))
    assert raised.value.message_dict == {"clients": [MESSAGE_CS]}
    assert Contact.objects.count() == 0


def test_service_keeps_anonymous_client_and_case_contacts(alice, own_client):
    services.contact_create(by=alice, **_fields(anonymous_persons=2))
    services.contact_create(by=alice, **_fields(clients=[own_client]))
    services.contact_create(by=alice, **_fields(case=CaseFactory(client=own_client)))
    assert Contact.objects.count() == 3


def test_update_cannot_empty_a_contact(alice, own_contact):
    with pytest.raises(ValidationError):
        services.contact_update(
            by=alice,
            contact=own_contact,
            **_fields(clients=[], anonymous_persons=0, locality=None, topics=[], outcome="", follow_up_on=None),
            service=None,
            project=None,
            note="",
            case=None,
        )
    assert own_contact.clients.exists()


def test_page_refuses_an_empty_contact_in_czech(client, alice):
    client.force_login(alice)
    data = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "authority": str(Authority.objects.get(name="Policie ČR").pk),
        "anonymous_persons": "0",
        **activity_rows((activity_type_of(_drom()), 30)),
    }
    response = client.post(reverse("contacts:create"), data, HTTP_ACCEPT_LANGUAGE="cs")
    assert response.status_code == 200
    assert MESSAGE_CS in response.content.decode()
    assert Contact.objects.count() == 0
    response = client.post(reverse("contacts:create"), {**data, "anonymous_persons": "1"})
    assert response.status_code == 302
    assert Contact.objects.get().anonymous_persons == 1


def test_api_refuses_an_empty_contact(alice):
    api = APIClient()
    api.force_authenticate(alice)
    payload = {
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "duration_minutes": 30,
        "authority": Authority.objects.get(name="Policie ČR").pk,
        "activities": [{"activity_type": activity_type_of(_drom(), "mediation").pk, "minutes": 30}],
        "anonymous_persons": 0,
    }
    response = api.post("/api/v1/contacts/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["clients"] == [MESSAGE_CS]
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("category", ["monitoring", "case_conference"])
def test_work_without_a_client_is_kept_with_nobody_present(alice, category):
    without = services.ActivityInput(activity_type=activity_type_of(_drom(), category), minutes=30)
    contact = services.contact_create(by=alice, **_fields(activities=[without], authority=None))
    assert contact.activities.get().activity_type.without_client
    # Beside other work, somebody must be present again.
    other = services.ActivityInput(activity_type=activity_type_of(_drom()), minutes=10)
    with pytest.raises(ValidationError):
        services.contact_create(by=alice, **_fields(activities=[without, other], duration_minutes=40))
    assert Contact.objects.count() == 1
