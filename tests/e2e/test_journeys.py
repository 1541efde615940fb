"""User journeys in a real browser, each ending with a screenshot."""

import re

import pytest
from django.utils import timezone

from contacts.models import Contact
from tests.e2e.conftest import ARTIFACTS, screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_assistant_logs_a_contact_with_the_keyboard_only(page, live_server, alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Marie", last_name="Dušková")
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/contacts/new/")
    # Keyboard only: type into each field, tab to the next; the date and duration keep their defaults.
    page.locator("#id_activities-0-activity_type").focus()
    page.keyboard.type("Asistence")
    page.locator("#id_authority").focus()
    page.keyboard.type("Policie")
    page.keyboard.press("Tab")
    page.keyboard.type("Dušk")
    result = page.locator(f"#pick_{client.pk}")
    result.wait_for()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator(f".client-picker-chosen input[value='{client.pk}']").is_checked()
    page.locator("#id_outcome").focus()
    page.keyboard.type("Podáno trestní oznámení")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/contacts/\d+/$", page.url), page.url
    contact = Contact.objects.get()
    assert list(contact.clients.all()) == [client]
    assert contact.authority is not None and contact.authority.name == "Policie ČR"
    assert [(a.activity_type.category, a.minutes) for a in contact.activities.all()] == [("accompaniment", 30)]
    assert "Kontakt byl uložen." in page.content()
    screenshot(page, "assistant-logs-contact")


def test_assistant_on_a_phone_sees_errors_announced(page, live_server, alice):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/contacts/new/")
    page.locator("#id_duration_minutes").fill("0")
    page.locator("#id_authority").select_option(label="Policie ČR")
    page.locator("#id_activities-0-activity_type").select_option(label="Telefonický kontakt")
    with page.expect_navigation():
        page.locator("form.contact-form button[type=submit]").first.click()
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert "Délka musí být alespoň jedna minuta." in page.content()
    assert Contact.objects.count() == 0
    screenshot(page, "assistant-phone-errors")


def test_coordinator_filters_contacts_and_opens_a_client(page, live_server, alice, carol):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Karel", last_name="Šebesta")
    ContactFactory(assistant=alice, clients=[client], activities__category="phone")
    ContactFactory(assistant=alice, activities__category="mediation", anonymous_persons=2)
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/contacts/")
    page.locator("#id_activity_type").select_option(label="Telefonický kontakt")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrovat").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Šebesta" in rows.first.inner_text()
    with page.expect_navigation():
        rows.first.locator("a").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Karel Šebesta").click()
    assert page.locator("h1").inner_text() == "Karel Šebesta"
    screenshot(page, "coordinator-filters-contacts")


def test_ministry_exports_national_statistics_as_xlsx(page, live_server, ministry_analyst, alice, settings):
    # The job runs in the request's own process here; the Celery path is tested with a real worker.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ContactFactory(assistant=alice, clients=[ClientFactory(organisation=alice.organisation, created_by=alice)])
    sign_in(page, live_server, ministry_analyst, with_authenticator(ministry_analyst))
    page.goto(f"{live_server.url}/reports/new/national/")
    # National statistics are asked for by calendar month, quarter or year: here the year of the contact.
    page.get_by_role("radio", name="Rok", exact=True).check()
    page.locator("#id_year").select_option(str(timezone.localdate().year))
    page.get_by_label("XLSX").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Vytvořit sestavu").click()
    download_link = page.get_by_role("link", name=re.compile("Stáhnout"))
    download_link.wait_for(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    saved = ARTIFACTS / "national-statistics.xlsx"
    saved.parent.mkdir(parents=True, exist_ok=True)
    info.value.save_as(saved)
    from openpyxl import load_workbook

    workbook = load_workbook(saved, read_only=True)
    assert len(workbook.sheetnames) >= 1
    screenshot(page, "ministry-exports-statistics")


def test_assistant_opens_a_case_and_moves_it_through_the_workflow(page, live_server, alice):
    from cases.models import Case, CaseTransition

    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Olga", last_name="Rácová")
    sign_in(page, live_server, alice, with_authenticator(alice))
    page.goto(f"{live_server.url}/cases/new/{client.pk}/")
    page.locator("#id_title").fill("Lichva – půjčka na byt")
    page.get_by_label("Lichva (§218)").check()
    page.locator("#id_incident_date").fill("2026-10-01")
    page.locator("#id_region").select_option(label="Jihomoravský kraj")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    case = Case.objects.get()
    for status, label in [("in_progress", "Rozpracovaný"), ("reported", "Oznámeno policii")]:
        page.locator("#id_to_status").select_option(status)
        page.locator("#id_comment").fill(f"Krok: {label}")
        with page.expect_navigation():
            page.get_by_role("button", name="Změnit stav").click()
        assert label in page.locator("main").inner_text()
    # Proposing to close needs an outcome: without it nothing changes.
    page.locator("#id_to_status").select_option("closing_proposed")
    with page.expect_navigation():
        page.get_by_role("button", name="Změnit stav").click()
    case.refresh_from_db()
    assert case.status == "reported"
    assert list(CaseTransition.objects.filter(case=case).order_by("id").values_list("to_status", flat=True)) == [
        "new",
        "in_progress",
        "reported",
    ]
    screenshot(page, "assistant-case-workflow")


def test_police_officer_reviews_a_shared_case_and_leaves_feedback(page, live_server, alice, police_officer):
    from cases.models import CaseNote, PoliceFeedback
    from tests.factories import CaseFactory, ConsentFactory

    client = ClientFactory(organisation=alice.organisation, created_by=alice)
    ConsentFactory(client=client, purpose="police_sharing", recorded_by=alice)
    case = CaseFactory(client=client, shared_with_police=True, title="Vydírání sousedem")
    CaseNote.objects.create(case=case, author=alice, text="Interní poznámka asistentky", shared_with_police=False)
    CaseNote.objects.create(case=case, author=alice, text="Klient je ochoten svědčit", shared_with_police=True)
    sign_in(page, live_server, police_officer, with_authenticator(police_officer))
    page.goto(f"{live_server.url}/police/cases/")
    with page.expect_navigation():
        page.get_by_role("link", name="Vydírání sousedem").click()
    main = page.locator("main").inner_text()
    assert "Klient je ochoten svědčit" in main and "Interní poznámka asistentky" not in main
    page.locator("#id_text").fill("Věc převzalo obvodní oddělení, kontaktujeme klienta.")
    page.locator("#id_marks_reviewed").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Uložit").click()
    feedback = PoliceFeedback.objects.get(case=case)
    assert feedback.officer == police_officer and feedback.marks_reviewed
    screenshot(page, "police-reviews-case")
