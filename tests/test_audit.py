"""The audit trail: sign-ins, refused access, reads; append-only in Django and in PostgreSQL."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import override_settings
from django.urls import reverse

from audit.models import AppendOnlyError, AuditAction, AuditEvent, HistoryEntry
from audit.services import record_event
from clients.models import Client
from contacts.models import Contact

PASSWORD = "correct-horse-battery"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_sign_in_is_recorded_with_user_address_and_utc_time(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    [event] = events(AuditAction.LOGIN)
    assert event.actor_id == alice.pk and event.username == "alice"
    assert event.actor_organisation_id == alice.organisation_id
    assert event.ip_address == "127.0.0.1"
    assert event.occurred_at.utcoffset().total_seconds() == 0


def test_failed_sign_in_records_the_attempted_name_never_the_password(client, alice):
    client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong-password-123"})
    client.post(reverse("accounts:login"), {"username": "nobody-here", "password": "secret-guess-456"})
    failed = events(AuditAction.LOGIN_FAILED)
    assert [e.username for e in failed] == ["alice", "nobody-here"]
    assert all(e.actor_id is None for e in failed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM audit_auditevent e")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "wrong-password-123" not in stored and "secret-guess-456" not in stored


def test_sign_out_is_recorded(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:logout"))
    [event] = events(AuditAction.LOGOUT)
    assert event.actor_id == alice.pk


def test_refused_access_is_recorded_403_and_404(client, alice, police_officer, foreign_client):
    client.force_login(police_officer)
    assert client.get(reverse("clients:list")).status_code == 403
    client.force_login(alice)
    assert client.get(reverse("clients:detail", args=[foreign_client.pk])).status_code == 404
    [forbidden] = events(AuditAction.FORBIDDEN)
    assert forbidden.actor_id == police_officer.pk and forbidden.path == reverse("clients:list")
    [not_found] = events(AuditAction.NOT_FOUND)
    assert not_found.actor_id == alice.pk and not_found.path == reverse("clients:detail", args=[foreign_client.pk])


def test_anonymous_requests_are_not_refusals(client, own_client):
    client.get(reverse("clients:detail", args=[own_client.pk]))
    assert not AuditEvent.objects.exists()


def test_every_read_of_a_client_or_contact_is_its_own_row(client, alice, own_client, own_contact):
    client.force_login(alice)
    for _ in range(2):
        assert client.get(reverse("clients:detail", args=[own_client.pk])).status_code == 200
    assert client.get(reverse("contacts:detail", args=[own_contact.pk])).status_code == 200
    views = events(AuditAction.VIEW)
    client_type = ContentType.objects.get_for_model(Client)
    assert [(e.content_type_id, e.object_id) for e in views] == [
        (client_type.pk, str(own_client.pk)),
        (client_type.pk, str(own_client.pk)),
        (ContentType.objects.get_for_model(Contact).pk, str(own_contact.pk)),
    ]
    assert all(e.actor_id == alice.pk and e.record_organisation_id == alice.organisation_id for e in views)
    # Only ids: the client's name is nowhere in the trail.
    assert own_client.last_name not in str(list(AuditEvent.objects.values()))


def test_case_detail_read_is_recorded_when_the_case_pages_exist(client, alice, own_client):
    from django.urls import NoReverseMatch

    from tests.factories import CaseFactory

    case = CaseFactory(client=own_client)
    try:
        url = reverse("cases:detail", args=[case.pk])
    except NoReverseMatch:
        pytest.skip("no case detail page yet")
    client.force_login(alice)
    client.get(url)
    client.get(url)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk)).count() == 2


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client forged the first entry
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (1, "not-an-address", None),
    ],
)
def test_address_from_forwarded_for_only_behind_a_trusted_proxy(rf, alice, proxies, forwarded, expected):
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.5")
    request.user = alice
    with override_settings(AUDIT_TRUSTED_PROXY_COUNT=proxies):
        event = record_event(request=request, action=AuditAction.VIEW)
    assert event.ip_address == expected


def test_django_refuses_to_change_or_delete_audit_rows(alice):
    event = record_event(action=AuditAction.LOGIN, actor=alice)
    event.username = "mallory"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET username = 'mallory'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_history SET old_values = NULL",
        "DELETE FROM audit_history",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(alice, own_client, sql):
    record_event(action=AuditAction.LOGIN, actor=alice)
    assert HistoryEntry.objects.exists() and AuditEvent.objects.exists()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_retention_exception_allows_only_the_values_of_history_rows(own_client):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('liaison.history_anonymisation', 'on', true)")
        # Rewriting who made the change is refused even with the setting on.
        cursor.execute("UPDATE audit_history SET actor_id = 1, anonymised_at = now()")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('liaison.history_anonymisation', 'on', true)")
        cursor.execute("DELETE FROM audit_history")


def test_a_record_hanging_on_a_client_belongs_to_the_clients_organisation(alice, oscar, own_client):
    from tests.factories import ConsentFactory

    consent = ConsentFactory(client=own_client)
    event = record_event(action=AuditAction.DOWNLOAD, actor=oscar, obj=consent)
    assert event.record_organisation_id == alice.organisation_id
    assert event.actor_organisation_id == oscar.organisation_id


def test_every_download_of_a_case_document_is_recorded(client, alice, own_client, settings, tmp_path):
    from cases import services as case_services
    from cases.attachments import PDF, CheckedFile
    from tests.factories import CaseFactory

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    case = CaseFactory(client=own_client)
    document = case_services.attachment_add(
        case=case,
        by=alice,
        checked=CheckedFile(content=b"%PDF-1.4 test", content_type=PDF, display_name="zprava.pdf"),
        shared_with_police=False,
    )
    client.force_login(alice)
    url = reverse("cases:attachment_download", args=[document.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    downloads = events(AuditAction.DOWNLOAD)
    assert len(downloads) == 2 and all(e.actor_id == alice.pk for e in downloads)
    # Whatever object the download names, the case's organisation sees it in its trail.
    assert all(e.record_organisation_id == alice.organisation_id for e in downloads)
