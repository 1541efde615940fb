"""PostgreSQL triggers: the generic history trigger function, and append-only audit tables.

The history trigger is attached to the tracked tables after every migrate
(audit.history.attach_history_triggers), not here, so that tables added later are covered.
"""

from django.db import migrations

HISTORY_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    old_changed jsonb := '{}'::jsonb;
    new_changed jsonb := '{}'::jsonb;
    col text;
BEGIN
    -- TG_ARGV: columns whose change alone is not recorded (e.g. last_login).
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        FOR col IN SELECT jsonb_object_keys(new_row) LOOP
            IF (new_row -> col) IS DISTINCT FROM (old_row -> col) AND NOT (col = ANY (COALESCE(TG_ARGV, '{}'::text[]))) THEN
                old_changed := old_changed || jsonb_build_object(col, old_row -> col);
                new_changed := new_changed || jsonb_build_object(col, new_row -> col);
            END IF;
        END LOOP;
        IF new_changed = '{}'::jsonb THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        new_row := to_jsonb(NEW);
        old_changed := NULL;
        new_changed := new_row;
    ELSE
        old_row := to_jsonb(OLD);
        old_changed := old_row;
        new_changed := NULL;
    END IF;
    -- Password hashes never enter the history, only the fact that they changed.
    IF old_changed ? 'password' THEN old_changed := old_changed || '{"password": "***"}'::jsonb; END IF;
    IF new_changed ? 'password' THEN new_changed := new_changed || '{"password": "***"}'::jsonb; END IF;
    INSERT INTO audit_history (table_name, row_pk, operation, old_values, new_values, actor_id, changed_at)
    VALUES (
        TG_TABLE_NAME,
        COALESCE(new_row ->> 'id', old_row ->> 'id', ''),
        TG_OP,
        old_changed,
        new_changed,
        NULLIF(current_setting('liaison.actor_id', true), '')::bigint,
        clock_timestamp()
    );
    RETURN NULL;
END
$$;
"""

APPEND_ONLY_FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one exception: the retention service (audit.history.anonymise_history) may replace
    -- the values of history rows inside its own transaction, and nothing else of them.
    -- (Nested IFs: PL/pgSQL does not promise to short-circuit AND, and NEW.table_name
    -- exists only in audit_history.)
    IF TG_TABLE_NAME = 'audit_history' AND TG_OP = 'UPDATE'
        AND current_setting('liaison.history_anonymisation', true) = 'on' THEN
        IF NEW.id = OLD.id AND NEW.table_name = OLD.table_name AND NEW.row_pk = OLD.row_pk
            AND NEW.operation = OLD.operation AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
            AND NEW.changed_at = OLD.changed_at AND NEW.anonymised_at IS NOT NULL THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

APPEND_ONLY_TABLES = ["audit_auditevent", "audit_history"]


def create_triggers(apps, schema_editor):
    schema_editor.execute(HISTORY_FUNCTION, None)
    schema_editor.execute(APPEND_ONLY_FUNCTION, None)  # None: the % are plpgsql's
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )


def drop_triggers(apps, schema_editor):
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")
    # Dropping the history function also drops the history triggers attached to it.
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_record_change() CASCADE")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
