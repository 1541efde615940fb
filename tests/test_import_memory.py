"""What keeps a long import's memory flat (the figures are measured by `make bench`, step 3b):
the upload is kept and read back encrypted a part at a time (clients/import_storage.py), the XLSX
rows are read without openpyxl keeping each parsed row (clients/xlsx_reading.py), and the
identifiers seen in the file move to a temporary table past a few thousand (importing.FirstRows)."""

import datetime
import io
import tracemalloc

import pytest
from django.db import connection
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from clients import import_jobs, import_storage, importing
from clients.import_files import UnreadableFile
from clients.models import ClientImportUpload, ClientImportUploadPart, ImportJob
from clients.xlsx_reading import first_sheet_rows
from common.crypto import decrypt_bytes
from contacts.imports import CONTACTS
from programmes.services import starting_service
from tests.factories import ClientFactory


def _trimmed(row) -> list:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


# -- the stored upload --------------------------------------------------------------------------


def test_an_upload_is_kept_in_encrypted_parts_and_read_back_as_a_seekable_file(carol, monkeypatch):
    monkeypatch.setattr(import_storage, "PART_BYTES", 1000)
    content = ("externí id;jméno;příjmení\n" + "".join(f"K-{i};Eva;Malá-Šťastná\n" for i in range(300))).encode()
    upload, large = importing.upload_store(
        by=carol, importer=importing.IMPORTERS["clients"], file_name="a.csv", data=io.BytesIO(content)
    )
    assert large is False and upload.size == len(content)
    parts = list(ClientImportUploadPart.objects.filter(upload=upload).order_by("number"))
    assert [part.size for part in parts] == [1000] * (len(content) // 1000) + [len(content) % 1000]
    assert all("Šťastná".encode() not in bytes(part.data) for part in parts)  # encrypted each
    assert b"".join(decrypt_bytes(bytes(part.data)) for part in parts) == content

    with import_storage.opener(upload)() as stored:
        assert stored.read() == content
        stored.seek(-10, io.SEEK_END)
        assert stored.read() == content[-10:]
        stored.seek(995)  # across two parts
        assert stored.read(10) == content[995:1005]
        stored.seek(5, io.SEEK_CUR)
        assert stored.tell() == 1010 and stored.read(3) == content[1010:1013]
        stored.seek(len(content) + 5)
        assert stored.read(5) == b""
    table = importing.upload_table(upload, importing.IMPORTERS["clients"], {})
    assert len(table.rows) == 300 and table.rows[-1][1] == ["K-299", "Eva", "Malá-Šťastná"]


def test_an_unreadable_upload_leaves_nothing_kept(carol):
    with pytest.raises(UnreadableFile):
        importing.upload_store(
            by=carol, importer=importing.IMPORTERS["clients"], file_name="a.csv", data=b"nothing;to\nread;here\n"
        )
    assert not ClientImportUpload.objects.exists() and not ClientImportUploadPart.objects.exists()


def test_a_csv_in_windows_1250_is_read_from_its_parts(carol, monkeypatch):
    monkeypatch.setattr(import_storage, "PART_BYTES", 64)  # a character's bytes never straddle in cp1250
    content = "jméno;příjmení\r\n" + "".join(f"Žofie;Řeháková{i}\r\n" for i in range(40))
    upload, _large = importing.upload_store(
        by=carol, importer=importing.IMPORTERS["clients"], file_name="a.csv", data=content.encode("cp1250")
    )
    rows = importing.upload_table(upload, importing.IMPORTERS["clients"], {}).rows
    assert rows[0] == (2, ["Žofie", "Řeháková0"]) and rows[-1] == (41, ["Žofie", "Řeháková39"])


def test_a_utf8_character_split_between_parts_is_read_whole(carol, monkeypatch):
    monkeypatch.setattr(import_storage, "PART_BYTES", 7)  # splits the two bytes of "š" somewhere
    content = "jméno;příjmení\n" + "".join(f"Šárka;Šťastná{i}\n" for i in range(20))
    upload, _large = importing.upload_store(
        by=carol, importer=importing.IMPORTERS["clients"], file_name="a.csv", data=content.encode()
    )
    rows = importing.upload_table(upload, importing.IMPORTERS["clients"], {}).rows
    assert [cells for _n, cells in rows] == [["Šárka", f"Šťastná{i}"] for i in range(20)]


# -- the XLSX rows ------------------------------------------------------------------------------


def _workbook(write_only: bool) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.worksheets[0]
    sheet.append(["Evidence kontaktů"])
    sheet.append([])
    sheet.append(["datum", "hodiny", "asistent", None, "poznámka"])
    for i in range(30):
        outcome = "Vyřízeno" if i % 2 else None
        sheet.append([datetime.date(2026, 11, 1 + i % 28), 1.5 + i, f"alice{i % 3}", None, outcome])
    if not write_only:
        sheet["G40"] = "daleko"  # a row missing in between and a cell far to the right
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings and a dimension", "inline, no dimension"])
def test_the_rows_are_the_values_openpyxl_reads(write_only):
    data = _workbook(write_only)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    expected = [_trimmed(row) for row in sheet.iter_rows(values_only=True)]
    ours = [_trimmed(row) for row in first_sheet_rows(io.BytesIO(data))]
    while expected and not expected[-1]:
        expected.pop()
    assert ours == expected
    assert ours[3][0] == datetime.datetime(2026, 11, 1)  # noqa: DTZ001 - a spreadsheet's date has no zone
    assert ours[3][1] == 1.5
    if not write_only:
        assert ours[39] == [None] * 6 + ["daleko"] and ours[35] == []


def _peak_reading(rows: int) -> int:
    workbook = Workbook(write_only=True)  # no dimension: openpyxl alone would parse it all at opening
    sheet = workbook.create_sheet()
    for i in range(rows):
        sheet.append([f"K-{i}", "28. 11. 2026", "9:30", "1,5", "alice", f"Poznámka číslo {i}"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    tracemalloc.start()
    try:
        count = sum(1 for _row in first_sheet_rows(io.BytesIO(data)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    return peak


def test_reading_a_long_sheet_keeps_no_row_it_read():
    _peak_reading(200)  # what is allocated once (imports, caches) is not counted below
    short, long = _peak_reading(2_000), _peak_reading(20_000)
    # openpyxl's own read-only reading keeps about 80 bytes a row it read: 1.4 MB more here.
    assert long - short < 600_000, (short, long)


# -- repeats within a long file -----------------------------------------------------------------


@pytest.mark.django_db
def test_first_rows_move_to_a_temporary_table_and_are_still_found(monkeypatch):
    monkeypatch.setattr(importing.FirstRows, "IN_MEMORY_KEYS", 2)
    seen = importing.FirstRows()
    seen.add("K-1", 2)
    seen.add("K-2", 3)
    seen.end_batch()
    assert seen._table is None  # two keys stay in memory
    seen.add("K-3", 4)
    seen.add("K-1", 9)  # an earlier row has it: kept as row 2
    seen.end_batch()
    assert seen._table is not None and seen._memory == {}
    seen.prefetch(["K-1", "K-4"])
    assert ("K-1" in seen, seen["K-1"], seen.get("K-4")) == (True, 2, None)
    assert seen["K-3"] == 4  # not prefetched: looked up on its own
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {seen._table}")  # noqa: S608 - its own name
        assert cursor.fetchone()[0] == 3
    table = seen._table
    seen.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = %s", [table])
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_a_long_contact_file_finds_repeats_rows_apart(client, carol, alice, monkeypatch):
    """Checked three rows a batch, the seen keys in the database past two: a repeated identifier
    and a repeated contact without one are found many batches later."""
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    monkeypatch.setattr("clients.import_views.MAX_ROWS", 5)
    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    monkeypatch.setattr(importing.FirstRows, "IN_MEMORY_KEYS", 2)
    starting_service(carol.organisation)
    ClientFactory(organisation=carol.organisation, external_id="K-1")
    day = timezone.localdate() - datetime.timedelta(days=3)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["externí id", "datum", "čas", "trvání (min)", "asistent", "klienti", "typ činnosti"])
    for i in range(12):
        sheet.append([f"Z-{i}", day, f"{8 + i}:00", 30, "alice", "K-1", "Kontakt"])
    sheet.append(["Z-1", day, "21:00", 30, "alice", "K-1", "Kontakt"])  # row 14 repeats row 3
    sheet.append(["", day, "6:00", 45, "alice", "K-1", "Kontakt"])  # row 15
    for i in range(6):
        sheet.append([f"Y-{i}", day, f"{7}:{i:02}", 5, "alice", "K-1", "Kontakt"])
    sheet.append(["", day, "6:00", 45, "alice", "K-1", "Kontakt"])  # row 22 repeats row 15
    out = io.BytesIO()
    workbook.save(out)
    upload, large = importing.upload_store(by=carol, importer=CONTACTS, file_name="dlouhy.xlsx", data=out.getvalue())
    assert large
    job = import_jobs.job_request(importer=CONTACTS, upload=upload, phase=ImportJob.Phase.CHECK)
    with translation.override("cs"):
        import_jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error_message
    assert job.errors == [[14, "Stejný externí identifikátor jako řádek 3."]]
    assert job.skipped == [[22, "Možný duplikát řádku 15 tohoto souboru."]]
    assert job.created_count == 19
    with connection.cursor() as cursor:  # the job's temporary tables are gone
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'import_first_rows_%%'")
        assert cursor.fetchone()[0] == 0
