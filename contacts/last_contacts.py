"""When each client was last met in a contact of each organisation (ClientLastContact), kept by
PostgreSQL triggers (migration 0013)."""

from django.db import connection


def rebuild_client_last_contacts() -> None:
    """Look at every contact again: after a load that skipped the triggers (seed_bulk)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT contacts_client_last_rebuild()")
