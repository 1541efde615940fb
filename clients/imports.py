"""Importing client files from a spreadsheet (coordinators), the first kind of the import flow of
clients/importing.py: every row is checked with the client form's own validation (ClientForm:
the model's rules included).

A row with an external identifier already recorded in the organisation updates that client; a
row without one that resembles a recorded client (possible_duplicates) is skipped."""

import datetime
from typing import Any, BinaryIO

from django.forms.models import model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.scoping import own_client_work_organisation_id
from common.versioning import next_version

from . import importing
from .forms import ClientForm
from .import_files import COLUMNS, EXAMPLE_ROW, Table, folded
from .import_models import ClientImportUpload, ImportKind
from .importing import DryRun, ImportRefused, PlannedRow, RowChecker, choice_words, text
from .models import Client, Sex
from .selectors import possible_duplicates, visible_clients
from .services import CLIENT_FIELDS

__all__ = ["CLIENTS", "DryRun", "ImportRefused", "client_import", "dry_run"]

# The fields an import fills (birth_date only gives the year of birth).
IMPORTED_FIELDS = tuple(name for name in COLUMNS if name in CLIENT_FIELDS)
IDENTITY_WORDS = {"jmenovite": Client.Identity.NAMED, "se jmenem": Client.Identity.NAMED, "anonymne": "anonymous"}
SEX_WORDS = {"z": Sex.FEMALE, "m": Sex.MALE, "zena": Sex.FEMALE, "muz": Sex.MALE}


def _row_values(cells: list[Any], mapping: dict[str, int]) -> tuple[dict[str, Any], list[str]]:
    """The mapped cells as the form's data, and the problems found in the cells themselves."""
    problems: list[str] = []
    raw = importing.cells_of(cells, mapping)
    values: dict[str, Any] = {name: text(raw[name]) for name in raw if name in IMPORTED_FIELDS}
    values["external_id"] = text(raw.get("external_id"))
    if raw.get("birth_date") not in (None, ""):
        try:
            year = importing.cell_day(raw["birth_date"]).year
        except importing.CellError as error:
            problems.append(str(error))
        else:
            if values.get("birth_year") and values["birth_year"] != str(year):
                problems.append(_("The year of birth differs from the date of birth."))
            values["birth_year"] = str(year)
    for name, words in (
        ("identity", {**choice_words(Client.Identity.choices), **IDENTITY_WORDS}),
        ("sex", {**choice_words(Sex.choices), **SEX_WORDS}),
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


class ClientChecker(RowChecker):
    def __init__(self, *, by: User, mapping: dict[str, int]) -> None:
        self.by = by
        self.mapping = mapping
        self.organisation_id = own_client_work_organisation_id(by)
        self.clients = visible_clients(by).filter(organisation_id=self.organisation_id)
        self.seen_ids = importing.FirstRows()
        self.seen_names = importing.FirstRows()  # folded names and birth year of a row without an identifier
        self.first_rows = (self.seen_ids, self.seen_names)

    def check_batch(self, rows: list[tuple[int, list[Any]]], result: DryRun) -> None:
        mapping, by, organisation_id = self.mapping, self.by, self.organisation_id
        if not {"first_name", "last_name", "nickname"} & set(mapping) and "external_id" not in mapping:
            result.errors.extend(
                (number, _("No column is mapped to a name, a nickname or an external identifier."))
                for number, _cells in rows
            )
            return
        column = mapping.get("external_id")
        ids = {text(cells[column]) for _n, cells in rows if column is not None and column < len(cells)}
        ids.discard("")
        known = {client.external_id: client for client in self.clients.filter(external_id__in=ids)} if ids else {}
        self.seen_ids.prefetch(ids)
        for number, cells in rows:
            values, problems = _row_values(cells, mapping)
            external_id = values.pop("external_id", "")
            if len(external_id) > 100:
                problems.append(_("The external identifier is longer than 100 characters."))
            if external_id in self.seen_ids:
                problems.append(_("The same external identifier as row %(row)s.") % {"row": self.seen_ids[external_id]})
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
                self.seen_ids.add(external_id, number)
                client.external_id = external_id
            if existing is not None:
                result.updated.append(PlannedRow(number, client, is_new=False))
                result.named_clients.append(existing)
                continue
            name = (folded(client.first_name), folded(client.last_name), folded(client.nickname))
            key = importing.first_rows_key(*name, client.birth_year)
            if not external_id and any(name) and key in self.seen_names:
                result.skipped.append(
                    (number, _("Possible duplicate of row %(row)s of this file.") % {"row": self.seen_names[key]})
                )
                continue
            self.seen_names.add(key, number)
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


class ClientImporter(importing.Importer):
    kind = ImportKind.CLIENTS
    columns = COLUMNS
    example_row = EXAMPLE_ROW
    field_labels = {
        "external_id": gettext_lazy("external identifier"),
        "identity": gettext_lazy("identity"),
        "first_name": gettext_lazy("first name"),
        "last_name": gettext_lazy("last name"),
        "nickname": gettext_lazy("nickname"),
        "birth_year": gettext_lazy("year of birth"),
        "birth_date": gettext_lazy("date of birth"),
        "sex": gettext_lazy("sex"),
        "phone": gettext_lazy("phone"),
        "email": gettext_lazy("e-mail"),
        "address": gettext_lazy("address"),
        "note": gettext_lazy("note"),
    }
    title = gettext_lazy("Import clients")
    intro = gettext_lazy(
        "Nothing is saved until you see the check of every row and confirm. A row with an external "
        "identifier already recorded updates that client; a row resembling a recorded client is skipped."
    )
    namespace = "clients"
    done_url = "clients:list"
    template_file_name = "klienti-sablona.xlsx"

    def checker(self, *, by: User, mapping: dict[str, int]) -> RowChecker:
        return ClientChecker(by=by, mapping=mapping)

    def write(self, *, by: User, rows: list[PlannedRow], file_name: str, at: datetime.datetime) -> None:
        for row in rows:
            client = row.record
            client.imported_from = file_name
            client.imported_by = by
            client.imported_at = at
            if not row.is_new:
                next_version(client)  # an edit form opened before the import sees the change
            client.clean()
            client.save()

    def done_message(self, *, file_name: str, created: int, updated: int, not_imported: int) -> str:
        return _("Imported from %(file)s: %(created)s new clients, %(updated)s updated, %(skipped)s rows skipped.") % {
            "file": file_name,
            "created": created,
            "updated": updated,
            "skipped": not_imported,
        }


CLIENTS = importing.register(ClientImporter())

# The client import's functions as the tests and the access table call them.
forget_old_uploads = importing.forget_old_uploads


def own_uploads(user: User):
    return importing.own_uploads(user, CLIENTS)


def saved_mapping(user: User) -> dict[str, str]:
    return importing.saved_mapping(user, CLIENTS)


def upload_store(*, by: User, file_name: str, data: bytes | BinaryIO) -> tuple[ClientImportUpload, bool]:
    return importing.upload_store(by=by, importer=CLIENTS, file_name=file_name, data=data)


def upload_table(upload: ClientImportUpload, saved: dict[str, str]) -> Table:
    return importing.upload_table(upload, CLIENTS, saved)


def column_mapping(table: Table, saved: dict[str, str]) -> dict[str, int]:
    return importing.column_mapping(table.headings, saved, COLUMNS)


def dry_run(*, by: User, table: Table, mapping: dict[str, int]) -> DryRun:
    return importing.dry_run(CLIENTS, by=by, table=table, mapping=mapping)


def client_import(*, by: User, upload: ClientImportUpload, summary: str) -> DryRun:
    return importing.confirm_import(CLIENTS, by=by, upload=upload, summary=summary)
