# mypy: disable-error-code="attr-defined, override, union-attr, arg-type, assignment"
# (it extends openpyxl's reader and row parser, whose private parts its type stubs leave out)
"""The rows of an XLSX file's first sheet, read with openpyxl in memory that does not grow with
the number of rows.

openpyxl's read-only mode parses the sheet as it goes, but with ElementTree's iterparse every
parsed element stays attached to its parent after it is cleared: about 80 bytes a row, kept until
the sheet is closed (and a whole pass over the sheet at opening, when the file names no
dimension, as files written by many programs do not). Its table of shared strings is a list of
Python strings. For a background import of 100,000 rows that is tens of MB, so this module uses
openpyxl's own reader and row parser but:

- keeps the shared strings as one UTF-8 buffer with their offsets;
- detaches each parsed row from the sheet (and each string from the table) once it is read;
- looks for the dimension only above the rows.

Everything else (zip, styles, dates, numbers, errors, the safe XML parser) is openpyxl's."""

from array import array
from collections.abc import Iterator
from typing import Any, BinaryIO

from openpyxl.cell.text import Text
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DIMENSION_TAG, ROW_TAG, WorkSheetParser
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's: an uploaded file is not trusted

STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"
SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


class CompactStrings:
    """The shared strings table: one buffer of UTF-8 and the end offset of each string."""

    def __init__(self) -> None:
        self._text = bytearray()
        self._ends = array("Q")

    def append(self, value: str) -> None:
        self._text += value.encode()
        self._ends.append(len(self._text))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._text[start : self._ends[index]].decode()


class _RowParser(WorkSheetParser):
    """openpyxl's parser, reading only the rows (values are all an import needs)."""

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        sheet_data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == SHEET_DATA_TAG:
                    sheet_data = element
            elif element.tag == ROW_TAG:
                row = self.parse_row(element)
                if sheet_data is not None:
                    sheet_data.clear()  # the row read is let go, not kept as an empty child
                yield row

    def parse_dimensions(self):
        root = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if root is None:
                root = element
            if event == "start":
                if element.tag == SHEET_DATA_TAG:
                    return None  # no dimension above the rows: it is not looked for among them
            elif element.tag == DIMENSION_TAG:
                return SheetDimension.from_tree(element).boundaries
        return None


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        with self._get_source() as source:
            dimensions = _RowParser(source, []).parse_dimensions()
        if dimensions is not None:
            self._min_column, self._min_row, self._max_column, self._max_row = dimensions

    def value_rows(self) -> Iterator[list[Any]]:
        """Every row from the first, as a list of its values up to its last cell; a row missing
        from the file is an empty list, so that the position of a row is its number."""
        with self._get_source() as source:
            parser = _RowParser(
                source,
                self._shared_strings,
                data_only=True,
                epoch=self.parent.epoch,
                date_formats=self.parent._date_formats,
                timedelta_formats=self.parent._timedelta_formats,
            )
            expected = 1
            for number, cells in parser.parse():
                while expected < number:
                    yield []
                    expected += 1
                values: list[Any] = [None] * max((cell["column"] for cell in cells), default=0)
                for cell in cells:
                    values[cell["column"] - 1] = cell["value"]
                yield values
                expected += 1


class _Reader(ExcelReader):
    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        strings = CompactStrings()
        with self.archive.open(part.PartName[1:]) as source:
            root = None
            for event, element in iterparse(source, events=("start", "end")):
                if root is None:
                    root = element
                elif event == "end" and element.tag == STRING_TAG:
                    # As openpyxl's read_string_table reads a string.
                    strings.append(Text.from_tree(element).content.replace("x005F_", ""))
                    root.clear()
        self.shared_strings = strings

    def read_worksheets(self) -> None:
        """As openpyxl's in read-only mode, with the sheets of this module."""
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def first_sheet_rows(file: BinaryIO) -> Iterator[list[Any]]:
    """The values of each row of the file's first sheet (see _Sheet.value_rows)."""
    reader = _Reader(file, read_only=True, data_only=True)
    reader.read()
    workbook = reader.wb
    try:
        sheet = next((sheet for sheet in workbook.worksheets if isinstance(sheet, _Sheet)), None)
        if sheet is not None:
            yield from sheet.value_rows()
    finally:
        workbook.close()
