"""Small-cell suppression: primary (counts below the threshold) and secondary (no hidden count
can be worked out from a published total)."""

import random

import pytest

from reports.suppression import suppress


def _extended(table):
    rows = [[*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)]
    rows.append([*table.column_totals, table.grand_total])
    return rows


def _lines(rows):
    yield from rows
    yield from (list(column) for column in zip(*rows, strict=True))


def _recoverable_cells(table):
    """Hidden entries that one row or column equation gives away (exactly one hidden in a line)."""
    return [line for line in _lines(_extended(table)) if sum(value is None for value in line) == 1]


def test_nothing_is_hidden_when_every_count_is_large_or_zero():
    table = suppress([[10, 0], [7, 25]], threshold=5)
    assert table.cells == [[10, 0], [7, 25]]
    assert table.row_totals == [10, 32]
    assert table.column_totals == [17, 25]
    assert table.grand_total == 42
    assert table.hidden_count == 0


def test_primary_and_secondary_in_row_and_column():
    # 3 is small; it must not be recoverable from its row total (15) or column total (13).
    table = suppress([[3, 12], [10, 20]], threshold=5)
    assert table.cells == [[None, None], [None, None]]
    # The totals stay published: four hidden cells in a square are safe together.
    assert table.row_totals == [15, 30]
    assert table.column_totals == [13, 32]
    assert table.grand_total == 45
    assert _recoverable_cells(table) == []


def test_secondary_suppression_picks_the_smallest_complement():
    table = suppress([[2, 50, 6], [40, 60, 70], [30, 35, 8]], threshold=5)
    # Row 0: 2 is primary, 6 is the smallest other count of the row.
    assert table.cells[0] == [None, 50, None]
    # Column 0 needs a second hidden cell: 30 (smaller than 40); column 2 then has 6 and 8.
    assert table.cells[2] == [None, 35, None]
    assert table.cells[1] == [40, 60, 70]
    assert table.row_totals == [58, 170, 73]
    assert _recoverable_cells(table) == []


def test_a_small_total_is_hidden_and_its_cells_too():
    table = suppress([[1, 2], [30, 40]], threshold=5)
    assert table.row_totals[0] is None
    # 1 and 2 need complements in their columns (30 and 40), and the hidden total 3 one in the
    # column of row totals (70): then only a+c = 31 and b+d = 42 are known, which pins nothing.
    assert table.cells == [[None, None], [None, None]]
    assert table.row_totals == [None, None]
    assert table.column_totals == [31, 42] and table.grand_total == 73
    assert _recoverable_cells(table) == []


def test_threshold_is_a_parameter():
    assert suppress([[6, 20], [20, 20]], threshold=5).hidden_count == 0
    assert suppress([[6, 20], [20, 20]], threshold=10).cells[0][0] is None


def test_single_column_series():
    table = suppress([[12], [3], [40]], threshold=5)
    assert table.cells[1] == [None]
    # The total of the column would give the 3 away, so a second month is hidden: the 12.
    assert table.cells[0] == [None]
    assert table.cells[2] == [40]
    assert _recoverable_cells(table) == []


def test_empty_and_all_zero_tables():
    assert suppress([], threshold=5).grand_total == 0
    table = suppress([[0, 0], [0, 0]], threshold=5)
    assert table.cells == [[0, 0], [0, 0]] and table.grand_total == 0


def test_rejects_ragged_or_negative_input():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]], threshold=5)
    with pytest.raises(ValueError):
        suppress([[1, -2]], threshold=5)


@pytest.mark.parametrize("seed", range(200))
def test_random_tables_leave_nothing_recoverable(seed):
    rng = random.Random(seed)
    height, width = rng.randint(1, 7), rng.randint(1, 7)
    cells = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 13, 40]) for _ in range(width)] for _ in range(height)]
    table = suppress(cells, threshold=5)
    assert _recoverable_cells(table) == []
    for original_row, published_row in zip(cells, table.cells, strict=True):
        for original, published in zip(original_row, published_row, strict=True):
            # Every small non-zero count is hidden; whatever is shown is the true count.
            if 0 < original < 5:
                assert published is None
            if published is not None:
                assert published == original
