"""Small-cell suppression of a two-way table of counts with row and column totals.

Primary suppression hides every count from 1 to threshold - 1 (a zero says "nobody" and is
shown). Secondary suppression then hides further cells so that no hidden value can be worked
out by subtracting from a published total: in the table extended by its totals, every row and
every column holds either no hidden entry or at least two. The complements are the smallest
counts of the line, so that as little as possible is lost.

Pure functions, no Django: the rules are easy to test and to reuse for any breakdown.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SuppressedTable:
    """The table with every hidden count replaced by None."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None

    @property
    def hidden_count(self) -> int:
        lines = [*self.cells, self.row_totals, self.column_totals, [self.grand_total]]
        return sum(value is None for line in lines for value in line)


def is_primary_sensitive(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(cells: Sequence[Sequence[int]], threshold: int) -> SuppressedTable:
    """Suppress a table of non-negative counts (rows × columns); the totals are computed here."""
    rows = [list(row) for row in cells]
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValueError("Every row of the table must have the same number of cells.")
    if any(value < 0 for row in rows for value in row):
        raise ValueError("Counts cannot be negative.")

    # The extended table: the last column holds row totals, the last row column totals.
    extended = [[*row, sum(row)] for row in rows]
    extended.append([sum(row[j] for row in rows) for j in range(width)] + [sum(map(sum, rows))])
    height, full_width = len(extended), width + 1
    hidden = [[is_primary_sensitive(value, threshold) for value in row] for row in extended]

    def lines():
        for i in range(height):
            yield [(i, j) for j in range(full_width)]
        for j in range(full_width):
            yield [(i, j) for i in range(height)]

    changed = True
    while changed:
        changed = False
        for line in lines():
            hidden_in_line = [pos for pos in line if hidden[pos[0]][pos[1]]]
            if len(hidden_in_line) != 1:
                continue
            complement = _choose_complement(line, hidden, extended)
            if complement is not None:
                hidden[complement[0]][complement[1]] = True
                changed = True

    def published(i: int, j: int) -> int | None:
        return None if hidden[i][j] else extended[i][j]

    return SuppressedTable(
        cells=[[published(i, j) for j in range(width)] for i in range(height - 1)],
        row_totals=[published(i, width) for i in range(height - 1)],
        column_totals=[published(height - 1, j) for j in range(width)],
        grand_total=published(height - 1, width),
    )


def _choose_complement(line, hidden, extended) -> tuple[int, int] | None:
    """The published entry of a line to hide beside its only hidden one.

    The line's own total (its last entry) is hidden only when no cell is left; among cells
    the smallest non-zero count goes first, since hiding a zero protects little when the
    total is small. Ties go to the first cell, so that the result does not depend on chance.
    """
    candidates = [pos for pos in line if not hidden[pos[0]][pos[1]]]
    if not candidates:
        return None
    total_position = line[-1]
    cells = [pos for pos in candidates if pos != total_position]
    pool = cells or candidates
    return min(pool, key=lambda pos: (extended[pos[0]][pos[1]] == 0, extended[pos[0]][pos[1]], pos))
