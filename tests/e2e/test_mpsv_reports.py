"""A coordinator makes the MPSV annual statement and the user cards of the organisation's
registered service in the browser, keyboard and all, and opens the files."""

import datetime
import io
import re
import zoneinfo

import pypdf
import pytest
from openpyxl import load_workbook

from clients.models import Sex
from programmes.services import starting_service
from programmes.vocabulary import ServiceKind
from tests.factories import ClientFactory, ContactFactory, GroupActivityFactory

from .conftest import ARTIFACTS, axe_violations, screenshot, sign_in, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")


def _ask(page, live_server, report_type: str, file_format: str, name: str):
    page.goto(f"{live_server.url}/reports/new/{report_type}/")
    page.locator("#id_subject").select_option(label="Terénní programy Brno")
    page.locator("#id_year").select_option("2025")
    page.get_by_label(file_format).check()
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Vytvořit sestavu").click()
    download_link = page.get_by_role("link", name=re.compile("Stáhnout"))
    download_link.wait_for(timeout=30_000)
    with page.expect_download() as info:
        download_link.click()
    saved = ARTIFACTS / name
    saved.parent.mkdir(parents=True, exist_ok=True)
    info.value.save_as(saved)
    return saved


def test_coordinator_makes_the_mpsv_statement_and_user_cards(page, live_server, alice, carol, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the job runs in the request's own process here
    service = starting_service(alice.organisation)
    service.name, service.kind, service.registration_id, service.capacity = (
        "Terénní programy Brno",
        ServiceKind.FIELD_PROGRAMMES,
        "4523817",
        40,
    )
    service.save()
    josef = ClientFactory(organisation=alice.organisation, created_by=alice, sex=Sex.MALE, birth_year=1990)
    marie = ClientFactory(organisation=alice.organisation, created_by=alice, sex=Sex.FEMALE, external_id="K-12")
    at = datetime.datetime(2025, 3, 3, 10, tzinfo=PRAGUE)
    ContactFactory(assistant=alice, occurred_at=at, clients=[josef, marie])
    GroupActivityFactory(author=alice, occurred_at=at + datetime.timedelta(days=30), participants=[josef])
    sign_in(page, live_server, carol, with_authenticator(carol))

    statement = _ask(page, live_server, "mpsv", "XLSX", "mpsv-statement.xlsx")
    workbook = load_workbook(statement)
    assert workbook.sheetnames[0] == "Titulní list"
    overview = list(workbook["Přehled"].iter_rows(values_only=True))
    assert overview[1][:2] == ("Uživatelé služby (osoby s evidencí)", 2)  # Josef once
    screenshot(page, "coordinator-mpsv-statement")

    pdf = _ask(page, live_server, "mpsv", "PDF", "mpsv-statement.pdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Roční výkaz sociální služby (MPSV)" in text and "4523817" in text

    cards = _ask(page, live_server, "mpsv_cards", "XLSX", "mpsv-user-cards.xlsx")
    rows = list(load_workbook(cards)["Karty uživatelů"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [str(josef.pk), "K-12"]
    assert isinstance(rows[1][6], datetime.datetime)  # a real date
    screenshot(page, "coordinator-mpsv-user-cards")
