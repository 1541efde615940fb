"""Group activities through the API (same rules as the page) and in data-subject requests."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import HistoryEntry
from groupwork.models import GroupActivity
from programmes.services import starting_service
from programmes.vocabulary import ActivityCategory
from tests.factories import ClientFactory, GroupActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _payload(user, **overrides) -> dict:
    service = starting_service(user.organisation)
    payload = {
        "occurred_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "minutes": 60,
        "activity_type": service.activity_types.get(category=ActivityCategory.COMMUNITY).pk,
        "topic": "Komunitní setkání – sousedské vztahy",
        "anonymous_attendance": [
            {"sex": "female", "age_band": "27-64", "count": 5},
            {"sex": "male", "age_band": "65+", "count": 2},
        ],
    }
    return {**payload, **overrides}


def test_create_takes_the_authors_service_and_keeps_everything(api, alice, own_client):
    api.force_authenticate(alice)
    response = api.post(reverse("api:groupactivity-list"), _payload(alice, participants=[own_client.pk]), format="json")
    assert response.status_code == 201, response.json()
    activity = GroupActivity.objects.get(pk=response.json()["id"])
    assert activity.organisation == alice.organisation and activity.author == alice
    assert activity.service == starting_service(alice.organisation)
    assert list(activity.participants.all()) == [own_client]
    assert sorted(response.json()["anonymous_attendance"], key=lambda c: c["sex"]) == [
        {"sex": "female", "age_band": "27-64", "count": 5},
        {"sex": "male", "age_band": "65+", "count": 2},
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"anonymous_attendance": []}, "participants"),  # nobody present
        ({"minutes": 0}, "minutes"),
        ({"minutes": 2**40}, "minutes"),
        ({"occurred_at": "1999-12-31T10:00:00Z"}, "occurred_at"),
        ({"anonymous_attendance": [{"sex": "female", "age_band": "27-64", "count": 501}]}, "anonymous_attendance"),
        ({"anonymous_attendance": [{"sex": "other", "age_band": "27-64", "count": 1}]}, "anonymous_attendance"),
        (
            {"anonymous_attendance": [{"sex": "male", "age_band": "0-14", "count": 1}] * 2},
            "anonymous_attendance",
        ),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(api, alice, overrides, field):
    api.force_authenticate(alice)
    response = api.post(reverse("api:groupactivity-list"), _payload(alice, **overrides), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not GroupActivity.objects.exists()


def test_foreign_records_are_invalid_choices_or_404(api, alice, oscar, foreign_client):
    api.force_authenticate(alice)
    foreign_service = starting_service(oscar.organisation)
    for overrides, field in (
        ({"participants": [foreign_client.pk]}, "participants"),
        ({"service": foreign_service.pk}, "service"),
        ({"activity_type": foreign_service.activity_types.get(category=ActivityCategory.GROUP).pk}, "activity_type"),
    ):
        response = api.post(reverse("api:groupactivity-list"), _payload(alice, **overrides), format="json")
        assert response.status_code == 400 and field in response.json(), (field, response.json())
    theirs = GroupActivityFactory(author=oscar, participants=[foreign_client])
    assert api.get(reverse("api:groupactivity-detail", args=[theirs.pk])).status_code == 404
    assert api.get(reverse("api:groupactivity-list")).json()["results"] == []
    own_service = starting_service(alice.organisation)
    response = api.post(reverse("api:groupactivity-list"), _payload(alice, service=own_service.pk), format="json")
    assert response.status_code == 201 and response.json()["service"] == own_service.pk


def test_a_partial_update_keeps_the_rest_and_a_colleague_cannot(api, alice, bob, own_client):
    activity = GroupActivityFactory(author=alice, participants=[own_client], head_count={("unknown", "18-26"): 3})
    url = reverse("api:groupactivity-detail", args=[activity.pk])
    api.force_authenticate(bob)
    assert api.patch(url, {"minutes": 30}, format="json").status_code == 403
    api.force_authenticate(alice)
    response = api.patch(url, {"minutes": 30}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["participants"] == [own_client.pk]
    assert response.json()["anonymous_attendance"] == [{"sex": "unknown", "age_band": "18-26", "count": 3}]


def test_list_filters_by_period_and_query_count_is_constant(api, alice, django_assert_max_num_queries):
    api.force_authenticate(alice)
    old = GroupActivityFactory(
        author=alice, occurred_at=timezone.now() - datetime.timedelta(days=400), head_count={("male", "65+"): 1}
    )
    recent = GroupActivityFactory(author=alice, head_count={("male", "65+"): 1})
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    rows = api.get(reverse("api:groupactivity-list"), {"date_from": since}).json()["results"]
    assert [row["id"] for row in rows] == [recent.pk]
    assert old.pk not in [row["id"] for row in rows]
    clients = [ClientFactory(organisation=alice.organisation, created_by=alice) for _ in range(3)]
    GroupActivityFactory.create_batch(10, author=alice, participants=clients, head_count={("female", "0-14"): 2})
    with django_assert_max_num_queries(12):
        assert len(api.get(reverse("api:groupactivity-list")).json()["results"]) == 12


# -- data-subject requests --------------------------------------------------------------------


@pytest.fixture
def participations(alice, own_client):
    other = ClientFactory(organisation=alice.organisation, created_by=alice, last_name="Ostatní")
    talk = GroupActivityFactory(
        author=alice,
        participants=[own_client, other],
        topic="Beseda o lichvě",
        description="Paní se ptala na splátky.",
        head_count={("female", "27-64"): 6},
    )
    GroupActivityFactory(author=alice, participants=[other], topic="Setkání bez klienta")
    return talk, other


def test_access_export_lists_the_clients_group_activities_without_other_participants(
    client, carol, own_client, participations
):
    talk, other = participations
    client.force_login(carol)
    data = json.loads(client.get(reverse("gdpr:access_export_json", args=[own_client.pk])).content)
    assert [g["téma"] for g in data["group_activities"]] == ["Beseda o lichvě"]
    text = json.dumps(data, ensure_ascii=False)
    assert "Paní se ptala na splátky." in text and "Setkání bez klienta" not in text
    assert other.last_name not in text
    pdf = client.get(reverse("gdpr:access_export_pdf", args=[own_client.pk]))
    assert pdf.status_code == 200


def test_erasure_takes_the_client_off_the_participants(client, carol, own_client, participations):
    talk, other = participations
    client.force_login(carol)
    response = client.post(reverse("gdpr:client_erase", args=[own_client.pk]), {"reason": "Žádost", "confirm": "on"})
    assert response.status_code == 302
    talk.refresh_from_db()
    assert list(talk.participants.all()) == [other]  # the others stay
    assert talk.description == "" and talk.anonymous_total == 6
    assert not own_client.group_activities.exists()
    # The history of the link to the client keeps no values.
    through = GroupActivity.participants.through._meta.db_table
    links = HistoryEntry.objects.filter(table_name=through, old_values__client_id=own_client.pk)
    assert not links.exists()
