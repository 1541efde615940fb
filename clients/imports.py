"""Importing client files from a spreadsheet (coordinators): the file is read (import_files.py),
its columns mapped to fields (remembered per organisation), every row checked with the client
form's own validation (ClientForm: the model's rules included) in a dry run that writes nothing,
and on confirmation the checked rows are written in one transaction, all or nothing.

A row with an external identifier already recorded in the organisation updates that client; a
row without one that resembles a recorded client (possible_duplicates) is skipped."""

import datetime
import decimal
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import own_client_work_organisation_id
from common.crypto import decrypt_bytes, encrypt_bytes
from common.versioning import next_version
from programmes.staff_import import parse_day

from .forms import ClientForm
from .import_files import COLUMNS, ERROR_HEADING, Table, folded, read_table, xlsx_bytes
from .import_models import UPLOAD_KEPT_FOR, ClientImportMapping, ClientImportUpload
from .models import Client, Sex
from .selectors import possible_duplicates, visible_clients
from .services import CLIENT_FIELDS

# The fields an import fills (birth_date only gives the year of birth).
IMPORTED_FIELDS = tuple(name for name in COLUMNS if name in CLIENT_FIELDS)


class ImportRefused(Exception):
    """The confirmation cannot go ahead; the message says why, in the user's language."""


@dataclass
class PlannedRow:
    number: int
    client: Client  # unsaved changes of an existing client, or a new one
    is_new: bool


@dataclass
class DryRun:
    created: list[PlannedRow] = field(default_factory=list)
    updated: list[PlannedRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Recorded clients the page names (updated ones and possible duplicates): audited as a list.
    named_clients: list[Client] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """What the confirmation must still find: a dry run whose result changed is shown again."""
        return f"{len(self.created)}-{len(self.updated)}-{len(self.skipped)}-{len(self.errors)}"


# -- uploads and the mapping ---------------------------------------------------------------------


def forget_old_uploads() -> int:
    """Deletes the uploads older than a day; answers how many."""
    deleted, _kinds = ClientImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_KEPT_FOR).delete()
    return deleted


def own_uploads(user: User):
    """The user's own uploads not yet expired: nobody else reaches them."""
    return ClientImportUpload.objects.filter(uploaded_by=user, created_at__gte=timezone.now() - UPLOAD_KEPT_FOR)


def saved_mapping(user: User) -> dict[str, str]:
    mapping = ClientImportMapping.objects.filter(organisation_id=own_client_work_organisation_id(user)).first()
    return dict(mapping.columns) if mapping else {}


def save_mapping(user: User, columns: dict[str, str]) -> None:
    ClientImportMapping.objects.update_or_create(
        organisation_id=own_client_work_organisation_id(user),
        defaults={"columns": {name: heading for name, heading in columns.items() if name in COLUMNS and heading}},
    )


def upload_store(*, by: User, file_name: str, data: bytes) -> tuple[ClientImportUpload, Table]:
    """Reads the file (UnreadableFile if it cannot be) and keeps it encrypted for its uploader."""
    table = read_table(file_name, data, saved_mapping(by))
    forget_old_uploads()
    upload = ClientImportUpload.objects.create(
        organisation_id=own_client_work_organisation_id(by),
        uploaded_by=by,
        file_name=file_name[:255],
        data=encrypt_bytes(data),
    )
    return upload, table


def upload_table(upload: ClientImportUpload, saved: dict[str, str]) -> Table:
    return read_table(upload.file_name, decrypt_bytes(bytes(upload.data)), saved)


def column_mapping(table: Table, saved: dict[str, str]) -> dict[str, int]:
    """field -> index of its column: the saved mapping's heading first, then the known headings."""
    found: dict[str, int] = {}
    by_heading = {folded(heading): index for index, heading in enumerate(table.headings) if heading}
    for name, heading in saved.items():
        if name in COLUMNS and folded(heading) in by_heading:
            found[name] = by_heading[folded(heading)]
    taken = set(found.values())
    for name, (heading, others) in COLUMNS.items():
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


def _text(value: Any) -> str:
    """A cell as text; a whole number from a spreadsheet loses its ".0" (phone numbers, ids)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _choice_words(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Every way a choice may be written: its code, its label in Czech and in English."""
    words: dict[str, str] = {}
    for value, label in choices:
        words[folded(value)] = value
        for language in ("cs", "en"):
            with translation.override(language):
                words[folded(str(label))] = value
    return words


IDENTITY_WORDS = {"jmenovite": Client.Identity.NAMED, "se jmenem": Client.Identity.NAMED, "anonymne": "anonymous"}
SEX_WORDS = {"z": Sex.FEMALE, "m": Sex.MALE, "zena": Sex.FEMALE, "muz": Sex.MALE}


def _row_values(cells: list[Any], mapping: dict[str, int]) -> tuple[dict[str, Any], list[str]]:
    """The mapped cells as the form's data, and the problems found in the cells themselves."""
    problems: list[str] = []
    raw = {name: cells[index] if index < len(cells) else None for name, index in mapping.items()}
    values: dict[str, Any] = {name: _text(raw[name]) for name in raw if name in IMPORTED_FIELDS}
    values["external_id"] = _text(raw.get("external_id"))
    if raw.get("birth_date") not in (None, ""):
        try:
            year = parse_day(raw["birth_date"]).year
        except (ValueError, OverflowError):
            problems.append(
                _("“%(value)s” is not a date: write it as 28.11.2026.") % {"value": _text(raw["birth_date"])}
            )
        else:
            if values.get("birth_year") and values["birth_year"] != str(year):
                problems.append(_("The year of birth differs from the date of birth."))
            values["birth_year"] = str(year)
    for name, words in (
        ("identity", {**_choice_words(list(Client.Identity.choices)), **IDENTITY_WORDS}),
        ("sex", {**_choice_words(list(Sex.choices)), **SEX_WORDS}),
    ):
        if values.get(name):
            chosen = words.get(folded(values[name]))
            if chosen is None:
                problems.append(
                    _("“%(value)s” is not a value of the column %(column)s.")
                    % {"value": values[name], "column": COLUMNS[name][0]}
                )
            else:
                values[name] = chosen
    return values, problems


def _form_errors(form: ClientForm) -> str:
    parts: list[str] = []
    for name, messages in form.errors.items():
        label = capfirst(str(form.fields[name].label)) if name in form.fields else ""
        parts.extend(f"{label}: {message}" if label else str(message) for message in messages)
    return " ".join(parts)


# -- the dry run and the import --------------------------------------------------------------------


def dry_run(*, by: User, table: Table, mapping: dict[str, int]) -> DryRun:
    """What the import would do with every row; nothing is written."""
    result = DryRun()
    organisation_id = own_client_work_organisation_id(by)
    clients = visible_clients(by).filter(organisation_id=organisation_id)
    column = mapping.get("external_id")
    ids = {_text(cells[column]) for _n, cells in table.rows if column is not None and column < len(cells)}
    ids.discard("")
    known = {client.external_id: client for client in clients.filter(external_id__in=ids)} if ids else {}
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str, str, str], int] = {}
    if not {"first_name", "last_name", "nickname"} & set(mapping) and "external_id" not in mapping:
        result.errors.extend(
            (number, _("No column is mapped to a name, a nickname or an external identifier."))
            for number, _cells in table.rows
        )
        return result
    for number, cells in table.rows:
        values, problems = _row_values(cells, mapping)
        external_id = values.pop("external_id", "")
        if len(external_id) > 100:
            problems.append(_("The external identifier is longer than 100 characters."))
        if external_id in seen_ids:
            problems.append(_("The same external identifier as row %(row)s.") % {"row": seen_ids[external_id]})
        if problems:
            result.errors.append((number, " ".join(problems)))
            continue
        existing = known.get(external_id) if external_id else None
        if existing is not None:
            data = model_to_dict(existing, fields=list(CLIENT_FIELDS))
            # An empty cell keeps what the client file holds.
            data.update({name: value for name, value in values.items() if value != ""})
            form = ClientForm(data=data, instance=existing)
        else:
            if not values.get("identity"):
                # Not given: a name makes a named client, a nickname alone a pseudonym.
                pseudonym = values.get("nickname") and not (values.get("first_name") or values.get("last_name"))
                values["identity"] = Client.Identity.PSEUDONYM if pseudonym else Client.Identity.NAMED
            form = ClientForm(data=values, instance=Client(organisation_id=organisation_id, created_by=by))
        if not form.is_valid():
            result.errors.append((number, _form_errors(form)))
            continue
        client = form.instance
        if external_id:
            seen_ids[external_id] = number
            client.external_id = external_id
        if existing is not None:
            result.updated.append(PlannedRow(number, client, is_new=False))
            result.named_clients.append(existing)
            continue
        key = (folded(client.first_name), folded(client.last_name), folded(client.nickname), str(client.birth_year))
        if not external_id and any(key[:3]) and key in seen_names:
            result.skipped.append(
                (number, _("Possible duplicate of row %(row)s of this file.") % {"row": seen_names[key]})
            )
            continue
        seen_names.setdefault(key, number)
        # A client recorded with another external identifier is somebody else; one recorded
        # without any (typed in by hand, or kept by a merge) may be this person.
        resembling = possible_duplicates(
            by,
            first_name=client.first_name,
            last_name=client.last_name,
            nickname=client.nickname,
            birth_year=client.birth_year,
        )
        duplicates = list((resembling.filter(external_id="") if external_id else resembling)[:3])
        if duplicates:
            result.named_clients.extend(duplicates)
            names = ", ".join(_("%(name)s (no. %(id)s)") % {"name": c.display_name, "id": c.pk} for c in duplicates)
            result.skipped.append((number, _("Possible duplicate of %(clients)s.") % {"clients": names}))
            continue
        result.created.append(PlannedRow(number, client, is_new=True))
    return result


@transaction.atomic
def client_import(*, by: User, upload: ClientImportUpload, summary: str) -> DryRun:
    """Writes the rows of the dry run (created and updated), all or nothing, marks every client
    as imported from the file, and deletes the upload. ImportRefused when the dry run of now is
    no longer the one the user saw (`summary`), or when nothing would be written."""
    upload = ClientImportUpload.objects.select_for_update().get(pk=upload.pk)
    saved = saved_mapping(by)
    table = upload_table(upload, saved)
    result = dry_run(by=by, table=table, mapping=column_mapping(table, saved))
    if result.summary != summary:
        raise ImportRefused(_("The records changed since the check: check the result again before confirming."))
    if not result.created and not result.updated:
        raise ImportRefused(_("No row of the file would be imported."))
    now = timezone.now()
    try:
        with transaction.atomic():
            for row in [*result.created, *result.updated]:
                client = row.client
                client.imported_from = upload.file_name
                client.imported_by = by
                client.imported_at = now
                if not row.is_new:
                    next_version(client)  # an edit form opened before the import sees the change
                client.clean()
                client.save()
    except IntegrityError as error:
        raise ImportRefused(
            _("Another client of the organisation has this external identifier: check the result again.")
        ) from error
    upload.delete()
    return result


def rejected_rows_xlsx(table: Table, result: DryRun) -> bytes:
    """The rows with an error, as the file had them, with the error in a last column."""
    errors = dict(result.errors)
    rows = [
        [*cells, *[""] * (len(table.headings) - len(cells)), errors[number]]
        for number, cells in table.rows
        if number in errors
    ]
    return xlsx_bytes([*table.headings, ERROR_HEADING], [[_text(value) for value in row] for row in rows])
