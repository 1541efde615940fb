"""Reporting deadlines on a phone, keyboard only: the coordinator adds one at 375 px, marks one
submitted (the next is added), and the list, the forms and the start page's reminder pass axe and
do not scroll sideways."""

import datetime

import pytest
from django.utils import timezone

from programmes import deadlines
from programmes.models import ReportingDeadline
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator
from tests.e2e.test_phone import OVERFLOW_SCRIPT, PHONE
from tests.programme_helpers import programme_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reporting_deadline_added_and_submitted_on_a_phone_by_keyboard(page, live_server, alice, carol):
    own = programme_of(alice, "own")
    ReportingDeadline.objects.all().delete()
    today = timezone.localdate()
    overdue = deadlines.deadline_create(
        organisation=carol.organisation,
        service=own["own_service"],
        name="Roční výkaz služby pro MPSV",
        due_on=today - datetime.timedelta(days=2),
        repeat=ReportingDeadline.Repeat.YEAR,
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/programme/deadlines/new/")
    page.locator("#id_name").focus()
    page.keyboard.type("Průběžná zpráva o realizaci (OPZ+)")
    page.locator("#id_project").select_option(str(own["own_project"].pk))
    page.locator("#id_due_on").fill(f"{today + datetime.timedelta(days=5):%Y-%m-%d}")
    page.locator("#id_repeat").select_option("half_year")
    page.locator("#id_period_start").fill(f"{today - datetime.timedelta(days=180):%Y-%m-%d}")
    page.locator("#id_period_end").fill(f"{today - datetime.timedelta(days=1):%Y-%m-%d}")
    page.locator("#id_period_end").focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    added = ReportingDeadline.objects.get(name="Průběžná zpráva o realizaci (OPZ+)")
    assert added.repeat == ReportingDeadline.Repeat.HALF_YEAR
    page.locator(f"#deadline-{overdue.pk} button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    overdue.refresh_from_db()
    assert overdue.submitted_by == carol
    assert "další se odevzdává" in page.content()
    problems = {}
    for path in (
        "/programme/deadlines/",
        "/programme/deadlines/new/",
        f"/programme/deadlines/{added.pk}/edit/",
        "/",
    ):
        page.goto(f"{live_server.url}{path}")
        found = axe_violations(page) + page.evaluate(OVERFLOW_SCRIPT)
        if found:
            problems[path] = found
    screenshot(page, "deadlines-start-page-phone")
    assert "Zprávy pro donory" in page.content()
    assert not problems, problems
