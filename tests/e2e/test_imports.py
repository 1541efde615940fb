"""A coordinator brings the organisation's spreadsheets in: the demo files of docs/examples/ (clients,
contacts, cases, each with deliberate errors) are uploaded, their errors seen, the rejected rows
downloaded, fixed (as the coordinator would in Excel) and imported again, and the records found."""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cases.models import Case
from clients.models import Client
from contacts.models import Contact
from tests.e2e.conftest import ARTIFACTS, axe_violations, screenshot, sign_in, with_authenticator
from tests.import_helpers import EXAMPLES, example_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _upload(page, live_server, kind: str, path: Path) -> None:
    page.goto(f"{live_server.url}/{kind}/import/")
    page.locator("#id_file").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Zkontrolovat soubor").click()
    assert re.search(rf"/{kind}/import/\d+/$", page.url), page.content()[:3000]


def _rejected(page, name: str) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Stáhnout odmítnuté řádky")).click()
    saved = ARTIFACTS / name
    saved.parent.mkdir(parents=True, exist_ok=True)
    info.value.save_as(saved)
    return saved


def _confirm(page, count: int) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(rf"Importovat {count} řádk")).click()


def _fix(path: Path, fixes: dict[str, dict[str, str | int]]) -> Path:
    """The rejected rows file corrected cell by cell: {external id: {heading: new value}}."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        changes = fixes.get(str(row[0].value), {})
        for heading, value in changes.items():
            row[headings.index(heading)].value = value
    fixed = path.with_name(path.stem + "-opraveno.xlsx")
    workbook.save(fixed)
    return fixed


def test_a_coordinator_imports_the_demo_spreadsheets_fixes_the_errors_and_finds_the_records(page, live_server, carol):
    world = example_organisation(carol)
    sign_in(page, live_server, carol, with_authenticator(carol))

    # Clients first: the contacts and cases of the other files name them.
    _upload(page, live_server, "clients", EXAMPLES / "clients.xlsx")
    assert page.get_by_role("heading", name="Řádky s chybami (neimportují se)").count() == 1
    _confirm(page, 4)
    assert Client.objects.filter(organisation=carol.organisation, imported_from="clients.xlsx").count() == 4

    # Contacts: three rows are right, seven have errors named by row.
    _upload(page, live_server, "contacts", EXAMPLES / "contacts.xlsx")
    content = page.content()
    assert "„asistent.ostrava“ ve sloupci asistent není známý." in content
    assert "Importovat 3 řádky" in content
    assert axe_violations(page) == []
    screenshot(page, "import-contacts-check")
    rejected = _rejected(page, "kontakty-odmitnute.xlsx")
    rows = list(load_workbook(rejected).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "chyba" and len(rows) == 8
    _confirm(page, 3)
    assert "nových kontaktů 3" in page.content()
    assert Contact.objects.filter(imported_from="contacts.xlsx").count() == 3

    fixed = _fix(
        rejected,
        {
            "Z-004": {"Asistent": "asistent.brno"},
            "Z-005": {"Klienti": "K-003"},
            "Z-006": {"Datum": "30.4.2026"},
            "Z-007": {"Trvání (min)": 30},
            "Z-008": {"Typ činnosti": "Konzultace"},
            "Z-009": {"Klienti": "K-001"},
        },
    )
    # The row repeating Z-001 gets an identifier of its own.
    workbook = load_workbook(fixed)
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        if row[0].value == "Z-001":
            row[0].value = "Z-010"
    workbook.save(fixed)
    _upload(page, live_server, "contacts", fixed)
    assert page.locator("table").count() == 0, page.get_by_role("main").inner_text()  # no row with an error
    _confirm(page, 7)
    assert Contact.objects.filter(organisation=carol.organisation).count() == 10
    moved = Contact.objects.get(external_id="Z-004")
    assert moved.assistant == world["jana"] and moved.imported_from == "kontakty-odmitnute-opraveno.xlsx"

    # Importing the first file again adds nothing.
    _upload(page, live_server, "contacts", EXAMPLES / "contacts.xlsx")
    assert "Importováno již" in page.content()
    assert page.get_by_role("button", name=re.compile("Importovat")).count() == 0

    # Cases: two right, six with errors; fixed and imported.
    _upload(page, live_server, "cases", EXAMPLES / "cases.xlsx")
    assert "„§999“ ve sloupci trestné činy není známý." in page.content()
    rejected = _rejected(page, "pripady-odmitnute.xlsx")
    _confirm(page, 2)
    fixed = _fix(
        rejected,
        {
            "P-003": {"Klient": "K-003"},
            "P-004": {"Trestné činy": "§209"},
            "P-005": {"Oznámeno dne": "25.9.2025"},
            "P-006": {"Název": "Krádež dokladů"},
            "P-007": {"Sdíleno s policií": "ne"},
        },
    )
    workbook = load_workbook(fixed)
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        if row[0].value == "P-001":
            row[0].value = "P-008"
    workbook.save(fixed)
    _upload(page, live_server, "cases", fixed)
    _confirm(page, 6)
    assert Case.objects.filter(organisation=carol.organisation).count() == 8

    # The records are there, marked as imported.
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="Lichva – půjčka 20 000 Kč").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "Importováno ze souboru cases.xlsx" in page.content()
    screenshot(page, "import-case-found")
    contact = Contact.objects.get(external_id="Z-001")
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    assert "Importováno ze souboru contacts.xlsx" in page.content()
    assert axe_violations(page) == []


def test_a_long_file_is_checked_and_imported_in_the_background(page, live_server, carol, settings, monkeypatch):
    import datetime

    from django.utils import timezone
    from openpyxl import Workbook

    from clients import importing

    # Seven rows make a long file here; the jobs run in the request's own process (eager), the
    # worker's path itself is tested in tests/test_import_jobs.py.
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    monkeypatch.setattr("clients.import_views.MAX_ROWS", 5)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    example_organisation(carol)
    from tests.factories import ClientFactory

    ClientFactory(organisation=carol.organisation, external_id="K-1")
    day = timezone.localdate() - datetime.timedelta(days=2)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["externí id", "datum", "čas", "trvání (min)", "asistent", "klienti", "typ činnosti"])
    for i in range(8):
        sheet.append([f"D-{i}", day, f"{8 + i}:00", 30, "asistent.brno" if i != 5 else "nikdo", "K-1", "Kontakt"])
    path = ARTIFACTS / "dlouhy-soubor.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)

    sign_in(page, live_server, carol, with_authenticator(carol))
    _upload(page, live_server, "contacts", path)
    assert "zkontroluje se a importuje na pozadí" in page.content()
    assert "„nikdo“ ve sloupci asistent není známý." in page.content()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Importovat 7 řádků")).click()
    assert re.search(r"/contacts/import/jobs/\d+/$", page.url)
    page.get_by_text("nových záznamů 7").wait_for()
    assert Contact.objects.filter(imported_from="dlouhy-soubor.xlsx").count() == 7
    assert axe_violations(page) == []
    screenshot(page, "import-background-done")
