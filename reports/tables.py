"""What every file format writes: sheets of a header and rows, with the kind of each column.

A report is a list of sheets. Aggregate sheets are small and built in memory; export sheets
carry a lazy iterator of rows read from the database in chunks, so a writer consumes each row
once and never holds the whole export.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .disclosure import ROUNDING_BASE, cell_key, perturb
from .suppression import suppress

# How a column's values are written (number formats in XLSX, alignment in PDF). A HOURS or
# DECIMAL value is a number with decimals (a decimal comma in CSV and PDF, for Czech
# spreadsheets); a DATE value is a datetime.date (a real date in XLSX, 28.11.2026 elsewhere);
# a PERCENT value is a share from 0 to 1.
TEXT, COUNT, HOURS, DECIMAL, DATE, PERCENT = "text", "count", "hours", "decimal", "date", "percent"

# Shown in place of a suppressed count.
SUPPRESSED_MARK = "*"


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: Iterable[Sequence]
    kinds: list[str]
    notes: list[str] = field(default_factory=list)
    # Optional (labels, values) that the PDF draws as a bar chart.
    chart: tuple[list[str], list[int | None]] | None = None
    # For progress reports on long exports; None when unknown.
    row_count: int | None = None


@dataclass
class Report:
    title: str
    subtitle: str
    sheets: list[Sheet]
    # The cover page of a funder's report: (label, value) lines (period, service or project,
    # funder, who made it and when) and the definitions of what its numbers count.
    cover: list[tuple[str, str]] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)


def count_table(
    *,
    title: str,
    row_heading: str,
    row_keys: Sequence[tuple[object, str]],
    column_keys: Sequence[tuple[object, str]],
    counts: Mapping[tuple[Any, Any], int],
    threshold: int | None,
    cell_keys: Mapping[tuple[Any, Any], int] | None = None,
    notes: Sequence[str] = (),
    chart_from_row_totals: bool = False,
) -> Sheet:
    """A rows × columns table of counts with totals; suppressed when `threshold` is given, and
    perturbed by the cell-key method (reports.disclosure) when the cells' keys are given.

    Each record counts in one cell of a row (or is counted once per cell it is in, and then
    once per cell in the totals too), so the key of a total is the sum of its cells' keys.
    Suppression decides on the true counts; the cells left visible show perturbed values.
    """
    matrix = [[counts.get((row_key, column_key), 0) for column_key, _label in column_keys] for row_key, _l in row_keys]
    # None where suppression hides a count.
    cells: Sequence[Sequence[int | None]]
    row_totals: Sequence[int | None]
    column_totals: Sequence[int | None]
    grand_total: int | None
    if threshold is not None:
        table = suppress(matrix, threshold)
        cells, row_totals = table.cells, table.row_totals
        column_totals, grand_total = table.column_totals, table.grand_total
    else:
        unsuppressed: list[list[int | None]] = [list(row) for row in matrix]
        cells = unsuppressed
        plain_row_totals = [sum(row) for row in matrix]
        row_totals = plain_row_totals
        column_totals = [sum(row[j] for row in matrix) for j in range(len(column_keys))]
        grand_total = sum(plain_row_totals)
    if not matrix:  # no rows at all: the totals are zeros, one per column
        column_totals, grand_total = [0] * len(column_keys), 0
    if cell_keys is not None:
        keys = [[cell_keys.get((row_key, column_key), 0) for column_key, _l in column_keys] for row_key, _l in row_keys]
        cells = [
            [_published(value, key) for value, key in zip(cell_row, key_row, strict=True)]
            for cell_row, key_row in zip(cells, keys, strict=True)
        ]
        row_totals = [_published(value, cell_key(*row)) for value, row in zip(row_totals, keys, strict=True)]
        column_totals = [
            _published(value, cell_key(*(row[j] for row in keys))) for j, value in enumerate(column_totals)
        ]
        grand_total = _published(grand_total, cell_key(*(key for row in keys for key in row)))
    rows: list[list] = [
        [label, *row, total] for (_key, label), row, total in zip(row_keys, cells, row_totals, strict=True)
    ]
    rows.append([_("Total"), *column_totals, grand_total])
    all_notes = list(notes)
    if threshold is not None:
        all_notes.append(
            _("%(mark)s = suppressed: counts below %(threshold)s and the cells that would reveal them.")
            % {"mark": SUPPRESSED_MARK, "threshold": threshold}
        )
    if cell_keys is not None:
        all_notes.append(rounding_note())
    chart = None
    if chart_from_row_totals:
        chart = ([label for _key, label in row_keys], list(row_totals))
    return Sheet(
        title=title,
        header=[row_heading, *(label for _key, label in column_keys), _("Total")],
        rows=rows,
        kinds=[TEXT] + [COUNT] * (len(column_keys) + 1),
        notes=all_notes,
        chart=chart,
    )


def rounding_note() -> str:
    return _(
        "Counts are randomly rounded to multiples of %(base)s (the same records always give the same "
        "number) and small counts are suppressed, so rows and columns may not add up to the totals."
    ) % {"base": ROUNDING_BASE}


def _published(value: int | None, key: int) -> int | None:
    return None if value is None else perturb(value, key)


def with_progress(rows: Iterable[Sequence], every: int, callback: Callable[[int], None]) -> Iterable[Sequence]:
    """Pass rows through, calling `callback(rows_so_far)` every `every` rows."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            callback(done)
