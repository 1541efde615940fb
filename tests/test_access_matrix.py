"""Every role against every client and contact URL: own scope 200, another organisation 404,
roles without client work 403 (for an existing and a missing id alike, so nothing leaks)."""

import pytest
from django.urls import reverse

CLIENT_WORK_ROLES = ["alice", "carol"]
NO_CLIENT_WORK_ROLES = ["police_officer", "ministry_analyst", "administrator"]

LIST_URLS = ["clients:list", "clients:create", "contacts:list", "contacts:create"]
CLIENT_DETAIL_URLS = ["clients:detail", "clients:edit", "clients:consent_add"]
CONTACT_DETAIL_URLS = ["contacts:detail", "contacts:edit"]


@pytest.fixture
def records(own_contact, foreign_contact):
    return {
        "own_client": own_contact.clients.get(),
        "foreign_client": foreign_contact.clients.get(),
        "own_contact": own_contact,
        "foreign_contact": foreign_contact,
    }


def _login(client, request, fixture_name):
    user = request.getfixturevalue(fixture_name)
    client.force_login(user)
    return user


@pytest.mark.parametrize("who", CLIENT_WORK_ROLES)
@pytest.mark.parametrize("name", LIST_URLS)
def test_lists_open_for_client_work(client, request, records, who, name):
    _login(client, request, who)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("who", CLIENT_WORK_ROLES)
@pytest.mark.parametrize("name", CLIENT_DETAIL_URLS)
def test_client_pages_own_200_foreign_404(client, request, records, who, name):
    _login(client, request, who)
    assert client.get(reverse(name, args=[records["own_client"].pk])).status_code == 200
    assert client.get(reverse(name, args=[records["foreign_client"].pk])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("who", CLIENT_WORK_ROLES)
@pytest.mark.parametrize("name", CONTACT_DETAIL_URLS)
def test_contact_pages_own_200_foreign_404(client, request, records, who, name):
    _login(client, request, who)
    assert client.get(reverse(name, args=[records["own_contact"].pk])).status_code == 200
    assert client.get(reverse(name, args=[records["foreign_contact"].pk])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_consent_withdraw_foreign_is_404(client, alice, oscar, records):
    from tests.factories import ConsentFactory

    foreign_consent = ConsentFactory(client=records["foreign_client"], recorded_by=oscar)
    client.force_login(alice)
    url = reverse("clients:consent_withdraw", args=[records["foreign_client"].pk, foreign_consent.pk])
    assert client.get(url).status_code == 404
    # Nor through the own client's URL with a foreign consent id.
    url = reverse("clients:consent_withdraw", args=[records["own_client"].pk, foreign_consent.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", NO_CLIENT_WORK_ROLES)
def test_other_roles_get_403_and_see_nothing(client, request, records, who):
    _login(client, request, who)
    for name in LIST_URLS:
        assert client.get(reverse(name)).status_code == 403, name
    for name in CLIENT_DETAIL_URLS:
        assert client.get(reverse(name, args=[records["own_client"].pk])).status_code == 403, name
        assert client.get(reverse(name, args=[999999])).status_code == 403, name
    for name in CONTACT_DETAIL_URLS:
        assert client.get(reverse(name, args=[records["own_contact"].pk])).status_code == 403, name


def test_colleague_may_read_but_not_edit_anothers_contact(client, bob, own_contact):
    client.force_login(bob)
    assert client.get(reverse("contacts:detail", args=[own_contact.pk])).status_code == 200
    assert client.get(reverse("contacts:edit", args=[own_contact.pk])).status_code == 403


def test_coordinator_may_edit_any_contact_of_the_organisation(client, carol, own_contact):
    client.force_login(carol)
    assert client.get(reverse("contacts:edit", args=[own_contact.pk])).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, records):
    response = client.get(reverse("clients:detail", args=[records["own_client"].pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_lists_show_only_own_organisation(client, alice, records):
    client.force_login(alice)
    body = client.get(reverse("clients:list")).content.decode()
    assert records["own_client"].last_name in body
    assert records["foreign_client"].last_name not in body
    body = client.get(reverse("contacts:list")).content.decode()
    assert reverse("contacts:detail", args=[records["own_contact"].pk]) in body
    assert reverse("contacts:detail", args=[records["foreign_contact"].pk]) not in body


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
