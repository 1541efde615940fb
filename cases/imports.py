"""Importing victim-support cases from a spreadsheet, a kind of the import flow of
clients/importing.py. A coordinator imports for their own organisation: the client of each case
is one the coordinator sees (by the client import's external identifier or the client's number),
the assistant is of the organisation, and every row is checked by cases.services' case_checked,
the rules of case_open, before anything is saved. A case opens as new, as case_open opens it.

A row whose external identifier the organisation has recorded already is skipped, so a file
imported again adds nothing twice."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Locality, Region, User
from accounts.scoping import own_client_work_organisation_id
from clients import importing
from clients.import_files import Columns
from clients.import_models import ImportKind
from clients.importing import CellError, DryRun, PlannedRow, RowChecker, text
from clients.selectors import visible_clients
from common.validators import validate_not_in_future

from .models import CrimeType, RiskLevel
from .selectors import case_assignable_users, visible_cases
from .services import CaseError, case_checked, cases_imported_save

COLUMNS: Columns = {
    "external_id": ("externí id", ("externi identifikator", "external id", "id pripadu", "spisova znacka")),
    "client": ("klient", ("id klienta", "externi id klienta", "client")),
    "title": ("název", ("nazev pripadu", "title")),
    "assistant": ("asistent", ("asistentka", "pracovnik", "assistant")),
    "crime_types": ("trestné činy", ("trestny cin", "paragrafy", "crime types")),
    "incident_date": ("datum činu", ("datum udalosti", "incident date")),
    "reported_on": ("oznámeno dne", ("datum oznameni", "reported on")),
    "region": ("kraj", ("region",)),
    "locality": ("lokalita", ("locality",)),
    "police_reference": ("číslo jednací policie", ("cj policie", "police reference")),
    "police_unit": ("útvar policie", ("police unit",)),
    "particularly_vulnerable": ("zvlášť zranitelná oběť", ("zvlast zranitelna", "particularly vulnerable")),
    "risk_level": ("míra rizika", ("riziko", "risk level")),
    "shared_with_police": ("sdíleno s policií", ("shared with the police",)),
}
EXAMPLE_ROW = {
    "external_id": "P-2025-014",
    "client": "K-2026-001",
    "title": "Lichva – půjčka 20 000 Kč",
    "assistant": "asistent.brno",
    "crime_types": "§218",
    "incident_date": "3. 9. 2025",
    "reported_on": "15.9.2025",
    "region": "Jihomoravský kraj",
    "locality": "",
    "police_reference": "KRPB-12345/TČ-2025",
    "police_unit": "OOP Brno-Cejl",
    "particularly_vulnerable": "ano",
    "risk_level": "střední",
    "shared_with_police": "ne",
}
LABELS: dict[str, Any] = {
    "client": gettext_lazy("client (victim)"),
    "title": gettext_lazy("title"),
    "assistant": gettext_lazy("assistant"),
    "crime_types": gettext_lazy("crime types"),
    "incident_date": gettext_lazy("incident date"),
    "reported_on": gettext_lazy("reported to the police on"),
    "locality": gettext_lazy("locality"),
    "region": gettext_lazy("region"),
}
RISK_WORDS = {"nizka": RiskLevel.LOW, "nizke": RiskLevel.LOW, "stredni": RiskLevel.MEDIUM, "vysoka": RiskLevel.HIGH}


class CaseChecker(RowChecker):
    def __init__(self, *, by: User, mapping: dict[str, int]) -> None:
        self.mapping = mapping
        self.organisation_id = own_client_work_organisation_id(by)
        self.assistants = importing.by_name(
            case_assignable_users(by), lambda u: u.username, lambda u: u.get_full_name(), lambda u: u.email
        )
        self.crime_types = importing.by_name(
            CrimeType.objects.filter(is_active=True), lambda c: c.section, lambda c: c.name
        )
        self.regions = importing.by_name(Region.objects.all(), lambda r: r.name, lambda r: r.code)
        self.localities = importing.by_name(
            Locality.objects.select_related("municipality"), lambda loc: loc.name, lambda loc: str(loc)
        )
        self.risks = {**importing.choice_words(RiskLevel.choices), **RISK_WORDS}
        self.clients = visible_clients(by).filter(organisation_id=self.organisation_id)
        self.cases = visible_cases(by).filter(organisation_id=self.organisation_id)
        self.seen_ids = importing.FirstRows()
        self.first_rows = (self.seen_ids,)

    def _pick(self, found: dict[str, Any], value: Any, field: str) -> Any:
        return importing.pick(found, value, COLUMNS[field][0])

    def _day(self, raw: dict[str, Any], field: str) -> datetime.date | None:
        if raw.get(field) in (None, ""):
            return None
        day = importing.cell_day(raw[field])
        try:
            validate_not_in_future(day)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
        return day

    def _known_clients(self, rows: list[tuple[int, list[Any]]]) -> dict[str, Any]:
        column = self.mapping.get("client")
        tokens = {text(cells[column]) for _n, cells in rows if column is not None and column < len(cells)} - {""}
        return importing.clients_by_token(self.clients, tokens)

    def check_batch(self, rows: list[tuple[int, list[Any]]], result: DryRun) -> None:
        if not {"client", "title", "crime_types"} <= set(self.mapping):
            result.errors.extend(
                (number, _("The columns of the client, the title and the crime types must be mapped."))
                for number, _cells in rows
            )
            return
        known_clients = self._known_clients(rows)
        column = self.mapping.get("external_id")
        ids = {text(cells[column]) for _n, cells in rows if column is not None and column < len(cells)} - {""}
        recorded = {c.external_id: c for c in self.cases.filter(external_id__in=ids)} if ids else {}
        self.seen_ids.prefetch(ids)
        for number, cells in rows:
            raw = importing.cells_of(cells, self.mapping)
            external_id = text(raw.get("external_id"))
            if external_id and external_id in recorded:
                result.skipped.append(
                    (
                        number,
                        _("Imported already: the case “%(title)s” has this external identifier.")
                        % {"title": recorded[external_id].title},
                    )
                )
                continue
            try:
                checked = self._check_row(raw, external_id, known_clients)
            except CellError as error:
                result.errors.append((number, str(error)))
                continue
            except CaseError as error:
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
            if external_id:
                self.seen_ids.add(external_id, number)
            result.created.append(PlannedRow(number, checked, is_new=True))

    def _check_row(self, raw: dict[str, Any], external_id: str, known_clients: dict[str, Any]):
        if len(external_id) > 100:
            raise CellError(_("The external identifier is longer than 100 characters."))
        token = text(raw.get("client"))
        if not token:
            raise CellError(_("The client is missing."))
        client = known_clients.get(token) or known_clients.get(f"#{token.lstrip('#')}")
        if client is None:
            raise CellError(_("No client of yours has the identifier “%(value)s”.") % {"value": token})
        if raw.get("assistant") in (None, ""):
            raise CellError(_("The assistant is missing."))
        assistant = self._pick(self.assistants, raw["assistant"], "assistant")
        crime_types = [
            self._pick(self.crime_types, t, "crime_types") for t in importing.cell_list(raw.get("crime_types"))
        ]
        locality = None
        if raw.get("locality") not in (None, ""):
            locality = self._pick(self.localities, raw["locality"], "locality")
        if raw.get("region") not in (None, ""):
            region = self._pick(self.regions, raw["region"], "region")
        elif locality is not None:
            region = locality.municipality.region
        else:
            raise CellError(_("The region is missing (or a locality that tells it)."))
        risk_level = RiskLevel.LOW
        if raw.get("risk_level") not in (None, ""):
            risk_level = self._pick(self.risks, raw["risk_level"], "risk_level")
        return case_checked(
            organisation_id=self.organisation_id,
            client=client,
            title=text(raw.get("title")),
            assistant=assistant,
            crime_types=crime_types,
            region=region,
            incident_date=self._day(raw, "incident_date"),
            reported_on=self._day(raw, "reported_on"),
            locality=locality,
            police_reference=text(raw.get("police_reference"))[:60],
            police_unit=text(raw.get("police_unit"))[:150],
            particularly_vulnerable=importing.cell_yes_no(raw.get("particularly_vulnerable")),
            risk_level=risk_level,
            shared_with_police=importing.cell_yes_no(raw.get("shared_with_police")),
            external_id=external_id,
        )


class CaseImporter(importing.Importer):
    kind = ImportKind.CASES
    columns = COLUMNS
    example_row = EXAMPLE_ROW
    field_labels = {
        "external_id": gettext_lazy("external identifier"),
        "client": gettext_lazy("client (victim)"),
        "title": gettext_lazy("title"),
        "assistant": gettext_lazy("assistant"),
        "crime_types": gettext_lazy("crime types"),
        "incident_date": gettext_lazy("incident date"),
        "reported_on": gettext_lazy("reported to the police on"),
        "region": gettext_lazy("region"),
        "locality": gettext_lazy("locality"),
        "police_reference": gettext_lazy("police reference number"),
        "police_unit": gettext_lazy("police unit"),
        "particularly_vulnerable": gettext_lazy("particularly vulnerable victim"),
        "risk_level": gettext_lazy("risk level"),
        "shared_with_police": gettext_lazy("shared with the police"),
    }
    title = gettext_lazy("Import cases")
    intro = gettext_lazy(
        "One case per row: the client by their external identifier or number, the title, the assistant "
        "and the crime types (sections such as §218). Each case opens as new. Nothing is saved until you "
        "confirm; a row whose external identifier was imported before is skipped."
    )
    namespace = "cases"
    done_url = "cases:list"
    template_file_name = "pripady-sablona.xlsx"

    def checker(self, *, by: User, mapping: dict[str, int]) -> RowChecker:
        return CaseChecker(by=by, mapping=mapping)

    def write(self, *, by: User, rows: list[PlannedRow], file_name: str, at: datetime.datetime) -> None:
        cases_imported_save([row.record for row in rows], by=by, file_name=file_name, at=at)

    def done_message(self, *, file_name: str, created: int, updated: int, not_imported: int) -> str:
        return _("Imported from %(file)s: %(created)s new cases, %(skipped)s rows skipped.") % {
            "file": file_name,
            "created": created,
            "skipped": not_imported,
        }


CASES = importing.register(CaseImporter())
