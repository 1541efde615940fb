"""An assistant signs in and the start page says what needs doing: an overdue follow-up with the
client's name, and its count in the menu, also on other pages and on a phone-sized screen."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_overdue_follow_up_with_the_clients_name_and_the_count_in_the_menu(page, live_server, alice):
    marie = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková")
    contact = ContactFactory(assistant=alice, clients=[marie], occurred_at=timezone.now() - datetime.timedelta(days=9))
    contact.follow_up_on = timezone.localdate() - datetime.timedelta(days=2)
    contact.save(update_fields=["follow_up_on"])

    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/")
    section = page.locator("#attention")
    assert "Vyžaduje pozornost" in section.locator("h2").inner_text()
    follow_ups = section.get_by_role("region", name=re.compile("Další kroky: po termínu"))
    assert "Marie Dušková" in follow_ups.inner_text() and "Po termínu" in follow_ups.inner_text()
    menu = page.locator("#nav-attention")
    assert re.fullmatch(r"Vyžaduje pozornost\s+1", menu.inner_text().strip())
    assert axe_violations(page) == []
    screenshot(page, "attention-start-page")

    # The name leads to the contact, keyboard only.
    follow_ups.get_by_role("link", name="Marie Dušková").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/contacts/{contact.pk}/")
    assert page.locator("#attention-count").inner_text().startswith("1")

    # With nothing counted yet, the menu asks for the number after the page has loaded.
    cache.clear()
    page.goto(f"{live_server.url}/cases/")
    page.locator("span#attention-count[data-attention-count='1']").wait_for()

    # A phone-sized screen: the menu folds away and still shows the count when opened.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator(".navbar-toggler").click()
    page.locator("#nav-attention").wait_for(state="visible")
    assert "1" in page.locator("#nav-attention").inner_text()
    screenshot(page, "attention-start-page-375")


def test_the_calendar_address_is_made_on_the_settings_page(page, live_server, alice):
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Upozornění a kalendář").click()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Vytvořit adresu kalendáře").click()
    feed_url = page.locator("#feed-url").input_value()
    assert feed_url.startswith(f"{live_server.url}/attention/calendar/") and feed_url.endswith(".ics")
    assert axe_violations(page) == []
    screenshot(page, "attention-settings")
    # The address answers with the calendar (without a session: tests/test_attention_calendar.py), once shown.
    response = page.context.request.get(feed_url)
    assert response.status == 200 and response.text().startswith("BEGIN:VCALENDAR\r\n")
    page.reload()
    assert page.locator("#feed-url").count() == 0
