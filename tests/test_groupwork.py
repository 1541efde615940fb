"""Group activities: the rules (page and API share them), counting distinct persons, the pages."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groupwork import services
from groupwork.forms import head_count_field_name
from groupwork.models import AnonymousAttendance, GroupActivity
from groupwork.selectors import group_participation, visible_group_activities
from programmes.models import Project
from programmes.services import service_create, starting_service
from programmes.vocabulary import ActivityCategory, FunderKind, ServiceKind
from tests.factories import ClientFactory, GroupActivityFactory

pytestmark = pytest.mark.django_db

F, M, U = "female", "male", "unknown"


def _type(user, category=ActivityCategory.GROUP):
    return starting_service(user.organisation).activity_types.get(category=category)


def _fields(user, **overrides) -> dict:
    fields = {
        "occurred_at": timezone.now() - datetime.timedelta(hours=3),
        "minutes": 90,
        "activity_type": _type(user),
        "topic": "Prevence lichvy – beseda",
        "head_count": {(F, "27-64"): 4},
    }
    return {**fields, **overrides}


# -- rules ------------------------------------------------------------------------------------


def test_create_copies_the_organisation_and_keeps_participants_and_head_count(alice, own_client):
    head_count = {(F, "0-14"): 3, (M, "65+"): 2, (U, "18-26"): 0}
    fields = _fields(alice, head_count=head_count)
    activity = services.group_activity_create(by=alice, participants=[own_client], **fields)
    assert activity.organisation == alice.organisation and activity.author == alice
    assert activity.service == starting_service(alice.organisation)
    assert list(activity.participants.all()) == [own_client]
    # Cells of zero are not stored.
    assert sorted(activity.anonymous_attendance.values_list("sex", "age_band", "count")) == [
        (F, "0-14", 3),
        (M, "65+", 2),
    ]


def test_nobody_present_is_refused_unless_the_type_is_work_without_a_client(alice):
    with pytest.raises(ValidationError) as refused:
        services.group_activity_create(by=alice, **_fields(alice, head_count={}))
    assert "participants" in refused.value.message_dict
    assert not GroupActivity.objects.exists()
    monitoring = _type(alice, ActivityCategory.MONITORING)
    assert monitoring.without_client
    services.group_activity_create(by=alice, **_fields(alice, head_count={}, activity_type=monitoring))
    assert GroupActivity.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"topic": "  "}, "topic"),
        ({"occurred_at": timezone.now() + datetime.timedelta(days=1)}, "occurred_at"),
        ({"occurred_at": datetime.datetime(1999, 12, 31, 12, tzinfo=datetime.UTC)}, "occurred_at"),
        ({"head_count": {(F, "27-64"): 501}}, "anonymous_attendance"),
        ({"head_count": {(F, "27-64"): -1}}, "anonymous_attendance"),
        ({"head_count": {("other", "27-64"): 1}}, "anonymous_attendance"),
    ],
)
def test_implausible_values_are_refused_by_field_and_nothing_is_saved(alice, own_client, overrides, field):
    with pytest.raises(ValidationError) as refused:
        services.group_activity_create(by=alice, participants=[own_client], **_fields(alice, **overrides))
    assert field in refused.value.message_dict
    assert not GroupActivity.objects.exists() and not AnonymousAttendance.objects.exists()


def test_the_whole_day_is_allowed(alice):
    activity = services.group_activity_create(by=alice, **_fields(alice, minutes=24 * 60))
    assert activity.minutes == 1440


def test_participants_must_be_clients_of_the_organisation(alice, foreign_client):
    with pytest.raises(ValidationError) as refused:
        services.group_activity_create(by=alice, participants=[foreign_client], **_fields(alice))
    assert "participants" in refused.value.message_dict


def test_service_activity_type_and_project_must_be_the_organisations(alice, oscar):
    foreign_service = starting_service(oscar.organisation)
    with pytest.raises(ValidationError) as refused:
        services.group_activity_create(by=alice, service=foreign_service, **_fields(alice))
    assert "service" in refused.value.message_dict
    other = service_create(organisation=alice.organisation, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    with pytest.raises(ValidationError) as refused:
        services.group_activity_create(by=alice, service=other, **_fields(alice))  # a type of the first service
    assert "activity_type" in refused.value.message_dict
    switched_off = _type(alice)
    switched_off.is_active = False
    switched_off.save()
    with pytest.raises(ValidationError) as refused:
        services.group_activity_create(by=alice, **_fields(alice))
    assert "activity_type" in refused.value.message_dict


def _project(organisation, **kwargs) -> Project:
    from programmes.models import Funder

    funder, _ = Funder.objects.get_or_create(name="MV – prevence", defaults={"kind": FunderKind.MV_CRIME_PREVENTION})
    return Project.objects.create(organisation=organisation, funder=funder, **kwargs)


def test_the_project_must_be_the_organisations_and_cover_the_date(alice, oscar):
    today = timezone.localdate()
    running = _project(alice.organisation, name="Běžící", starts_on=today - datetime.timedelta(days=30))
    ended = _project(
        alice.organisation, name="Skončený", starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31)
    )
    foreign = _project(oscar.organisation, name="Cizí", starts_on=datetime.date(2020, 1, 1))
    assert services.group_activity_create(by=alice, project=running, **_fields(alice)).project == running
    for project in (ended, foreign):
        with pytest.raises(ValidationError) as refused:
            services.group_activity_create(by=alice, project=project, **_fields(alice))
        assert "project" in refused.value.message_dict


def test_only_the_author_or_a_coordinator_edits_and_only_a_coordinator_deletes(alice, bob, carol, oscar):
    activity = GroupActivityFactory(author=alice, head_count={(F, "27-64"): 2})
    values = {
        **_fields(alice),
        "service": activity.service,
        "project": None,
        "locality": None,
        "description": "",
        "participants": [],
    }
    for outsider in (bob, oscar):
        with pytest.raises(PermissionDenied):
            services.group_activity_update(by=outsider, group_activity=activity, **values)
    services.group_activity_update(by=carol, group_activity=activity, **{**values, "minutes": 45})
    activity.refresh_from_db()
    assert activity.minutes == 45
    for not_allowed in (alice, oscar):
        with pytest.raises(PermissionDenied):
            services.group_activity_delete(by=not_allowed, group_activity=activity)
    services.group_activity_delete(by=carol, group_activity=activity)
    assert not GroupActivity.objects.exists() and not AnonymousAttendance.objects.exists()


def test_staff_see_their_organisation_only(alice, carol, oscar, police_officer, ministry_analyst):
    own = GroupActivityFactory(author=alice, head_count={(F, "27-64"): 1})
    GroupActivityFactory(author=oscar, head_count={(F, "27-64"): 1})
    assert list(visible_group_activities(carol)) == [own]
    for nobody in (police_officer, ministry_analyst):
        assert not visible_group_activities(nobody).exists()


# -- counting persons ------------------------------------------------------------------------


@pytest.fixture
def known_year(alice, bob, oscar):
    """Five meetings with Marie (one person, five attendances), two of them with Petr, an
    anonymous head count, one meeting outside the period and one of another organisation."""
    marie, petr = (ClientFactory(organisation=alice.organisation, created_by=alice) for _ in range(2))
    day = timezone.now() - datetime.timedelta(days=10)
    for n in range(5):
        GroupActivityFactory(
            author=alice if n % 2 else bob,
            occurred_at=day - datetime.timedelta(days=n),
            participants=[marie, petr] if n < 2 else [marie],
            head_count={(F, "15-17"): 2, (M, "65+"): 1} if n == 0 else ({(U, "27-64"): 4} if n == 1 else {}),
        )
    GroupActivityFactory(
        author=alice, occurred_at=day - datetime.timedelta(days=100), participants=[petr], head_count={(F, "0-14"): 9}
    )
    GroupActivityFactory(author=oscar, occurred_at=day, head_count={(F, "15-17"): 7})
    start = (day - datetime.timedelta(days=30)).date()
    return {"period": (start, timezone.localdate()), "marie": marie, "petr": petr}


def test_group_participation_counts_a_client_at_five_meetings_once(alice, known_year):
    counted = group_participation(alice, known_year["period"])
    assert counted.activities == 5
    assert counted.named_attendances == 7  # Marie 5 times, Petr twice
    assert counted.distinct_named_persons == 2  # Marie and Petr, each once
    assert counted.anonymous_persons == 7
    assert counted.attendances == 14
    assert {cell: n for cell, n in counted.anonymous.items() if n} == {(F, "15-17"): 2, (M, "65+"): 1, (U, "27-64"): 4}
    assert len(counted.anonymous) == 15  # every cell, zeros included
    assert counted.anonymous_by_sex() == {F: 2, M: 1, U: 4}
    assert counted.anonymous_by_age_band() == {"0-14": 0, "15-17": 2, "18-26": 0, "27-64": 4, "65+": 1}


def test_group_participation_over_all_time_and_by_service(alice, oscar, known_year):
    everything = group_participation(alice, (None, None))
    assert (everything.activities, everything.named_attendances, everything.distinct_named_persons) == (6, 8, 2)
    assert everything.anonymous_persons == 16
    other = service_create(organisation=alice.organisation, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    assert group_participation(alice, known_year["period"], service=other).activities == 0
    own_service = starting_service(alice.organisation)
    assert group_participation(alice, known_year["period"], service=own_service).distinct_named_persons == 2
    # The other organisation counts only its own.
    theirs = group_participation(oscar, known_year["period"])
    assert (theirs.activities, theirs.distinct_named_persons, theirs.anonymous_persons) == (1, 0, 7)


def test_the_list_page_shows_the_summary_of_the_filtered_period(client, alice, known_year):
    client.force_login(alice)
    start, end = known_year["period"]
    response = client.get(reverse("groupwork:list"), {"date_from": start.isoformat(), "date_to": end.isoformat()})
    summary = response.context["summary"]
    assert (summary.activities, summary.attendances, summary.distinct_named_persons) == (5, 14, 2)
    body = response.content.decode()
    assert 'data-summary="persons">2<' in body and 'data-summary="attendances">14<' in body
    assert "Anonymní účastníci podle pohlaví a věku" in body


# -- pages ------------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


def test_list_query_count_is_pinned(client, alice):
    client.force_login(alice)
    ContentType.objects.get_for_model(GroupActivity)  # cached per process once any page audited one
    clients = [ClientFactory(organisation=alice.organisation, created_by=alice) for _ in range(3)]
    GroupActivityFactory.create_batch(2, author=alice, participants=clients[:1], head_count={(F, "27-64"): 1})
    small, _ = _count_queries(client, reverse("groupwork:list"))
    GroupActivityFactory.create_batch(20, author=alice, participants=clients, head_count={(M, "18-26"): 2})
    large, ctx = _count_queries(client, reverse("groupwork:list"))
    assert small == large, "\n".join(q["sql"] for q in ctx.captured_queries)


def _form_data(alice, clients, **overrides) -> dict:
    data = {
        "topic": "Komunitní setkání – bezpečný dům",
        "occurred_at": timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "120",
        "activity_type": str(_type(alice).pk),
        "service": str(starting_service(alice.organisation).pk),
        "clients": [str(c.pk) for c in clients],
        head_count_field_name(F, "27-64"): "3",
        head_count_field_name(M, "65+"): "1",
    }
    return {**data, **overrides}


def test_the_form_records_a_group_activity(client, alice, own_client):
    client.force_login(alice)
    page = client.get(reverse("groupwork:create"))
    form = page.context["form"]
    assert form.initial["activity_type"] == _type(alice).pk  # 'Skupinová aktivita' of the default service
    assert form.initial["service"] == starting_service(alice.organisation).pk
    other = ClientFactory(organisation=alice.organisation, created_by=alice)
    response = client.post(reverse("groupwork:create"), _form_data(alice, [own_client, other]))
    activity = GroupActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("groupwork:detail", args=[activity.pk])
    assert set(activity.participants.all()) == {own_client, other}
    assert activity.anonymous_total == 4 and activity.author == alice


def test_the_form_refuses_nobody_present_in_czech_and_a_bad_box(client, alice):
    client.force_login(alice)
    data = _form_data(alice, [])
    del data[head_count_field_name(F, "27-64")], data[head_count_field_name(M, "65+")]
    response = client.post(reverse("groupwork:create"), data)
    assert response.status_code == 200 and not GroupActivity.objects.exists()
    assert "Vyberte alespoň jednoho účastníka" in response.content.decode()
    too_many = _form_data(alice, [], **{head_count_field_name(F, "0-14"): "501"})
    response = client.post(reverse("groupwork:create"), too_many)
    assert "Zadejte 0 až 500 osob." in response.content.decode() and not GroupActivity.objects.exists()


def test_a_foreign_client_cannot_be_posted(client, alice, foreign_client):
    client.force_login(alice)
    response = client.post(reverse("groupwork:create"), _form_data(alice, [foreign_client]))
    assert response.status_code == 200 and not GroupActivity.objects.exists()


def test_the_edit_form_keeps_participants_and_head_count(client, alice, own_client):
    activity = GroupActivityFactory(author=alice, participants=[own_client], head_count={(U, "18-26"): 5})
    client.force_login(alice)
    form = client.get(reverse("groupwork:edit", args=[activity.pk])).context["form"]
    assert form.initial["clients"] == [own_client] and form.initial[head_count_field_name(U, "18-26")] == 5
    data = _form_data(alice, [own_client], topic="Beseda o šmejdech")
    assert client.post(reverse("groupwork:edit", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert activity.topic == "Beseda o šmejdech" and activity.anonymous_total == 4


def test_a_coordinator_deletes_after_confirming(client, carol, alice):
    activity = GroupActivityFactory(author=alice, head_count={(U, "18-26"): 5})
    client.force_login(carol)
    assert client.get(reverse("groupwork:delete", args=[activity.pk])).status_code == 200
    assert GroupActivity.objects.exists()
    assert client.post(reverse("groupwork:delete", args=[activity.pk])).status_code == 302
    assert not GroupActivity.objects.exists()


def test_the_clients_page_lists_their_group_activities(client, alice, own_client, oscar):
    mine = GroupActivityFactory(author=alice, participants=[own_client], topic="Beseda o lichvě")
    GroupActivityFactory(author=alice, topic="Setkání bez klienta", head_count={(F, "27-64"): 1})
    client.force_login(alice)
    body = client.get(reverse("clients:detail", args=[own_client.pk])).content.decode()
    assert "Beseda o lichvě" in body and reverse("groupwork:detail", args=[mine.pk]) in body
    assert "Setkání bez klienta" not in body


# -- demo data --------------------------------------------------------------------------------


def test_demo_has_group_activities_with_regulars_counted_once(db, settings, tmp_path):
    from django.core.management import call_command

    from accounts.models import User

    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", password="demo-heslo-123")
    assistant = User.objects.filter(role="assistant", group_activities__isnull=False).first()
    assert assistant is not None
    year = (timezone.localdate() - datetime.timedelta(days=365), timezone.localdate())
    counted = group_participation(assistant, year)
    assert counted.activities >= 5 and counted.anonymous_persons > 0
    assert 0 < counted.distinct_named_persons < counted.named_attendances  # some came more than once
    count = GroupActivity.objects.count()
    call_command("seed_demo", password="demo-heslo-123")
    assert GroupActivity.objects.count() == count


def test_the_service_and_project_default_to_the_assistants_assignment(client, alice):
    from programmes.services import assignment_create
    from tests.factories import AssistantProfileFactory

    starting_service(alice.organisation)  # the first service: field programmes
    counselling = service_create(organisation=alice.organisation, name="Poradna", kind=ServiceKind.SOCIAL_COUNSELLING)
    project = _project(alice.organisation, name="Prevence 2026", starts_on=datetime.date(2024, 1, 1))
    project.services.add(counselling)
    profile = AssistantProfileFactory(user=alice)
    assignment_create(profile=profile, service=counselling, project=project, valid_from=datetime.date(2024, 1, 1))
    client.force_login(alice)
    form = client.get(reverse("groupwork:create")).context["form"]
    group_type = counselling.activity_types.get(category=ActivityCategory.GROUP)
    assert (form.initial["service"], form.initial["project"]) == (counselling.pk, project.pk)
    assert form.initial["activity_type"] == group_type.pk
    # Two services: the activity types say which service they belong to.
    assert any(label == f"Poradna: {group_type.name}" for _pk, label in form.fields["activity_type"].choices)
    # The service alone (the API without a service) takes the assignment's service and project.
    fields = _fields(alice, activity_type=group_type)
    activity = services.group_activity_create(by=alice, **fields)
    assert (activity.service, activity.project) == (counselling, project)
