"""Text written into exported files, made inert for the program that opens them.

A spreadsheet program reads a CSV cell that starts with `=`, `+`, `-` or `@` (or a tab or a
carriage return, which it skips before one of those) as a formula: a client named
`=HYPERLINK(...)` would become a live link, or worse, in the coordinator's spreadsheet. OWASP's
rule is a leading apostrophe, which the program shows as text. Full-width forms of the four are
read as formulas by some programs too. Only text is touched: a number is written as a number.

reportlab's `Paragraph` parses a small markup language (`<a href>`, `<img>`, `<font>`, entities),
so every text given to one is escaped.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_text(value: str) -> str:
    """The text as a spreadsheet program shows it, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_cell(value):
    """A CSV cell: numbers (negative ones too) unchanged, anything else as inert text."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return spreadsheet_text("" if value is None else str(value))


def pdf_markup(value) -> str:
    """Any value as the literal text of a reportlab Paragraph."""
    return escape(str(value))
