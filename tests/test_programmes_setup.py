"""The coordinator's set-up of services, activity types, projects, funders and assignments:
every rule, with its Czech message, and the pages that call them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from contacts.models import Activity
from programmes import services
from programmes.models import ActivityType, Assignment, Funder, Project, Service
from programmes.vocabulary import STARTING_ACTIVITY_TYPES, ActivityCategory, FunderKind, ServiceKind, TargetGroup
from tests.factories import AssistantProfileFactory, ContactFactory, a_locality
from tests.programme_helpers import a_funder


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- services -----------------------------------------------------------------------------------


def test_service_create_adds_the_starting_activity_types_in_order(drom):
    service = services.service_create(
        organisation=drom,
        name="Terénní programy",
        kind=ServiceKind.FIELD_PROGRAMMES,
        registration_id="1234567",
        target_groups=[TargetGroup.MINORITIES, TargetGroup.CRIME_VICTIMS],
        localities=[a_locality()],
    )
    names = list(service.activity_types.order_by("ordering").values_list("name", flat=True))
    assert names == [name for name, _category, _without in STARTING_ACTIVITY_TYPES]
    # A service may name an ethnic minority as its target group (a person never does).
    assert TargetGroup.MINORITIES in service.target_groups
    assert list(service.localities.all()) == [a_locality()]


@pytest.mark.parametrize(
    ("kind", "registration_id", "message"),
    [
        (ServiceKind.FIELD_PROGRAMMES, "12345", "sedm číslic"),
        (ServiceKind.FIELD_PROGRAMMES, "12345ab", "sedm číslic"),
        (ServiceKind.NOT_REGISTERED, "1234567", "není registrovaná"),
    ],
)
def test_registration_identifier_rules(drom, kind, registration_id, message):
    with pytest.raises(ValidationError) as refused:
        services.service_create(organisation=drom, name="Služba", kind=kind, registration_id=registration_id)
    assert message in _messages(refused.value)
    assert not Service.objects.filter(name="Služba").exists()


def test_service_names_are_unique_in_the_organisation_whatever_the_case(drom, other_org):
    services.service_create(organisation=drom, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    with pytest.raises(ValidationError) as refused:
        services.service_create(organisation=drom, name="poradna ", kind=ServiceKind.SOCIAL_COUNSELLING)
    assert "již má službu" in _messages(refused.value)
    services.service_create(organisation=other_org, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)


def test_service_pages_create_and_edit(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("programmes:service_create"),
        {
            "name": "Terénní programy",
            "kind": ServiceKind.FIELD_PROGRAMMES,
            "registration_id": "123 45 67",
            "target_groups": [TargetGroup.CRIME_VICTIMS, TargetGroup.MINORITIES],
            "localities": [a_locality().pk],
            "capacity": "40",
            "is_active": "on",
        },
    )
    service = Service.objects.get(name="Terénní programy")
    assert response.status_code == 302 and service.organisation == carol.organisation
    assert service.registration_id == "1234567" and service.capacity == 40
    assert service.activity_types.count() == len(STARTING_ACTIVITY_TYPES)
    refused = client.post(
        reverse("programmes:service_edit", args=[service.pk]),
        {"name": "Terénní programy", "kind": ServiceKind.NOT_REGISTERED, "registration_id": "1234567"},
    )
    assert refused.status_code == 400
    assert "nemá registrační identifikátor" in refused.content.decode()
    service.refresh_from_db()
    assert service.kind == ServiceKind.FIELD_PROGRAMMES
    listed = client.get(reverse("programmes:service_list")).content.decode()
    assert "Terénní programy" in listed and "1234567" in listed


def test_service_list_query_count_does_not_grow(client, carol, django_assert_max_num_queries):
    client.force_login(carol)
    for i in range(2):
        services.service_create(
            organisation=carol.organisation, name=f"Služba {i}", kind=ServiceKind.CRISIS_HELP, localities=[a_locality()]
        )
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("programmes:service_list"))
    for i in range(2, 8):
        service = services.service_create(
            organisation=carol.organisation, name=f"Služba {i}", kind=ServiceKind.CRISIS_HELP
        )
        service.localities.set([a_locality()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("programmes:service_list"))


# -- activity types -----------------------------------------------------------------------------


@pytest.fixture
def service(drom):
    return services.service_create(organisation=drom, name="Terénní programy", kind=ServiceKind.FIELD_PROGRAMMES)


def test_a_new_activity_type_comes_last_and_its_name_is_unique(service):
    added = services.activity_type_create(
        service=service, name="Sociální šetření", category=ActivityCategory.FIELD_VISIT, without_client=False
    )
    assert added.ordering == len(STARTING_ACTIVITY_TYPES)
    with pytest.raises(ValidationError) as refused:
        services.activity_type_create(
            service=service, name="kontakt", category=ActivityCategory.CONTACT, without_client=False
        )
    assert "již má druh výkonu" in _messages(refused.value)
    with pytest.raises(ValidationError):
        services.activity_type_update(
            activity_type=added,
            name="Kontakt",
            category=ActivityCategory.CONTACT,
            without_client=False,
            ordering=3,
            is_active=True,
        )


def test_moving_up_and_down_reorders(service):
    types = list(service.activity_types.order_by("ordering"))
    services.activity_type_move(activity_type=types[2], up=True)
    order = list(service.activity_types.order_by("ordering").values_list("pk", flat=True))
    assert order[:3] == [types[0].pk, types[2].pk, types[1].pk]
    services.activity_type_move(activity_type=types[0], up=True)  # already first: stays
    services.activity_type_move(activity_type=types[-1], up=False)  # already last: stays
    assert list(service.activity_types.order_by("ordering").values_list("pk", flat=True)) == order


def test_a_used_activity_type_cannot_be_deleted_only_switched_off(client, carol, alice):
    contact = ContactFactory(assistant=alice)  # its activity uses a type of the starting service
    used = Activity.objects.get(contact=contact).activity_type
    unused = used.service.activity_types.exclude(pk=used.pk).order_by("pk")[0]
    client.force_login(carol)
    response = client.post(reverse("programmes:activity_type_delete", args=[used.pk]), follow=True)
    assert ActivityType.objects.filter(pk=used.pk).exists()
    assert "nelze smazat" in response.content.decode()
    page = client.get(reverse("programmes:service_detail", args=[used.service_id])).content.decode()
    assert page.count("Smazat") == used.service.activity_types.count() - 1  # no delete button for the used one
    client.post(reverse("programmes:activity_type_delete", args=[unused.pk]))
    assert not ActivityType.objects.filter(pk=unused.pk).exists()
    client.post(
        reverse("programmes:activity_type_edit", args=[used.pk]),
        {"name": used.name, "category": used.category, "ordering": "0"},  # "in use" unticked
    )
    used.refresh_from_db()
    assert used.is_active is False


def test_move_buttons_on_the_page(client, carol, service):
    first, second = service.activity_types.order_by("ordering")[:2]
    client.force_login(carol)
    response = client.post(reverse("programmes:activity_type_move", args=[second.pk]), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith(f"#type-{second.pk}")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.ordering < first.ordering


# -- funders and projects -----------------------------------------------------------------------


def test_a_city_as_funder_needs_its_municipality(client, carol):
    client.force_login(carol)
    refused = client.post(reverse("programmes:funder_create"), {"kind": FunderKind.CITY, "name": "Město Znojmo"})
    assert refused.status_code == 400 and "potřebuje svou obec" in refused.content.decode()
    brno = a_locality().municipality
    response = client.post(
        reverse("programmes:funder_create") + "?next=/programme/projects/new/",
        {"kind": FunderKind.CITY, "name": "Statutární město Brno", "municipality": brno.pk},
    )
    funder = Funder.objects.get(name="Statutární město Brno")
    assert response["Location"] == f"/programme/projects/new/?funder={funder.pk}"
    again = client.post(
        reverse("programmes:funder_create"), {"kind": FunderKind.OTHER, "name": "statutární město brno"}
    )
    assert again.status_code == 400 and "již existuje" in again.content.decode()


def test_funder_create_refuses_a_foreign_next(client, carol):
    client.force_login(carol)
    response = client.post(
        reverse("programmes:funder_create") + "?next=https://example.com/",
        {"kind": FunderKind.ESF, "name": "OPZ+"},
    )
    assert response["Location"].startswith("/programme/projects/new/")


NAME = "Asistenti prevence kriminality 2026"


def test_project_period_and_services(client, carol, service, other_org):
    client.force_login(carol)
    funder = a_funder()
    data = {
        "name": NAME,
        "registration_number": "CZ.03.02.01/00/22_005/0001234",
        "funder": funder.pk,
        "services": [service.pk],
        "starts_on": "2026-01-01",
        "ends_on": "2025-12-31",
        "budgeted_hours": "1600",
        "is_active": "on",
    }
    refused = client.post(reverse("programmes:project_create"), data)
    assert refused.status_code == 400 and "Konec nemůže být před začátkem" in refused.content.decode()
    foreign = services.service_create(organisation=other_org, name="Cizí", kind=ServiceKind.CRISIS_HELP)
    refused = client.post(reverse("programmes:project_create"), {**data, "ends_on": "", "services": [foreign.pk]})
    assert refused.status_code == 400  # another organisation's service is not a choice
    assert client.post(reverse("programmes:project_create"), {**data, "ends_on": "2026-12-31"}).status_code == 302
    project = Project.objects.get(name=NAME)
    assert list(project.services.all()) == [service] and project.budgeted_hours == 1600
    with pytest.raises(ValidationError) as duplicate:
        services.project_create(
            organisation=carol.organisation, name=NAME, funder=funder, starts_on=datetime.date(2026, 1, 1)
        )
    assert "již má projekt" in _messages(duplicate.value)


# -- assignments --------------------------------------------------------------------------------


@pytest.fixture
def setup(alice, service):
    project = services.project_create(
        organisation=alice.organisation,
        name="OPZ+ asistenti",
        funder=a_funder("ESF+", FunderKind.ESF),
        starts_on=datetime.date(2024, 1, 1),
        services=[service],
    )
    return AssistantProfileFactory(user=alice), service, project


def test_assignment_periods_of_one_assistant_do_not_overlap(setup):
    profile, service, project = setup
    services.assignment_create(
        profile=profile,
        service=service,
        project=project,
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(profile=profile, service=service, project=None, valid_from=datetime.date(2025, 6, 1))
    assert "překrývá" in _messages(refused.value) and "Terénní programy" in _messages(refused.value)
    services.assignment_create(profile=profile, service=service, project=None, valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):  # an open end overlaps everything after its start
        services.assignment_create(profile=profile, service=service, project=None, valid_from=datetime.date(2027, 1, 1))
    assert Assignment.objects.filter(profile=profile).count() == 2


def test_the_project_must_fund_the_service_and_be_of_the_organisation(setup, drom, oscar):
    profile, service, project = setup
    other_service = services.service_create(organisation=drom, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(
            profile=profile, service=other_service, project=project, valid_from=datetime.date(2025, 1, 1)
        )
    assert "nefinancuje" in _messages(refused.value)
    foreign_service = services.service_create(
        organisation=oscar.organisation, name="Cizí", kind=ServiceKind.CRISIS_HELP
    )
    with pytest.raises(ValidationError) as refused:
        services.assignment_create(
            profile=profile, service=foreign_service, project=None, valid_from=datetime.date(2025, 1, 1)
        )
    assert "zaměstnavatele" in _messages(refused.value)


def test_a_service_with_assignments_stays_in_its_project(setup):
    profile, service, project = setup
    services.assignment_create(profile=profile, service=service, project=project, valid_from=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.project_update(
            project=project,
            name=project.name,
            funder=project.funder,
            starts_on=project.starts_on,
            ends_on=None,
            registration_number="",
            services=[],
            budgeted_hours=None,
            is_active=True,
        )
    assert "přiřazení" in _messages(refused.value)


def test_assignment_pages(client, carol, setup):
    profile, service, project = setup
    client.force_login(carol)
    data = {"profile": profile.pk, "service": service.pk, "project": project.pk, "valid_from": "2025-01-01"}
    assert client.post(reverse("programmes:assignment_create"), data).status_code == 302
    refused = client.post(reverse("programmes:assignment_create"), {**data, "valid_from": "2025-03-01"})
    assert refused.status_code == 400 and "překrývá" in refused.content.decode()
    assignment = Assignment.objects.get(profile=profile)
    response = client.post(
        reverse("programmes:assignment_edit", args=[assignment.pk]),
        {"service": service.pk, "project": "", "valid_from": "2025-01-01", "valid_until": "2024-12-31"},
    )
    assert response.status_code == 400 and "Konec nemůže být před začátkem" in response.content.decode()
    client.post(
        reverse("programmes:assignment_edit", args=[assignment.pk]),
        {"service": service.pk, "project": "", "valid_from": "2025-01-01", "valid_until": "2025-06-30"},
    )
    assignment.refresh_from_db()
    assert assignment.valid_until == datetime.date(2025, 6, 30) and assignment.project is None
    page = client.get(reverse("programmes:assignment_list")).content.decode()
    assert "Terénní programy" in page


def test_a_funder_added_from_the_project_form_is_chosen_there(client, carol, service):
    project = services.project_create(
        organisation=carol.organisation, name="Projekt", funder=a_funder(), starts_on=datetime.date(2026, 1, 1)
    )
    client.force_login(carol)
    edit_url = reverse("programmes:project_edit", args=[project.pk])
    response = client.post(
        reverse("programmes:funder_create") + f"?next={edit_url}", {"kind": FunderKind.OTHER, "name": "Nadace XY"}
    )
    funder = Funder.objects.get(name="Nadace XY")
    page = client.get(response["Location"])
    assert page.context["form"]["funder"].value() == funder.pk
