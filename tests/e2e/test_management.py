"""An administrator sets up a new organisation with two assistants from scratch, in the
application and never in the Django admin; each assistant opens the invitation mail, follows its
link, sets a password, enrols the second factor with the key shown on the page (as an
authenticator app would) and lands on the start page. Accessible (axe), by keyboard where it
matters, and without sideways scrolling at a phone's 375 px."""

import base64
import re

import pytest
from django.core import mail
from django_otp.oath import totp

from accounts.models import User
from programmes.models import Assignment
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "Brno je krásné město 2026"
ASSISTANTS = [
    ("Petra", "Horváthová", "petra.horvathova", "petra@romodrom.example.cz"),
    ("Marek", "Daniel", "marek.daniel", "marek@romodrom.example.cz"),
]


def _accessible_and_narrow_enough(page, width: int | None = None) -> None:
    assert axe_violations(page) == [], page.url
    if width is not None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _code_from_the_page(page) -> str:
    """What an authenticator app shows for the key typed from the page."""
    key = page.locator("#otp-secret-help code").inner_text().replace(" ", "")
    return f"{totp(base64.b32decode(key)):06d}"


def _link_in(message) -> str:
    found = re.search(r"https?://\S+/manage/invitation/\S+/", message.body)
    assert found, message.body
    return found.group(0)


def test_an_administrator_sets_up_an_organisation_with_two_assistants(
    browser, axe_source, live_server, page, administrator
):
    mail.outbox.clear()
    sign_in(page, live_server, administrator, with_authenticator(administrator))

    # The management area, from the menu.
    page.get_by_role("link", name="Organizace a uživatelé").first.click()
    page.get_by_role("link", name="Organizace", exact=True).first.click()
    page.get_by_role("link", name="Přidat organizaci").click()
    _accessible_and_narrow_enough(page)
    page.locator("#id_name").fill("Romodrom, o.p.s.")
    page.locator("#id_kind").select_option(label="Nestátní nezisková organizace")
    page.get_by_role("button", name="Uložit").click()
    assert page.get_by_role("heading", name="Romodrom, o.p.s.").is_visible()

    # Its first service, which the assistants' work belongs to.
    page.get_by_role("link", name="Přidat službu").click()
    page.locator("#id_name").fill("Terénní program Brno")
    page.locator("#id_kind").select_option("field_programmes")
    page.get_by_role("button", name="Uložit").click()
    assert page.get_by_text("Terénní program Brno").is_visible()
    screenshot(page, "management-organisation")
    _accessible_and_narrow_enough(page)

    # Two assistants, each from one form.
    page.get_by_role("link", name="Přidat uživatele").click()
    for number, (first, last, username, email) in enumerate(ASSISTANTS):
        assert page.locator("#id_organisation").input_value() != ""  # chosen from the organisation's page
        page.locator("#id_first_name").fill(first)
        page.locator("#id_last_name").fill(last)
        page.locator("#id_username").fill(username)
        page.locator("#id_email").fill(email)
        assert page.locator("#id_role").input_value() == ""  # no default role
        page.locator("#id_role").select_option(label="Asistent")
        page.locator("#id_municipality").select_option(label="Brno")
        localities = page.locator("#id_localities")
        localities.select_option(index=0)
        page.locator("#id_service").select_option(label="Romodrom, o.p.s. – Terénní program Brno")
        if number == 0:
            _accessible_and_narrow_enough(page)
            screenshot(page, "management-user-form")
            page.get_by_role("button", name="Vytvořit a přidat dalšího").click()
            assert page.get_by_text("Pozvánka byla odeslána na petra@romodrom.example.cz.").is_visible()
        else:
            button = page.get_by_role("button", name="Vytvořit a poslat pozvánku")
            button.focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Marek Daniel").is_visible()
    screenshot(page, "management-user-detail")

    for _first, _last, username, email in ASSISTANTS:
        user = User.objects.get(username=username)
        assert user.organisation is not None
        assert (user.role, user.organisation.name, user.email) == ("assistant", "Romodrom, o.p.s.", email)
        assert Assignment.objects.filter(profile__user=user, service__name="Terénní program Brno").exists()
    assert len(mail.outbox) == 2

    # Each assistant: the mail, the link, a password, the second factor, the start page.
    for (first, _last, username, email), message in zip(ASSISTANTS, mail.outbox, strict=True):
        assert message.to == [email]
        context = browser.new_context(viewport={"width": 375, "height": 740}, locale="cs-CZ", is_mobile=True)
        context.add_init_script(script=axe_source)
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        try:
            link = _link_in(message).replace("http://testserver", live_server.url)
            phone.goto(link)
            assert phone.get_by_role("heading", name="Nastavte si heslo").is_visible()
            assert username in phone.content()
            _accessible_and_narrow_enough(phone, 375)
            if username == ASSISTANTS[0][2]:
                screenshot(phone, "management-invitation-375px")
            phone.locator("#id_new_password1").fill(NEW_PASSWORD)
            phone.locator("#id_new_password2").fill(NEW_PASSWORD)
            phone.get_by_role("button", name="Nastavit heslo").click()

            assert "/accounts/two-factor/setup/" in phone.url
            _accessible_and_narrow_enough(phone, 375)
            phone.locator("#id_otp_token").fill(_code_from_the_page(phone))
            phone.get_by_role("button", name="Potvrdit").click()
            phone.get_by_role("link", name="Kódy mám uložené").click()

            assert phone.url.rstrip("/") == live_server.url
            assert phone.get_by_role("heading", name=f"Vítejte, {first}").is_visible()
            if username == ASSISTANTS[1][2]:
                screenshot(phone, "management-assistant-start-page-375px")
            # The link worked once.
            phone.goto(link)
            assert phone.get_by_role("heading", name="Odkaz už nefunguje").is_visible()
        finally:
            context.close()


def test_reference_lists_by_keyboard_on_a_phone(browser, axe_source, live_server, administrator):
    from contacts.models import Topic

    Topic.objects.update(ordering=0)
    last = Topic.objects.create(name="Žádost o dávky", ordering=1)
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="cs-CZ", is_mobile=True)
    context.add_init_script(script=axe_source)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        sign_in(phone, live_server, administrator, with_authenticator(administrator))
        phone.goto(f"{live_server.url}/manage/lists/topics/")
        _accessible_and_narrow_enough(phone, 375)
        screenshot(phone, "management-reference-list-375px")

        # Up one place, from the keyboard.
        phone.get_by_role("button", name="Posunout Žádost o dávky nahoru").focus()
        with phone.expect_navigation():
            phone.keyboard.press("Enter")
        names = [topic.name for topic in Topic.objects.all()]
        assert names.index("Žádost o dávky") == len(names) - 2

        # Switched off: no longer offered, still listed.
        phone.get_by_role("button", name="Vypnout Žádost o dávky").focus()
        with phone.expect_navigation():
            phone.keyboard.press("Enter")
        last.refresh_from_db()
        assert not last.is_active
        assert phone.get_by_role("button", name="Zapnout Žádost o dávky").is_visible()
        _accessible_and_narrow_enough(phone, 375)
    finally:
        context.close()


def test_an_administrator_adds_a_municipality_and_a_locality_on_a_phone(
    browser, axe_source, live_server, administrator
):
    from accounts.models import Locality, Municipality, Region

    region = Region.objects.get(code="CZ080")
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="cs-CZ", is_mobile=True)
    context.add_init_script(script=axe_source)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        sign_in(phone, live_server, administrator, with_authenticator(administrator))
        phone.goto(f"{live_server.url}/manage/")
        phone.get_by_role("link", name="Obce a lokality").first.click()
        phone.get_by_label("Kraj", exact=True).select_option(str(region.pk))
        phone.get_by_role("button", name="Zobrazit", exact=True).click()
        phone.get_by_role("link", name="Přidat obec").click()
        phone.get_by_label("Název obce").fill("Bruntál")
        phone.get_by_role("button", name="Uložit").click()
        town = Municipality.objects.get(name="Bruntál", region=region)
        phone.get_by_role("link", name="Přidat lokalitu – Bruntál").click()
        assert phone.locator("#id_municipality").input_value() == str(town.pk)
        phone.get_by_label("Název lokality").fill("Květná")
        phone.get_by_label("Název lokality").press("Enter")
        phone.wait_for_url(re.compile(r"/manage/places/\?region="))
        assert Locality.objects.filter(municipality=town, name="Květná").exists()
        assert phone.locator(f"#municipality-{town.pk}").get_by_text("Květná", exact=True).is_visible()
        _accessible_and_narrow_enough(phone, 375)
        screenshot(phone, "management-places-375px")
    finally:
        context.close()
