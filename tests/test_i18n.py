"""The Czech interface is complete: every message in the catalogue has a Czech translation."""

import re
from html.parser import HTMLParser
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


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Words that are the same in every language: the product's name, symbols.
UNTRANSLATABLE = {"Liaison", "OpenAPI", "TOTP", "QR", "PDF", "CSV", "XLSX", "JSON", "API", "SVG", "ID"}
USER_FACING_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


class _UserText(HTMLParser):
    """Collects the text and the user-facing attribute values of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in USER_FACING_ATTRIBUTES and value:
                self._collect(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self._collect(data)

    def _collect(self, text: str) -> None:
        self.words += [w for w in re.findall(r"[A-Za-zÀ-ž]{2,}", text) if w not in UNTRANSLATABLE]


def _untranslated_text(source: str) -> list[str]:
    """Words a user would read that are not inside a translation tag."""
    source = re.sub(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", "§", source, flags=re.S)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}", "§", source, flags=re.S)
    parser = _UserText()
    parser.feed(source)
    return parser.words


def test_templates_have_no_untranslated_text():
    problems = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.name in {"500.html"}:  # served without the app: written in both languages
            continue
        words = _untranslated_text(path.read_text())
        if words:
            problems[str(path.relative_to(TEMPLATES))] = words[:10]
    assert problems == {}
