"""An assistant records a group activity with two named clients and an anonymous head count,
keyboard only, and finds it in the list with the summary of who took part."""

import re

import pytest

from groupwork.models import GroupActivity
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory, GroupActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _pick(page, query: str, client) -> None:
    """Find a client by typing, then tick the result with Enter (which never submits the form)."""
    page.locator("#id_clients_search").focus()
    page.keyboard.type(query)
    result = page.locator(f"#pick_{client.pk}")
    result.wait_for()
    page.keyboard.press("Tab")  # from the search box to the first result
    assert page.evaluate("document.activeElement.id") == f"pick_{client.pk}"
    page.keyboard.press("Enter")
    page.locator(f".client-picker-chosen input[value='{client.pk}']").wait_for()
    page.locator("#id_clients_search").fill("")


def test_a_group_activity_with_named_and_anonymous_participants(page, live_server, alice):
    marie = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková")
    karel = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Karel", last_name="Holub")
    # Marie came to an earlier talk too: she is one person, with two attendances.
    GroupActivityFactory(author=alice, participants=[marie], topic="Beseda o šmejdech")
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Skupinové aktivity").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Zapsat skupinovou aktivitu").click()
    assert axe_violations(page) == []

    # Keyboard only: the topic first, the date keeps now, the type keeps 'Skupinová aktivita'.
    page.locator("#id_topic").focus()
    page.keyboard.type("Prevence lichvy – beseda")
    # Date and time: kept (Tab walks through its day, month, year, hour and minute parts).
    page.locator("#id_minutes").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("90")
    page.keyboard.press("Tab")  # activity type: kept
    page.keyboard.press("Tab")
    page.keyboard.type("Brno")  # the first locality of Brno
    _pick(page, "Dušk", marie)
    _pick(page, "Holub", karel)
    # The head count: the first box is women of 0–14; Tab walks the row, then the next row.
    page.locator("#id_anon_female_0_14").focus()
    for value in ["", "", "", "6", "2"]:  # women: 27–64 six, 65+ two
        if value:
            page.keyboard.type(value)
        page.keyboard.press("Tab")
    for value in ["", "3"]:  # men: 15–17 three
        if value:
            page.keyboard.type(value)
        page.keyboard.press("Tab")
    assert page.get_by_label("muž, 15–17 let").input_value() == "3"
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "group-activity-form")
    page.set_viewport_size({"width": 375, "height": 812})
    screenshot(page, "group-activity-form-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.locator("form.group-activity-form button[type=submit]").first.click()
    assert re.search(r"/group-activities/\d+/$", page.url), page.locator(".invalid-feedback").all_inner_texts()
    assert "Skupinová aktivita byla uložena." in page.content()
    activity = GroupActivity.objects.get(topic="Prevence lichvy – beseda")
    assert set(activity.participants.all()) == {marie, karel}
    assert activity.minutes == 90 and activity.locality is not None
    assert sorted(activity.anonymous_attendance.values_list("sex", "age_band", "count")) == [
        ("female", "27-64", 6),
        ("female", "65+", 2),
        ("male", "15-17", 3),
    ]
    assert axe_violations(page) == []
    screenshot(page, "group-activity-detail")

    with page.expect_navigation():
        page.get_by_role("link", name="Zpět na skupinové aktivity").click()
    main = page.locator("main")
    assert "Prevence lichvy – beseda" in main.inner_text()
    # Two activities; attendances: Marie twice, Karel once, 11 anonymous; distinct named persons: 2.
    assert page.locator('[data-summary="activities"]').inner_text() == "2"
    assert page.locator('[data-summary="attendances"]').inner_text() == "14"
    assert page.locator('[data-summary="persons"]').inner_text() == "2"
    assert page.locator('[data-summary="anonymous"]').inner_text() == "11"
    assert axe_violations(page) == []
    screenshot(page, "group-activity-list")
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "group-activity-list-phone")
