"""Two people editing the same record: the second save is refused with what changed, never a
silent overwrite (common/versioning.py)."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from tests.factories import CaseFactory
from tests.test_cases_pages import _case_data


@pytest.fixture
def case(alice, own_client):
    return CaseFactory(client=own_client, assistant=alice, title="Lichva – půjčka")


def _version_in(page: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, "the edit form carries the version it shows"
    return match.group(1)


def test_the_second_of_two_edits_is_refused_showing_what_changed(client, alice, carol, case):
    client.force_login(alice)
    alices_version = _version_in(client.get(reverse("cases:edit", args=[case.pk])).content.decode())

    client.force_login(carol)
    carols = client.post(
        reverse("cases:edit", args=[case.pk]), _case_data(alice, title="Vydírání", version=alices_version)
    )
    assert carols.status_code == 302

    client.force_login(alice)
    refused = client.post(
        reverse("cases:edit", args=[case.pk]), _case_data(alice, title="Lichva – směnka", version=alices_version)
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Mezitím tento záznam uložil někdo jiný" in page
    assert "Název: uloženo „Vydírání“, vaše „Lichva – směnka“" in page
    assert Case.objects.get(pk=case.pk).title == "Vydírání"  # nothing overwritten

    # The form now carries the stored version: saving again replaces it, knowingly.
    again = client.post(
        reverse("cases:edit", args=[case.pk]),
        _case_data(alice, title="Lichva – směnka", version=_version_in(page)),
    )
    assert again.status_code == 302
    assert Case.objects.get(pk=case.pk).title == "Lichva – směnka"


def test_each_save_moves_the_version_on(client, alice, case):
    client.force_login(alice)
    for title in ("První", "Druhá"):
        version = _version_in(client.get(reverse("cases:edit", args=[case.pk])).content.decode())
        assert (
            client.post(
                reverse("cases:edit", args=[case.pk]), _case_data(alice, title=title, version=version)
            ).status_code
            == 302
        )
    assert Case.objects.get(pk=case.pk).version == 3


def _client_form(page: str) -> dict:
    from drills.web import form_values

    return form_values(page)


def test_two_people_editing_one_client_file_the_second_is_told_not_overwritten(client, alice, carol, own_client):
    url = reverse("clients:edit", args=[own_client.pk])
    client.force_login(alice)
    alices = _client_form(client.get(url).content.decode())
    client.force_login(carol)
    carols = _client_form(client.get(url).content.decode())
    assert alices["version"] == carols["version"]
    assert client.post(url, {**carols, "phone": "777 111 222", "note": "Nová poznámka"}).status_code == 302

    client.force_login(alice)
    refused = client.post(url, {**alices, "phone": "608 000 000"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "Mezitím tento záznam uložil někdo jiný" in page
    assert "Telefon: uloženo „777 111 222“, vaše „608 000 000“" in page
    assert "Poznámka: změněno" in page  # an encrypted note is named, never quoted
    own_client.refresh_from_db()
    assert own_client.phone == "777 111 222" and own_client.note == "Nová poznámka"


def test_two_people_editing_one_contact_the_second_is_told_not_overwritten(client, alice, carol, own_client):
    from tests.factories import ContactFactory

    contact = ContactFactory(assistant=alice, clients=[own_client], outcome="Doprovod na policii")
    url = reverse("contacts:edit", args=[contact.pk])
    client.force_login(alice)
    alices = _client_form(client.get(url).content.decode())
    client.force_login(carol)
    carols = _client_form(client.get(url).content.decode())
    assert alices["version"] == carols["version"] == "1"
    saved = client.post(url, {**carols, "outcome": "Podáno trestní oznámení"})
    assert saved.status_code == 302, saved.content.decode()[:3000]

    client.force_login(alice)
    refused = client.post(url, {**alices, "outcome": "Klientka si to rozmyslí"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "Mezitím tento záznam uložil někdo jiný" in page
    assert "Výsledek: uloženo „Podáno trestní oznámení“, vaše „Klientka si to rozmyslí“" in page
    contact.refresh_from_db()
    assert contact.outcome == "Podáno trestní oznámení" and contact.version == 2
