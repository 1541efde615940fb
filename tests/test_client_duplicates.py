"""A new client who resembles a client of the organisation: the form lists the candidates and
saves only once the user confirms that it is a different person."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from clients.models import Client
from clients.selectors import possible_duplicates
from tests.factories import ClientFactory


@pytest.fixture
def vesela(alice):
    return ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Veselá")


@pytest.fixture
def cikan(alice):
    return ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Čiko",
        birth_year=1990,
    )


def _pks(user, **fields):
    return {client.pk for client in possible_duplicates(user, **fields)}


def test_the_same_name_whatever_the_case_and_diacritics(alice, vesela):
    assert _pks(alice, first_name="marie", last_name="VESELA") == {vesela.pk}
    assert _pks(alice, first_name=" Marie ", last_name="Veselá") == {vesela.pk}
    assert _pks(alice, first_name="Marie", last_name="Veselý") == set()
    assert _pks(alice, first_name="MÁRIE", last_name="vEsElÁ") == {vesela.pk}
    assert _pks(alice, first_name="Mária", last_name="Veselá") == set()  # another name
    assert _pks(alice, first_name="", last_name="Veselá") == set()  # a surname alone is not a person


def test_the_same_nickname_and_year_of_birth(alice, cikan):
    assert _pks(alice, nickname="ciko", birth_year=1990) == {cikan.pk}
    assert _pks(alice, nickname="ciko", birth_year=1991) == set()
    assert _pks(alice, nickname="ciko") == set()


def test_only_the_own_organisation(oscar, vesela, cikan):
    assert _pks(oscar, first_name="Marie", last_name="Vesela") == set()
    assert _pks(oscar, nickname="Čiko", birth_year=1990) == set()


FORM = {"identity": "named", "first_name": "marie", "last_name": "Vesela", "sex": "female"}


def test_the_form_shows_the_candidates_and_saves_nothing(client, alice, vesela):
    client.force_login(alice)
    before = AuditEvent.objects.count()
    response = client.post(reverse("clients:create"), FORM)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tato osoba už možná spis má" in body
    assert reverse("clients:detail", args=[vesela.pk]) in body
    assert "Jde o jinou osobu" in body
    assert Client.objects.count() == 1
    # The candidates shown are a read of person data: one list event naming them.
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-pk")[0]
    assert (event.action, event.object_ids) == (AuditAction.LIST, [vesela.pk])


def test_confirming_a_different_person_saves(client, alice, vesela):
    client.force_login(alice)
    response = client.post(reverse("clients:create"), {**FORM, "different_person": "on"})
    assert response.status_code == 302
    assert Client.objects.filter(last_name="Vesela").count() == 1


def test_a_person_unlike_anyone_saves_at_once(client, alice, vesela):
    client.force_login(alice)
    response = client.post(reverse("clients:create"), {**FORM, "last_name": "Dudová"})
    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_a_client_of_another_organisation_is_no_candidate(client, oscar, vesela):
    client.force_login(oscar)
    response = client.post(reverse("clients:create"), FORM)
    assert response.status_code == 302


def test_a_pseudonym_like_another_is_shown(client, alice, cikan):
    client.force_login(alice)
    data = {"identity": "pseudonym", "nickname": "CIKO", "birth_year": "1990"}
    response = client.post(reverse("clients:create"), data)
    assert response.status_code == 200
    assert reverse("clients:detail", args=[cikan.pk]) in response.content.decode()


def test_a_double_click_after_saving_goes_to_the_saved_file(client, alice):
    client.force_login(alice)
    data = {**FORM, "submission_key": "k" * 20}
    first = client.post(reverse("clients:create"), data)
    second = client.post(reverse("clients:create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Client.objects.count() == 1
