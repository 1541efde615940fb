"""The demo's DROM organisation as the example spreadsheets of docs/examples/ expect it (the
users, service, project and clients `make run` seeds), for the import tests and journeys."""

import datetime
from pathlib import Path

from accounts.models import Organisation, User
from accounts.roles import Role
from clients import importing
from clients.imports import CLIENTS
from programmes.models import Project
from programmes.services import starting_service
from tests.factories import OrganisationFactory, UserFactory
from tests.programme_helpers import a_funder

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def example_organisation(coordinator: User) -> dict:
    """The coordinator's organisation with the demo's Brno assistants, its service and OPZ+
    project, and an assistant of another organisation (asistent.ostrava)."""
    organisation = coordinator.organisation
    assert isinstance(organisation, Organisation)
    jana = UserFactory(
        username="asistent.brno",
        first_name="Jana",
        last_name="Horváthová",
        organisation=organisation,
        role=Role.ASSISTANT,
    )
    marek = UserFactory(
        username="asistent2.brno",
        first_name="Marek",
        last_name="Daniel",
        organisation=organisation,
        role=Role.ASSISTANT,
    )
    UserFactory(username="asistent.ostrava", organisation=OrganisationFactory(), role=Role.ASSISTANT)
    service = starting_service(organisation)
    project = Project.objects.create(
        organisation=organisation,
        name="Asistenti pro jednání s úřady (OPZ+)",
        funder=a_funder(),
        starts_on=datetime.date(2024, 1, 1),
    )
    project.services.add(service)
    return {"jana": jana, "marek": marek, "service": service, "project": project}


def import_example_clients(coordinator: User) -> None:
    """docs/examples/clients.xlsx imported (its correct rows: K-001 to K-003 and Bára)."""
    data = (EXAMPLES / "clients.xlsx").read_bytes()
    upload, _large = importing.upload_store(by=coordinator, importer=CLIENTS, file_name="clients.xlsx", data=data)
    table = importing.upload_table(upload, CLIENTS, {})
    mapping = importing.column_mapping(table.headings, {}, CLIENTS.columns)
    result = importing.dry_run(CLIENTS, by=coordinator, table=table, mapping=mapping)
    importing.confirm_import(CLIENTS, by=coordinator, upload=upload, summary=result.summary)
