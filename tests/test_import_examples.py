"""The example spreadsheets of docs/examples/ (contacts.xlsx, cases.xlsx) as the demo's DROM
organisation imports them: what each row becomes, and that they are what the script writes."""

import datetime

import pytest
from django.utils import timezone, translation

from cases.imports import CASES
from clients import importing
from clients.import_files import open_table
from contacts.imports import CONTACTS
from tests.import_helpers import EXAMPLES, example_organisation, import_example_clients


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


@pytest.fixture
def world(carol):
    world = example_organisation(carol)
    import_example_clients(carol)
    return world


def _dry_run(importer, user, name: str):
    table = open_table(name, (EXAMPLES / name).read_bytes(), {}, importer.columns).table()
    assert table.header_row == 2  # below the merged title row
    mapping = importing.column_mapping(table.headings, {}, importer.columns)
    return importing.dry_run(importer, by=user, table=table, mapping=mapping)


def test_the_contact_example_is_checked_by_row(carol, world):
    result = _dry_run(CONTACTS, carol, "contacts.xlsx")
    assert [row.number for row in result.created] == [3, 4, 5]
    first, second, third = (row.record for row in result.created)
    assert (first.contact.assistant, first.contact.project) == (world["jana"], world["project"])
    assert timezone.localtime(first.contact.occurred_at).replace(tzinfo=None) == datetime.datetime(2026, 3, 12, 9, 30)  # noqa: DTZ001
    assert (second.contact.assistant, second.contact.duration_minutes) == (world["jana"], 90)
    assert sorted(c.external_id for c in second.clients) == ["K-002", "K-003"]
    assert timezone.localtime(third.contact.occurred_at).replace(tzinfo=None) == datetime.datetime(2026, 5, 20, 10, 15)  # noqa: DTZ001
    assert (third.contact.anonymous_persons, str(third.contact.locality)) == (3, "Brno – Husovice")
    errors = dict(result.errors)
    assert errors == {
        6: "„asistent.ostrava“ ve sloupci asistent není známý.",
        7: "Žádný váš klient nemá identifikátor „K-999“.",
        8: "„31.4.2026“ není datum: napište jej jako 28.11.2026.",
        9: "„půl hodiny“ není číslo.",
        10: "„Vaření“ ve sloupci typ činnosti není známý.",
        11: "Stejný externí identifikátor jako řádek 3.",
        12: errors[12],
    }
    assert errors[12].startswith("Klienti: Vyberte alespoň jednoho klienta")


def test_the_case_example_is_checked_by_row(carol, world):
    result = _dry_run(CASES, carol, "cases.xlsx")
    assert [row.number for row in result.created] == [3, 4]
    (first, _types), (second, second_types) = (row.record for row in result.created)
    assert (first.incident_date, first.reported_on, first.risk_level, first.particularly_vulnerable) == (
        datetime.date(2025, 9, 3),
        datetime.date(2025, 9, 15),
        "medium",
        True,
    )
    assert (second.region.code, second.incident_date) == ("CZ064", datetime.date(2026, 1, 10))
    assert sorted(t.section for t in second_types) == ["§175", "§218"]
    errors = dict(result.errors)
    assert sorted(errors) == [5, 6, 7, 8, 9, 10]
    assert errors[6] == "„§999“ ve sloupci trestné činy není známý."
    assert errors[8] == "Název: Chybí název."
    assert errors[10].startswith("Případ nelze sdílet s policií")


def test_the_examples_are_what_the_script_writes(tmp_path):
    from scripts.import_examples import build_cases, build_contacts

    for name, build, importer in (("contacts.xlsx", build_contacts, CONTACTS), ("cases.xlsx", build_cases, CASES)):
        build().save(tmp_path / name)
        ours = open_table(name, (tmp_path / name).read_bytes(), {}, importer.columns).table()
        shipped = open_table(name, (EXAMPLES / name).read_bytes(), {}, importer.columns).table()
        assert ours.rows == shipped.rows
