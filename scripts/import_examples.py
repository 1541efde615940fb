"""Writes docs/examples/contacts.xlsx and docs/examples/cases.xlsx: examples of a contact and a
case import as organisations keep them (a merged title row above the header, dates typed in
several ways, a decimal comma), for the demo's DROM organisation (`make run`), with the clients of
docs/examples/clients.xlsx (K-001 to K-003, imported first) and deliberate errors.

    python scripts/import_examples.py

tests/test_import_examples.py imports both files and checks what each row becomes; the browser
journey tests/e2e/test_imports.py imports them, fixes the rejected rows and imports those."""

import datetime
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"

CONTACT_HEADER = [
    "Externí ID",
    "Datum",
    "Čas",
    "Trvání (min)",
    "Trvání (hod)",
    "Asistent",
    "Klienti",
    "Anonymní osoby",
    "Úřad",
    "Typ činnosti",
    "Projekt",
    "Lokalita",
    "Výsledek",
]
CONTACT_ROWS: list[list[Any]] = [
    # 3: correct, a date typed as text
    [
        "Z-001",
        "12.3.2026",
        "9:30",
        45,
        "",
        "asistent.brno",
        "K-001",
        "",
        "Policie ČR",
        "Asistence / doprovod",
        "Asistenti pro jednání s úřady (OPZ+)",
        "",
        "Oznámení přijato.",
    ],
    # 4: correct, a date with spaces, two clients, the duration in hours with a decimal comma
    [
        "Z-002",
        "3. 4. 2026",
        "14:00",
        "",
        "1,5",
        "Jana Horváthová",
        "K-002; K-003",
        "",
        "Úřad práce",
        "Jednání v zájmu klienta",
        "",
        "",
        "Dávka vyřízena.",
    ],
    # 5: correct, an Excel date and time, anonymous persons only, work without a client
    [
        "Z-003",
        datetime.datetime(2026, 5, 20, 10, 15),  # noqa: DTZ001 - a spreadsheet cell has no zone
        "",
        60,
        "",
        "asistent2.brno",
        "",
        3,
        "",
        "Depistáž / monitoring lokality",
        "",
        "Husovice",
        "",
    ],
    # 6: error, an assistant of another organisation
    ["Z-004", "2.6.2026", "8:00", 30, "", "asistent.ostrava", "K-001", "", "", "Kontakt", "", "", ""],
    # 7: error, an unknown client
    ["Z-005", "2.6.2026", "9:00", 30, "", "asistent.brno", "K-999", "", "", "Kontakt", "", "", ""],
    # 8: error, not a date
    ["Z-006", "31.4.2026", "9:00", 30, "", "asistent.brno", "K-001", "", "", "Kontakt", "", "", ""],
    # 9: error, not a number
    ["Z-007", "4.6.2026", "9:00", "půl hodiny", "", "asistent.brno", "K-001", "", "", "Kontakt", "", "", ""],
    # 10: error, an unknown activity type
    ["Z-008", "5.6.2026", "9:00", 30, "", "asistent.brno", "K-001", "", "", "Vaření", "", "", ""],
    # 11: error, the same external identifier as row 3
    ["Z-001", "6.6.2026", "9:00", 30, "", "asistent.brno", "K-002", "", "", "Kontakt", "", "", ""],
    # 12: error, nobody present
    ["Z-009", "7.6.2026", "9:00", 30, "", "asistent.brno", "", "", "", "Kontakt", "", "", ""],
]

CASE_HEADER = [
    "Externí ID",
    "Klient",
    "Název",
    "Asistent",
    "Trestné činy",
    "Datum činu",
    "Oznámeno dne",
    "Kraj",
    "Lokalita",
    "Míra rizika",
    "Zvlášť zranitelná oběť",
    "Sdíleno s policií",
]
CASE_ROWS: list[list[Any]] = [
    # 3: correct, dates typed as text
    [
        "P-001",
        "K-001",
        "Lichva – půjčka 20 000 Kč",
        "asistent.brno",
        "§218",
        "3. 9. 2025",
        "15.9.2025",
        "Jihomoravský kraj",
        "",
        "střední",
        "ano",
        "ne",
    ],
    # 4: correct, two crime types, an Excel date, the region told by the locality
    [
        "P-002",
        "K-002",
        "Vydírání sousedem",
        "asistent2.brno",
        "§175; §218",
        datetime.date(2026, 1, 10),
        "",
        "",
        "Husovice",
        "vysoké",
        "ne",
        "ne",
    ],
    # 5: error, an unknown client
    ["P-003", "K-999", "Krádež", "asistent.brno", "§205", "", "", "Jihomoravský kraj", "", "", "", ""],
    # 6: error, an unknown crime type
    ["P-004", "K-003", "Podvod", "asistent.brno", "§999", "", "", "Jihomoravský kraj", "", "", "", ""],
    # 7: error, the incident after the day it was reported
    [
        "P-005",
        "K-003",
        "Napadení",
        "asistent.brno",
        "§146",
        "20.9.2025",
        "15.9.2025",
        "Jihomoravský kraj",
        "",
        "",
        "",
        "",
    ],
    # 8: error, no title
    ["P-006", "K-003", "", "asistent.brno", "§205", "", "", "Jihomoravský kraj", "", "", "", ""],
    # 9: error, the same external identifier as row 3
    ["P-001", "K-003", "Krádež kola", "asistent.brno", "§205", "", "", "Jihomoravský kraj", "", "", "", ""],
    # 10: error, shared with the police without the client's consent
    ["P-007", "K-003", "Obchod s lidmi", "asistent.brno", "§168", "", "", "Jihomoravský kraj", "", "", "", "ano"],
]


def _sheet(title: str, caption: str, header: list[str], rows: list[list[Any]]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = title
    sheet.append([caption])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=3):
        for cell in column:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
    return workbook


def build_contacts() -> Workbook:
    return _sheet("Kontakty", "Výkaz kontaktů 2026 (převzato z tabulek)", CONTACT_HEADER, CONTACT_ROWS)


def build_cases() -> Workbook:
    return _sheet("Případy", "Případy obětí – přehled", CASE_HEADER, CASE_ROWS)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLES
    build_contacts().save(target / "contacts.xlsx")
    build_cases().save(target / "cases.xlsx")
