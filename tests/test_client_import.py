"""Importing clients from a spreadsheet: a dry run that writes nothing, row errors in Czech by row
number, a file of the rejected rows, a confirmation that writes all or nothing, re-imports that
update by the external identifier and skip possible duplicates, Czech spreadsheets as they are."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from accounts.roles import Role
from clients import imports
from clients.import_files import read_table
from clients.models import Client, ClientImportMapping, ClientImportUpload
from common.crypto import decrypt_bytes
from tests.factories import ClientFactory, UserFactory

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "clients.xlsx"


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


def _upload(client, name: str, data: bytes):
    response = client.post(reverse("clients:import_start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ClientImportUpload.objects.latest("pk")


def _check_page(client, upload):
    response = client.get(reverse("clients:import_check", args=[upload.pk]))
    assert response.status_code == 200
    return response


def _confirm(client, upload):
    result = response_result(client, upload)
    return client.post(
        reverse("clients:import_check", args=[upload.pk]), {"action": "confirm", "summary": result.summary}
    )


def response_result(client, upload):
    return _check_page(client, upload).context["result"]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.worksheets[0].append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_example_file_is_checked_by_row_then_imported_all_at_once(client, carol, own_client):
    client.force_login(carol)
    before = Client.objects.count()
    upload = _upload(client, "clients.xlsx", EXAMPLE.read_bytes())
    response = _check_page(client, upload)
    result = response.context["result"]
    assert [row.number for row in result.created] == [3, 4, 5, 11]
    errors = dict(result.errors)
    assert sorted(errors) == [6, 7, 8, 9, 10]
    assert errors[6] == "Příjmení: Klient se jménem musí mít příjmení."
    assert errors[7] == "„31.2.1985“ není datum: napište jej jako 28.11.2026."
    assert errors[8] == "„kluk“ není hodnota sloupce pohlaví."
    assert errors[9] == "Stejný externí identifikátor jako řádek 3."
    assert errors[10] == "E-mail: Vložte platnou e-mailovou adresu."
    page = response.content.decode()
    assert "Řádky s chybami" in page and "Možný duplikát" not in page
    assert "Importovat 4 řádky" in page
    assert Client.objects.count() == before  # the dry run writes nothing
    # The upload is kept encrypted, not as the file itself.
    stored = [bytes(part.data) for part in upload.parts.all()]
    assert EXAMPLE.read_bytes() not in b"".join(stored)
    assert b"".join(decrypt_bytes(token) for token in stored) == EXAMPLE.read_bytes()

    response = _confirm(client, upload)
    assert response.status_code == 302
    imported = Client.objects.filter(imported_from="clients.xlsx").order_by("external_id")
    assert [c.external_id for c in imported] == ["", "K-001", "K-002", "K-003"]
    stastna = imported.get(external_id="K-001")
    assert (stastna.first_name, stastna.last_name, stastna.birth_year, stastna.sex) == (
        "Zdeňka",
        "Šťastná",
        1975,
        "female",
    )
    assert imported.get(external_id="K-002").birth_year == 1968
    assert imported.get(external_id="K-003").birth_year == 1990
    bara = imported.get(external_id="")
    assert (bara.identity, bara.nickname, bara.birth_year) == (Client.Identity.PSEUDONYM, "Bára", 2001)
    assert all(c.imported_by == carol and c.organisation_id == carol.organisation_id for c in imported)
    assert not ClientImportUpload.objects.filter(pk=upload.pk).exists()  # deleted on confirmation
    detail = client.get(reverse("clients:detail", args=[stastna.pk])).content.decode()
    assert "Importováno ze souboru clients.xlsx" in detail


def test_the_example_file_is_what_the_script_writes(tmp_path):
    from scripts.client_import_example import build

    build().save(tmp_path / "clients.xlsx")
    ours = read_table("a.xlsx", (tmp_path / "clients.xlsx").read_bytes(), {})
    shipped = read_table("a.xlsx", EXAMPLE.read_bytes(), {})
    assert ours.rows == shipped.rows and ours.header_row == shipped.header_row == 2


def test_a_reimport_updates_by_external_identifier_and_skips_possible_duplicates(client, carol):
    client.force_login(carol)
    csv = "Externí ID;Jméno;Příjmení;Telefon\nA1;Lenka;Černá;111\n;Tomáš;Bílý;222\n"
    _confirm(client, _upload(client, "klienti.csv", csv.encode("utf-8")))
    assert Client.objects.filter(organisation=carol.organisation).count() == 2

    changed = "Externí ID;Jméno;Příjmení;Telefon\nA1;Lenka;Černá;999\n;Tomas;Bily;222\n"
    upload = _upload(client, "klienti.csv", changed.encode("utf-8"))
    result = response_result(client, upload)
    assert len(result.updated) == 1 and not result.created
    ((number, message),) = result.skipped
    assert number == 3 and message.startswith("Možný duplikát") and "Tomáš Bílý" in message
    _confirm(client, upload)
    assert Client.objects.filter(organisation=carol.organisation).count() == 2
    updated = Client.objects.get(external_id="A1")
    assert (updated.phone, updated.version) == ("999", 2)  # an edit form opened before sees the change


def test_an_external_identifier_of_another_organisation_is_not_updated(client, carol, oscar):
    foreign = ClientFactory(organisation=oscar.organisation, external_id="A1", first_name="Cizí")
    client.force_login(carol)
    upload = _upload(client, "k.csv", "externí id,jméno,příjmení\nA1,Lenka,Černá\n".encode())
    assert len(response_result(client, upload).created) == 1
    _confirm(client, upload)
    foreign.refresh_from_db()
    assert foreign.first_name == "Cizí"
    assert Client.objects.filter(external_id="A1").count() == 2


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("cp1250", ";"), ("utf-8-sig", ","), ("utf-8", ";"), ("utf-8-sig", ";")]
)
def test_czech_csv_files_are_read_with_their_title_rows(encoding, delimiter):
    lines = [
        "Seznam klientů;;;",
        "",
        delimiter.join(["jméno", "příjmení", "datum narození", "poznámka"]),
        delimiter.join(["Řehoř", "Žďárský", "28. 11. 1975", '"Brno, Údolní"']),
    ]
    table = read_table("k.csv", "\r\n".join(lines).encode(encoding), {})
    assert table.header_row == 3
    assert table.headings == ["jméno", "příjmení", "datum narození", "poznámka"]
    assert table.rows == [(4, ["Řehoř", "Žďárský", "28. 11. 1975", "Brno, Údolní"])]


def test_dates_of_every_kind_give_the_year_of_birth(carol):
    rows = [
        ["jméno", "příjmení", "datum narození"],
        ["A", "Jedna", "28.11.1975"],
        ["B", "Dva", "28. 11. 1976"],
        ["C", "Tři", datetime.datetime(1977, 11, 28)],  # noqa: DTZ001 - a spreadsheet cell has no zone
        ["D", "Čtyři", "1978-11-28"],
    ]
    table = read_table("k.xlsx", _xlsx(rows), {})
    result = imports.dry_run(by=carol, table=table, mapping=imports.column_mapping(table, {}))
    assert [row.record.birth_year for row in result.created] == [1975, 1976, 1977, 1978]


def test_a_file_without_a_header_is_refused_in_czech(client, carol):
    client.force_login(carol)
    response = client.post(reverse("clients:import_start"), {"file": SimpleUploadedFile("k.csv", b"a;b;c\n1;2;3\n")})
    assert response.status_code == 400
    assert "Nenalezen řádek záhlaví" in response.content.decode()
    assert not ClientImportUpload.objects.exists()


def test_the_mapping_is_remembered_for_the_organisation(client, carol):
    client.force_login(carol)
    first = _upload(client, "a.csv", "Klient č.;Jméno;Příjmení\nX-1;Eva;Malá\n".encode())
    assert "external_id" not in imports.column_mapping(imports.upload_table(first, {}), {})
    response = client.post(
        reverse("clients:import_check", args=[first.pk]),
        {"action": "map", "external_id": "0", "first_name": "1", "last_name": "2"},
    )
    assert response.status_code == 302
    assert ClientImportMapping.objects.get(organisation=carol.organisation).columns == {
        "external_id": "Klient č.",
        "first_name": "Jméno",
        "last_name": "Příjmení",
    }
    # The next file of the organisation: its header is found by the saved headings, in another order.
    second = _upload(client, "b.csv", "Klient č.;Poznámka;Příjmení;Jméno\nX-2;;Malý;Jan\n".encode())
    result = response_result(client, second)
    assert [row.record.external_id for row in result.created] == ["X-2"]
    assert result.created[0].record.first_name == "Jan"


def test_one_column_for_two_fields_is_refused(client, carol):
    client.force_login(carol)
    upload = _upload(client, "a.csv", "Jméno;Příjmení\nEva;Malá\n".encode())
    response = client.post(
        reverse("clients:import_check", args=[upload.pk]), {"action": "map", "first_name": "0", "last_name": "0"}
    )
    assert response.status_code == 400
    assert "Jeden sloupec je vybrán pro dvě pole." in response.content.decode()
    assert not ClientImportMapping.objects.exists()


def test_rejected_rows_download_with_an_error_column(client, carol):
    client.force_login(carol)
    data = "Jméno;Příjmení;Pohlaví\nEva;Malá;žena\n=HYPERLINK(1);;muž\n".encode()
    upload = _upload(client, "a.csv", data)
    response = client.get(reverse("clients:import_rejected", args=[upload.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Jméno", "Příjmení", "Pohlaví", "chyba"]
    assert (rows[1][0], rows[1][2]) == ("=HYPERLINK(1)", "muž")
    assert "příjmení" in str(rows[1][3]).lower()
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert len(rows) == 2


def test_the_template_lists_the_columns_and_its_example_row_imports(client, carol):
    client.force_login(carol)
    response = client.get(reverse("clients:import_template"))
    assert response.status_code == 200
    data = response.content
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("externí id", "identita", "jméno")
    upload = _upload(client, "sablona.xlsx", data)
    result = response_result(client, upload)
    assert len(result.created) == 1 and not result.errors and not result.skipped
    assert result.created[0].record.birth_year == 1975


def test_the_import_is_all_or_nothing(client, carol, monkeypatch):
    client.force_login(carol)
    upload = _upload(client, "a.csv", "Jméno;Příjmení\nEva;Malá\nJan;Velký\n".encode())
    summary = response_result(client, upload).summary
    real_save = Client.save

    def failing_save(self, *args, **kwargs):
        if self.first_name == "Jan":
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Client, "save", failing_save)
    with pytest.raises(imports.ImportRefused):
        imports.client_import(by=carol, upload=upload, summary=summary)
    assert not Client.objects.exists()
    assert ClientImportUpload.objects.filter(pk=upload.pk).exists()


def test_a_changed_dry_run_is_shown_again_before_importing(client, carol):
    client.force_login(carol)
    upload = _upload(client, "a.csv", "Jméno;Příjmení\nEva;Malá\n".encode())
    summary = response_result(client, upload).summary
    ClientFactory(organisation=carol.organisation, first_name="Eva", last_name="Malá")
    response = client.post(
        reverse("clients:import_check", args=[upload.pk]), {"action": "confirm", "summary": summary}, follow=True
    )
    assert "Záznamy se od kontroly změnily" in response.content.decode()
    assert Client.objects.count() == 1


def test_an_upload_is_only_its_uploaders_and_only_for_a_day(client, carol):
    other_coordinator = UserFactory(organisation=carol.organisation, role=Role.COORDINATOR)
    client.force_login(carol)
    upload = _upload(client, "a.csv", "Jméno;Příjmení\nEva;Malá\n".encode())
    client.force_login(other_coordinator)
    assert client.get(reverse("clients:import_check", args=[upload.pk])).status_code == 404
    assert client.get(reverse("clients:import_rejected", args=[upload.pk])).status_code == 404
    client.force_login(carol)
    ClientImportUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    assert client.get(reverse("clients:import_check", args=[upload.pk])).status_code == 404
    assert imports.forget_old_uploads() == 1
    assert not ClientImportUpload.objects.exists()


def test_the_external_identifier_is_unique_per_organisation(carol, oscar):
    ClientFactory(organisation=carol.organisation, external_id="Z9")
    ClientFactory(organisation=oscar.organisation, external_id="Z9")  # another organisation: allowed
    ClientFactory(organisation=carol.organisation, external_id="")
    ClientFactory(organisation=carol.organisation, external_id="")  # empty: never a clash
    with pytest.raises(IntegrityError):
        ClientFactory(organisation=carol.organisation, external_id="Z9")


def test_a_new_external_identifier_resembling_a_client_without_one_is_skipped(carol):
    ClientFactory(organisation=carol.organisation, first_name="Eva", last_name="Malá", external_id="")
    ClientFactory(organisation=carol.organisation, first_name="Jan", last_name="Velký", external_id="OLD-1")
    csv = "externí id;jméno;příjmení\nNEW-1;Eva;Mala\nNEW-2;Jan;Velký\n".encode()
    table = read_table("k.csv", csv, {})
    result = imports.dry_run(by=carol, table=table, mapping=imports.column_mapping(table, {}))
    assert [number for number, _message in result.skipped] == [2]
    assert [row.record.external_id for row in result.created] == ["NEW-2"]  # a namesake recorded as another


def test_an_anonymised_client_is_not_found_by_a_reimport(carol):
    from gdpr.anonymisation import anonymise_client

    client = ClientFactory(organisation=carol.organisation, external_id="A1", imported_from="klienti.xlsx")
    anonymise_client(client)
    client.refresh_from_db()
    assert (client.external_id, client.imported_from) == ("", "")


def test_uploads_older_than_a_day_are_deleted_every_hour(carol, settings):
    from clients.tasks import forget_old_import_uploads

    assert settings.CELERY_BEAT_SCHEDULE["client-imports-forget"]["task"] == forget_old_import_uploads.name
    old, _table = imports.upload_store(by=carol, file_name="a.csv", data="Jméno;Příjmení\nEva;Malá\n".encode())
    fresh, _table = imports.upload_store(by=carol, file_name="b.csv", data="Jméno;Příjmení\nEva;Malá\n".encode())
    ClientImportUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert forget_old_import_uploads() == 1
    assert list(ClientImportUpload.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_a_file_over_the_row_limit_is_refused_before_any_check(monkeypatch):
    from clients import import_files

    monkeypatch.setattr(import_files, "MAX_ROWS", 2)
    with pytest.raises(import_files.UnreadableFile, match="více než 2 řádků"):
        read_table("k.csv", "jméno;příjmení\nA;B\nC;D\nE;F\n".encode(), {})
