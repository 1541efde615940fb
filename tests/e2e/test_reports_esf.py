"""A coordinator makes the ESF+ / OPZ+ monitoring report of the organisation's project for a
half-year, keyboard and mouse, and opens both files: the XLSX read back, the PDF's pages
rendered to images."""

import datetime
import io
import re
import shutil
import subprocess
import zoneinfo

import pypdf
import pytest
from openpyxl import load_workbook

from programmes.models import Funder, Project
from programmes.vocabulary import FunderKind
from tests.e2e.conftest import ARTIFACTS, axe_violations, screenshot, sign_in, with_authenticator
from tests.factories import ClientFactory, ContactFactory, GroupActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PRAGUE = zoneinfo.ZoneInfo("Europe/Prague")


def _project_with_work(alice) -> Project:
    funder = Funder.objects.create(name="ESF+ (OPZ+)", kind=FunderKind.ESF)
    project = Project.objects.create(
        organisation=alice.organisation,
        name="Asistenti pro jednání s úřady (OPZ+)",
        registration_number="CZ.03.02.01/00/22_005/0001234",
        funder=funder,
        starts_on=datetime.date(2026, 1, 1),
    )
    regular = ClientFactory(organisation=alice.organisation, created_by=alice, sex="female", birth_year=1988)
    newcomer = ClientFactory(organisation=alice.organisation, created_by=alice, sex="male", birth_year=1970)
    for week in range(10):  # 10 × 4 h: 40 hours exactly
        GroupActivityFactory(
            author=alice,
            project=project,
            minutes=240,
            occurred_at=datetime.datetime(2026, 2, 2, 9, tzinfo=PRAGUE) + datetime.timedelta(weeks=week),
            participants=[regular, newcomer] if week == 0 else [regular],
        )
    ContactFactory(
        assistant=alice,
        project=project,
        occurred_at=datetime.datetime(2026, 3, 3, 10, tzinfo=PRAGUE),
        duration_minutes=90,
        clients=[newcomer],
    )
    return project


def test_coordinator_makes_the_esf_monitoring_report(page, live_server, alice, carol, settings):
    # The job runs in the request's own process here; the Celery path is tested with a real worker.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    project = _project_with_work(alice)
    sign_in(page, live_server, carol, with_authenticator(carol))
    page.goto(f"{live_server.url}/reports/new/esf/")
    assert axe_violations(page) == []
    page.locator("#id_subject").select_option(str(project.pk))
    page.locator("#id_start").fill("2026-01-01")
    page.locator("#id_end").fill("2026-06-30")
    files = {}
    for file_format in ("xlsx", "pdf"):
        if file_format == "pdf":
            page.goto(f"{live_server.url}/reports/new/esf/")
            page.locator("#id_subject").select_option(str(project.pk))
            page.locator("#id_start").fill("2026-01-01")
            page.locator("#id_end").fill("2026-06-30")
        page.locator(f"input[name=format][value={file_format}]").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Vytvořit sestavu").click()
        download_link = page.get_by_role("link", name=re.compile("Stáhnout"))
        download_link.wait_for(timeout=30_000)
        if file_format == "xlsx":
            screenshot(page, "esf-monitoring-done")
        with page.expect_download() as info:
            download_link.click()
        assert info.value.suggested_filename.endswith(f".{file_format}")
        saved = ARTIFACTS / f"esf-monitoring.{file_format}"
        saved.parent.mkdir(parents=True, exist_ok=True)
        info.value.save_as(saved)
        files[file_format] = saved

    workbook = load_workbook(files["xlsx"])
    assert workbook.sheetnames == ["Titulní list", "Účastníci projektu", "Hodiny podpory", "List účastníků"]
    summary = list(workbook["Účastníci projektu"].iter_rows(values_only=True))
    assert summary[1][:5] == ("Účastníci (každá osoba jednou)", 2, 1, 1, 0)
    assert summary[2][1] == 1  # the regular participant: 40 hours exactly
    rows = list(workbook["List účastníků"].iter_rows(values_only=True))
    assert sorted(float(str(row[14])) for row in rows[1:3]) == [5.5, 40]
    assert isinstance(rows[1][10], datetime.datetime)

    text = "\n".join(
        pdf_page.extract_text() for pdf_page in pypdf.PdfReader(io.BytesIO(files["pdf"].read_bytes())).pages
    )
    assert "Monitorování projektu ESF+" in text and "40,00" in text
    if shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
            ["pdftoppm", "-png", "-r", "60", str(files["pdf"]), str(ARTIFACTS / "esf-monitoring-page")],  # noqa: S607
            check=True,
        )
        assert (ARTIFACTS / "esf-monitoring-page-1.png").exists()

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/reports/new/esf/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "esf-monitoring-form-phone")
