"""Notes are stored encrypted; a raw SQL select shows ciphertext; keys can be rotated."""

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from clients.models import Client
from common import crypto
from tests.factories import ContactFactory


def _raw(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_notes_are_ciphertext_in_the_database(own_client, alice):
    own_client.note = "Klientka se bojí souseda."
    own_client.save(update_fields=["note"])
    contact = ContactFactory(assistant=alice, note="Doprovod na policii kvůli lichvě.")
    assert "bojí" not in _raw("clients_client", own_client.pk)
    assert _raw("clients_client", own_client.pk).startswith(crypto.PREFIX)
    assert "lichvě" not in _raw("contacts_contact", contact.pk)
    assert Client.objects.get(pk=own_client.pk).note == "Klientka se bojí souseda."


def test_key_rotation_reencrypts_with_the_new_key(own_client, settings):
    own_client.note = "Tajná poznámka"
    own_client.save(update_fields=["note"])
    old_key = settings.LIAISON_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.LIAISON_ENCRYPTION_KEYS = [new_key, old_key]
    crypto.reset_key_cache()
    try:
        call_command("rotate_encryption_keys")
        settings.LIAISON_ENCRYPTION_KEYS = [new_key]  # the old key is gone
        crypto.reset_key_cache()
        assert Client.objects.get(pk=own_client.pk).note == "Tajná poznámka"
    finally:
        settings.LIAISON_ENCRYPTION_KEYS = [old_key]
        crypto.reset_key_cache()
