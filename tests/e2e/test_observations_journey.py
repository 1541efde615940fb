"""A locality observation passed to the police, the officer's reply, the assistant reading it."""

import re

import pytest

from observations.models import Observation, PassedTo, PoliceReply
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_observation_passed_to_the_police_and_the_officers_reply(page, live_server, alice, police_officer):
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/observations/new/")
    assert "Nejmenujte žádnou osobu." in page.locator("#no-person-warning").inner_text()
    assert axe_violations(page) == []
    # Keyboard only: the date keeps today; type into each field and tab on.
    page.locator("#id_locality").focus()
    page.keyboard.type("Brno")  # the first locality of Brno, then down to the third
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Nezab")
    page.keyboard.press("Tab")
    page.keyboard.type("Za garážemi leží pneumatiky a stavební suť.")
    page.keyboard.press("Tab")
    page.keyboard.type("Policie")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Oznámeno mentorovi")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/observations/\d+/$", page.url), page.locator(".invalid-feedback").all_inner_texts()
    observation = Observation.objects.get()
    assert (observation.kind, observation.passed_to) == ("unsecured_building", PassedTo.POLICE)
    assert observation.locality.name == "Husovice"
    assert "Pozorování bylo uloženo." in page.content()

    page.context.clear_cookies()
    sign_in(page, live_server, police_officer, with_authenticator(police_officer))
    page.goto(f"{live_server.url}/observations/police/")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.locator("table tbody tr a").first.click()
    assert "Za garážemi leží pneumatiky" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.locator("#id_text").fill("Hlídka místo prověří ve čtvrtek, vlastníka pozemku vyzveme k úklidu.")
    with page.expect_navigation():
        page.get_by_role("button", name="Odeslat odpověď").click()
    assert PoliceReply.objects.get().author == police_officer
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "observation-police-reply-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.context.clear_cookies()
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/observations/{observation.pk}/")
    assert "Hlídka místo prověří ve čtvrtek" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    # Nothing wider than a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "observation-reply-phone")
    page.goto(f"{live_server.url}/observations/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "observation-list-phone")
    page.goto(f"{live_server.url}/observations/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "observation-form-phone")
