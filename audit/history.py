"""The history of changes, kept by PostgreSQL itself.

Migration 0002 defines `audit_record_change()`, a generic row trigger writing the changed
columns (old and new, as stored: ciphertext for encrypted columns, passwords masked) into
`audit_history`. After every migrate, `attach_history_triggers` attaches it to every table of
TRACKED_APPS, so that tables added later are covered without touching their migrations, and
`QuerySet.update()`, bulk writes and raw SQL are recorded like `save()`.

Only the retention service may rewrite history rows, and only their values
(`anonymise_history`): it sets the transaction-local `liaison.history_anonymisation`,
which the append-only trigger checks.
"""

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import connections
from django.utils import timezone

TRACKED_APPS = ("accounts", "clients", "contacts", "cases", "observations", "groupwork")
TRIGGER_NAME = "audit_history"
# Columns whose change alone is not worth a history row.
IGNORED_COLUMNS = {"accounts_user": ["last_login"]}
ANONYMISATION_SETTING = "liaison.history_anonymisation"


def tracked_tables() -> list[str]:
    tables = []
    for label in TRACKED_APPS:
        for model in global_apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


def _history_function_exists(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'audit_record_change'")
    return cursor.fetchone() is not None


def attach_history_triggers(sender=None, using: str = "default", **kwargs) -> list[str]:
    """Attach the history trigger to every tracked table (idempotent)."""
    connection = connections[using]
    attached = []
    with connection.cursor() as cursor:
        if not _history_function_exists(cursor):
            return []
        existing = set(connection.introspection.table_names(cursor))
        for table in tracked_tables():
            if table not in existing:
                continue
            quoted = connection.ops.quote_name(table)
            arguments = ", ".join(f"'{column}'" for column in IGNORED_COLUMNS.get(table, []))
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {quoted}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION audit_record_change({arguments})"
            )
            attached.append(table)
    return attached


def anonymise_history(table_name: str, row_pks: Iterable, using: str = "default") -> int:
    """Replace the values of the history rows of these rows by nulls, keeping which columns
    changed, when and by whom. Must run inside the caller's transaction."""
    pks = [str(pk) for pk in row_pks]
    connection = connections[using]
    if not pks:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [ANONYMISATION_SETTING])
        try:
            cursor.execute(
                """
                UPDATE audit_history SET
                    old_values = (SELECT jsonb_object_agg(key, NULL) FROM jsonb_object_keys(old_values) AS key),
                    new_values = (SELECT jsonb_object_agg(key, NULL) FROM jsonb_object_keys(new_values) AS key),
                    anonymised_at = %s
                WHERE table_name = %s AND row_pk = ANY(%s)
                """,
                [timezone.now(), table_name, pks],
            )
            return cursor.rowcount
        finally:
            cursor.execute("SELECT set_config(%s, '', true)", [ANONYMISATION_SETTING])
