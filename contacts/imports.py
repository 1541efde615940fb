"""Importing contact records (records of work) from a spreadsheet, a kind of the import flow of
clients/importing.py. A coordinator imports for their own organisation: the assistants named in
the file are of it, the clients are ones the coordinator sees (by the external identifier of the
client import, or the client's number), and every row is checked by contacts.services'
contact_checked, the rules of contact_create, before anything is saved.

Re-importing a file adds nothing twice: a row whose external identifier the organisation has
recorded already is skipped, and so is a row without one whose assistant, date and time and
duration match a recorded contact."""

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Locality, Organisation, User
from accounts.roles import Role
from accounts.scoping import own_client_work_organisation_id
from clients import importing
from clients.import_files import Columns, folded
from clients.import_models import ImportKind
from clients.importing import CellError, DryRun, PlannedRow, RowChecker, text
from clients.selectors import visible_clients
from programmes.models import ActivityType, Project, Service

from .models import Activity, Authority, Topic
from .selectors import visible_contacts
from .services import ActivityInput, contact_checked, contacts_imported_save

COLUMNS: Columns = {
    "external_id": ("externí id", ("externi identifikator", "external id", "id kontaktu", "id zaznamu")),
    "date": ("datum", ("den", "datum kontaktu", "date")),
    "time": ("čas", ("cas od", "zacatek", "time")),
    "duration": ("trvání (min)", ("trvani", "minuty", "delka (min)", "duration")),
    "hours": ("trvání (hod)", ("hodiny", "delka (hod)", "hours")),
    "assistant": ("asistent", ("asistentka", "pracovnik", "uzivatel", "assistant")),
    "clients": ("klienti", ("klient", "id klienta", "externi id klienta", "clients")),
    "anonymous_persons": ("anonymní osoby", ("anonymni", "anonymous persons")),
    "authority": ("úřad", ("urad", "instituce", "authority")),
    "service": ("služba", ("service",)),
    "activity_type": ("typ činnosti", ("cinnost", "vykon", "activity type")),
    "work": ("druh práce", ("kind of work",)),
    "project": ("projekt", ("project",)),
    "locality": ("lokalita", ("locality",)),
    "topics": ("témata", ("tema", "topics")),
    "outcome": ("výsledek", ("outcome",)),
    "note": ("poznámka", ("note",)),
}
EXAMPLE_ROW = {
    "external_id": "Z-2026-001",
    "date": "28.11.2025",
    "time": "9:30",
    "duration": "45",
    "hours": "",
    "assistant": "asistent.brno",
    "clients": "K-2026-001",
    "anonymous_persons": "0",
    "authority": "Policie ČR",
    "service": "",
    "activity_type": "Asistence / doprovod",
    "work": "přímá práce",
    "project": "",
    "locality": "",
    "topics": "",
    "outcome": "Oznámení přijato.",
    "note": "",
}
WORK_WORDS = {"prima": Activity.Work.DIRECT, "prima prace": Activity.Work.DIRECT, "neprima": Activity.Work.ON_BEHALF}
# The fields of contact_checked's errors as the page names them.
LABELS: dict[str, Any] = {
    "occurred_at": gettext_lazy("date and time"),
    "duration_minutes": gettext_lazy("duration (minutes)"),
    "assistant": gettext_lazy("assistant"),
    "clients": gettext_lazy("clients"),
    "anonymous_persons": gettext_lazy("anonymous persons"),
    "service": gettext_lazy("service"),
    "project": gettext_lazy("project"),
    "activities": gettext_lazy("activities"),
    "follow_up_on": gettext_lazy("follow-up date"),
    "case": gettext_lazy("case"),
}


class ContactChecker(RowChecker):
    """Loads the organisation's assistants, services, activity types, projects and the reference
    lists once; the clients and the recorded contacts a batch refers to with one query each."""

    def __init__(self, *, by: User, mapping: dict[str, int]) -> None:
        self.by = by
        self.mapping = mapping
        self.organisation = Organisation.objects.get(pk=own_client_work_organisation_id(by))
        organisation_id = self.organisation.pk
        people = User.objects.filter(
            organisation_id=organisation_id, role__in=[Role.ASSISTANT, Role.COORDINATOR]
        ).select_related("organisation")
        self.assistants = importing.by_name(
            people, lambda u: u.username, lambda u: u.get_full_name(), lambda u: u.email
        )
        services = list(Service.objects.filter(organisation_id=organisation_id, is_active=True))
        self.services = importing.by_name(services, lambda s: s.name)
        self.only_service = services[0] if len(services) == 1 else None
        self.types: dict[int, dict[str, Any]] = defaultdict(dict)
        for activity_type in ActivityType.objects.filter(service__in=services, is_active=True):
            self.types[activity_type.service_id][folded(activity_type.name)] = activity_type
        self.projects = importing.by_name(
            Project.objects.filter(organisation_id=organisation_id), lambda p: p.name, lambda p: p.registration_number
        )
        self.authorities = importing.by_name(Authority.objects.filter(is_active=True), lambda a: a.name)
        self.topics = importing.by_name(Topic.objects.filter(is_active=True), lambda t: t.name)
        self.localities = importing.by_name(
            Locality.objects.select_related("municipality"), lambda loc: loc.name, lambda loc: str(loc)
        )
        self.work_words = {**importing.choice_words(Activity.Work.choices), **WORK_WORDS}
        self.clients = visible_clients(by).filter(organisation_id=organisation_id)
        self.contacts = visible_contacts(by).filter(organisation_id=organisation_id)
        self.seen_ids = importing.FirstRows()
        self.seen_keys = importing.FirstRows()  # the assistant, time and duration of a row without an identifier
        self.first_rows = (self.seen_ids, self.seen_keys)

    # -- one cell each ---------------------------------------------------------------------------

    def _occurred_at(self, raw: dict[str, Any]) -> datetime.datetime:
        value = raw.get("date")
        if value in (None, ""):
            raise CellError(_("The date is missing."))
        day = importing.cell_day(value)
        if raw.get("time") not in (None, ""):
            moment = importing.cell_time(raw["time"])
        elif isinstance(value, datetime.datetime):
            moment = value.time()
        else:
            moment = datetime.time(0, 0)
        return timezone.make_aware(datetime.datetime.combine(day, moment))

    def _duration(self, raw: dict[str, Any]) -> int:
        if raw.get("duration") not in (None, ""):
            return importing.cell_whole(raw["duration"])
        if raw.get("hours") not in (None, ""):
            return round(importing.cell_number(raw["hours"]) * 60)
        raise CellError(_("The duration is missing."))

    def _clients(self, raw: dict[str, Any], known: dict[str, Any]) -> list[Any]:
        clients = []
        for token in importing.cell_list(raw.get("clients")):
            client = known.get(token) or known.get(f"#{token.lstrip('#')}")
            if client is None:
                raise CellError(_("No client of yours has the identifier “%(value)s”.") % {"value": token})
            clients.append(client)
        return clients

    def _service(self, raw: dict[str, Any]) -> Service:
        if raw.get("service") not in (None, ""):
            return importing.pick(self.services, raw["service"], COLUMNS["service"][0])
        if self.only_service is None:
            raise CellError(_("Write the service: your organisation has several (or none in use)."))
        return self.only_service

    def _activity(self, raw: dict[str, Any], service: Service, minutes: int) -> ActivityInput:
        types = self.types[service.pk]
        if raw.get("activity_type") not in (None, ""):
            activity_type = importing.pick(types, raw["activity_type"], COLUMNS["activity_type"][0])
        elif len(types) == 1:
            activity_type = next(iter(types.values()))
        else:
            raise CellError(_("Write the activity type of the service “%(service)s”.") % {"service": service.name})
        work = Activity.Work.DIRECT
        if raw.get("work") not in (None, ""):
            work = importing.pick(self.work_words, raw["work"], COLUMNS["work"][0])
        return ActivityInput(activity_type=activity_type, minutes=minutes, work=work)

    # -- the rows --------------------------------------------------------------------------------

    def _known_clients(self, rows: list[tuple[int, list[Any]]]) -> dict[str, Any]:
        column = self.mapping.get("clients")
        tokens: set[str] = set()
        for _number, cells in rows:
            if column is not None and column < len(cells):
                tokens.update(importing.cell_list(cells[column]))
        return importing.clients_by_token(self.clients, tokens)

    def check_batch(self, rows: list[tuple[int, list[Any]]], result: DryRun) -> None:
        if not {"date", "assistant"} <= set(self.mapping) or not {"duration", "hours"} & set(self.mapping):
            result.errors.extend(
                (number, _("The columns of the date, the duration and the assistant must be mapped."))
                for number, _cells in rows
            )
            return
        known_clients = self._known_clients(rows)
        column = self.mapping.get("external_id")
        ids = {text(cells[column]) for _n, cells in rows if column is not None and column < len(cells)} - {""}
        recorded = {c.external_id: c for c in self.contacts.filter(external_id__in=ids)} if ids else {}
        parsed: list[tuple[int, dict[str, Any]]] = []
        for number, cells in rows:
            raw = importing.cells_of(cells, self.mapping)
            parsed.append((number, raw))
        self.seen_ids.prefetch(ids)
        moments: set[datetime.datetime] = set()
        keys: set[str] = set()
        for _number, raw in parsed:
            try:
                moment = self._occurred_at(raw)
            except CellError:
                continue
            moments.add(moment)
            try:  # what the row's key will be, to look the batch's keys up at once
                assistant = importing.pick(self.assistants, raw.get("assistant"), "")
                keys.add(importing.first_rows_key(assistant.pk, moment.timestamp(), self._duration(raw)))
            except (CellError, AttributeError):
                pass
        self.seen_keys.prefetch(keys)
        recorded_keys = set(
            self.contacts.filter(occurred_at__in=moments).values_list("assistant_id", "occurred_at", "duration_minutes")
        )
        for number, raw in parsed:
            external_id = text(raw.get("external_id"))
            if external_id and external_id in recorded:
                day = date_format(timezone.localtime(recorded[external_id].occurred_at), "SHORT_DATE_FORMAT")
                result.skipped.append(
                    (number, _("Imported already: the contact of %(day)s has this external identifier.") % {"day": day})
                )
                continue
            try:
                checked = self._check_row(raw, external_id, known_clients)
            except CellError as error:
                result.errors.append((number, str(error)))
                continue
            except ValidationError as error:
                result.errors.append((number, importing.validation_text(error, LABELS)))
                continue
            if external_id in self.seen_ids:
                result.errors.append(
                    (number, _("The same external identifier as row %(row)s.") % {"row": self.seen_ids[external_id]})
                )
                continue
            contact = checked.contact
            recorded_key = (contact.assistant_id, contact.occurred_at, contact.duration_minutes)
            key = importing.first_rows_key(
                contact.assistant_id, contact.occurred_at.timestamp(), contact.duration_minutes
            )
            if not external_id:
                if recorded_key in recorded_keys:
                    result.skipped.append(
                        (number, _("Possible duplicate of a recorded contact of the assistant at the same time."))
                    )
                    continue
                if key in self.seen_keys:
                    result.skipped.append(
                        (number, _("Possible duplicate of row %(row)s of this file.") % {"row": self.seen_keys[key]})
                    )
                    continue
            if external_id:
                self.seen_ids.add(external_id, number)
            else:
                self.seen_keys.add(key, number)
            result.created.append(PlannedRow(number, checked, is_new=True))

    def _check_row(self, raw: dict[str, Any], external_id: str, known_clients: dict[str, Any]):
        if len(external_id) > 100:
            raise CellError(_("The external identifier is longer than 100 characters."))
        occurred_at = self._occurred_at(raw)
        duration = self._duration(raw)
        if raw.get("assistant") in (None, ""):
            raise CellError(_("The assistant is missing."))
        assistant = importing.pick(self.assistants, raw["assistant"], COLUMNS["assistant"][0])
        service = self._service(raw)
        project = None
        if raw.get("project") not in (None, ""):
            project = importing.pick(self.projects, raw["project"], COLUMNS["project"][0])
        authority = None
        if raw.get("authority") not in (None, ""):
            authority = importing.pick(self.authorities, raw["authority"], COLUMNS["authority"][0])
        locality = None
        if raw.get("locality") not in (None, ""):
            locality = importing.pick(self.localities, raw["locality"], COLUMNS["locality"][0])
        topics = [importing.pick(self.topics, t, COLUMNS["topics"][0]) for t in importing.cell_list(raw.get("topics"))]
        anonymous = 0
        if raw.get("anonymous_persons") not in (None, ""):
            anonymous = importing.cell_whole(raw["anonymous_persons"])
        return contact_checked(
            organisation=self.organisation,
            assistant=assistant,
            occurred_at=occurred_at,
            duration_minutes=duration,
            activities=[self._activity(raw, service, duration)],
            service=service,
            project=project,
            authority=authority,
            clients=self._clients(raw, known_clients),
            anonymous_persons=anonymous,
            locality=locality,
            topics=topics,
            outcome=text(raw.get("outcome"))[:500],
            note=text(raw.get("note")),
            external_id=external_id,
        )


class ContactImporter(importing.Importer):
    kind = ImportKind.CONTACTS
    columns = COLUMNS
    example_row = EXAMPLE_ROW
    field_labels = {
        "external_id": gettext_lazy("external identifier"),
        "date": gettext_lazy("date"),
        "time": gettext_lazy("time"),
        "duration": gettext_lazy("duration (minutes)"),
        "hours": gettext_lazy("duration (hours)"),
        "assistant": gettext_lazy("assistant"),
        "clients": gettext_lazy("clients"),
        "anonymous_persons": gettext_lazy("anonymous persons"),
        "authority": gettext_lazy("authority"),
        "service": gettext_lazy("service"),
        "activity_type": gettext_lazy("activity type"),
        "work": gettext_lazy("kind of work"),
        "project": gettext_lazy("project"),
        "locality": gettext_lazy("locality"),
        "topics": gettext_lazy("topics"),
        "outcome": gettext_lazy("outcome"),
        "note": gettext_lazy("note"),
    }
    title = gettext_lazy("Import contacts")
    intro = gettext_lazy(
        "One contact per row: date and time, duration, the assistant (user name or full name), the "
        "clients by their external identifier or number, the service and its activity type. Nothing "
        "is saved until you confirm; a row whose external identifier was imported before is skipped."
    )
    namespace = "contacts"
    done_url = "contacts:list"
    template_file_name = "kontakty-sablona.xlsx"

    def checker(self, *, by: User, mapping: dict[str, int]) -> RowChecker:
        return ContactChecker(by=by, mapping=mapping)

    def write(self, *, by: User, rows: list[PlannedRow], file_name: str, at: datetime.datetime) -> None:
        contacts_imported_save([row.record for row in rows], by=by, file_name=file_name, at=at)

    def done_message(self, *, file_name: str, created: int, updated: int, not_imported: int) -> str:
        return _("Imported from %(file)s: %(created)s new contacts, %(skipped)s rows skipped.") % {
            "file": file_name,
            "created": created,
            "skipped": not_imported,
        }


CONTACTS = importing.register(ContactImporter())
