"""Scoping beyond the access table (tests/test_url_access.py, every URL x role: own scope,
another organisation's record, a missing one): within an organisation a colleague may read but
not edit a contact, and lists and the client picker show only the own organisation's records."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory


@pytest.fixture
def records(own_contact, foreign_contact):
    return {
        "own_client": own_contact.clients.get(),
        "foreign_client": foreign_contact.clients.get(),
        "own_contact": own_contact,
        "foreign_contact": foreign_contact,
    }


def test_colleague_may_read_but_not_edit_anothers_contact(client, bob, own_contact):
    client.force_login(bob)
    assert client.get(reverse("contacts:detail", args=[own_contact.pk])).status_code == 200
    assert client.get(reverse("contacts:edit", args=[own_contact.pk])).status_code == 403


def test_lists_show_only_own_organisation(client, alice, records):
    client.force_login(alice)
    body = client.get(reverse("clients:list")).content.decode()
    assert records["own_client"].last_name in body
    assert records["foreign_client"].last_name not in body
    body = client.get(reverse("contacts:list")).content.decode()
    assert reverse("contacts:detail", args=[records["own_contact"].pk]) in body
    assert reverse("contacts:detail", args=[records["foreign_contact"].pk]) not in body


def test_case_list_shows_only_own_organisation(client, alice, own_client, foreign_client):
    own, foreign = CaseFactory(client=own_client, assistant=alice), CaseFactory(client=foreign_client)
    client.force_login(alice)
    body = client.get(reverse("cases:list")).content.decode()
    assert reverse("cases:detail", args=[own.pk]) in body
    assert reverse("cases:detail", args=[foreign.pk]) not in body


def test_client_picker_finds_only_own_clients(client, alice, records):
    client.force_login(alice)
    own, foreign = records["own_client"], records["foreign_client"]
    body = client.post(reverse("clients:pick"), {"q": own.last_name}).content.decode()
    assert f'value="{own.pk}"' in body
    body = client.post(reverse("clients:pick"), {"q": foreign.last_name}).content.decode()
    assert f'value="{foreign.pk}"' not in body


def test_unknown_url_is_404_in_layout(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Liaison" in response.content
