"""Two files of one person in a real browser: the new-client form warns of the existing one, and
a coordinator merges two files and finds every contact on the kept one."""

import re

import pytest

from clients.models import Client
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_new_client_form_shows_the_person_already_recorded(page, live_server, alice):
    existing = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Veselá")
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/clients/new/")
    page.locator("#id_first_name").fill("marie")
    page.locator("#id_last_name").fill("Vesela")
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    warning = page.locator("#duplicates")
    assert warning.is_visible()
    assert "Tato osoba už možná spis má" in warning.inner_text()
    assert warning.get_by_role("link", name="Marie Veselá").get_attribute("href") == f"/clients/{existing.pk}/"
    assert Client.objects.count() == 1
    assert axe_violations(page) == []
    screenshot(page, "client-duplicate-warning")
    # It is somebody else after all: ticked, the new file is saved.
    page.get_by_label("Jde o jinou osobu: nový spis přesto uložit").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    assert re.search(r"/clients/\d+/$", page.url), page.url
    assert Client.objects.count() == 2


def test_a_coordinator_merges_two_files_and_sees_every_contact_on_the_kept_one(page, live_server, alice, carol):
    org = alice.organisation
    kept = ClientFactory(organisation=org, created_by=alice, first_name="Ilona", last_name="Dudová")
    other = ClientFactory(organisation=org, created_by=alice, first_name="Ilona", last_name="Dudova")
    ContactFactory(assistant=alice, clients=[kept], outcome="Doprovod na úřad práce")
    ContactFactory(assistant=alice, clients=[other], outcome="Podání trestního oznámení")
    ContactFactory(assistant=alice, clients=[other], outcome="Jednání s exekutorem")
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/clients/{kept.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Sloučit s…").click()
    page.get_by_label("Jméno nebo přezdívka druhého klienta").fill("dudova")
    with page.expect_navigation():
        page.get_by_label("Jméno nebo přezdívka druhého klienta").press("Enter")
    with page.expect_navigation():
        page.get_by_role("link", name="Porovnat: Ilona Dudova").click()
    table = page.locator("table")
    contacts_row = table.locator("tr", has_text="Kontakty")
    assert contacts_row.locator("td").all_inner_texts() == ["1", "2"]
    assert axe_violations(page) == []
    screenshot(page, "client-merge-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Sloučit a odstranit spis Ilona Dudova").click()
    assert page.url == f"{live_server.url}/clients/{kept.pk}/"
    assert "Spisy byly sloučeny" in page.locator("main").inner_text()
    # The kept file's page lists all three contacts, each naming only the kept client.
    rows = page.locator("section[aria-labelledby=contacts-heading] tbody tr")
    assert rows.count() == 3
    assert set(rows.locator("td:nth-child(4)").all_inner_texts()) == {"Ilona Dudová"}
    assert kept.contacts.count() == 3
    assert not Client.objects.filter(pk=other.pk).exists()
    screenshot(page, "client-merge-done")
