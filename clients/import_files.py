"""The files of a client import: reading a CSV (UTF-8 with or without BOM, or Windows-1250;
`;`, `,` or tab, told by csv.Sniffer) or an XLSX sheet (openpyxl), finding the header row below
any title rows, and writing the template and the file of rejected rows (XLSX).

Column headings are in Czech whatever the language of the page, as the template names them."""

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
# Each row is checked with the client form and against the recorded clients: a few queries a row.
MAX_ROWS = 1_000
# How many rows from the top may be titles, notes or merged cells above the header.
HEADER_SEARCH_ROWS = 20

# field -> (the template's heading, other headings understood, folded: lower case, no diacritics)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "external_id": ("externí id", ("externi identifikator", "external id", "external_id", "id klienta")),
    "identity": ("identita", ("typ identity", "identity")),
    "first_name": ("jméno", ("krestni jmeno", "first name", "first_name")),
    "last_name": ("příjmení", ("last name", "last_name")),
    "nickname": ("přezdívka", ("nickname",)),
    "birth_year": ("rok narození", ("birth year", "birth_year")),
    "birth_date": ("datum narození", ("narozen", "narozena", "birth date", "birth_date")),
    "sex": ("pohlaví", ("sex",)),
    "phone": ("telefon", ("tel", "tel.", "mobil", "phone")),
    "email": ("e-mail", ("email", "mail")),
    "address": ("adresa", ("bydliste", "address")),
    "note": ("poznámka", ("note",)),
}
EXAMPLE_ROW = {
    "external_id": "K-2026-001",
    "identity": "jmenovitě",
    "first_name": "Zdeňka",
    "last_name": "Šťastná",
    "nickname": "",
    "birth_year": "",
    "birth_date": "28.11.1975",
    "sex": "žena",
    "phone": "+420 603 123 456",
    "email": "zdenka.stastna@example.cz",
    "address": "Údolní 15, Brno",
    "note": "Převzato z evidence 2025.",
}
ERROR_HEADING = "chyba"


class UnreadableFile(Exception):
    """The file is not a table the import reads; the message says why, in the user's language."""


def folded(text: Any) -> str:
    """Lower case without diacritics and surrounding spaces: how headings are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class Table:
    file_name: str
    headings: list[str]
    header_row: int  # as the spreadsheet numbers it, from 1
    rows: list[tuple[int, list[Any]]]  # (row number, cells), blank rows left out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is neither UTF-8 nor Windows-1250 text."))  # pragma: no cover


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a CSV or XLSX table."))
    sample = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS + 5])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = max(";,\t", key=sample.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar='"'))


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The XLSX file cannot be read: is it a spreadsheet saved as .xlsx?")) from error
    try:
        return [list(values) for values in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def known_headings(saved: dict[str, str]) -> dict[str, str]:
    """Folded heading -> field: the template's, the synonyms and the organisation's saved mapping."""
    names: dict[str, str] = {}
    for field, (heading, others) in COLUMNS.items():
        for name in (heading, *others):
            names[folded(name)] = field
    for field, heading in saved.items():
        if field in COLUMNS and heading:
            names[folded(heading)] = field
    return names


def read_table(file_name: str, data: bytes, saved: dict[str, str]) -> Table:
    """The table of the file: the header is the first row with at least two cells naming a known
    column (the template's or the saved mapping's); rows above it are titles and are skipped."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB: split it into several imports."))
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    is_xlsx = file_name.lower().endswith(".xlsx") or data[:2] == b"PK"
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    names = known_headings(saved)
    index = next(
        (i for i, values in enumerate(rows[:HEADER_SEARCH_ROWS]) if sum(folded(v) in names for v in values) >= 2), None
    )
    if index is None:
        raise UnreadableFile(
            _("No header row found: one of the first %(rows)s rows must name the columns, e.g. jméno and příjmení.")
            % {"rows": HEADER_SEARCH_ROWS}
        )
    headings = ["" if value is None else str(value).strip() for value in rows[index]]
    body = [
        (number, values)
        for number, values in enumerate(rows[index + 1 :], start=index + 2)
        if any(value is not None and str(value).strip() != "" for value in values)
    ]
    if len(body) > MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS})
    return Table(file_name=file_name, headings=headings, header_row=index + 1, rows=body)


def xlsx_bytes(headings: list[str], rows: list[list[Any]]) -> bytes:
    """A sheet of text cells: nothing in it is ever a formula the opening program would run."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    for row_index, values in enumerate([headings, *rows], start=1):
        for column_index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            cell.value = "" if value is None else str(value)
            cell.data_type = "s"  # a text cell even when it starts with "="
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """The template: every column the import knows and one example row."""
    return xlsx_bytes([heading for heading, _others in COLUMNS.values()], [[EXAMPLE_ROW[f] for f in COLUMNS]])
