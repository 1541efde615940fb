"""The frame of the funders' reports (reports.funder_reports): the subject is chosen in the
requester's scope and checked again by the worker, the MPSV statement is for a calendar year,
every file has its cover page and Czech formats, and a reporting deadline links to its report."""

import csv
import datetime
import io

import openpyxl
import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from attention.selectors import reporting_deadlines
from programmes.models import ReportingDeadline
from programmes.services import starting_service
from reports import funder_reports, jobs, services, storage
from reports.models import JobState, ReportType
from reports.parameters import parse_parameters
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR_2025 = {"start": "2025-01-01", "end": "2025-12-31", "breakdown": "all"}


@pytest.fixture(autouse=True)
def _example_report(monkeypatch, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    monkeypatch.setitem(funder_reports.REPORTS, ReportType.MPSV_STATEMENT, "tests.funder_report_example")


@pytest.fixture
def service(carol):
    return starting_service(carol.organisation)


@pytest.fixture
def foreign_service(oscar):
    return starting_service(oscar.organisation)


def _file(job) -> bytes:
    return b"".join(storage.read_decrypted(job.result_file))


def _made(carol, service, file_format: str):
    ContactFactory(assistant=carol, service=service, occurred_at=datetime.datetime(2025, 5, 5, 10, tzinfo=datetime.UTC))
    job = services.report_job_request(
        by=carol,
        report_type=ReportType.MPSV_STATEMENT,
        raw_parameters={**YEAR_2025, "format": file_format, "subject": service.pk},
    )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error_message
    return job


def test_the_statement_is_for_a_calendar_year_and_names_its_subject():
    with pytest.raises(ValidationError) as error:
        parse_parameters(ReportType.MPSV_STATEMENT, {"start": "2025-01-01", "end": "2025-06-30", "format": "xlsx"})
    assert set(error.value.error_dict) == {"period", "subject"}
    params = parse_parameters(ReportType.MPSV_STATEMENT, {**YEAR_2025, "format": "xlsx", "subject": "7"})
    assert params.subject == 7
    assert params.as_json()["subject"] == 7


def test_form_offers_only_own_services_and_refuses_a_foreign_one(client, carol, service, foreign_service):
    client.force_login(carol)
    url = reverse("reports:create", args=[ReportType.MPSV_STATEMENT])
    page = client.get(url)
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["subject"].choices)
    assert service.pk in choices and foreign_service.pk not in choices
    # A foreign service posted anyway is an invalid choice: no job.
    answer = client.post(url, {"subject": foreign_service.pk, "year": "2025", "breakdown": "all", "format": "xlsx"})
    assert answer.status_code == 200
    assert "subject" in answer.context["form"].errors
    assert not carol.report_jobs.exists()
    answer = client.post(url, {"subject": service.pk, "year": "2025", "breakdown": "all", "format": "xlsx"})
    job = carol.report_jobs.get()
    assert answer.status_code == 302
    assert job.parameters["start"] == "2025-01-01" and job.parameters["end"] == "2025-12-31"
    assert job.parameters["subject_name"] == service.name
    assert job.organisation_id == carol.organisation_id


def test_the_service_and_the_worker_refuse_a_subject_out_of_scope(carol, oscar, service, foreign_service):
    with pytest.raises(PermissionDenied):
        services.report_job_request(
            by=carol,
            report_type=ReportType.MPSV_STATEMENT,
            raw_parameters={**YEAR_2025, "format": "csv", "subject": foreign_service.pk},
        )
    job = services.report_job_request(
        by=carol,
        report_type=ReportType.MPSV_STATEMENT,
        raw_parameters={**YEAR_2025, "format": "csv", "subject": service.pk},
    )
    # The coordinator moved to another organisation before the worker took the job.
    carol.organisation = oscar.organisation
    carol.save()
    with pytest.raises(PermissionDenied):
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert not job.result_file


def test_an_assistant_is_not_offered_the_report(client, alice):
    client.force_login(alice)
    assert client.get(reverse("reports:create", args=[ReportType.MPSV_STATEMENT])).status_code == 403


def test_xlsx_has_a_cover_sheet_and_real_dates_and_numbers(carol, service):
    job = _made(carol, service, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(_file(job)))
    cover, sheet = workbook.worksheets
    assert cover.title == "Titulní list"
    lines = {row[0]: row[1] for row in cover.iter_rows(min_row=4, values_only=True) if row[0]}
    assert lines["Sestava"] == "Zkušební zpráva"
    assert lines["Období"] == "1. 1. 2025 – 31. 12. 2025"
    assert lines["Služba"] == service.name
    assert lines["Vytvořil(a)"] == carol.get_full_name()
    assert "Vytvořeno" in lines
    assert lines["Definice"] == "Kontakt je záznam o práci."
    assert [cell.value for cell in sheet[2]][:4] == [service.name, 1, 12.5, 0.125]
    assert sheet["E2"].value.date() == datetime.date(2025, 1, 1)
    assert sheet["C2"].number_format == "#,##0.00"
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["E2"].is_date


def test_csv_has_the_cover_lines_and_decimal_commas(carol, service):
    job = _made(carol, service, "csv")
    rows = list(csv.reader(io.StringIO(_file(job).decode("utf-8-sig")), delimiter=";"))
    assert ["Služba", service.name] in rows
    assert ["Definice"] in rows
    assert [service.name, "1", "12,50", "12,5 %", "1. 1. 2025"] in rows


def test_pdf_starts_with_its_cover_page(carol, service):
    job = _made(carol, service, "pdf")
    pages = pypdf.PdfReader(io.BytesIO(_file(job))).pages
    assert len(pages) == 2
    cover = pages[0].extract_text()
    assert "Zkušební zpráva" in cover and "1. 1. 2025 – 31. 12. 2025" in cover and "Definice" in cover
    assert "12,50" in pages[1].extract_text()


def test_a_service_deadline_links_to_its_statement_filled_in(client, carol, service):
    today = datetime.date(2026, 6, 10)
    ReportingDeadline.objects.create(
        organisation=carol.organisation,
        service=service,
        name="Roční výkaz MPSV",
        due_on=datetime.date(2026, 6, 30),
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    section = reporting_deadlines(carol, today)
    assert section is not None
    url = reverse("reports:create", args=[ReportType.MPSV_STATEMENT])
    item = section.item(section.rows[0])
    assert item.url == f"{url}?subject={service.pk}&year=2025"
    client.force_login(carol)
    form = client.get(item.url).context["form"]
    assert str(form["subject"].value()) == str(service.pk)
    assert str(form["year"].value()) == "2025"


def test_a_coordinator_sees_the_organisations_statements_but_not_another_organisations(client, carol, service, oscar):
    job = _made(carol, service, "csv")
    colleague = UserFactory(username="cecilie", organisation=carol.organisation, role=Role.COORDINATOR)
    outsider = UserFactory(username="olga", organisation=oscar.organisation, role=Role.COORDINATOR)
    client.force_login(colleague)
    assert client.get(reverse("reports:detail", args=[job.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("reports:detail", args=[job.pk])).status_code == 404


def test_a_deadline_of_an_mpsv_subsidised_project_links_to_the_activity_report(carol, service):
    from programmes.models import Funder, Project
    from programmes.vocabulary import FunderKind

    funder = Funder.objects.create(name="MPSV – dotace sociálních služeb", kind=FunderKind.MPSV)
    project = Project.objects.create(
        organisation=carol.organisation, name="Dotace MPSV 2026", funder=funder, starts_on=datetime.date(2026, 1, 1)
    )
    deadline = ReportingDeadline.objects.create(
        organisation=carol.organisation,
        project=project,
        name="Vyúčtování dotace",
        due_on=datetime.date(2027, 1, 31),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    assert funder_reports.report_for_deadline(deadline) == (
        ReportType.ACTIVITY,
        {"start": "2026-01-01", "end": "2026-12-31"},
    )
