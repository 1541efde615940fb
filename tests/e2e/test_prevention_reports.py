"""The crime-prevention project report and the report for a city as funder, asked for in a real
browser and downloaded: the XLSX read back, the PDF's pages read; screenshots of the forms."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Municipality
from programmes.models import Funder, Project
from programmes.services import starting_service
from programmes.vocabulary import FunderKind
from tests.e2e.conftest import ARTIFACTS, axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def a_project(organisation, name: str, funder: Funder) -> Project:
    project = Project.objects.create(
        organisation=organisation, name=name, funder=funder, starts_on=datetime.date(timezone.localdate().year, 1, 1)
    )
    project.services.add(starting_service(organisation))
    return project


def download(page, name: str) -> bytes:
    link = page.get_by_role("link", name=re.compile("Stáhnout"))
    link.wait_for(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    saved = ARTIFACTS / name
    saved.parent.mkdir(parents=True, exist_ok=True)
    info.value.save_as(saved)
    return saved.read_bytes()


def test_coordinator_makes_the_project_report_as_xlsx(page, live_server, alice, carol, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the job runs in the request's process here
    funder, _ = Funder.objects.get_or_create(
        name="MV – Program prevence kriminality", defaults={"kind": FunderKind.MV_CRIME_PREVENTION}
    )
    project = a_project(carol.organisation, "Asistent prevence kriminality Brno", funder)
    josef = ClientFactory(organisation=alice.organisation, created_by=alice)
    ContactFactory(
        assistant=alice, project=project, clients=[josef], occurred_at=timezone.now() - datetime.timedelta(hours=2)
    )
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/reports/new/prevention/")
    assert page.locator("#id_subject").input_value() == str(project.pk)  # the only project: chosen
    today = timezone.localdate()
    page.locator("#id_start").fill(datetime.date(today.year, 1, 1).isoformat())
    page.locator("#id_end").fill(today.isoformat())
    page.get_by_label("XLSX").check()
    assert axe_violations(page) == []
    screenshot(page, "prevention-report-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Vytvořit sestavu").click()
    workbook = load_workbook(io.BytesIO(download(page, "prevention-report.xlsx")))
    assert workbook.sheetnames[0] == "Titulní list"
    rows = {row[0]: row[1:] for row in workbook["Klienti"].iter_rows(values_only=True) if row and row[0]}
    assert rows["Různých klientů celkem"][0] == 1
    screenshot(page, "prevention-report-done")


def test_ministry_makes_the_report_for_a_city_as_pdf(page, live_server, alice, ministry_analyst, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    city = Funder.objects.create(
        name="Statutární město Brno", kind=FunderKind.CITY, municipality=Municipality.objects.get(name="Brno")
    )
    project = a_project(alice.organisation, "Terénní práce Brno (město)", city)
    ContactFactory(assistant=alice, project=project, occurred_at=timezone.now() - datetime.timedelta(hours=2))
    sign_in(page, live_server, ministry_analyst, with_authenticator(ministry_analyst))
    page.goto(f"{live_server.url}/reports/new/funder/")
    page.locator("#id_subject").select_option(label="Statutární město Brno")
    page.get_by_role("radio", name="Rok", exact=True).check()
    page.locator("#id_year").select_option(str(timezone.localdate().year))
    page.get_by_label("PDF").check()
    assert axe_violations(page) == []
    screenshot(page, "funder-report-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Vytvořit sestavu").click()
    pdf = PdfReader(io.BytesIO(download(page, "funder-report.pdf")))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Zpráva pro město nebo kraj jako poskytovatele dotace" in text and "Statutární město Brno" in text
    assert "Spolupráce s policií" in text
    screenshot(page, "funder-report-done")
