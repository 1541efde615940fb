"""Importing contact records from a spreadsheet: the client import's flow (dry run, row errors in
Czech, rejected rows, all or nothing) with contacts.services' own rules, scoped to the
coordinator's organisation, without duplicates on a re-import, marked as imported in history."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from accounts.models import User
from audit.models import HistoryEntry
from clients import importing
from clients.import_files import open_table
from clients.models import ClientImportUpload
from contacts.imports import COLUMNS, CONTACTS
from contacts.models import Activity, Contact
from programmes.services import starting_service
from tests.factories import ClientFactory, UserFactory

HEADER = ["externí id", "datum", "čas", "trvání (min)", "asistent", "klienti", "úřad", "typ činnosti", "výsledek"]


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


@pytest.fixture
def day() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=30)


@pytest.fixture
def world(carol, alice, oscar):
    starting_service(carol.organisation)
    return {
        "lenka": ClientFactory(organisation=carol.organisation, external_id="K-1", first_name="Lenka"),
        "tomas": ClientFactory(organisation=carol.organisation, external_id="", first_name="Tomáš"),
        "foreign": ClientFactory(organisation=oscar.organisation, external_id="K-9"),
    }


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.worksheets[0].append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, name: str, data: bytes) -> ClientImportUpload:
    response = client.post(reverse("contacts:import_start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ClientImportUpload.objects.latest("pk")


def _result(client, upload):
    response = client.get(reverse("contacts:import_check", args=[upload.pk]))
    assert response.status_code == 200
    return response.context["result"]


def _confirm(client, upload):
    summary = _result(client, upload).summary
    return client.post(reverse("contacts:import_check", args=[upload.pk]), {"action": "confirm", "summary": summary})


def _dry_run(user, data: bytes, name: str = "k.xlsx"):
    table = open_table(name, data, {}, COLUMNS).table()
    mapping = importing.column_mapping(table.headings, {}, COLUMNS)
    return importing.dry_run(CONTACTS, by=user, table=table, mapping=mapping)


def test_rows_are_checked_by_the_rules_of_a_contact_then_imported_all_at_once(client, carol, world, day):
    cz = f"{day.day}.{day.month}.{day.year}"
    rows = [
        ["Evidence kontaktů 2026", None, None],  # a title row (merged cells in the original)
        HEADER,
        ["Z-1", cz, "9:30", 45, "alice", "K-1", "Policie ČR", "Asistence / doprovod", "Oznámení přijato"],
        ["Z-2", cz, "10:00", 30, "alice", f"K-1; {world['tomas'].pk}", "", "Kontakt", ""],
        ["Z-3", cz, "11:00", 30, "oscar", "K-1", "", "Kontakt", ""],  # not of the organisation
        ["Z-4", cz, "12:00", 30, "alice", "K-9", "", "Kontakt", ""],  # another organisation's client
        ["Z-5", "31.2.2026", "12:00", 30, "alice", "K-1", "", "Kontakt", ""],
        ["Z-6", cz, "13:00", 0, "alice", "K-1", "", "Kontakt", ""],
        ["Z-7", cz, "14:00", 30, "alice", "", "", "Kontakt", ""],  # nobody present
        ["Z-1", cz, "15:00", 30, "alice", "K-1", "", "Kontakt", ""],
        ["Z-8", "1.1.2099", "9:00", 30, "alice", "K-1", "", "Kontakt", ""],
        ["Z-9", cz, "9:00", 30, "alice", "K-1", "", "Vaření", ""],
    ]
    client.force_login(carol)
    upload = _upload(client, "kontakty.xlsx", _xlsx(rows))
    result = _result(client, upload)
    assert [row.number for row in result.created] == [3, 4]
    errors = dict(result.errors)
    assert errors == {
        5: "„oscar“ ve sloupci asistent není známý.",
        6: "Žádný váš klient nemá identifikátor „K-9“.",
        7: "„31.2.2026“ není datum: napište jej jako 28.11.2026.",
        8: "Délka (minuty): Délka musí být alespoň jedna minuta.",
        9: errors[9],
        10: "Stejný externí identifikátor jako řádek 3.",
        11: "Datum a čas: Datum a čas nemohou být v budoucnosti.",
        12: "„Vaření“ ve sloupci typ činnosti není známý.",
    }
    assert errors[9].startswith("Klienti: Vyberte alespoň jednoho klienta")
    assert not Contact.objects.exists()  # the dry run writes nothing

    rejected = client.get(reverse("contacts:import_rejected", args=[upload.pk]))
    sheet = list(load_workbook(io.BytesIO(rejected.content)).worksheets[0].iter_rows(values_only=True))
    assert sheet[0] == (*HEADER, "chyba")
    assert [row[0] for row in sheet[1:]] == ["Z-3", "Z-4", "Z-5", "Z-6", "Z-7", "Z-1", "Z-8", "Z-9"]

    assert _confirm(client, upload).status_code == 302
    first, second = Contact.objects.order_by("external_id")
    assert (first.external_id, first.duration_minutes, first.outcome) == ("Z-1", 45, "Oznámení přijato")
    assert first.assistant.username == "alice" and first.organisation_id == carol.organisation_id
    assert timezone.localtime(first.occurred_at).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(9, 30)
    )
    assert first.authority is not None and first.authority.name == "Policie ČR"
    assert [a.activity_type.name for a in first.activities.all()] == ["Asistence / doprovod"]
    assert set(second.clients.all()) == {world["lenka"], world["tomas"]}
    assert (first.imported_from, first.imported_by) == ("kontakty.xlsx", carol)
    history = HistoryEntry.objects.get(table_name="contacts_contact", row_pk=str(first.pk), operation="INSERT")
    assert history.actor_id == carol.pk
    assert history.new_values is not None
    assert (history.new_values["imported_from"], history.new_values["imported_by_id"]) == ("kontakty.xlsx", carol.pk)
    detail = client.get(reverse("contacts:detail", args=[first.pk])).content.decode()
    assert "Importováno ze souboru kontakty.xlsx" in detail


def test_a_reimport_adds_nothing_twice(client, carol, world, day):
    cz = f"{day.day}. {day.month}. {day.year}"
    rows = [HEADER, ["Z-1", cz, "9:30", 45, "alice", "K-1", "", "Kontakt", ""]]
    rows.append(["", cz, "10:30", 20, "alice", "K-1", "", "Kontakt", ""])  # no identifier
    rows.append(["", cz, "10:30", 20, "alice", "K-1", "", "Kontakt", ""])  # the same again
    client.force_login(carol)
    upload = _upload(client, "k.xlsx", _xlsx(rows))
    assert [number for number, _m in _result(client, upload).skipped] == [4]
    _confirm(client, upload)
    assert Contact.objects.count() == 2

    again = _upload(client, "k.xlsx", _xlsx(rows))
    result = _result(client, again)
    assert not result.created
    assert [number for number, _m in result.skipped] == [2, 3, 4]
    assert result.skipped[0][1].startswith("Importováno již:")
    assert Contact.objects.count() == 2


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("cp1250", ";"), ("utf-8-sig", ","), ("utf-8", ";"), ("cp1250", ",")]
)
def test_czech_csv_files_with_decimal_commas_and_both_date_forms(carol, world, day, encoding, delimiter):
    quote = '"' if delimiter == "," else ""
    lines = [
        "Výkaz práce;;;;",
        delimiter.join(["datum", "čas", "trvání (hod)", "asistent", "klienti", "typ činnosti", "poznámka"]),
        delimiter.join(
            [
                f"{day.day}.{day.month}.{day.year}",
                "9:30",
                f"{quote}1,5{quote}",
                "alice",
                "K-1",
                "Kontakt",
                "Řeč o úřadech",
            ]
        ),
        delimiter.join(
            [
                f"{day.day}. {day.month}. {day.year}",
                "14.05",
                f"{quote}0,25{quote}",
                "Alice Nováková",
                "K-1",
                "Kontakt",
                "Žádost",
            ]
        ),
    ]
    alice = User.objects.get(username="alice")
    alice.first_name, alice.last_name = "Alice", "Nováková"
    alice.save(update_fields=["first_name", "last_name"])
    result = _dry_run(carol, "\r\n".join(lines).encode(encoding), "k.csv")
    assert not result.errors, result.errors
    first, second = (row.record.contact for row in result.created)
    assert (first.duration_minutes, second.duration_minutes) == (90, 15)
    assert timezone.localtime(second.occurred_at).time() == datetime.time(14, 5)
    assert first.note == "Řeč o úřadech"


def test_excel_dates_and_times_are_read(carol, world, day):
    moment = datetime.datetime.combine(day, datetime.time(8, 15))
    rows = [
        ["datum", "trvání (min)", "asistent", "klienti", "typ činnosti"],
        [moment, "30,0", "alice", "K-1", "Kontakt"],  # a date with its time, minutes with a decimal comma
        [day, 20, "alice", "K-1", "Kontakt"],
    ]
    result = _dry_run(carol, _xlsx(rows))
    assert not result.errors, result.errors
    first, second = (row.record.contact for row in result.created)
    assert timezone.localtime(first.occurred_at).replace(tzinfo=None) == moment
    assert timezone.localtime(second.occurred_at).date() == day
    assert first.duration_minutes == 30


def test_an_assistant_of_another_organisation_is_refused_by_the_service_too(carol, oscar, world, day):
    from django.core.exceptions import ValidationError

    from contacts.services import contact_checked

    with pytest.raises(ValidationError, match="není z vaší organizace"):
        contact_checked(
            organisation=carol.organisation,
            assistant=oscar,
            occurred_at=timezone.now(),
            duration_minutes=30,
            activities=[],
            service=starting_service(carol.organisation),
            project=None,
        )


def test_the_import_is_all_or_nothing(client, carol, world, day, monkeypatch):
    cz = f"{day.day}.{day.month}.{day.year}"
    rows = [HEADER, *[[f"Z-{i}", cz, f"9:{i:02}", 30, "alice", "K-1", "", "Kontakt", ""] for i in range(5)]]
    client.force_login(carol)
    upload = _upload(client, "k.xlsx", _xlsx(rows))
    summary = _result(client, upload).summary
    real = Activity.objects.bulk_create

    def failing(objs, *args, **kwargs):
        real(objs, *args, **kwargs)
        raise IntegrityError("activity_minutes_positive")

    monkeypatch.setattr(Activity.objects, "bulk_create", failing)
    with pytest.raises(importing.ImportRefused):
        importing.confirm_import(CONTACTS, by=carol, upload=upload, summary=summary)
    assert not Contact.objects.exists() and not Activity.objects.exists()
    assert ClientImportUpload.objects.filter(pk=upload.pk).exists()


def test_the_check_costs_a_few_queries_a_batch_not_a_few_a_row(carol, world, day):
    cz = f"{day.day}.{day.month}.{day.year}"

    def file(count: int) -> bytes:
        return _xlsx(
            [HEADER, *[[f"Z-{i}", cz, f"{i % 24}:00", 30, "alice", "K-1", "", "Kontakt", ""] for i in range(count)]]
        )

    with CaptureQueriesContext(connection) as few:
        assert len(_dry_run(carol, file(3)).created) == 3
    with CaptureQueriesContext(connection) as many:
        assert len(_dry_run(carol, file(60)).created) == 60
    # Loading the organisation's lists once, then per batch: clients, recorded identifiers, times.
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_template_lists_the_columns_and_its_example_row_imports(client, carol, world):
    UserFactory(username="asistent.brno", organisation=carol.organisation, role="assistant")
    ClientFactory(organisation=carol.organisation, external_id="K-2026-001")
    client.force_login(carol)
    response = client.get(reverse("contacts:import_template"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:4] == ("externí id", "datum", "čas", "trvání (min)")
    result = _dry_run(carol, response.content)
    assert len(result.created) == 1 and not result.errors, result.errors


def test_an_upload_of_contacts_is_not_reached_by_the_client_import(client, carol, world):
    client.force_login(carol)
    upload = _upload(client, "k.csv", "datum;asistent;trvání (min)\n1.1.2026;alice;30\n".encode())
    assert client.get(reverse("clients:import_check", args=[upload.pk])).status_code == 404
    assert client.get(reverse("contacts:import_check", args=[upload.pk])).status_code == 200
