"""The contact export is written by PostgreSQL (COPY of the scoped query, labels in SQL): every
cell is what the export always wrote, column by column, and the rows take one COPY whatever
their number."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.models import Case
from clients.models import Client
from contacts.models import Authority, Contact, Topic
from reports.exports import contact_rows
from reports.models import ReportType
from reports.sql_rows import SqlRows
from reports.tables import Report, Sheet
from reports.writers import write_csv
from tests.factories import CaseFactory, ClientFactory, ContactFactory, a_locality
from tests.test_reports_numbers import at, file_bytes, make

pytestmark = pytest.mark.django_db

HEADER = [
    "Číslo kontaktu",
    "Datum a čas",
    "Asistent",
    "Hodiny",
    "Úřad",
    "Služba",
    "Projekt",
    "Výkony",
    "Přímá práce (minuty)",
    "V zájmu klienta (minuty)",
    "Lokalita",
    "Klienti",
    "Anonymní osoby",
    "Témata",
    "Výsledek",
    "Číslo případu",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def records(alice, bob):
    """Four March contacts covering every kind of cell: named, pseudonymous and anonymous
    clients, a nameless assistant, no locality, topics, a case, text starting like a formula."""
    alice.first_name, alice.last_name = "Alena", "Nováková"
    alice.save(update_fields=["first_name", "last_name"])
    bob.first_name, bob.last_name = "", ""
    bob.save(update_fields=["first_name", "last_name"])
    brno = a_locality("Brno")
    named = ClientFactory(
        organisation=alice.organisation, created_by=alice, first_name="Žaneta", last_name="Horváthová"
    )
    pseudonym = ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Čiko",
        birth_year=1990,
    )
    no_year = ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        identity=Client.Identity.PSEUDONYM,
        first_name="",
        last_name="",
        nickname="Bez roku",
        birth_year=None,
    )
    anonymous = ClientFactory(
        organisation=alice.organisation,
        created_by=alice,
        identity=Client.Identity.ANONYMOUS,
        first_name="",
        last_name="",
        nickname="",
    )
    hostile = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="=1+2", last_name="")
    case = CaseFactory(client=named, assistant=alice)
    Case.objects.filter(pk=case.pk).update(opened_at=at(1))
    some_authority = Authority.objects.first()
    assert some_authority is not None
    authority = Authority.objects.create(name="-Úřad; „města“", kind=some_authority.kind)
    topics = list(Topic.objects.order_by("name")[:2])
    made = [
        ContactFactory(
            assistant=alice,
            occurred_at=at(2),
            duration_minutes=25,
            locality=brno,
            clients=[named, pseudonym, anonymous],
            outcome='Doprovod na "výslech"; přepis',
            case=case,
        ),
        ContactFactory(
            assistant=bob,
            occurred_at=at(3),
            duration_minutes=60,
            authority=authority,
            activities__category="crisis",
            anonymous_persons=2,
            clients=[hostile],
            outcome="@SUM(1)\nřádek",
        ),
        ContactFactory(assistant=alice, occurred_at=at(4), duration_minutes=90, activities__category="mediation"),
        ContactFactory(assistant=alice, occurred_at=at(5), duration_minutes=24, outcome="\t=1", clients=[no_year]),
    ]
    made[2].topics.set(topics)
    return {
        "contacts": made,
        "brno": brno,
        "named": named,
        "anonymous": anonymous,
        "case": case,
        "topics": topics,
        "bob": bob,
    }


def _expected(records) -> list[list[str]]:
    first, second, third, fourth = records["contacts"]
    service = first.service.name
    locality = f"Brno – {records['brno'].name}"
    topics = "; ".join(topic.name for topic in records["topics"])
    return [
        [
            str(first.pk),
            "2026-03-02 10:00",
            "Alena Nováková",
            "0,42",
            "Policie ČR",
            service,
            "",
            "Asistence / doprovod 25 min",
            "25",
            "0",
            locality,
            f"Anonymní klient č. {records['anonymous'].pk}; „Čiko“ (1990); Žaneta Horváthová",
            "0",
            "",
            'Doprovod na "výslech"; přepis',
            str(records["case"].pk),
        ],
        [
            str(second.pk),
            "2026-03-03 10:00",
            "bob",
            "1,0",
            "'-Úřad; „města“",
            service,
            "",
            "Krizová intervence 60 min",
            "60",
            "0",
            "",
            "'=1+2",
            "2",
            "",
            "'@SUM(1)\nřádek",
            "",
        ],
        [
            str(third.pk),
            "2026-03-04 10:00",
            "Alena Nováková",
            "1,5",
            "Policie ČR",
            service,
            "",
            "Zprostředkování 90 min",
            "90",
            "0",
            "",
            "",
            "0",
            topics,
            "",
            "",
        ],
        [
            str(fourth.pk),
            "2026-03-05 10:00",
            "Alena Nováková",
            "0,4",
            "Policie ČR",
            service,
            "",
            "Asistence / doprovod 24 min",
            "24",
            "0",
            "",
            "„Bez roku“",
            "0",
            "",
            "'\t=1",
            "",
        ],
    ]


def _contact_section(job) -> list[list[str]]:
    raw = file_bytes(job)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    start = rows.index(["Kontakty"])
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start + 1 : end]


def test_contact_csv_has_every_cell_as_before(carol, records, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "csv", django_capture_on_commit_callbacks, breakdown="contacts")
    header, *rows = _contact_section(job)
    assert header == HEADER
    assert rows == _expected(records)


def test_contact_xlsx_has_the_same_values_with_numbers_as_numbers(carol, records, django_capture_on_commit_callbacks):
    job = make(carol, ReportType.CASE_CONTACT_EXPORT, "xlsx", django_capture_on_commit_callbacks, breakdown="contacts")
    sheet = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))["Kontakty"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == HEADER
    expected = []
    for row in _expected(records):
        # XLSX writes text as text (no apostrophe needed) and numbers as numbers.
        texts = [cell[1:] if cell[:2] in ("'-", "'=", "'@", "'\t") else cell for cell in row]
        texts = [cell.replace("'=1+2", "=1+2") for cell in texts]
        cells: list[str | int | float] = list(texts)
        cells[0], cells[3], cells[12] = int(texts[0]), float(texts[3].replace(",", ".")), int(texts[12])
        cells[8], cells[9] = int(texts[8]), int(texts[9])
        cells[15] = int(texts[15]) if texts[15] else ""
        expected.append(cells)
    assert rows == expected


def test_contact_csv_rows_are_one_copy_whatever_their_number(carol, records, tmp_path):
    def run() -> list[str]:
        sheet = Sheet(
            title="Kontakty",
            header=HEADER,
            rows=contact_rows(Contact.objects.filter(organisation=carol.organisation)),
            kinds=["text"] * 16,
        )
        with CaptureQueriesContext(connection) as captured, translation.override("cs"):
            write_csv(Report(title="t", subtitle="s", sheets=[sheet]), tmp_path / "out.csv")
        return [query["sql"] for query in captured.captured_queries]

    few = run()
    for day in range(6, 20):
        ContactFactory(assistant=records["bob"], occurred_at=at(day), clients=[records["named"]])
    many = run()
    # One statement either way, PostgreSQL's COPY of the scoped query: no row goes through Python.
    assert len(few) == len(many) == 1
    assert many[0].startswith("COPY (SELECT ") and "TO STDOUT WITH (FORMAT csv" in many[0]
    assert f'"organisation_id" = {carol.organisation_id}' in many[0]
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 5 + len(records["contacts"]) + 14 + 1  # one outcome has a line break


def test_nothing_visible_gives_no_rows_and_no_copy(monkeypatch):
    calls = []
    monkeypatch.setattr(CursorWrapper, "copy_expert", lambda *a, **k: calls.append(a), raising=False)
    rows = contact_rows(Contact.objects.none())
    out = io.StringIO()
    rows.copy_csv(out)
    assert isinstance(rows, SqlRows)
    assert out.getvalue() == "" and not calls
    assert list(rows) == []


def test_rows_written_by_copy_report_progress(carol, records):
    seen: list[int] = []
    rows = contact_rows(Contact.objects.filter(organisation=carol.organisation))
    rows.progress = (2, seen.append)
    out = io.StringIO()
    with translation.override("cs"):
        rows.copy_csv(out)
    # Four contacts, the second with a line break in its outcome: five lines. Inside a
    # transaction (as here) the COPY runs on Django's connection, where no query may run in the
    # middle of it, so the progress is told once, when PostgreSQL has written every line.
    assert seen == [5]
    assert out.getvalue().count("\n") == 5
    seen.clear()
    assert len(list(rows)) == 4 and seen == [2, 4]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_records_progress_while_copy_writes(carol, records):
    """In the worker (no transaction open) PostgreSQL writes on a connection of its own, so the
    progress callback may query the database in the middle of the COPY: a large export used to
    fail there ("error with status PGRES_COPY_OUT")."""
    seen: list[tuple[int, int]] = []
    rows = contact_rows(Contact.objects.filter(organisation=carol.organisation))
    rows.progress = (2, lambda done: seen.append((done, Contact.objects.count())))
    out = io.StringIO()
    with translation.override("cs"):
        rows.copy_csv(out)
    # Reported each time a multiple of two lines is passed (after the second row's two lines,
    # then after the third row), each time with a query on Django's connection.
    assert seen == [(3, 4), (4, 4)]
    assert out.getvalue().count("\n") == 5
