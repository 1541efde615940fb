"""The files of an import (clients here; contacts and cases name their own columns): reading a
CSV (UTF-8 with or without BOM, or Windows-1250; `;`, `,` or tab, told by csv.Sniffer) or an
XLSX sheet (openpyxl, read only), finding the header row below any title rows, and writing the
template and the file of rejected rows (XLSX).

Rows are read one at a time (`open_table(...).rows()`) from a file opened afresh for each pass (a
stored upload is read a part at a time, clients/import_storage.py), so that a large file checked
and imported in the background (clients/import_jobs.py) is never held whole in memory.

Column headings are in Czech whatever the language of the page, as the template names them."""

import codecs
import csv
import functools
import io
import itertools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
# Each row is checked with the client form and against the recorded clients: a few queries a row.
# A longer file is checked and imported in the background (clients/import_jobs.py).
MAX_ROWS = 1_000
# What a background import takes (about 200,000 rows of contacts as XLSX).
MAX_LARGE_FILE_BYTES = 50 * 1024 * 1024
MAX_LARGE_ROWS = 250_000

Columns = dict[str, tuple[str, tuple[str, ...]]]
# How many rows from the top may be titles, notes or merged cells above the header.
HEADER_SEARCH_ROWS = 20

# field -> (the template's heading, other headings understood, folded: lower case, no diacritics)
COLUMNS: Columns = {
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
    return _folded(str(text or ""))


@functools.lru_cache(maxsize=4096)  # the same names come back on every row of a long import
def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class Table:
    file_name: str
    headings: list[str]
    header_row: int  # as the spreadsheet numbers it, from 1
    rows: list[tuple[int, list[Any]]]  # (row number, cells), blank rows left out


@dataclass
class TableStream:
    """A file's header, and its rows read again from the file at every call of rows()."""

    file_name: str
    headings: list[str]
    header_row: int
    _raw: Callable[[], Iterator[list[Any]]]
    # The file as open_table opened it (its first rows read): the first rows() reads on from there,
    # since opening a long XLSX again costs a pass over its shared strings.
    _opened: tuple[list[list[Any]], Iterator[list[Any]]] | None = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cells) below the header, blank rows left out, one at a time."""
        if self._opened is not None:
            top, rest = self._opened
            self._opened = None
            source: Iterator[list[Any]] = itertools.chain(top, rest)
        else:
            source = self._raw()
        numbered = enumerate(source, start=1)
        for number, values in numbered:
            if number <= self.header_row:
                continue
            if any(value is not None and str(value).strip() != "" for value in values):
                yield number, values

    def table(self, max_rows: int | None = None) -> Table:
        """All the rows at once (UnreadableFile above max_rows)."""
        limit = MAX_ROWS if max_rows is None else max_rows
        rows = list(itertools.islice(self.rows(), limit + 1))
        if len(rows) > limit:
            raise UnreadableFile(_("The file has more than %(max)s rows: split it.") % {"max": limit})
        return Table(file_name=self.file_name, headings=self.headings, header_row=self.header_row, rows=rows)

    def is_longer_than(self, count: int) -> bool:
        return next(itertools.islice(self.rows(), count, None), None) is not None


# A file opened afresh, at its start, for each pass over it (reading it twice at once is allowed).
Opener = Callable[[], BinaryIO]
READ_BYTES = 256 * 1024


def _opener(data: bytes | Opener) -> Opener:
    if isinstance(data, bytes | bytearray):
        return lambda: io.BytesIO(data)
    return data


def _encoding(open_file: Opener) -> str:
    """UTF-8 (with or without BOM) or else Windows-1250: the first that decodes the whole file,
    told by decoding it a piece at a time."""
    for encoding in ("utf-8-sig", "cp1250"):
        decoder = codecs.getincrementaldecoder(encoding)()
        has_nul = False
        try:
            with open_file() as file:
                while chunk := file.read(READ_BYTES):
                    has_nul = has_nul or "\x00" in decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if has_nul:
            raise UnreadableFile(_("The file is not a CSV or XLSX table."))
        return encoding
    raise UnreadableFile(_("The file is neither UTF-8 nor Windows-1250 text."))  # pragma: no cover


def _csv_rows(open_file: Opener) -> Callable[[], Iterator[list[Any]]]:
    encoding = _encoding(open_file)
    with io.TextIOWrapper(open_file(), encoding=encoding, newline="") as text:
        head = "\n".join(itertools.islice(text, HEADER_SEARCH_ROWS + 5))
    try:
        dialect: Any = csv.Sniffer().sniff(head, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(";,\t", key=head.count)

    def rows() -> Iterator[list[Any]]:
        with io.TextIOWrapper(open_file(), encoding=encoding, newline="") as text:
            yield from csv.reader(text, delimiter=delimiter, quotechar='"')

    return rows


def _xlsx_rows(open_file: Opener) -> Callable[[], Iterator[list[Any]]]:
    from .xlsx_reading import first_sheet_rows

    def rows() -> Iterator[list[Any]]:
        # openpyxl parses the sheet as it goes, in memory that does not grow with its rows.
        with open_file() as file:
            yield from first_sheet_rows(file)

    return rows


def known_headings(saved: dict[str, str], columns: Columns | None = None) -> dict[str, str]:
    """Folded heading -> field: the template's, the synonyms and the organisation's saved mapping."""
    columns = COLUMNS if columns is None else columns
    names: dict[str, str] = {}
    for field, (heading, others) in columns.items():
        for name in (heading, *others):
            names[folded(name)] = field
    for field, heading in saved.items():
        if field in columns and heading:
            names[folded(heading)] = field
    return names


def check_size(size: int, *, large: bool = False) -> None:
    """UnreadableFile for a file longer than an import takes."""
    if size > (MAX_LARGE_FILE_BYTES if large else MAX_FILE_BYTES):
        if large:
            raise UnreadableFile(_("The file is larger than 50 MB: split it into several imports."))
        raise UnreadableFile(_("The file is larger than 5 MB: split it into several imports."))


def open_table(
    file_name: str,
    data: bytes | Opener,
    saved: dict[str, str],
    columns: Columns | None = None,
    *,
    large: bool = False,
) -> TableStream:
    """The file's header: the first row with at least two cells naming a known column (the
    template's or the saved mapping's); rows above it are titles and are skipped. `data` is the
    file's content, or what opens it afresh for each pass (a stored upload)."""
    open_file = _opener(data)
    with open_file() as file:
        size = file.seek(0, io.SEEK_END)
        file.seek(0)
        head = file.read(READ_BYTES)
    check_size(size, large=large)
    if not head.strip() and size <= len(head):
        raise UnreadableFile(_("The file is empty."))
    is_xlsx = file_name.lower().endswith(".xlsx") or head[:2] == b"PK"
    raw = _xlsx_rows(open_file) if is_xlsx else _csv_rows(open_file)
    names = known_headings(saved, columns)
    opened = raw()
    try:
        top = list(itertools.islice(opened, HEADER_SEARCH_ROWS))
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        if not is_xlsx:
            raise
        raise UnreadableFile(_("The XLSX file cannot be read: is it a spreadsheet saved as .xlsx?")) from error
    index = next((i for i, values in enumerate(top) if sum(folded(v) in names for v in values) >= 2), None)
    if index is None:
        example = ", ".join(heading for heading, _others in list((columns or COLUMNS).values())[1:3])
        raise UnreadableFile(
            _("No header row found: one of the first %(rows)s rows must name the columns, e.g. %(example)s.")
            % {"rows": HEADER_SEARCH_ROWS, "example": example}
        )
    headings = ["" if value is None else str(value).strip() for value in top[index]]
    return TableStream(file_name=file_name, headings=headings, header_row=index + 1, _raw=raw, _opened=(top, opened))


def read_table(file_name: str, data: bytes, saved: dict[str, str], columns: Columns | None = None) -> Table:
    """The table of the file, all its rows at once (at most MAX_ROWS)."""
    return open_table(file_name, data, saved, columns).table()


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


def template_xlsx(columns: Columns | None = None, example_row: dict[str, str] | None = None) -> bytes:
    """The template: every column the import knows and one example row."""
    columns = COLUMNS if columns is None else columns
    example = EXAMPLE_ROW if example_row is None else example_row
    return xlsx_bytes([heading for heading, _others in columns.values()], [[example[f] for f in columns]])
