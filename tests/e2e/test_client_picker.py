"""The client picker of the quick entry in a real browser: Enter picks a client, never saves."""

import re

import pytest

from contacts.models import Contact
from tests.e2e.conftest import screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enter_on_a_found_client_picks_it_and_saves_nothing(page, live_server, alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková")
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/contacts/new/")
    page.locator("#id_authority").select_option(label="Policie ČR")
    page.locator("#id_activities-0-activity_type").select_option(label="Asistence / doprovod")
    page.locator("#id_clients_search").fill("Dušk")
    result = page.locator(f"#pick_{client.pk}")
    result.wait_for()
    result.focus()
    page.keyboard.press("Enter")
    # Had the Enter submitted the form, the page would be gone by now; the picker answers at once.
    page.wait_for_timeout(500)
    assert page.url == f"{live_server.url}/contacts/new/"
    assert Contact.objects.count() == 0
    assert page.locator(f".client-picker-chosen input[value='{client.pk}']").is_checked()
    # Enter in the search box itself does nothing either.
    page.locator("#id_clients_search").press("Enter")
    page.wait_for_timeout(300)
    assert Contact.objects.count() == 0
    screenshot(page, "client-picker-enter")
    with page.expect_navigation():
        page.locator("form.contact-form button[type=submit]").first.click()
    assert re.search(r"/contacts/\d+/$", page.url), page.url
    assert list(Contact.objects.get().clients.all()) == [client]
