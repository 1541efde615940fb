"""The history trigger masks every secret column (session keys, tokens), not only passwords."""

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
    -- Secrets (password hashes, session keys, tokens) never enter the history, only the
    -- fact that they changed.
    FOREACH col IN ARRAY ARRAY['password', 'session_key', 'token_key', 'digest', 'key', 'secret'] LOOP
        IF old_changed ? col THEN old_changed := old_changed || jsonb_build_object(col, '***'); END IF;
        IF new_changed ? col THEN new_changed := new_changed || jsonb_build_object(col, '***'); END IF;
    END LOOP;
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


def replace_function(apps, schema_editor):
    schema_editor.execute(HISTORY_FUNCTION, None)  # None: the % are plpgsql's


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_database_triggers")]

    # Backwards: 0002's function masked the password only; keeping this one is harmless.
    operations = [migrations.RunPython(replace_function, migrations.RunPython.noop)]
