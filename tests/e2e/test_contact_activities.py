"""A record of work with two activities, entered with the keyboard only (no mouse click)."""

import re

import pytest

from contacts.models import Activity, Contact
from tests.e2e.conftest import screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_assistant_records_two_activities_with_the_keyboard_only(page, live_server, alice, width):
    page.set_viewport_size({"width": width, "height": 900})
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková")
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/contacts/new/")
    # The first activity: its type, then its minutes (the duration follows).
    page.locator("#id_duration_minutes").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_activities-0-activity_type"
    page.keyboard.type("Asistence")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("40")
    # One key adds the second activity and puts the focus on its type.
    page.keyboard.press("Alt+KeyA")
    assert page.evaluate("document.activeElement.id") == "id_activities-1-activity_type"
    page.keyboard.type("Jednání")
    page.keyboard.press("Tab")
    page.keyboard.type("15")
    page.keyboard.press("Tab")
    page.keyboard.type("Práce v")  # work on the client's behalf
    assert page.locator("#id_duration_minutes").input_value() == "55"
    # A third row added by mistake is removed again with the keyboard.
    page.keyboard.press("Alt+KeyA")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-remove-activity')")
    page.keyboard.press("Enter")
    assert page.locator("[data-activity-rows] [data-activity-row]").count() == 2
    assert page.evaluate("document.activeElement.id") == "id_activities-1-activity_type"
    assert page.locator("#id_activities-TOTAL_FORMS").input_value() == "2"
    # The authority, then the client from the picker (Enter there never saves).
    page.locator("#id_authority").focus()
    page.keyboard.type("Policie")
    page.keyboard.press("Tab")
    page.keyboard.type("Dušk")
    page.locator(f"#pick_{client.pk}").wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert Contact.objects.count() == 0
    assert page.locator(f".client-picker-chosen input[value='{client.pk}']").is_checked()
    screenshot(page, f"contact-two-activities-{width}")
    page.locator("#id_outcome").focus()
    page.keyboard.type("Doprovod na výslech, pak jednání na úřadu")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/contacts/\d+/$", page.url), page.locator("form.contact-form").inner_text()
    contact = Contact.objects.get()
    assert contact.duration_minutes == 55
    assert [(a.activity_type.name, a.minutes, a.work) for a in contact.activities.order_by("id")] == [
        ("Asistence / doprovod", 40, Activity.Work.DIRECT),
        ("Jednání v zájmu klienta", 15, Activity.Work.ON_BEHALF),
    ]
    assert list(contact.clients.all()) == [client]
    assert "Jednání v zájmu klienta" in page.content()
    screenshot(page, f"contact-two-activities-saved-{width}")
