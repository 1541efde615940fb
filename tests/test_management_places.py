"""Municipalities and their socially excluded localities in the management area: an
administrator adds and renames them without the Django admin; a place that records, services or
assistants name is never deleted; nobody else reaches the list."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Locality, Municipality, Region
from accounts.roles import Role
from audit.models import AuditAction, AuditEvent
from tests.factories import AssistantProfileFactory, ContactFactory, UserFactory, a_locality


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


def _signed_in(user) -> Client:
    client = Client(headers={"accept-language": "cs"})
    client.force_login(user)
    return client


def test_an_administrator_adds_a_municipality_and_its_locality_then_renames_it(administrator):
    client = _signed_in(administrator)
    region = Region.objects.get(code="CZ080")  # Moravskoslezský kraj
    response = client.post(reverse("management:municipality_create"), {"region": region.pk, "name": " Bruntál "})
    assert response.status_code == 302, response.content.decode()[:3000]
    town = Municipality.objects.get(name="Bruntál")
    assert town.region == region

    response = client.post(reverse("management:locality_create"), {"municipality": town.pk, "name": "Květná"})
    assert response.status_code == 302
    place = Locality.objects.get(municipality=town)
    assert place.name == "Květná"
    page = client.get(reverse("management:place_list"), {"region": region.pk}).content.decode()
    assert "Bruntál" in page and "Květná" in page and "Obce a lokality" in page

    response = client.post(
        reverse("management:locality_edit", args=[place.pk]), {"municipality": town.pk, "name": "Květná – sídliště"}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "Květná – sídliště"
    events = AuditEvent.objects.filter(action=AuditAction.REFERENCE_CHANGED, actor=administrator)
    assert events.count() == 3
    # Offered at once where the assistants choose a locality.
    assert place in Locality.objects.filter(municipality__region=region)


def test_a_name_twice_in_one_place_is_refused_in_czech(administrator):
    client = _signed_in(administrator)
    place = a_locality()
    response = client.post(
        reverse("management:locality_create"), {"municipality": place.municipality_id, "name": place.name.upper()}
    )
    assert response.status_code == 400
    assert "Obec už má lokalitu tohoto názvu." in response.content.decode()
    response = client.post(
        reverse("management:municipality_create"),
        {"region": place.municipality.region_id, "name": place.municipality.name},
    )
    assert response.status_code == 400
    assert "Kraj už má obec tohoto názvu." in response.content.decode()
    response = client.post(reverse("management:locality_create"), {"municipality": "", "name": ""})
    assert response.status_code == 400
    assert Locality.objects.filter(name="").count() == 0


def test_a_place_something_names_is_not_deleted(administrator, alice):
    client = _signed_in(administrator)
    used = a_locality()
    ContactFactory(organisation=alice.organisation, assistant=alice, locality=used)
    response = client.post(reverse("management:locality_delete", args=[used.pk]), follow=True)
    assert "uvádějí záznamy, služby, asistenti nebo organizace" in response.content.decode()
    assert Locality.objects.filter(pk=used.pk).exists()
    # A municipality with localities is not deleted either.
    client.post(reverse("management:municipality_delete", args=[used.municipality_id]))
    assert Municipality.objects.filter(pk=used.municipality_id).exists()

    served = Locality.objects.create(municipality=used.municipality, name="Obsluhovaná asistentkou")
    AssistantProfileFactory(user=alice).localities.add(served)
    client.post(reverse("management:locality_delete", args=[served.pk]))
    assert Locality.objects.filter(pk=served.pk).exists()

    unused = Locality.objects.create(municipality=used.municipality, name="Omylem přidaná")
    response = client.post(reverse("management:locality_delete", args=[unused.pk]), follow=True)
    assert "Smazáno:" in response.content.decode()
    assert not Locality.objects.filter(pk=unused.pk).exists()
    empty = Municipality.objects.create(region=used.municipality.region, name="Prázdná obec")
    client.post(reverse("management:municipality_delete", args=[empty.pk]))
    assert not Municipality.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ASSISTANT, Role.POLICE, Role.MINISTRY])
def test_only_an_administrator_keeps_the_places(role, drom):
    client = _signed_in(UserFactory(organisation=drom, role=role))
    place = a_locality()
    assert client.get(reverse("management:place_list")).status_code == 403
    response = client.post(reverse("management:locality_edit", args=[place.pk]), {"name": "Jinak"})
    assert response.status_code == 403
    place.refresh_from_db()
    assert place.name != "Jinak"


def test_the_list_shows_a_region_at_a_time_in_few_queries(administrator, django_assert_max_num_queries):
    client = _signed_in(administrator)
    region = a_locality().municipality.region
    with django_assert_max_num_queries(12):
        page = client.get(reverse("management:place_list"), {"region": region.pk}).content.decode()
    towns = Municipality.objects.filter(region=region)
    assert all(town.name in page for town in towns)
    elsewhere = Municipality.objects.exclude(region=region).first()
    assert elsewhere is not None and f'id="municipality-{elsewhere.pk}"' not in page
