"""Drafts in a real browser: what an assistant types into the contact form survives the end of
the session and a new sign-in, and goes when the form is saved; the warning before the
inactivity sign-out keeps the session on request, or keeps the draft and signs out."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from common.models import Draft
from contacts.models import Contact
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOTE = "Doprovod na policii kvůli lichvě, klientka se bojí"


def _sign_in_again(page, live_server, user, device) -> None:
    # The authenticator's code of this half-minute was used by the first sign-in.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    sign_in(page, live_server, user, device)


def _fill_contact(page) -> None:
    page.select_option("#id_activities-0-activity_type", label="Asistence / doprovod")
    page.fill("#id_activities-0-minutes", "40")
    page.select_option("#id_authority", label="Policie ČR")
    page.fill("#id_anonymous_persons", "1")
    page.fill("#id_outcome", NOTE)


def test_a_draft_survives_the_end_of_the_session_and_goes_when_the_contact_is_saved(page, live_server, alice):
    device = with_authenticator(alice)
    sign_in(page, live_server, alice, device)
    page.goto(f"{live_server.url}/contacts/new/")
    _fill_contact(page)
    page.locator("[data-draft-status]", has_text="Koncept uložen v").wait_for()
    assert NOTE in Draft.objects.get(user=alice).payload
    # The session ends (timed out); the next page asks to sign in.
    Session.objects.all().delete()
    page.goto(f"{live_server.url}/contacts/new/")
    assert "/accounts/login/" in page.url
    _sign_in_again(page, live_server, alice, device)
    page.goto(f"{live_server.url}/contacts/new/")
    notice = page.locator("form[data-draft-discard]")
    assert "Máte rozepsaný koncept z" in notice.inner_text()
    assert page.locator("#id_outcome").input_value() == NOTE
    assert page.locator("#id_activities-0-minutes").input_value() == "40"
    assert page.locator("#id_anonymous_persons").input_value() == "1"
    assert axe_violations(page) == []
    screenshot(page, "draft-restored")
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit", exact=True).click()
    assert re.search(r"/contacts/\d+/$", page.url), page.content()[:3000]
    assert Contact.objects.get().outcome == NOTE
    page.wait_for_timeout(500)  # a draft sent when leaving the form would have arrived by now
    assert not Draft.objects.exists()
    page.goto(f"{live_server.url}/contacts/new/")
    assert page.locator("form[data-draft-discard]").count() == 0
    assert page.locator("#id_outcome").input_value() == ""


@pytest.mark.parametrize("width", [1280, 375])
def test_the_idle_warning_appears_and_staying_signed_in_keeps_the_session(page, live_server, alice, settings, width):
    settings.SESSION_COOKIE_AGE = 130
    settings.LIAISON_IDLE_WARNING_SECONDS = 125  # the warning comes after about five seconds
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/clients/new/")
    dialog = page.locator("#idle-warning")
    dialog.wait_for(state="visible", timeout=20_000)
    assert "Brzy budete odhlášeni" in dialog.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-idle-stay')")
    assert "Za 2 minuty budete odhlášeni" in page.locator("[data-idle-announce]").inner_text()
    assert re.search(r"Zbývá: [12]:\d\d", dialog.inner_text())
    assert axe_violations(page) == []
    screenshot(page, f"idle-warning-{width}")
    expiry_before = Session.objects.get().expire_date
    page.keyboard.press("Enter")  # "Stay signed in", with the keyboard
    dialog.wait_for(state="hidden")
    page.wait_for_timeout(300)
    assert Session.objects.get().expire_date > expiry_before
    assert (Session.objects.get().expire_date - timezone.now()).total_seconds() > 120
    page.goto(f"{live_server.url}/clients/new/")
    assert "/accounts/login/" not in page.url


def test_an_unattended_form_keeps_its_draft_and_the_page_signs_out(page, live_server, alice, settings):
    settings.SESSION_COOKIE_AGE = 25
    settings.LIAISON_IDLE_WARNING_SECONDS = 20
    settings.LIAISON_DRAFT_SAVE_SECONDS = 600  # no saving on a timer: only the one before the sign-out
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/clients/new/")
    page.fill("#id_note", NOTE)
    page.locator("#idle-warning").wait_for(state="visible", timeout=20_000)
    assert not Draft.objects.exists()
    # Nobody answers: the page ends on the sign-in page, asking to come back to the form.
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/clients/new/"), timeout=40_000)
    assert NOTE in Draft.objects.get(user=alice, kind=Draft.Kind.CLIENT).payload
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_work_on_the_server_puts_the_warning_off(page, live_server, alice, settings):
    settings.SESSION_COOKIE_AGE = 140
    settings.LIAISON_IDLE_WARNING_SECONDS = 125  # without other requests, the warning after 15 s
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/contacts/new/")
    opened = time.monotonic()
    page.wait_for_timeout(8_000)
    # A search in the client picker (htmx) is a request like any other: the limit starts again.
    with page.expect_response(lambda response: "/clients/pick/" in response.url):
        page.locator("#id_clients_search").fill("Dv")
    page.wait_for_timeout(max(0, 20 - (time.monotonic() - opened)) * 1000)
    dialog = page.locator("#idle-warning")
    assert not dialog.is_visible()
    dialog.wait_for(state="visible", timeout=25_000)
    assert time.monotonic() - opened > 20
