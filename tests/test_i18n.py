"""The Czech interface is complete: every message in the catalogue has a Czech translation."""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "cs" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_czech_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_is_current():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists()
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime - 1, "run make messages"


def test_interface_is_czech_by_default(client, alice):
    client.force_login(alice)
    body = client.get("/").content.decode()
    assert "Zapsat kontakt" in body and '<html lang="cs">' in body
