"""The ministry asks for the national programme overview, waits for it, and opens its XLSX and PDF."""

import re
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import jobs
from reports.models import JobState, ReportJob, ReportType
from tests.e2e.conftest import ARTIFACTS, axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import AssistantProfileFactory, ClientFactory, ContactFactory, ObservationFactory, a_locality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The jobs asked for, held for the test to make as the worker would (no worker runs here)."""
    sent: list[int] = []
    monkeypatch.setattr("reports.services.enqueue_report_job", lambda job: sent.append(job.pk))
    return sent


@pytest.fixture
def year_of_work(alice, bob):
    """A year's work in Brno: enough records for some cells to be published, few enough for
    others to be suppressed."""
    brno = a_locality("Brno")
    for assistant in (alice, bob):
        AssistantProfileFactory(user=assistant, municipality=brno.municipality)
    clients = [ClientFactory(organisation=alice.organisation, created_by=alice, locality=brno) for _ in range(7)]
    for index, client in enumerate(clients):
        ContactFactory(assistant=alice if index % 2 else bob, locality=brno, clients=[client], duration_minutes=60)
    for _ in range(2):
        ContactFactory(assistant=alice, locality=brno, anonymous_persons=3, activities__category="consultation")
    ObservationFactory(assistant=alice, locality=brno)
    return clients


def assert_fits_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_ministry_asks_for_the_overview_waits_and_opens_xlsx_and_pdf(
    page, live_server, ministry_analyst, year_of_work, queued
):
    sign_in(page, live_server, ministry_analyst, with_authenticator(ministry_analyst))
    page.goto(f"{live_server.url}/reports/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Celostátní přehled programu")).click()
    assert page.locator("h1").inner_text() == "Celostátní přehled programu"
    assert "nikdy konkrétní osobu" in page.content()
    assert "náhodně zaokrouhleny na násobky 5" in page.locator(".disclosure-note").inner_text()
    assert axe_violations(page) == []
    assert_fits_a_phone(page)
    screenshot(page, "national-overview-form-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    year = str(timezone.localdate().year)
    names = {}
    for file_format in ("XLSX", "PDF"):
        page.goto(f"{live_server.url}/reports/new/overview/")
        page.get_by_role("radio", name="Rok", exact=True).check()
        page.locator("#id_year").select_option(year)
        page.get_by_label(file_format, exact=False).first.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Vytvořit sestavu").click()
        # Waiting: the job page shows its progress until the worker has made the file.
        assert page.locator("#job-progress-bar").count() == 1
        job = ReportJob.objects.get(pk=queued[-1])
        assert job.report_type == ReportType.NATIONAL_OVERVIEW and job.state == JobState.QUEUED
        jobs.run_report_job(job.pk)
        download_link = page.get_by_role("link", name=re.compile("Stáhnout"))
        download_link.wait_for(timeout=30_000)  # the page polls, no reload
        if file_format == "XLSX":
            assert axe_violations(page) == []
            assert_fits_a_phone(page)
            screenshot(page, "national-overview-ready-phone")
            page.set_viewport_size({"width": 1280, "height": 900})
        with page.expect_download() as info:
            download_link.click()
        names[file_format] = info.value.suggested_filename
        saved = ARTIFACTS / f"national-overview.{file_format.lower()}"
        saved.parent.mkdir(parents=True, exist_ok=True)
        info.value.save_as(saved)
    assert names["XLSX"] == f"liaison-overview-{year}-01-01-{year}-12-31.xlsx"
    assert names["PDF"].endswith(".pdf")

    workbook = load_workbook(ARTIFACTS / "national-overview.xlsx")
    assert workbook.sheetnames[0] == "Titulní list"
    cover = [row for row in workbook["Titulní list"].iter_rows(values_only=True)]
    assert ("Území", "Celá Česká republika") in [tuple(cell for cell in row if cell is not None) for row in cover]
    persons = [row for row in workbook["Podpořené osoby podle krajů"].iter_rows(values_only=True)]
    brno_row = next(row for row in persons if row[0] == "Jihomoravský kraj")
    # Seven clients and six anonymous persons: published rounded to multiples of 5.
    assert brno_row[1] in (5, 10) and brno_row[2] in (5, 10)
    # One observation: hidden, and so is what would reveal it.
    observations = [row for row in workbook["Pozorování podle krajů a druhů"].iter_rows(values_only=True)]
    header = next(row for row in observations if row[0] == "Kraj")
    brno_observations = dict(
        zip(header, next(row for row in observations if row[0] == "Jihomoravský kraj"), strict=True)
    )
    assert brno_observations["Černá skládka"] == "*" and brno_observations["Celkem"] == "*"
    texts = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    for client in year_of_work:
        assert client.last_name not in " ".join(texts)

    pdf = ARTIFACTS / "national-overview.pdf"
    first_page = PdfReader(pdf).pages[0].extract_text()
    assert "Celostátní přehled programu" in first_page and "Celá Česká republika" in first_page
    subprocess.run(  # noqa: S603 - a fixed program on our own file
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(pdf.with_suffix("")),
        ],
        check=True,
    )
    rendered = ARTIFACTS / "national-overview.png"
    assert rendered.stat().st_size > 10_000  # a page with text on it, not a blank one
