"""The audit trail page: a coordinator sees the own organisation, an administrator everything."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.selectors import visible_audit_events
from audit.services import record_event
from tests.factories import ClientFactory

URL = reverse("audit:trail")


@pytest.fixture
def trail(alice, oscar, own_client, foreign_client):
    return {
        "alice_reads_own": record_event(action=AuditAction.VIEW, actor=alice, obj=own_client),
        "oscar_reads_foreign": record_event(action=AuditAction.VIEW, actor=oscar, obj=foreign_client),
        "oscar_signs_in": record_event(action=AuditAction.LOGIN, actor=oscar),
        "failed_unknown": record_event(action=AuditAction.LOGIN_FAILED, username="ghost"),
    }


def test_coordinator_sees_the_own_organisation_only(carol, trail):
    assert set(visible_audit_events(carol)) == {trail["alice_reads_own"]}


def test_administrator_sees_everything(administrator, trail):
    assert set(visible_audit_events(administrator)) == set(trail.values())


def test_a_foreign_user_reading_our_record_shows_in_our_trail(carol, oscar, own_client):
    """Should scoping ever fail, the owner's coordinator still sees who read the record."""
    event = record_event(action=AuditAction.VIEW, actor=oscar, obj=own_client)
    assert event in visible_audit_events(carol)


def test_page_lists_and_filters(client, carol, alice, bob, trail, own_client):
    record_event(action=AuditAction.VIEW, actor=bob, obj=own_client)
    client.force_login(carol)
    response = client.get(URL)
    assert response.status_code == 200
    shown = {event.pk for event in response.context["page"].object_list}
    assert trail["alice_reads_own"].pk in shown and trail["oscar_reads_foreign"].pk not in shown
    response = client.get(URL, {"user": alice.pk, "action": AuditAction.VIEW})
    assert [e.actor_id for e in response.context["page"].object_list] == [alice.pk]
    # A user of another organisation is not a valid choice for a coordinator.
    response = client.get(URL, {"user": trail["oscar_signs_in"].actor_id})
    assert response.context["form"].errors


def test_date_range_is_whole_local_days(client, carol, alice, own_client):
    recent = record_event(action=AuditAction.VIEW, actor=alice, obj=own_client)
    long_ago = AuditEvent(
        action=AuditAction.VIEW, actor=alice, actor_organisation_id=alice.organisation_id, username="alice"
    )
    long_ago.occurred_at = timezone.now() - datetime.timedelta(days=40)
    long_ago.save()
    client.force_login(carol)
    today = timezone.localdate().isoformat()
    response = client.get(URL, {"date_from": today, "date_to": today, "action": AuditAction.VIEW})
    assert {e.pk for e in response.context["page"].object_list} == {recent.pk}
    response = client.get(URL, {"date_from": today, "date_to": "2000-01-01"})
    assert response.context["form"].errors


def _grow(alice, n):
    for _ in range(n):
        record_event(action=AuditAction.VIEW, actor=alice, obj=ClientFactory(organisation=alice.organisation))


@pytest.mark.parametrize("who", ["carol", "administrator"])
def test_query_count_is_constant(client, request, alice, who):
    client.force_login(request.getfixturevalue(who))
    _grow(alice, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"action": AuditAction.VIEW}).status_code == 200
    _grow(alice, 30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL, {"action": AuditAction.VIEW}).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries), "\n".join(
        q["sql"] for q in large.captured_queries
    )
