"""Programme records for tests: a service, project, its reporting deadline, assignment and staff time of an assistant's
organisation (its starting service, with the usual activity types)."""

import datetime

from accounts.models import User
from programmes.models import Assignment, Funder, Project, ReportingDeadline, StaffTime
from programmes.services import starting_service
from programmes.vocabulary import FunderKind
from tests.factories import AssistantProfileFactory

MONDAY = datetime.date(2026, 11, 2)


def a_funder(name: str = "MV – Program prevence kriminality", kind: str = FunderKind.MV_CRIME_PREVENTION) -> Funder:
    funder, _ = Funder.objects.get_or_create(name=name, defaults={"kind": kind})
    return funder


def programme_of(assistant: User, prefix: str) -> dict:
    """The assistant's organisation's service, a project funding it, the assistant's assignment
    to both and a day of their working time."""
    assert assistant.organisation is not None
    service = starting_service(assistant.organisation)
    project = Project.objects.create(
        organisation=assistant.organisation,
        name=f"Projekt {assistant.organisation.name}",
        funder=a_funder(),
        starts_on=datetime.date(2024, 1, 1),
    )
    project.services.add(service)
    profile = getattr(assistant, "assistant_profile", None) or AssistantProfileFactory(user=assistant)
    assignment = Assignment.objects.create(
        profile=profile, service=service, project=project, valid_from=datetime.date(2024, 1, 1)
    )
    staff_time = StaffTime.objects.create(
        assistant=assistant,
        organisation=assistant.organisation,
        service=service,
        starts_on=MONDAY,
        minutes=480,
        entered_by=assistant,
    )
    deadline = ReportingDeadline.objects.create(
        organisation=assistant.organisation,
        project=project,
        name="Průběžná zpráva",
        due_on=MONDAY + datetime.timedelta(days=30),
        repeat=ReportingDeadline.Repeat.HALF_YEAR,
    )
    return {
        f"{prefix}_service": service,
        f"{prefix}_deadline": deadline,
        f"{prefix}_project": project,
        f"{prefix}_assignment": assignment,
        f"{prefix}_staff_time": staff_time,
    }


def programme_records(own_assistant: User, foreign_assistant: User) -> dict:
    return {**programme_of(own_assistant, "own"), **programme_of(foreign_assistant, "foreign")}
