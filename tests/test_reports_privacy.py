"""Nothing a ministry user can get names a person: not the CSV, XLSX or PDF of the national
statistics, not the dashboard. Also the dashboards of the other roles keep to their scope."""

import io
import json
import re

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from reports import storage
from reports.models import ReportType
from tests.test_reports_numbers import make, march  # noqa: F401 - the shared fixture

# Marked for the whole module: tests that take their users through request.getfixturevalue
# would otherwise be ordered after the transactional tests, whose flush empties the tables.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _text_of(job) -> str:
    data = b"".join(storage.read_decrypted(job.result_file))
    if job.file_format == "csv":
        return data.decode("utf-8-sig")
    if job.file_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(
            [sheet.title for sheet in workbook.worksheets]
            + [
                " ".join("" if value is None else str(value) for value in row)
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(values_only=True)
            ]
        )
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _identifying_strings(march, people) -> list[str]:  # noqa: F811
    clients = [march["josef"], march["kudrna"], march["ostrava_client"]]
    strings = [client.last_name for client in clients if client.last_name]
    strings += [client.nickname for client in clients if client.nickname]
    strings += [person.last_name for person in people]
    strings += [case.title for case in march["cases"]]
    return strings


@pytest.mark.parametrize("threshold", [5, 1])
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
def test_no_ministry_output_names_a_person(
    ministry_analyst,
    alice,
    bob,
    oscar,
    march,  # noqa: F811
    settings,
    file_format,
    threshold,
    django_capture_on_commit_callbacks,
):
    # Even with suppression turned down to nothing, the national report holds counts only.
    settings.REPORTS_SUPPRESSION_THRESHOLD = threshold
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, file_format, django_capture_on_commit_callbacks)
    text = _text_of(job)
    assert "Kontakty podle měsíce a kraje" in text  # the file is readable, Czech included
    for value in _identifying_strings(march, [alice, bob, oscar]):
        assert value not in text, value
    client_ids = {str(client.pk) for client in (march["josef"], march["kudrna"], march["ostrava_client"])}
    assert not re.search(r"(klient|client)\w*\s*(č\.|no\.)", text, re.IGNORECASE)
    assert "Číslo" not in text and not client_ids & set(re.findall(r"#(\d+)", text))


def test_pdf_renders_czech_characters(ministry_analyst, march, django_capture_on_commit_callbacks):  # noqa: F811
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "pdf", django_capture_on_commit_callbacks)
    text = _text_of(job)
    assert "Případy podle trestného činu a stavu" in text and "Moravskoslezský kraj" in text
    data = b"".join(storage.read_decrypted(job.result_file))
    assert b"DejaVuSans" in data  # the embedded font, not a standard one without Czech glyphs


def _chart_data(response) -> list[dict]:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content.decode())
    assert match is not None
    return json.loads(match.group(1))


def test_ministry_dashboard_is_suppressed_and_anonymous(client, ministry_analyst, alice, march):  # noqa: F811
    client.force_login(ministry_analyst)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    for value in _identifying_strings(march, [alice]):
        assert value not in body
    charts = {chart["key"]: chart for chart in _chart_data(response)}
    # Three cases nationally: every status count is small, so hidden (null in the chart data).
    assert all(value in (None, 0) for value in charts["national-cases"]["values"])
    assert None in charts["national-cases"]["values"]


@pytest.mark.parametrize("who", ["alice", "carol", "police_officer", "ministry_analyst"])
def test_every_role_with_a_dashboard_gets_charts_and_tables(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<canvas" in body and "<table" in body and "js/reports-dashboard.js" in body
    # No inline script: only the JSON data island and external files.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert all('type="application/json"' in attributes for attributes in inline)


def test_administrator_has_no_dashboard(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_assistant_dashboard_counts_only_own_contacts(client, alice, march):  # noqa: F811
    from django.utils import timezone

    from tests.factories import ContactFactory

    ContactFactory(assistant=alice, occurred_at=timezone.now(), duration_minutes=25)
    client.force_login(alice)
    charts = {chart["key"]: chart for chart in _chart_data(client.get(reverse("reports:dashboard")))}
    # The minutes of the own activities this month, by national category.
    assert charts["own-activities"]["labels"] == ["Asistence / doprovod"]
    assert charts["own-activities"]["values"] == [25]


def test_police_dashboard_shows_only_shared_consented_cases(client, police_officer, march):  # noqa: F811
    client.force_login(police_officer)
    charts = {chart["key"]: chart for chart in _chart_data(client.get(reverse("reports:dashboard")))}
    # None of the fixture's cases is shared with the police.
    assert sum(charts["police-status"]["values"]) == 0
