"""Generated rows streamed to PostgreSQL COPY (CSV), never a whole table in memory, and the
table chores around a bulk load: free ids, sequences, secondary indexes."""

import datetime
import json
import tempfile
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

from common.record_keys import RecordKeyField


def q(value: str) -> str:
    """A quoted CSV text value (an unquoted empty field is NULL in COPY's CSV format)."""
    return '"' + value.replace('"', '""') + '"'


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return q(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


class _LineStream:
    """A read()-able file over generated CSV lines, so COPY never holds a whole table."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._buffer = ""
        self.rows = 0

    def read(self, size: int = -1) -> str:
        if size is None or size < 0:
            size = 1 << 20
        parts, length = [self._buffer], len(self._buffer)
        while length < size:
            line = next(self._lines, None)
            if line is None:
                break
            self.rows += 1
            parts.append(line)
            length += len(line)
        data = "".join(parts)
        self._buffer = data[size:]
        return data[:size]

    readline = read


class Table:
    """The COPY columns of a model's table: the generator gives some, the rest get their default.

    Columns the generator does not know (added to a model later) get the field's default, NULL
    or an empty string, so the seed keeps working while the schema grows; a required column
    without a default stops it with a clear message.
    """

    def __init__(self, model: type[models.Model], given: list[str], *, with_id: bool = True) -> None:
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        by_name = {f.attname: f for f in fields} | {f.name: f for f in fields}
        unknown = [name for name in given if name not in by_name]
        if unknown:
            raise ValueError(f"{self.name}: no such columns {unknown}")
        self.given = [by_name[name] for name in given]
        self.constant: list[tuple[models.Field, str]] = []
        for f in fields:
            if f in self.given:
                continue
            if isinstance(f, RecordKeyField):
                # One default for the whole batch would give every row the same key and undo
                # the perturbation of national statistics: the generator must give each its own.
                raise ValueError(f"seed_bulk must give {self.name}.{f.column} a random value per row")
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: object = timezone.now()
            elif f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection)
            elif f.null:
                value = None
            elif isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"seed_bulk does not know how to fill {self.name}.{f.column}")
            if isinstance(value, list | dict):
                value = json.dumps(value)
            self.constant.append((f, csv_value(value)))
        self.columns = [f.column for f in self.given] + [f.column for f, _ in self.constant]
        self.suffix = "".join("," + text for _, text in self.constant)

    def line(self, values: Iterable[str]) -> str:
        """One CSV line from the given columns' already-formatted values."""
        return ",".join(values) + self.suffix + "\n"


def copy_lines(cursor, table: Table, lines: Iterable[str]) -> int:
    stream = _LineStream(lines)
    columns = ", ".join(f'"{c}"' for c in table.columns)
    cursor.copy_expert(f'COPY "{table.name}" ({columns}) FROM STDIN WITH (FORMAT csv)', stream, size=1 << 18)
    return stream.rows


class Spool:
    """Lines for a later COPY, kept in a temporary file rather than in memory."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in copy()
        self.append = self.file.write

    def copy(self, cursor, table: Table) -> int:
        self.file.flush()
        self.file.seek(0)
        rows = copy_lines(cursor, table, self.file)
        self.file.close()
        return rows


def next_ids(cursor, table: str) -> int:
    """The first free id after the current largest (the table stays locked until commit)."""
    cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - a model's table
    first = cursor.fetchone()[0] + 1
    return first


def set_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))",  # noqa: S608
        [table],
    )


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [table],
    )
    return cursor.fetchall()
