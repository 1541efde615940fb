"""Writes docs/examples/clients.xlsx: an example of a client import as offices really keep it,
a merged title row above the header, dates typed in three ways, and deliberate errors.

    python scripts/client_import_example.py

tests/test_client_import.py imports the file and checks what each row becomes."""

import datetime
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook

TARGET = Path(__file__).resolve().parent.parent / "docs" / "examples" / "clients.xlsx"
HEADER = ["Externí ID", "Jméno", "Příjmení", "Přezdívka", "Datum narození", "Pohlaví", "Telefon", "E-mail", "Poznámka"]
ROWS: list[list[Any]] = [
    # 3: correct, a date typed as text
    ["K-001", "Zdeňka", "Šťastná", "", "28.11.1975", "žena", "603123456", "zdenka@example.cz", "Převzato z evidence."],
    # 4: correct, a date with spaces
    ["K-002", "Jiří", "Dvořáček", "", "3. 4. 1968", "muž", "", "", ""],
    # 5: correct, an Excel date cell
    ["K-003", "Ľubica", "Horváthová", "", datetime.date(1990, 1, 15), "Ž", "", "", ""],
    # 6: error, a named client without a last name
    ["K-004", "Marek", "", "", "1.1.1980", "muž", "", "", ""],
    # 7: error, not a date
    ["K-005", "Petra", "Nová", "", "31.2.1985", "žena", "", "", ""],
    # 8: error, an unknown sex
    ["K-006", "Karel", "Malý", "", "", "kluk", "", "", ""],
    # 9: error, the same external identifier as row 3
    ["K-001", "Zdena", "Šťastná", "", "", "žena", "", "", ""],
    # 10: error, a wrong e-mail address
    ["K-007", "Anna", "Veselá", "", "", "žena", "", "anna(at)example.cz", ""],
    # 11: correct, a pseudonym without an external identifier
    ["", "", "", "Bára", "5.6.2001", "", "", "", ""],
]


def build() -> Workbook:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Klienti"
    sheet.append(["Seznam klientů k převodu (stav k 30. 11. 2026)"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for cell in sheet["E"][2:]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = "DD.MM.YYYY"
    return workbook


if __name__ == "__main__":
    build().save(sys.argv[1] if len(sys.argv) > 1 else TARGET)
