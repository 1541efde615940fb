"""Importing records from a spreadsheet, whatever their kind (clients, contacts, cases).

Each kind is an `Importer` (clients/imports.py, contacts/imports.py, cases/imports.py): its
columns, its template's example row, a `RowChecker` that checks rows with the kind's own
services and validation, and a `write` that saves checked rows. The flow is the same for all:
the file is read (import_files.py), its columns mapped to fields (remembered per organisation and
kind), every row checked in a dry run that writes nothing, the rejected rows downloadable with an
error column, and on confirmation the checked rows are written in one transaction, all or
nothing. A file longer than MAX_ROWS is checked and imported the same way by a background job
(import_jobs.py), a batch of rows at a time."""

import datetime
import decimal
import io
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.scoping import own_client_work_organisation_id
from programmes.staff_import import parse_day

from . import import_storage
from .import_files import (
    ERROR_HEADING,
    MAX_ROWS,
    Columns,
    Table,
    TableStream,
    check_size,
    folded,
    open_table,
    xlsx_bytes,
)
from .import_models import UPLOAD_KEPT_FOR, ClientImportMapping, ClientImportUpload

# Rows checked (and written) together: one query per batch for what the rows refer to.
BATCH_ROWS = 2_000


class ImportRefused(Exception):
    """The confirmation cannot go ahead; the message says why, in the user's language."""


@dataclass
class PlannedRow:
    number: int
    record: Any  # what the kind's write() saves: an unsaved model or the kind's checked input
    is_new: bool


@dataclass
class DryRun:
    created: list[PlannedRow] = field(default_factory=list)
    updated: list[PlannedRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Recorded clients the page names (updated ones and possible duplicates): audited as a list.
    named_clients: list[Any] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """What the confirmation must still find: a dry run whose result changed is shown again."""
        return f"{len(self.created)}-{len(self.updated)}-{len(self.skipped)}-{len(self.errors)}"


class FirstRows:
    """The row of the file where each key (an external identifier, what tells a duplicate) first
    appeared, for the checks that a row repeats an earlier one.

    A short file's keys are held in memory. Past IN_MEMORY_KEYS they move, at the end of each
    batch, to a temporary table of the database session, so that checking a file of 100,000 rows
    takes no more memory than one of 10,000 (clients/import_jobs.py); a batch's keys are then
    looked up in one query (`prefetch`), any other key in one query of its own. `close` drops
    the table (it would go with the session anyway)."""

    IN_MEMORY_KEYS = 5_000

    def __init__(self) -> None:
        self._memory: dict[str, int] = {}  # this batch's keys, or all of them while few
        self._table: str | None = None
        self._looked_up: dict[str, int | None] = {}  # keys of the table, by batch

    def prefetch(self, keys: Iterable[str]) -> None:
        if self._table is None:
            return
        wanted = [key for key in set(keys) if key not in self._memory and key not in self._looked_up]
        if not wanted:
            return
        self._looked_up.update(dict.fromkeys(wanted))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, row FROM {self._table} WHERE key = ANY(%s)", [wanted])  # noqa: S608 - our own name
            self._looked_up.update(cursor.fetchall())

    def get(self, key: str) -> int | None:
        if key in self._memory:
            return self._memory[key]
        if self._table is not None and key not in self._looked_up:
            self.prefetch([key])
        return self._looked_up.get(key)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return row

    def add(self, key: str, row: int) -> None:
        """Records the key's row unless an earlier row has it."""
        if self.get(key) is None:
            self._memory[key] = row

    def end_batch(self) -> None:
        if self._table is None and len(self._memory) <= self.IN_MEMORY_KEYS:
            return
        from psycopg2.extras import execute_values

        with connection.cursor() as cursor:
            if self._table is None:
                self._table = f"import_first_rows_{secrets.token_hex(6)}"
                cursor.execute(f"CREATE TEMPORARY TABLE {self._table} (key text PRIMARY KEY, row integer NOT NULL)")
            execute_values(
                cursor.cursor,  # psycopg2's own, under Django's wrapper
                f"INSERT INTO {self._table} (key, row) VALUES %s ON CONFLICT DO NOTHING",  # noqa: S608
                list(self._memory.items()),
                page_size=1000,
            )
        self._memory = {}
        self._looked_up = {}

    def close(self) -> None:
        if self._table is not None:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"DROP TABLE IF EXISTS {self._table}")
            except DatabaseError:
                pass  # a failed import: its rollback drops a table made in it, the session's end any other
            self._table = None
        self._memory, self._looked_up = {}, {}


def first_rows_key(*parts: Any) -> str:
    """One key of FirstRows from several values (a contact's assistant, time and duration)."""
    return "\x1f".join(str(part) for part in parts)


class RowChecker:
    """Checks the rows of one file, in order, a batch at a time; keeps what it saw across batches
    (identifiers already used by an earlier row of the file) in FirstRows, listed in
    `first_rows` so that `close` lets them go."""

    first_rows: tuple[FirstRows, ...] = ()

    def check_batch(self, rows: list[tuple[int, list[Any]]], result: DryRun) -> None:
        raise NotImplementedError

    def end_batch(self) -> None:
        for seen in self.first_rows:
            seen.end_batch()

    def close(self) -> None:
        for seen in self.first_rows:
            seen.close()


class Importer:
    """One kind of records that can be imported; see the module's docstring."""

    kind: str
    columns: Columns
    example_row: dict[str, str]
    field_labels: dict[str, StrOrPromise]
    title: StrOrPromise  # "Import contacts"
    intro: StrOrPromise  # what a row is and what a re-import does, for the start page
    namespace: str  # of the URLs import_start, import_check, ...
    done_url: str
    template_file_name: str

    def checker(self, *, by: User, mapping: dict[str, int]) -> RowChecker:
        raise NotImplementedError

    def write(self, *, by: User, rows: list[PlannedRow], file_name: str, at: datetime.datetime) -> None:
        """Saves checked rows (created and updated), marked as imported from the file by `by`."""
        raise NotImplementedError

    def done_message(self, *, file_name: str, created: int, updated: int, not_imported: int) -> str:
        return _("Imported from %(file)s: %(created)s new records, %(updated)s updated, %(skipped)s rows skipped.") % {
            "file": file_name,
            "created": created,
            "updated": updated,
            "skipped": not_imported,
        }


# Every kind by its name, for the worker (clients.import_jobs): each app registers its own when
# it is ready (contacts.apps, cases.apps), since this app may not import theirs.
IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


# -- uploads and the mapping ---------------------------------------------------------------------


def forget_old_uploads() -> int:
    """Deletes the uploads older than a day; answers how many."""
    _total, deleted = ClientImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_KEPT_FOR).delete()
    return deleted.get(ClientImportUpload._meta.label, 0)  # not counting their parts


def own_uploads(user: User, importer: Importer):
    """The user's own uploads of the kind, not yet expired: nobody else reaches them."""
    return ClientImportUpload.objects.filter(
        uploaded_by=user, kind=importer.kind, created_at__gte=timezone.now() - UPLOAD_KEPT_FOR
    )


def saved_mapping(user: User, importer: Importer) -> dict[str, str]:
    mapping = ClientImportMapping.objects.filter(
        organisation_id=own_client_work_organisation_id(user), kind=importer.kind
    ).first()
    return dict(mapping.columns) if mapping else {}


def save_mapping(user: User, importer: Importer, columns: dict[str, str]) -> None:
    ClientImportMapping.objects.update_or_create(
        organisation_id=own_client_work_organisation_id(user),
        kind=importer.kind,
        defaults={
            "columns": {name: heading for name, heading in columns.items() if name in importer.columns and heading}
        },
    )


def upload_store(
    *, by: User, importer: Importer, file_name: str, data: bytes | BinaryIO
) -> tuple[ClientImportUpload, bool]:
    """Keeps the file (its content or a seekable file, as an upload arrives) encrypted for its
    uploader, a part at a time, and reads its header from there; UnreadableFile, and nothing
    kept, if it cannot be read. Answers the upload and whether it is large: longer than MAX_ROWS
    rows, to be checked and imported in the background."""
    file = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    check_size(file.seek(0, io.SEEK_END), large=True)
    forget_old_uploads()
    with transaction.atomic():
        upload = ClientImportUpload.objects.create(
            organisation_id=own_client_work_organisation_id(by),
            uploaded_by=by,
            kind=importer.kind,
            file_name=file_name[:255],
        )
        import_storage.store(upload, file)
        stream = upload_stream(upload, importer, saved_mapping(by, importer))
        large = stream.is_longer_than(MAX_ROWS)
        if not large:
            stream.table()  # the size limit of a file read at once
    return upload, large


def upload_stream(upload: ClientImportUpload, importer: Importer, saved: dict[str, str]) -> TableStream:
    return open_table(upload.file_name, import_storage.opener(upload), saved, importer.columns, large=True)


def upload_table(upload: ClientImportUpload, importer: Importer, saved: dict[str, str]) -> Table:
    return upload_stream(upload, importer, saved).table()


def column_mapping(headings: list[str], saved: dict[str, str], columns: Columns) -> dict[str, int]:
    """field -> index of its column: the saved mapping's heading first, then the known headings."""
    found: dict[str, int] = {}
    by_heading = {folded(heading): index for index, heading in enumerate(headings) if heading}
    for name, heading in saved.items():
        if name in columns and folded(heading) in by_heading:
            found[name] = by_heading[folded(heading)]
    taken = set(found.values())
    for name, (heading, others) in columns.items():
        if name in found:
            continue
        for candidate in (heading, *others):
            index = by_heading.get(folded(candidate))
            if index is not None and index not in taken:
                found[name] = index
                taken.add(index)
                break
    return found


# -- the cells ----------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as text; a whole number from a spreadsheet loses its ".0" (phone numbers, ids)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value).strip()


def choice_words(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Every way a choice may be written: its code, its label in Czech and in English."""
    words: dict[str, str] = {}
    for value, label in choices:
        words[folded(value)] = value
        for language in ("cs", "en"):
            with translation.override(language):
                words[folded(str(label))] = value
    return words


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the user's language."""


def cell_day(value: Any) -> datetime.date:
    """A date cell: an Excel date, `28.11.2026`, `28. 11. 2026` or `2026-11-28`."""
    try:
        return parse_day(value)
    except (ValueError, OverflowError):
        raise CellError(_("“%(value)s” is not a date: write it as 28.11.2026.") % {"value": text(value)}) from None


_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?::\d{2})?")


def cell_time(value: Any) -> datetime.time:
    """A time cell: an Excel time (or the fraction of a day), `14:30`, `14.30` or `9:05:00`."""
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return datetime.time(minutes // 60, minutes % 60)
    match = _TIME.fullmatch(text(value))
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return datetime.time(int(match.group(1)), int(match.group(2)))
    raise CellError(_("“%(value)s” is not a time: write it as 14:30.") % {"value": text(value)})


def cell_number(value: Any) -> decimal.Decimal:
    """A number cell: a number, or text with a decimal comma or point and spaces between thousands."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)})
    if isinstance(value, int | float | decimal.Decimal):
        return decimal.Decimal(str(value))
    cleaned = text(value).replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = decimal.Decimal(cleaned)
    except decimal.InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)})
    return number


def cell_whole(value: Any, *, minimum: int = 0) -> int:
    """A whole number cell (`30`, `30,0`), at least `minimum`."""
    number = cell_number(value)
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    if number < minimum:
        raise CellError(_("“%(value)s” is less than %(minimum)s.") % {"value": text(value), "minimum": minimum})
    return int(number)


YES_WORDS = {"ano", "a", "yes", "y", "1", "true", "x", "pravda"}
NO_WORDS = {"ne", "n", "no", "0", "false", "", "nepravda"}


def cell_yes_no(value: Any) -> bool:
    word = folded(text(value))
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise CellError(_("“%(value)s” is neither ano nor ne.") % {"value": text(value)})


def cell_list(value: Any) -> list[str]:
    """Several values in one cell, separated by `;`, `,` or new lines."""
    return [part.strip() for part in re.split(r"[;,\n]", text(value)) if part.strip()]


def by_name(objects: Iterable[Any], *names) -> dict[str, Any]:
    """Folded name -> object, under each of the `names` functions; a name two objects share maps to
    None (ambiguous), so that `pick` can say so."""
    found: dict[str, Any] = {}
    for obj in objects:
        for name in names:
            key = folded(name(obj))
            if key:
                found[key] = None if key in found and found[key] != obj else obj
    return found


def pick(found: dict[str, Any], value: Any, column: str) -> Any:
    """The object a cell names in a `by_name` index; CellError if none or several."""
    key = folded(text(value))
    if key not in found:
        raise CellError(
            _("“%(value)s” in the column %(column)s is not known.") % {"value": text(value), "column": column}
        )
    if found[key] is None:
        raise CellError(
            _("“%(value)s” in the column %(column)s is ambiguous: write it in full.")
            % {"value": text(value), "column": column}
        )
    return found[key]


def clients_by_token(clients: QuerySet, tokens: set[str]) -> dict[str, Any]:
    """The clients (of the `clients` the importer may see) that the tokens of a batch name, by
    token: an external identifier, or the client's number as `#12` or `12`; one query. An external
    identifier wins over a number."""
    if not tokens:
        return {}
    numbers = {int(t.lstrip("#")) for t in tokens if t.lstrip("#").isdigit() and len(t) < 10}
    found = list(clients.filter(Q(external_id__in=tokens) | Q(pk__in=numbers)))
    known: dict[str, Any] = {f"#{client.pk}": client for client in found}
    known.update((client.external_id, client) for client in found if client.external_id in tokens)
    return known


def cells_of(cells: list[Any], mapping: dict[str, int]) -> dict[str, Any]:
    """The mapped cells of a row by field (None for a missing cell)."""
    return {name: cells[index] if index < len(cells) else None for name, index in mapping.items()}


def validation_text(error: Any, labels: dict[str, Any]) -> str:
    """A ValidationError's messages, each after the label of its field."""
    from django.utils.text import capfirst

    if not hasattr(error, "error_dict"):
        return " ".join(str(message) for message in error.messages)
    parts: list[str] = []
    for name, errors in error.message_dict.items():
        label = capfirst(str(labels[name])) if name in labels else ""
        parts.extend(f"{label}: {message}" if label else str(message) for message in errors)
    return " ".join(parts)


# -- the dry run and the import --------------------------------------------------------------------


def batches(rows: Iterable[tuple[int, list[Any]]], size: int | None = None) -> Iterator[list[tuple[int, list[Any]]]]:
    size = size or BATCH_ROWS
    batch: list[tuple[int, list[Any]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def dry_run(importer: Importer, *, by: User, table: Table, mapping: dict[str, int]) -> DryRun:
    """What the import would do with every row; nothing is written."""
    result = DryRun()
    checker = importer.checker(by=by, mapping=mapping)
    try:
        for batch in batches(table.rows):
            checker.check_batch(batch, result)
            checker.end_batch()
    finally:
        checker.close()
    return result


def confirm_import(importer: Importer, *, by: User, upload: ClientImportUpload, summary: str) -> DryRun:
    """Writes the rows of the dry run (created and updated), all or nothing, marks every record
    as imported from the file, and deletes the upload. ImportRefused when the dry run of now is
    no longer the one the user saw (`summary`), or when nothing would be written."""
    with transaction.atomic():
        upload = ClientImportUpload.objects.select_for_update().get(pk=upload.pk)
        saved = saved_mapping(by, importer)
        table = upload_table(upload, importer, saved)
        result = dry_run(importer, by=by, table=table, mapping=column_mapping(table.headings, saved, importer.columns))
        if result.summary != summary:
            raise ImportRefused(_("The records changed since the check: check the result again before confirming."))
        if not result.created and not result.updated:
            raise ImportRefused(_("No row of the file would be imported."))
        try:
            with transaction.atomic():
                importer.write(
                    by=by, rows=[*result.created, *result.updated], file_name=upload.file_name, at=timezone.now()
                )
        except IntegrityError as error:
            raise ImportRefused(
                _("Another record of the organisation has this external identifier: check the result again.")
            ) from error
        upload.delete()
    return result


def rejected_rows_xlsx(headings: list[str], rows: Iterable[tuple[int, list[Any]]], errors: dict[int, str]) -> bytes:
    """The rows with an error, as the file had them, with the error in a last column."""
    rejected = [
        [*cells, *[""] * (len(headings) - len(cells)), errors[number]] for number, cells in rows if number in errors
    ]
    return xlsx_bytes([*headings, ERROR_HEADING], [[text(value) for value in row] for row in rejected])
