"""The history of changes, written by PostgreSQL triggers: save(), QuerySet.update(), bulk writes."""

import pytest
from django.db import connection
from django.urls import reverse

from audit.actor import acting_as
from audit.history import attach_history_triggers, tracked_tables
from audit.models import HistoryEntry
from clients.models import Client
from contacts.models import Contact
from tests.factories import ClientFactory


def history_of(obj):
    return list(HistoryEntry.objects.filter(table_name=obj._meta.db_table, row_pk=str(obj.pk)).order_by("id"))


def test_every_table_of_the_tracked_apps_has_the_trigger(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers WHERE trigger_name = 'audit_history'"
        )
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert set(tracked_tables()) <= with_trigger
    assert {"clients_client", "contacts_contact", "contacts_contact_clients", "cases_case"} <= with_trigger


def test_attaching_twice_is_harmless(db):
    assert attach_history_triggers() == attach_history_triggers()


def test_insert_and_queryset_update_are_recorded_with_the_actor(alice, bob):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, first_name="Josef")
    with acting_as(bob.pk):
        Client.objects.filter(pk=client.pk).update(first_name="Pepa", phone="777 123 456")
    inserted, updated = history_of(client)
    assert inserted.operation == "INSERT" and inserted.new_values["first_name"] == "Josef"
    assert updated.operation == "UPDATE" and updated.actor_id == bob.pk
    assert updated.old_values == {"first_name": "Josef", "phone": ""}
    assert updated.new_values == {"first_name": "Pepa", "phone": "777 123 456"}


def test_bulk_writes_and_deletes_are_recorded(alice):
    with acting_as(alice.pk):
        created = Client.objects.bulk_create(
            [
                Client(organisation=alice.organisation, created_by=alice, first_name="A", last_name="Bulk1"),
                Client(organisation=alice.organisation, created_by=alice, first_name="B", last_name="Bulk2"),
            ]
        )
        Client.objects.filter(pk__in=[c.pk for c in created]).delete()
    for obj in created:
        assert [entry.operation for entry in history_of(obj)] == ["INSERT", "DELETE"]
        assert all(entry.actor_id == alice.pk for entry in history_of(obj))


def test_the_actor_of_a_web_request_is_recorded_and_not_left_on_the_connection(client, alice, own_client):
    client.force_login(alice)
    data = {"identity": "named", "first_name": "Karel", "last_name": "Novotný", "birth_year": "", "note": ""}
    response = client.post(reverse("clients:edit", args=[own_client.pk]), data)
    assert response.status_code == 302
    change = history_of(own_client)[-1]
    assert change.actor_id == alice.pk and change.new_values["first_name"] == "Karel"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('liaison.actor_id', true)")
        assert cursor.fetchone()[0] in ("", None)
    # A write outside any request is the system's.
    Client.objects.filter(pk=own_client.pk).update(nickname="x")
    assert history_of(own_client)[-1].actor_id is None


def test_encrypted_notes_appear_in_the_history_as_ciphertext(alice):
    client = ClientFactory(organisation=alice.organisation, created_by=alice, note="Tajná poznámka o lichvě")
    contact_note = "Druhá tajná poznámka"
    from tests.factories import ContactFactory

    contact = ContactFactory(assistant=alice, clients=[client], note=contact_note)
    for obj, plain in ((client, "Tajná poznámka"), (contact, contact_note)):
        [inserted] = history_of(obj)
        assert inserted.new_values["note"].startswith("enc1:")
        assert plain not in str(inserted.new_values)
    assert Contact.objects.get(pk=contact.pk).note == contact_note


def test_password_hashes_never_enter_the_history(alice):
    alice.set_password("another-long-password")
    alice.save()
    stored = str([(e.old_values, e.new_values) for e in history_of(alice)])
    assert "pbkdf2" not in stored and "argon2" not in stored
    assert history_of(alice)[-1].new_values["password"] == "***"


def test_a_sign_in_alone_adds_no_history_row(client, alice):
    before = len(history_of(alice))
    client.post(reverse("accounts:login"), {"username": "alice", "password": "correct-horse-battery"})
    assert len(history_of(alice)) == before


@pytest.mark.parametrize("op", ["UPDATE", "DELETE"])
def test_history_rows_cannot_be_rewritten_through_the_orm(alice, op):
    from audit.models import AppendOnlyError

    entry = history_of(alice)[0]
    with pytest.raises(AppendOnlyError):
        entry.save() if op == "UPDATE" else entry.delete()


def test_session_keys_never_enter_the_history(client, alice):
    from accounts.models import SignedInSession

    client.post(reverse("accounts:login"), {"username": "alice", "password": "correct-horse-battery"})
    keys = list(SignedInSession.objects.values_list("session_key", flat=True))
    assert keys, "signing in records the session"
    stored = str(list(HistoryEntry.objects.filter(table_name=SignedInSession._meta.db_table).values()))
    assert all(key not in stored for key in keys) and "***" in stored


def test_an_api_write_with_a_token_is_attributed_to_the_tokens_user(alice, own_client, settings):
    from rest_framework.test import APIClient

    settings.LIAISON_REQUIRE_2FA = False
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"})
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    response = api.patch(f"/api/v1/clients/{own_client.pk}/", {"nickname": "Pepík"}, format="json")
    assert response.status_code == 200, response.content
    change = history_of(own_client)[-1]
    # The version moves on with every save (common/versioning.py), like the time of the change.
    assert change.new_values == {"nickname": "Pepík", "updated_at": change.new_values["updated_at"], "version": 2}
    assert change.actor_id == alice.pk


def test_refused_api_access_with_a_token_is_in_the_trail(alice, foreign_client, settings):
    from rest_framework.test import APIClient

    from audit.models import AuditAction, AuditEvent

    settings.LIAISON_REQUIRE_2FA = False
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "correct-horse-battery"})
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(f"/api/v1/clients/{foreign_client.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.NOT_FOUND, actor=alice).exists()
