"""A contact at 02:30 on the night the clocks go back, in a real browser: the choice of the first or
the second occurrence appears as the time is typed (static/js/local-time.js), not for an
ordinary time nor for one that never happened (the server refuses that: tests/test_local_times.py),
and the second is saved as winter time. Screenshots at 1280 and 375 px."""

import datetime
import re

import pytest

from contacts.models import Contact
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_second_half_past_two_on_the_autumn_night(page, live_server, alice):
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/contacts/new/")
    when = page.locator("#id_occurred_at")
    choice = page.locator("#id_occurred_at_occurrence")
    assert not choice.is_visible()

    when.fill("2025-10-26T02:30")
    choice.wait_for(state="visible")
    assert choice.input_value() == "first"  # the default, which the help text names
    assert "platí první (letní čas)" in page.locator("#id_occurred_at_occurrence_help").inner_text()
    choice.select_option("second")
    assert axe_violations(page) == []
    screenshot(page, "local-time-ambiguous-1280")
    page.set_viewport_size({"width": 375, "height": 900})
    screenshot(page, "local-time-ambiguous-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    for ordinary_or_never in ("2025-10-26T04:30", "2026-03-29T02:30"):
        when.fill(ordinary_or_never)
        choice.wait_for(state="hidden")
    when.fill("2025-10-26T02:30")
    choice.wait_for(state="visible")

    page.locator("#id_authority").select_option(label="Policie ČR")
    page.locator("#id_activities-0-activity_type").select_option(label="Asistence / doprovod")
    page.locator("#id_anonymous_persons").fill("1")
    with page.expect_navigation():
        page.locator("form.contact-form button[type=submit]").first.click()
    assert re.search(r"/contacts/\d+/$", page.url), page.url
    assert Contact.objects.get().occurred_at == datetime.datetime(2025, 10, 26, 1, 30, tzinfo=datetime.UTC)
