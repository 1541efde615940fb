"""The access export as a PDF (reportlab, pure Python), with DejaVu Sans for Czech glyphs.

The font is the one the reports app ships in reports/fonts (with its licence)."""

import io
from functools import cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT_DIR = settings.BASE_DIR / "reports" / "fonts"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(TTFont("GdprSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("GdprSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return {
        "title": ParagraphStyle("title", fontName="GdprSans-Bold", fontSize=15, leading=19, spaceAfter=6),
        "heading": ParagraphStyle("heading", fontName="GdprSans-Bold", fontSize=11, leading=14, spaceBefore=8),
        "item": ParagraphStyle("item", fontName="GdprSans-Bold", fontSize=9, leading=12, spaceBefore=4),
        "text": ParagraphStyle("text", fontName="GdprSans", fontSize=8.5, leading=11, leftIndent=6 * mm),
    }


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _record(story: list, styles, record: dict) -> None:
    for label, value in record.items():
        line = f"<b>{escape(str(label))}:</b> {escape(_text(value))}".replace("\n", "<br/>")
        story.append(Paragraph(line, styles["text"]))


def _records(story: list, styles, heading: str, records: list[dict]) -> None:
    story.append(Paragraph(escape(heading), styles["heading"]))
    if not records:
        story.append(Paragraph("–", styles["text"]))
    for number, record in enumerate(records, start=1):
        story.append(Paragraph(f"{number}.", styles["item"]))
        _record(story, styles, record)


def access_export_pdf(data: dict) -> bytes:
    styles = _styles()
    story: list = [
        Paragraph(escape(_("Personal data held about a client")), styles["title"]),
        Paragraph(escape(_("Generated at %(when)s") % {"when": data["generated_at"]}), styles["text"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Client")), styles["heading"]),
    ]
    _record(story, styles, data["client"])
    _records(story, styles, _("Consents"), data["consents"])
    _records(story, styles, _("Use of services"), data["service_uses"])
    sheet = data["participant_sheet"]
    _records(story, styles, _("ESF+ monitoring sheet"), [sheet] if sheet else [])
    _records(story, styles, _("Contacts"), data["contacts"])
    _records(story, styles, _("Group activities"), data["group_activities"])
    story.append(Paragraph(escape(_("Cases")), styles["heading"]))
    if not data["cases"]:
        story.append(Paragraph("–", styles["text"]))
    for number, section in enumerate(data["cases"], start=1):
        story.append(Paragraph(f"{number}.", styles["item"]))
        _record(story, styles, section["case"])
        for heading, records in section.items():
            if heading != "case":
                _records(story, styles, heading, records)
    _records(story, styles, _("History of changes"), data["history"])
    _records(story, styles, _("Who read or exported the file"), data["accesses"])
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Personal data held about a client"),
    )
    document.build(story)
    return buffer.getvalue()
