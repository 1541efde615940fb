"""Importing victim-support cases from a spreadsheet: the client import's flow with the rules of
case_open (cases.services.case_checked), scoped to the coordinator's organisation, without
duplicates on a re-import, all or nothing, marked as imported in history."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from audit.models import HistoryEntry
from cases.imports import CASES, COLUMNS
from cases.models import Case, CaseStatus, CaseTransition
from clients import importing
from clients.import_files import open_table
from clients.models import ClientImportUpload
from tests.factories import ClientFactory, UserFactory, police_sharing_consent

HEADER = ["externí id", "klient", "název", "asistent", "trestné činy", "datum činu", "oznámeno dne", "kraj"]


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


@pytest.fixture
def world(carol, alice, oscar):
    return {
        "lenka": ClientFactory(organisation=carol.organisation, external_id="K-1", created_by=alice),
        "tomas": ClientFactory(organisation=carol.organisation, external_id="", created_by=alice),
        "foreign": ClientFactory(organisation=oscar.organisation, external_id="K-9", created_by=oscar),
    }


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.worksheets[0].append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, name: str, data: bytes) -> ClientImportUpload:
    response = client.post(reverse("cases:import_start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ClientImportUpload.objects.latest("pk")


def _result(client, upload):
    response = client.get(reverse("cases:import_check", args=[upload.pk]))
    assert response.status_code == 200
    return response.context["result"]


def _confirm(client, upload):
    summary = _result(client, upload).summary
    return client.post(reverse("cases:import_check", args=[upload.pk]), {"action": "confirm", "summary": summary})


def _dry_run(user, data: bytes, name: str = "p.xlsx"):
    table = open_table(name, data, {}, COLUMNS).table()
    mapping = importing.column_mapping(table.headings, {}, COLUMNS)
    return importing.dry_run(CASES, by=user, table=table, mapping=mapping)


def test_rows_are_checked_by_the_rules_of_case_open_then_imported_all_at_once(client, carol, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        ["Případy obětí", None],
        [None, None],
        HEADER,
        ["P-1", "K-1", "Lichva", "alice", "§218", "3. 9. 2025", "15.9.2025", "Jihomoravský kraj"],
        ["P-2", str(world["tomas"].pk), "Vydírání", "Alice", "§175; §218", datetime.datetime(2025, 10, 1), "", "CZ064"],  # noqa: DTZ001
        ["P-3", "K-9", "Cizí", "alice", "§218", "", "", "CZ064"],  # another organisation's client
        ["P-4", "K-1", "Cizí asistent", "oscar", "§218", "", "", "CZ064"],
        ["P-5", "K-1", "Bez činu", "alice", "", "", "", "CZ064"],
        ["P-6", "K-1", "Obráceně", "alice", "§218", "20.9.2025", "15.9.2025", "CZ064"],
        ["P-7", "K-1", "Budoucí", "alice", "§218", tomorrow.strftime("%d.%m.%Y"), "", "CZ064"],
        ["P-8", "K-1", "Bez kraje", "alice", "§218", "", "", ""],
        ["P-1", "K-1", "Znovu", "alice", "§218", "", "", "CZ064"],
    ]
    client.force_login(carol)
    upload = _upload(client, "pripady.xlsx", _xlsx(rows))
    result = _result(client, upload)
    assert [row.number for row in result.created] == [4, 5]
    assert dict(result.errors) == {
        6: "Žádný váš klient nemá identifikátor „K-9“.",
        7: "„oscar“ ve sloupci asistent není známý.",
        8: "Druhy trestných činů: Uveďte alespoň jeden trestný čin.",
        9: "Datum události: Datum události nemůže být po dni, kdy byla oznámena policii.",
        10: "Datum události: Datum nemůže být v budoucnosti.",
        11: "Chybí kraj (nebo lokalita, podle které se pozná).",
        12: "Stejný externí identifikátor jako řádek 4.",
    }
    assert not Case.objects.exists()

    rejected = client.get(reverse("cases:import_rejected", args=[upload.pk]))
    sheet = list(load_workbook(io.BytesIO(rejected.content)).worksheets[0].iter_rows(values_only=True))
    assert sheet[0] == (*HEADER, "chyba")
    assert len(sheet) == 8

    assert _confirm(client, upload).status_code == 302
    first, second = Case.objects.order_by("external_id")
    assert (first.title, first.client, first.assistant.username, first.status) == (
        "Lichva",
        world["lenka"],
        "alice",
        CaseStatus.NEW,
    )
    assert (first.incident_date, first.reported_on) == (datetime.date(2025, 9, 3), datetime.date(2025, 9, 15))
    assert sorted(c.section for c in second.crime_types.all()) == ["§175", "§218"]
    assert second.incident_date == datetime.date(2025, 10, 1)
    assert CaseTransition.objects.filter(case=first, to_status=CaseStatus.NEW, by=carol).exists()
    assert (first.imported_from, first.imported_by) == ("pripady.xlsx", carol)
    history = HistoryEntry.objects.get(table_name="cases_case", row_pk=str(first.pk), operation="INSERT")
    assert history.actor_id == carol.pk
    assert history.new_values is not None and history.new_values["imported_from"] == "pripady.xlsx"
    detail = client.get(reverse("cases:detail", args=[first.pk])).content.decode()
    assert "Importováno ze souboru pripady.xlsx" in detail

    again = _upload(client, "pripady.xlsx", _xlsx(rows))
    result = _result(client, again)
    assert not result.created and [number for number, _m in result.skipped] == [4, 5, 12]


def test_sharing_with_the_police_needs_the_clients_consent(carol, world):
    police_sharing_consent(world["lenka"])
    rows = [
        ["klient", "název", "asistent", "trestné činy", "kraj", "sdíleno s policií", "míra rizika"],
        ["K-1", "Sdílený", "alice", "§218", "CZ064", "ano", "vysoké"],
        [str(world["tomas"].pk), "Nesdílený", "alice", "§218", "CZ064", "ano", "nízké"],
        ["K-1", "Riziko", "alice", "§218", "CZ064", "ne", "obrovské"],
    ]
    result = _dry_run(carol, _xlsx(rows))
    assert [row.number for row in result.created] == [2]
    case, _types = result.created[0].record
    assert (case.shared_with_police, case.risk_level) == (True, "high")
    errors = dict(result.errors)
    assert errors[3].startswith("Případ nelze sdílet s policií")
    assert errors[4] == "„obrovské“ ve sloupci míra rizika není známý."


@pytest.mark.parametrize(("encoding", "delimiter"), [("cp1250", ";"), ("utf-8-sig", ",")])
def test_czech_csv_files(carol, world, encoding, delimiter):
    lines = [
        delimiter.join(["klient", "název", "asistent", "trestné činy", "datum činu", "kraj"]),
        delimiter.join(["K-1", "Krádež peněženky", "alice", "§205", "28. 11. 2025", "Jihomoravský kraj"]),
    ]
    result = _dry_run(carol, "\r\n".join(lines).encode(encoding), "p.csv")
    assert not result.errors, result.errors
    case, _types = result.created[0].record
    assert (case.title, case.incident_date) == ("Krádež peněženky", datetime.date(2025, 11, 28))


def test_the_import_is_all_or_nothing(client, carol, world, monkeypatch):
    rows = [HEADER, *[[f"P-{i}", "K-1", f"Případ {i}", "alice", "§218", "", "", "CZ064"] for i in range(3)]]
    client.force_login(carol)
    upload = _upload(client, "p.xlsx", _xlsx(rows))
    summary = _result(client, upload).summary
    real = CaseTransition.objects.bulk_create

    def failing(objs, *args, **kwargs):
        real(objs, *args, **kwargs)
        raise IntegrityError("case_transition")

    monkeypatch.setattr(CaseTransition.objects, "bulk_create", failing)
    with pytest.raises(importing.ImportRefused):
        importing.confirm_import(CASES, by=carol, upload=upload, summary=summary)
    assert not Case.objects.exists() and not CaseTransition.objects.exists()


def test_the_template_lists_the_columns_and_its_example_row_imports(client, carol):
    assistant = UserFactory(username="asistent.brno", organisation=carol.organisation, role="assistant")
    ClientFactory(organisation=carol.organisation, external_id="K-2026-001", created_by=assistant)
    client.force_login(carol)
    response = client.get(reverse("cases:import_template"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("externí id", "klient", "název")
    result = _dry_run(carol, response.content)
    assert len(result.created) == 1 and not result.errors, result.errors
