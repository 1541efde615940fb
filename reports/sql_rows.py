"""The rows of a person-level export as one SQL query, written by PostgreSQL itself.

The query is the scoped queryset (`visible_contacts(user)` …, filtered and ordered as the export
asks) compiled by Django, with every label computed in SQL. The CSV writer wraps it in
`COPY (…) TO STDOUT WITH (FORMAT csv)` and streams PostgreSQL's output into the file: no Python
per row, and the worker's memory stays flat (psycopg2 hands over one buffer at a time). XLSX
and PDF read the same query through a server-side cursor, a chunk at a time.

Cells of a CSV are made inert in SQL exactly as `reports.cells.csv_cell` does in Python (a
leading apostrophe before a formula start, the same list of starts); the same query read by
the other writers keeps the plain text, as before, because xlsxwriter and reportlab write text
as text.
"""

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import psycopg2
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection
from django.db.models import QuerySet

from .cells import FORMULA_PREFIXES

CHUNK_SIZE = 2000

# What a column holds, for the CSV (how PostgreSQL writes it) and for Python (how it is read).
NUMBER = "number"  # integers: written as they are; NULL is an empty cell
HOURS = "hours"  # numeric(…, 2): in the CSV with a decimal comma ("1,5"), in Python a float
TEXT = "text"  # any text from a record: made inert in the CSV; NULL is ""
PLAIN = "plain"  # text formatted by PostgreSQL that never starts like a formula (a date)


@dataclass(frozen=True)
class Column:
    alias: str  # the annotation of the queryset that holds the value
    kind: str


def _quoted(alias: str) -> str:
    return 'q."' + alias.replace('"', '""') + '"'


def _csv_expression(column: Column, prefixes: str) -> str:
    name = _quoted(column.alias)
    if column.kind == TEXT:
        # The value is a column of the fenced subquery, so even an aggregate is computed once.
        # ascii() is the code point of the first character (0 for ""): integer comparisons only.
        return f"CASE WHEN ascii({name}) IN ({prefixes}) THEN '''' || {name} ELSE {name} END"
    if column.kind == HOURS:
        # round(…, 2) prints two decimals ("1.00", "0.40"); Python's float prints "1.0", "0.4".
        # A whole number of minutes is never a half hundredth, so both round the same way.
        # A decimal comma, as Czech spreadsheets read numbers ("1,5"; reports.writers.czech_text).
        return f"replace(regexp_replace({name}::text, '0$', ''), '.', ',')"
    return name


@dataclass
class SqlRows:
    """The rows of `queryset` (ordered, annotated with every column's alias) as the writers use
    them: `copy_csv(handle)` for CSV, iteration (lists of Python values) for the others."""

    queryset: QuerySet
    columns: Sequence[Column]
    order: Sequence[str]  # aliases of the queryset's ordering, kept by the outer query
    # Set by the job for progress reports: (every so many rows, callback(rows so far)).
    progress: tuple[int, Callable[[int], None]] | None = field(default=None, repr=False)

    def _inner_sql(self, cursor) -> str | None:
        """The queryset's SQL with its parameters bound, or None when it can have no rows."""
        if self.queryset.query.is_empty():
            return None
        aliases = [column.alias for column in self.columns] + [a for a in self.order if a not in self._aliases()]
        try:
            sql, params = self.queryset.values_list(*aliases).query.sql_with_params()
        except EmptyResultSet:
            return None
        return cursor.mogrify(sql, params).decode()

    def _aliases(self) -> set[str]:
        return {column.alias for column in self.columns}

    def _select(self, inner: str, expressions: list[str]) -> str:
        # OFFSET 0 keeps the subquery from being flattened into the outer one: PostgreSQL would
        # otherwise copy each aggregate into every expression that uses it.
        order = ", ".join(_quoted(alias) for alias in self.order)
        return f"SELECT {', '.join(expressions)} FROM ({inner} OFFSET 0) q ORDER BY {order}"  # noqa: S608

    def copy_sql(self, cursor) -> str | None:
        inner = self._inner_sql(cursor)
        if inner is None:
            return None
        prefixes = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)
        select = self._select(inner, [_csv_expression(column, prefixes) for column in self.columns])
        return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER false)"

    def copy_csv(self, handle: io.TextIOBase) -> None:
        """PostgreSQL writes the rows as CSV lines into `handle`, buffer by buffer."""
        with connection.cursor() as cursor:
            sql = self.copy_sql(cursor)
        if sql is None:
            return
        if connection.in_atomic_block:
            # A second connection would not see this transaction's rows, and no query may run
            # on a connection in the middle of its COPY: progress is told once PostgreSQL is done.
            counter = _CountingWriter(handle, 0, None)
            with connection.cursor() as cursor:
                cursor.copy_expert(sql, counter)
            if self.progress is not None:
                self.progress[1](counter.lines)
            return
        # Outside a transaction (the worker) the COPY streams on a connection of its own, so that
        # the job can record its progress through Django's connection while PostgreSQL writes.
        target = handle if self.progress is None else _CountingWriter(handle, *self.progress)
        with connection.wrap_database_errors:
            own = psycopg2.connect(**connection.get_connection_params(), connect_timeout=10)
            try:
                own.autocommit = True
                with own.cursor() as cursor:
                    cursor.copy_expert(sql, target)
            except psycopg2.DatabaseError as error:
                # A COPY cut off by a lost server ends in a bare DatabaseError ("error with status
                # PGRES_COPY_OUT"), not in an OperationalError: say what it is, so that the job
                # is retried like any other lost connection.
                if type(error) is psycopg2.DatabaseError:
                    raise OperationalError(f"The connection was lost during COPY: {error}") from error
                raise
            finally:
                own.close()
        if isinstance(target, _CountingWriter) and target.error is not None:
            raise target.error

    def __iter__(self) -> Iterator[list]:
        with connection.cursor() as cursor:
            inner = self._inner_sql(cursor)
        if inner is None:
            return
        sql = self._select(inner, [_quoted(column.alias) for column in self.columns])
        kinds = [column.kind for column in self.columns]
        every, callback = self.progress or (0, None)
        done = 0
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while chunk := cursor.fetchmany(CHUNK_SIZE):
                for row in chunk:
                    yield [_python_value(value, kind) for value, kind in zip(row, kinds, strict=True)]
                    done += 1
                    if callback is not None and done % every == 0:
                        callback(done)


def _python_value(value, kind: str):
    if kind == HOURS:
        return float(value)
    if value is None:  # None would be written as a suppressed count
        return ""
    return value


class _CountingWriter(io.TextIOBase):
    """Passes PostgreSQL's text through and counts lines for the job's progress (a line break
    inside a quoted cell counts too: progress is an estimate, capped by the job)."""

    def __init__(self, handle: io.TextIOBase, every: int, callback: Callable[[int], None] | None) -> None:
        self._handle, self._every, self._callback = handle, every, callback
        self.lines = 0
        self.error: Exception | None = None

    def write(self, text: str) -> int:
        written = self._handle.write(text)
        before = self.lines
        self.lines += text.count("\n")
        if self._callback is not None and self.error is None and self.lines // self._every > before // self._every:
            # An error must not leave psycopg2's COPY loop from inside this callback: it is kept
            # and raised once the COPY has ended (a lost database ends the COPY too).
            try:
                self._callback(self.lines)
            except Exception as error:  # noqa: BLE001
                self.error = error
        return written
