"""The migrations that brought services, projects and activities convert today's data without loss.

The database is taken back to the state before `programmes 0002` and `contacts 0007` (contacts
with a form of work, funding sources and the assistants' funding periods), filled there, and
migrated forward again: every contact belongs to its organisation's starting service and holds one
activity of the type its form of work became, for its whole duration; the funding sources became
funders, projects and assignments. Slow-ish (it migrates the schema twice); it runs in `make test`.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("accounts", "0004_signedinsession_address"),
    ("programmes", "0001_initial"),
    ("contacts", "0006_activities_services"),
]
STARTING_SERVICE = "Asistence pro jednání s policií a úřady"
# The seven forms of work of a contact and the name and category of the activity type each became.
FORMS = {
    "accompaniment": ("Asistence / doprovod", "accompaniment"),
    "mediation": ("Zprostředkování", "mediation"),
    "consultation": ("Konzultace", "consultation"),
    "field_visit": ("Terénní návštěva", "field_visit"),
    "phone": ("Telefonický kontakt", "phone"),
    "crisis": ("Krizová intervence", "crisis"),
    "community": ("Komunitní nebo preventivní akce", "community"),
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _old_data(apps) -> dict:
    """Two organisations with contacts of every form of work, a police directorate without any,
    assistants with funding periods from several sources (one source shared by both)."""
    Organisation = apps.get_model("accounts", "Organisation")
    User = apps.get_model("accounts", "User")
    Municipality = apps.get_model("accounts", "Municipality")
    AssistantProfile = apps.get_model("accounts", "AssistantProfile")
    FundingSource = apps.get_model("accounts", "FundingSource")
    AssistantFunding = apps.get_model("accounts", "AssistantFunding")
    Authority = apps.get_model("contacts", "Authority")
    Contact = apps.get_model("contacts", "Contact")
    brno = Municipality.objects.get(name="Brno")
    ngo = Organisation.objects.create(name="Spolek Most, z.s.", kind="ngo")
    town = Organisation.objects.create(name="Městský úřad Kyjov", kind="municipality")
    police = Organisation.objects.create(name="KŘP Jihomoravského kraje", kind="police", region=brno.region)
    city = FundingSource.objects.create(kind="city", name="Statutární město Brno")
    esf = FundingSource.objects.create(kind="esf", name="OPZ+ Asistence")
    mpsv = FundingSource.objects.create(kind="mpsv", name="Dotace MPSV")
    region = FundingSource.objects.create(kind="region", name="Jihomoravský kraj")

    def assistant(username, organisation, employed_from, fundings):
        user = User.objects.create(username=username, organisation=organisation, role="assistant")
        profile = AssistantProfile.objects.create(
            user=user, employer=organisation, municipality=brno, employed_from=employed_from
        )
        for source, valid_from, valid_until in fundings:
            AssistantFunding.objects.create(
                profile=profile, source=source, valid_from=valid_from, valid_until=valid_until
            )
        return user

    day = datetime.date
    people = {
        "jana": assistant(
            "jana", ngo, day(2021, 1, 1), [(city, day(2021, 1, 1), day(2022, 12, 31)), (esf, day(2023, 1, 1), None)]
        ),
        "petr": assistant("petr", ngo, day(2022, 3, 1), [(city, day(2022, 3, 1), None)]),
        "eva": assistant("eva", ngo, day(2024, 1, 1), []),
        "karel": assistant(
            "karel", town, day(2020, 6, 1), [(mpsv, day(2020, 6, 1), None), (city, day(2021, 1, 1), None)]
        ),
    }
    User.objects.create(username="policista", organisation=police, role="police")
    authority = Authority.objects.get(name="Policie ČR")
    durations = {}
    now = timezone.now()
    for i, form in enumerate(FORMS):
        for j, (user, organisation) in enumerate(
            [(people["jana"], ngo), (people["eva"], ngo), (people["karel"], town)]
        ):
            contact = Contact.objects.create(
                organisation=organisation,
                assistant=user,
                occurred_at=now - datetime.timedelta(days=10 * i + j + 1),
                duration_minutes=15 * (i + 1) + j,
                authority=authority,
                form_of_work=form,
                anonymous_persons=1,
            )
            durations[contact.pk] = (form, contact.duration_minutes, organisation.pk)
    return {
        "organisations": (ngo.pk, town.pk, police.pk),
        "sources": {source.pk: (source.name, source.kind) for source in (city, esf, mpsv, region)},
        "durations": durations,
    }


def test_forms_of_work_and_funding_sources_become_activities_projects_and_assignments():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _old_data(_migrate(BEFORE))
    apps = _migrate(leaves)
    Contact = apps.get_model("contacts", "Contact")
    Service = apps.get_model("programmes", "Service")
    Funder = apps.get_model("programmes", "Funder")
    Project = apps.get_model("programmes", "Project")
    Assignment = apps.get_model("programmes", "Assignment")
    ngo, town, police = old["organisations"]

    # Each organisation that keeps client files has its starting service; the police none.
    services = {s.organisation_id: s for s in Service.objects.filter(organisation_id__in=[ngo, town, police])}
    assert set(services) == {ngo, town}
    assert {s.name for s in services.values()} == {STARTING_SERVICE}
    assert services[ngo].activity_types.count() == 14

    # Every contact: its organisation's service, one activity of its old form's type, its whole duration.
    contacts = Contact.objects.filter(pk__in=old["durations"]).prefetch_related("activities__activity_type")
    assert contacts.count() == len(old["durations"]) == 21
    for contact in contacts:
        form, duration, organisation = old["durations"][contact.pk]
        assert contact.service_id == services[organisation].pk
        assert contact.project_id is None
        (activity,) = contact.activities.all()
        name, category = FORMS[form]
        assert (activity.activity_type.name, activity.activity_type.category) == (name, category), form
        assert activity.activity_type.service_id == contact.service_id
        assert activity.minutes == duration == contact.duration_minutes
        assert activity.work == "direct"

    # Funders: one per funding source, of the kind it was ("region" too, though no one used it).
    funders = {f.name: f.kind for f in Funder.objects.filter(name__in=[n for n, _k in old["sources"].values()])}
    assert funders == {name: kind for name, kind in old["sources"].values()}

    # Projects: one per organisation and source used there, from the first funded day, of the service.
    projects = {
        (p.organisation_id, p.funder.name): p
        for p in Project.objects.filter(organisation_id__in=[ngo, town]).select_related("funder")
    }
    assert set(projects) == {
        (ngo, "Statutární město Brno"),
        (ngo, "OPZ+ Asistence"),
        (town, "Dotace MPSV"),
        (town, "Statutární město Brno"),
    }
    assert projects[(ngo, "Statutární město Brno")].starts_on == datetime.date(2021, 1, 1)
    assert projects[(town, "Statutární město Brno")].starts_on == datetime.date(2021, 1, 1)
    for (organisation, _name), project in projects.items():
        assert list(project.services.values_list("pk", flat=True)) == [services[organisation].pk]

    # Assignments: one per funding period with its project; an unfunded assistant's employment.
    assignments = {
        (a.profile.user.username, a.project.name if a.project_id else None, a.valid_from, a.valid_until)
        for a in Assignment.objects.filter(service__organisation_id__in=[ngo, town]).select_related(
            "profile__user", "project"
        )
    }
    day = datetime.date
    assert assignments == {
        ("jana", "Statutární město Brno", day(2021, 1, 1), day(2022, 12, 31)),
        ("jana", "OPZ+ Asistence", day(2023, 1, 1), None),
        ("petr", "Statutární město Brno", day(2022, 3, 1), None),
        ("eva", None, day(2024, 1, 1), None),
        ("karel", "Dotace MPSV", day(2020, 6, 1), None),
        ("karel", "Statutární město Brno", day(2021, 1, 1), None),
    }
    assert all(
        a.service.organisation_id == a.profile.employer_id
        for a in Assignment.objects.filter(service__organisation_id__in=[ngo, town]).select_related(
            "service", "profile"
        )
    )
