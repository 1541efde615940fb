"""Statistical disclosure control of national statistics (docs/statistical-disclosure.md).

The security review's attack: ask for two overlapping periods and subtract the published
tables; a cell that moves by 1 to 4 names that many people's records. These tests run that
attack on the demo data for every pair of nested fixed periods (year ⊃ quarter ⊃ month), and
check that the same cell shows the same value in every table, period and route, that periods
of the requester's choosing are refused, and that every route shows protected numbers.
"""

import csv
import datetime
import io
import itertools
from typing import Any

import openpyxl
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from contacts.models import Contact
from reports import jobs, selectors, services, storage
from reports.dashboards import dashboard_charts
from reports.disclosure import ROUNDING_BASE, cell_key, perturb
from reports.models import JobState, ReportJob, ReportType
from reports.parameters import MONTH, QUARTER, YEAR, fixed_period, parse_parameters, parse_period
from reports.statistics import month_label, national_statistics
from seed.demo import seed_demo
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SMALL = range(1, 5)  # the counts that must never be pinned exactly


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def demo(db):
    seed_demo("demo-heslo-123", contacts_per_assistant=40)
    return User.objects.get(username="ministerstvo")


# Reading tables ------------------------------------------------------------------------------


def _cells(tables) -> dict[tuple[str, str, str], int | None]:
    """(table title, row label, column label) → value, from sheets or the API's tables."""
    cells = {}
    for table in tables:
        title, header, rows = (
            (table["title"], table["header"], table["rows"])
            if isinstance(table, dict)
            else (table.title, table.header, table.rows)
        )
        for row in rows:
            for column, value in zip(header[1:], row[1:], strict=True):
                cells[(str(title), str(row[0]), str(column))] = value
    return cells


def _published(api, start: datetime.date, end: datetime.date) -> dict:
    """What the ministry gets from the API for a period given by its first and last day."""
    response = api.get("/api/v1/statistics/national/", {"start": start.isoformat(), "end": end.isoformat()})
    assert response.status_code == 200, response.json()
    return _cells(response.json()["tables"])


def _true(start: datetime.date, end: datetime.date) -> dict:
    """The true counts: neither suppressed nor perturbed (never shown to anyone)."""
    params = parse_parameters(ReportType.NATIONAL_STATISTICS, {"start": start, "end": end, "format": "csv"})
    return _cells(
        national_statistics(
            contacts=selectors.national_contacts(),
            clients=selectors.national_clients(),
            cases=selectors.national_cases(),
            referrals=selectors.national_referrals(),
            params=params,
            threshold=None,
            protect=False,
        )
    )


def _fixed_periods() -> dict[tuple, tuple[datetime.date, datetime.date]]:
    """Every year, quarter and month of the years that the demo data covers."""
    earliest = Contact.objects.order_by("occurred_at").first()
    assert earliest is not None
    first = earliest.occurred_at
    years = range(timezone.localtime(first).year, timezone.localdate().year + 1)
    periods: dict[tuple, tuple[datetime.date, datetime.date]] = {}
    for year in years:
        periods[(YEAR, year, None)] = fixed_period(YEAR, year)
        for quarter in range(1, 5):
            periods[(QUARTER, year, quarter)] = fixed_period(QUARTER, year, quarter)
        for month in range(1, 13):
            periods[(MONTH, year, month)] = fixed_period(MONTH, year, month)
    return periods


def _nested_pairs(periods):
    for outer, inner in itertools.permutations(periods, 2):
        (outer_start, outer_end), (inner_start, inner_end) = periods[outer], periods[inner]
        if outer_start <= inner_start and inner_end <= outer_end:
            yield outer, inner


# (a) The differencing attack ---------------------------------------------------------------------


def _pins(published_outer, published_inner, true_outer, true_inner) -> list:
    """The cells where published(outer) − published(inner) is exactly a true difference of 1–4."""
    pinned = []
    for cell, outer_value in published_outer.items():
        inner_value = published_inner.get(cell)
        if not isinstance(outer_value, int) or not isinstance(inner_value, int):
            continue  # not published in both (suppressed, or a row only one of them has)
        true_difference = true_outer.get(cell, 0) - true_inner.get(cell, 0)
        if outer_value - inner_value == true_difference and true_difference in SMALL:
            pinned.append((cell, true_difference))
    return pinned


def _pins_within(published, true) -> list:
    """The cells that a published total minus the other published cells of its row gives exactly
    as a count of 1–4 (the subtraction that suppression alone guards against)."""
    pinned = []
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for (title, row, column), value in published.items():
        rows.setdefault((title, row), {})[column] = value
    for (title, row), columns in rows.items():
        *labels, total_label = columns  # the last column is the row's total
        total = columns[total_label]
        if not isinstance(total, int):
            continue
        for label in labels:
            others = [columns[other] for other in labels if other != label]
            if all(isinstance(value, int) for value in others):
                derived = total - sum(others)
                actual = true.get((title, row, label), 0)
                if derived == actual and actual in SMALL:
                    pinned.append(((title, row, label), actual))
    return pinned


def test_differencing_nested_periods_pins_no_small_count(demo):
    api = APIClient()
    api.force_authenticate(demo)
    periods = _fixed_periods()
    published = {name: _published(api, *period) for name, period in periods.items()}
    true = {name: _true(*period) for name, period in periods.items()}
    # The attack has something to find: small true differences between nested periods exist.
    small_differences = [
        cell
        for outer, inner in _nested_pairs(periods)
        for cell in true[outer]
        if true[outer][cell] - true[inner].get(cell, 0) in SMALL
    ]
    assert len(small_differences) > 100

    pinned = []
    for outer, inner in _nested_pairs(periods):
        pinned += [(outer, inner, *pin) for pin in _pins(published[outer], published[inner], true[outer], true[inner])]
    for name in periods:
        pinned += [(name, *pin) for pin in _pins_within(published[name], true[name])]
    assert pinned == [], f"{len(pinned)} cells pinned, e.g. {pinned[:5]}"

    # Across tables and periods: a month's row in the year's table against the month's own
    # tables, and the grand totals of the three tables of contacts, hold the same records.
    for (kind, year, number), (start, _end) in periods.items():
        if kind != MONTH:
            continue
        label = month_label(start)
        candidates = [
            published[(YEAR, year, None)][("Kontakty podle měsíce a kraje", label, "Celkem")],
            published[(QUARTER, year, (number - 1) // 3 + 1)][("Kontakty podle měsíce a kraje", label, "Celkem")],
            published[(kind, year, number)][("Kontakty podle měsíce a kraje", "Celkem", "Celkem")],
            published[(kind, year, number)][("Kontakty podle obce a úřadu", "Celkem", "Celkem")],
            published[(kind, year, number)][("Kontakty podle obce a kategorie výkonu", "Celkem", "Celkem")],
        ]
        true_count = true[(kind, year, number)][("Kontakty podle měsíce a kraje", "Celkem", "Celkem")]
        shown = [value for value in candidates if isinstance(value, int)]
        for first, second in itertools.combinations(shown, 2):
            assert not (first - second == true_count and true_count in SMALL), (start, candidates)


def test_every_published_count_is_a_multiple_of_the_base_and_close_to_the_truth(demo):
    api = APIClient()
    api.force_authenticate(demo)
    year = timezone.localdate().year
    published, true = _published(api, *fixed_period(YEAR, year)), _true(*fixed_period(YEAR, year))
    shown = {cell: value for cell, value in published.items() if isinstance(value, int)}
    assert shown and all(value % ROUNDING_BASE == 0 for value in shown.values())
    assert all(abs(value - true[cell]) < ROUNDING_BASE for cell, value in shown.items())
    # Perturbed, not just shown: some counts were rounded away from their true value.
    assert any(value != true[cell] for cell, value in shown.items())
    # Small counts are never shown as they are.
    assert not any(true[cell] in SMALL and value == true[cell] for cell, value in shown.items())


# (b) The same cell shows the same value --------------------------------------------------------


def test_the_same_records_show_the_same_value_in_every_table_period_and_route(demo):
    api = APIClient()
    api.force_authenticate(demo)
    today = timezone.localdate()
    # Last month: whole in the demo data whatever day it is (a few days into a month, the
    # month's count can be small enough to be suppressed).
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    month_start, month_end = fixed_period(MONTH, last_month.year, last_month.month)
    quarter = (last_month.month - 1) // 3 + 1
    month = _published(api, month_start, month_end)
    assert month == _published(api, month_start, month_end)  # asked again: the same answer
    year = _published(api, *fixed_period(YEAR, last_month.year))
    by_quarter = _published(api, *fixed_period(QUARTER, last_month.year, quarter))
    label = month_label(month_start)
    total = month[("Kontakty podle měsíce a kraje", "Celkem", "Celkem")]
    assert total == month[("Kontakty podle obce a úřadu", "Celkem", "Celkem")]
    # The category table counts a contact under each category of its activities (its note says
    # so): its total is of contact-category pairs, not of contacts, and is not compared here.
    assert month[("Kontakty podle obce a kategorie výkonu", "Celkem", "Celkem")] is not None
    # The month's total in the quarter's and the year's tables: the same number wherever shown (a
    # small current month beside it can make secondary suppression hide it there, as below).
    elsewhere = {table[("Kontakty podle měsíce a kraje", label, "Celkem")] for table in (year, by_quarter)}
    assert total is not None and elsewhere - {None} <= {total}
    # Every cell of the month's row shows the same value in the month's, the quarter's and the
    # year's table wherever it is published. (Secondary suppression is chosen per table, so a
    # cell may be hidden in one table and shown in another: shown, it is the same number.)
    for (title, row, column), value in month.items():
        if title == "Kontakty podle měsíce a kraje" and row == label:
            shown = {year[(title, row, column)], value, by_quarter[(title, row, column)]} - {None}
            assert len(shown) <= 1, (row, column, shown)
    # The ministry's dashboard shows the month's contacts as the tables do.
    charts = {chart.key: chart for chart in dashboard_charts(demo, today)}
    assert dict(charts["national-months"].rows)[label] == total
    assert total is not None and total % ROUNDING_BASE == 0


def test_a_cell_key_is_the_sum_of_its_records_keys():
    assert cell_key(2**31 - 1, 5) == 4
    assert cell_key(None, 3) == 3
    # Fixed random rounding: unbiased, never a small count, the same key always the same value.
    assert {perturb(3, key) for key in range(0, 2**31, 2**24)} == {0, 5}
    ups = sum(perturb(3, key) == 5 for key in range(0, 2**31, 2**20)) / (2**31 / 2**20)
    assert 0.58 < ups < 0.62  # up with probability 3/5
    assert perturb(10, 12345) == 10 and perturb(0, 999) == 0
    assert perturb(7, 123456789) == perturb(7, 123456789)


# (c) Periods of the requester's choosing are refused -------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-01", "2026-11-08"),
        ("2020-01-01", "2026-11-09"),
        ("2026-11-09", "2026-11-09"),
        ("2026-02-01", "2026-03-31"),
    ],
)
def test_a_period_that_is_not_a_month_quarter_or_year_is_400(ministry_analyst, start, end):
    api = APIClient()
    api.force_authenticate(ministry_analyst)
    response = api.get("/api/v1/statistics/national/", {"start": start, "end": end})
    assert response.status_code == 400
    assert "kalendářní měsíc, čtvrtletí nebo rok" in response.json()["period"][0]
    response = api.post(
        "/api/v1/report-jobs/", {"report_type": "national", "start": start, "end": end, "format": "csv"}, format="json"
    )
    assert response.status_code == 400 and "period" in response.json()
    with pytest.raises(ValidationError):
        services.report_job_request(
            by=ministry_analyst,
            report_type=ReportType.NATIONAL_STATISTICS,
            raw_parameters={"start": start, "end": end, "format": "csv"},
        )
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026-11", "2026-11-01", "2026-11-30"),
        ("2026-Q4", "2026-10-01", "2026-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025", "2025-01-01", "2025-12-31"),
    ],
)
def test_a_fixed_period_is_accepted_by_name_or_by_its_days(ministry_analyst, period, start, end):
    assert parse_period(period) == (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    api = APIClient()
    api.force_authenticate(ministry_analyst)
    by_name = api.get("/api/v1/statistics/national/", {"period": period})
    by_days = api.get("/api/v1/statistics/national/", {"start": start, "end": end})
    assert by_name.status_code == by_days.status_code == 200
    assert by_name.json() == by_days.json() and by_name.json()["period"] == period
    assert by_name.json()["rounding_base"] == ROUNDING_BASE


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "26", "2026-11-09", "last week"])
def test_a_malformed_period_name_is_400(ministry_analyst, period):
    api = APIClient()
    api.force_authenticate(ministry_analyst)
    response = api.get("/api/v1/statistics/national/", {"period": period})
    assert response.status_code == 400 and "period" in response.json()


def test_the_form_offers_months_quarters_and_years_and_explains_a_missing_month(client, ministry_analyst):
    client.force_login(ministry_analyst)
    url = reverse("reports:create", args=["national"])
    page = client.get(url).content.decode()
    assert 'name="period_kind"' in page and 'name="start"' not in page
    assert "zaokrouhleny na násobky 5" in page
    response = client.post(url, {"period_kind": MONTH, "year": "2026", "breakdown": "all", "format": "csv"})
    assert response.status_code == 200 and "Vyberte měsíc." in response.content.decode()
    response = client.post(url, {"period_kind": QUARTER, "year": "2026", "breakdown": "all", "format": "csv"})
    assert response.status_code == 200 and "Vyberte čtvrtletí." in response.content.decode()
    # Days of the requester's choosing are not even read.
    response = client.post(
        url,
        {
            "period_kind": QUARTER,
            "year": "2026",
            "quarter": "1",
            "start": "2026-01-05",
            "breakdown": "all",
            "format": "csv",
        },
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and (job.parameters["start"], job.parameters["end"]) == (
        "2026-01-01",
        "2026-03-31",
    )


def test_the_organisations_own_reports_keep_any_period(carol):
    job = services.report_job_request(
        by=carol,
        report_type=ReportType.ACTIVITY,
        raw_parameters={"start": "2026-01-05", "end": "2026-02-17", "format": "csv"},
    )
    assert job.parameters["start"] == "2026-01-05"


# (d) Every route shows the protected numbers -----------------------------------------------------


def _job_cells(job) -> dict:
    data = b"".join(storage.read_decrypted(job.result_file))
    cells: dict[tuple, int | None] = {}
    if job.file_format == "csv":
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        title: str | None = None
        header: list[str] | None = None
        for row in lines[2:]:
            if not row:
                title = None
            elif title is None:
                title, header = row[0], None
            elif header is None:
                header = row
            elif len(row) == len(header):
                for column, value in zip(header[1:], row[1:], strict=True):
                    cells[(title, row[0], column)] = int(value) if value.isdigit() else None
        return cells
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        sheet_rows = [line for line in sheet.iter_rows(values_only=True) if line and line[0] is not None]
        sheet_header = sheet_rows[0]
        for line in sheet_rows[1:]:
            if len(line) == len(sheet_header) and any(isinstance(cell, int) for cell in line[1:]):
                for heading, cell in zip(sheet_header[1:], line[1:], strict=True):
                    cells[(sheet.title, line[0], heading)] = cell if isinstance(cell, int) else None
    return cells


def test_files_api_and_dashboard_show_the_protected_numbers(demo, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(demo)
    year = timezone.localdate().year
    published = _published(api, *fixed_period(YEAR, year))
    true = _true(*fixed_period(YEAR, year))
    differs = {cell for cell, value in published.items() if isinstance(value, int) and value != true[cell]}
    assert differs
    for file_format in ("csv", "xlsx", "pdf"):
        with django_capture_on_commit_callbacks(execute=False):
            job = services.report_job_request(
                by=demo,
                report_type=ReportType.NATIONAL_STATISTICS,
                raw_parameters={"period": str(year), "format": file_format},
            )
        jobs.run_report_job(job.pk)
        job.refresh_from_db()
        assert job.state == JobState.DONE, job.error_message
        if file_format == "pdf":
            data = b"".join(storage.read_decrypted(job.result_file))
            text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
            assert "zaokrouhleny na násobky 5" in " ".join(text.split())
            continue
        cells = _job_cells(job)
        # The sheet titles of XLSX are cut to 31 characters: compare by row and column within a title.
        by_position = {(title[:31], row, column): value for (title, row, column), value in published.items()}
        assert cells and all(
            by_position[(title[:31], row, column)] == value for (title, row, column), value in cells.items()
        )
    charts = {chart.key: chart for chart in dashboard_charts(demo)}
    for chart in charts.values():
        assert all(value is None or value % ROUNDING_BASE == 0 for value in chart.values), chart


def test_the_ministry_dashboard_page_says_how_counts_are_protected(client, demo):
    client.force_login(demo)
    response = client.get(reverse("reports:dashboard"))
    assert "zaokrouhleny na násobky 5" in response.content.decode()


def test_the_dashboard_keeps_its_query_count(client, ministry_analyst, alice):
    client.force_login(ministry_analyst)
    for _ in range(3):
        ContactFactory(assistant=alice)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reports:dashboard"))
    for _ in range(20):
        ContactFactory(assistant=alice)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reports:dashboard"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_coordinators_activity_report_stays_exact(carol, alice, django_capture_on_commit_callbacks):
    # The organisation's own people may be seen by its coordinator: nothing is rounded there.
    now = timezone.localdate()
    for _ in range(3):
        ContactFactory(assistant=alice, occurred_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        job = services.report_job_request(
            by=carol,
            report_type=ReportType.ACTIVITY,
            raw_parameters={"start": now.replace(day=1).isoformat(), "end": now.isoformat(), "format": "xlsx"},
        )
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(storage.read_decrypted(job.result_file)))).worksheets[0]
    totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Organizace celkem"][0]
    assert totals[1] == 3
