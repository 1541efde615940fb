"""A hearing on a phone, keyboard only: added from the case page at 375 px, shown there and on the
start page; the case page, the edit form and the confirmation pass axe and do not scroll sideways."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Hearing
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.e2e.test_phone import OVERFLOW_SCRIPT, PHONE
from tests.factories import CaseFactory, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_hearing_added_on_a_phone_by_keyboard(page, live_server, alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Eva", last_name="Bílá")
    case = CaseFactory(client=client, assistant=alice, title="Vydírání – Bílá")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_text("Přidat jednání").focus()
    page.keyboard.press("Enter")  # unfolds the form
    page.locator("#id_kind").select_option("court_main_hearing")
    day = timezone.localdate() + datetime.timedelta(days=3)
    # The browser's own date and time picker: its value is set as it would be by picking.
    page.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T10:15")
    page.locator("#id_place").focus()
    page.keyboard.type("Okresní soud Brno-venkov, Polní 39")
    page.keyboard.press("Tab")  # the box "accompanies", ticked already
    page.keyboard.press("Tab")
    page.keyboard.type("Vzít předvolání")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    hearing = Hearing.objects.get()
    assert timezone.localtime(hearing.starts_at).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(10, 15)
    )
    assert "Hlavní líčení u soudu" in page.content()
    problems = {}
    for path in (
        f"/cases/{case.pk}/",
        f"/cases/hearings/{hearing.pk}/edit/",
        f"/cases/hearings/{hearing.pk}/delete/",
        "/",
    ):
        page.goto(f"{live_server.url}{path}")
        found = axe_violations(page) + page.evaluate(OVERFLOW_SCRIPT)
        if found:
            problems[path] = found
    screenshot(page, "hearings-start-page-phone")
    assert "Jednání v příštích 14 dnech" in page.content()
    assert not problems, problems
