"""Client search by name that ignores case and Czech diacritics, fast at national scale.

The unaccent, pg_trgm and btree_gin extensions, an immutable wrapper that gives the searchable
text of a client (first name, last name and nickname, lower case, without diacritics), and a
trigram GIN index on it together with the organisation, so that a search within one organisation is a single index scan.
clients.selectors.search_clients uses exactly this function.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    # unaccent() is only STABLE (its dictionary could change); the wrapper names the dictionary
    # explicitly and is declared IMMUTABLE so that it may be used in an index. Each part starts
    # with a space, so that a word's beginning ("% jo%") is also a trigram the index knows.
    """
    CREATE OR REPLACE FUNCTION liaison_client_search_text(first_name text, last_name text, nickname text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT lower(public.unaccent('public.unaccent'::regdictionary,
            ' ' || coalesce($1, '') || ' ' || coalesce($2, '') || ' ' || coalesce($3, '')))
    $$
    """,
    """
    CREATE INDEX IF NOT EXISTS client_org_search_trgm_idx ON clients_client
    USING gin (organisation_id, liaison_client_search_text(first_name, last_name, nickname) gin_trgm_ops)
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS client_org_search_trgm_idx",
    "DROP FUNCTION IF EXISTS liaison_client_search_text(text, text, text)",
]


def forward(apps, schema_editor):
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_encrypted_notes")]

    operations = [migrations.RunPython(forward, backward)]
