"""The user's own sessions and API tokens on the "Sign-in security" page, in a real browser on a
375 px phone: readable without sideways scrolling, accessible, and "sign out everywhere" works
from the keyboard."""

import pytest
from knox.models import AuthToken

from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_ins_on_a_phone_and_sign_out_everywhere_by_keyboard(browser, axe_source, live_server, alice):
    _instance, token = AuthToken.objects.create(alice)
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="cs-CZ", is_mobile=True)
    context.add_init_script(script=axe_source)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, live_server, alice, with_authenticator(alice))
        page.goto(f"{live_server.url}/accounts/two-factor/settings/")
        assert page.get_by_role("heading", name="Kde jste přihlášeni").is_visible()
        assert page.locator("code", has_text=token[:8]).is_visible()
        assert token[:9] not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert axe_violations(page) == []
        screenshot(page, "sign-ins-375px")

        button = page.get_by_role("button", name="Odhlásit se všude")
        button.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/accounts/login/" in page.url
        assert not AuthToken.objects.filter(user=alice).exists()
        page.goto(f"{live_server.url}/accounts/two-factor/settings/")
        assert "/accounts/login/" in page.url
    finally:
        context.close()
