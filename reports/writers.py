"""Writers of a report into a file: CSV, XLSX and PDF. Each consumes every sheet's rows once."""

import csv
import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from .cells import csv_cell, pdf_markup
from .sql_rows import SqlRows
from .tables import COUNT, DECIMAL, HOURS, PERCENT, SUPPRESSED_MARK, TEXT, Report, Sheet

FONT_DIR = Path(__file__).resolve().parent / "fonts"


def _cell(value):
    return SUPPRESSED_MARK if value is None else value


def czech_text(value, kind: str):
    """A value as a Czech reader writes it, for CSV and PDF: a decimal comma ("12,50"), a share as
    a percentage ("12,5 %"), a date as 28. 11. 2026; counts and text unchanged."""
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float) and kind in (HOURS, DECIMAL):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, float) and kind == PERCENT:
        return f"{value * 100:.1f}".replace(".", ",") + " %"
    return value


def _csv_value(value, kind: str):
    """A cell of a sheet's row in the CSV: a number with a decimal comma is written as such (a
    spreadsheet reads "-1,50" as a number, not a formula); anything else through csv_cell."""
    if value is None:
        return SUPPRESSED_MARK
    if isinstance(value, float) and kind in (HOURS, DECIMAL, PERCENT):
        return czech_text(value, kind)
    return csv_cell(czech_text(value, kind))


def _cover_lines(report: Report) -> list[list[str]]:
    lines = [[label, value] for label, value in report.cover]
    if report.definitions:
        lines.append([_("Definitions")])
        lines += [[definition] for definition in report.definitions]
    return lines


# CSV ------------------------------------------------------------------------------------------


def write_csv(report: Report, path: Path) -> None:
    """One CSV file; sheets follow each other, each under its title. UTF-8 with a BOM for Excel.

    Every cell goes through csv_cell, the one place where text is made inert for spreadsheets
    (values formatted by the database included), except the rows of a query that PostgreSQL
    writes itself (reports.sql_rows), which applies the same rule in SQL. Those rows end in "\n"
    (COPY has no other line ending), the lines written here in "\r\n" (with "\n" Python would
    leave a carriage return inside a cell unquoted); every CSV reader and spreadsheet takes both."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")  # Czech Excel expects semicolons

        def write(cells) -> None:
            writer.writerow([csv_cell(value) for value in cells])

        write([report.title])
        write([report.subtitle])
        for line in _cover_lines(report):
            write(line)
        for sheet in report.sheets:
            writer.writerow([])
            write([sheet.title])
            write(sheet.header)
            if isinstance(sheet.rows, SqlRows):
                handle.flush()
                sheet.rows.copy_csv(handle)
            else:
                for row in sheet.rows:
                    writer.writerow([_csv_value(value, kind) for value, kind in zip(row, sheet.kinds, strict=True)])
            for note in sheet.notes:
                write([note])


# XLSX -----------------------------------------------------------------------------------------


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31]
    base, number = name, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(name.lower())
    return name


def write_xlsx(report: Report, path: Path) -> None:
    """One worksheet per sheet, styled header, frozen header row, number formats.

    constant_memory writes each row to disk as it comes, so an export of any length keeps
    the worker's memory flat (rows must then be written in order, which they are).
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    header_format = workbook.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    number_formats = {
        COUNT: workbook.add_format({"num_format": "#,##0"}),
        HOURS: workbook.add_format({"num_format": "#,##0.00"}),
        DECIMAL: workbook.add_format({"num_format": "#,##0.00"}),
        PERCENT: workbook.add_format({"num_format": "0.0%"}),
        TEXT: None,
    }
    date_format = workbook.add_format({"num_format": "d.m.yyyy", "align": "left"})
    suppressed_format = workbook.add_format({"align": "right"})
    note_format = workbook.add_format({"italic": True})
    used: set[str] = set()
    if report.cover or report.definitions:
        _write_xlsx_cover(workbook, report, used)
    for sheet in report.sheets:
        worksheet = workbook.add_worksheet(_sheet_name(sheet.title, used))
        worksheet.freeze_panes(1, 0)
        for column, (heading, kind) in enumerate(zip(sheet.header, sheet.kinds, strict=True)):
            worksheet.set_column(column, column, 30 if kind == TEXT else 12)
            worksheet.write_string(0, column, str(heading), header_format)
        row_number = 0
        for row_number, row in enumerate(sheet.rows, start=1):
            for column, (value, kind) in enumerate(zip(row, sheet.kinds, strict=True)):
                # Text through write_string only: write() would turn "=..." into a formula.
                if value is None:
                    worksheet.write_string(row_number, column, SUPPRESSED_MARK, suppressed_format)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    worksheet.write_number(row_number, column, value, number_formats.get(kind))
                elif isinstance(value, datetime.date):
                    worksheet.write_datetime(row_number, column, value, date_format)
                else:
                    worksheet.write_string(row_number, column, str(value))
        for offset, note in enumerate(sheet.notes, start=2):
            worksheet.write_string(row_number + offset, 0, note, note_format)
    workbook.close()


def _write_xlsx_cover(workbook, report: Report, used: set[str]) -> None:
    """The first worksheet: the report's title, what it is about, who made it when, and the
    definitions of its numbers."""
    worksheet = workbook.add_worksheet(_sheet_name(_("Cover page"), used))
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    label_format = workbook.add_format({"bold": True, "valign": "top"})
    wrap_format = workbook.add_format({"text_wrap": True, "valign": "top"})
    worksheet.set_column(0, 0, 28)
    worksheet.set_column(1, 1, 90)
    worksheet.write_string(0, 0, report.title, title_format)
    worksheet.write_string(1, 0, report.subtitle)
    row = 3
    for label, value in report.cover:
        worksheet.write_string(row, 0, str(label), label_format)
        worksheet.write_string(row, 1, str(value), wrap_format)
        row += 1
    if report.definitions:
        row += 1
        worksheet.write_string(row, 0, _("Definitions"), label_format)
        for definition in report.definitions:
            worksheet.write_string(row, 1, definition, wrap_format)
            row += 1


# PDF ------------------------------------------------------------------------------------------


@cache
def _register_fonts() -> None:
    """DejaVu Sans (shipped in reports/fonts with its licence) has every Czech glyph."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    addMapping("DejaVuSans", 0, 0, "DejaVuSans")
    addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")


def _bar_chart(labels: list[str], values: list, width: float):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(width, 170)
    chart = VerticalBarChart()
    # (reportlab takes any number for a size; its stubs say int.)
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 60, 115  # type: ignore[assignment]
    # A suppressed value is drawn as an empty bar; the table beside it says why.
    chart.data = [[value if isinstance(value, int | float) else 0 for value in values] or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = "DejaVuSans"
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.valueAxis.labels.fontName = "DejaVuSans"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#1F4E79")
    drawing.add(chart)
    return drawing


def _pdf_table(sheet: Sheet, styles, available_width: float):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    header = [Paragraph(pdf_markup(heading), styles["header"]) for heading in sheet.header]
    # Plain strings in a Table are drawn as they are (no markup) but never wrap: text is a
    # Paragraph of its literal value (pdf_markup), so that a long answer wraps in its column.
    body = [
        [
            Paragraph(pdf_markup(value), styles["cell"]) if kind == TEXT and isinstance(value, str) else str(value)
            for value, kind in (
                (_cell(czech_text(value, kind)), kind) for value, kind in zip(row, sheet.kinds, strict=True)
            )
        ]
        for row in sheet.rows
    ]
    table = Table([header, *body], repeatRows=1, colWidths=_column_widths(sheet, available_width))
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "DejaVuSans", 7),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#8A8A8A")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for column, kind in enumerate(sheet.kinds):
        if kind != TEXT:
            style.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _column_widths(sheet: Sheet, available_width: float) -> list[float]:
    text_columns = sheet.kinds.count(TEXT)
    # A number or a date needs about 40 points to stay on one line; a wide sheet (a participant
    # list) takes that from its text columns, which wrap.
    number_width = min(
        60.0,
        max(min(40.0, available_width / len(sheet.kinds)), available_width / (len(sheet.kinds) + 2 * text_columns)),
    )
    text_width = (available_width - number_width * (len(sheet.kinds) - text_columns)) / max(text_columns, 1)
    return [text_width if kind == TEXT else number_width for kind in sheet.kinds]


def write_pdf(report: Report, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    styles = {
        "title": ParagraphStyle("title", fontName="DejaVuSans-Bold", fontSize=15, leading=19, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", fontName="DejaVuSans", fontSize=9, leading=12, spaceAfter=8),
        "heading": ParagraphStyle("heading", fontName="DejaVuSans-Bold", fontSize=11, leading=14, spaceBefore=10),
        "header": ParagraphStyle("header", fontName="DejaVuSans-Bold", fontSize=7, leading=8.5, textColor=colors.white),
        "cell": ParagraphStyle("cell", fontName="DejaVuSans", fontSize=7, leading=8.5),
        "note": ParagraphStyle("note", fontName="DejaVuSans", fontSize=7, leading=9, spaceBefore=3),
        "label": ParagraphStyle("label", fontName="DejaVuSans-Bold", fontSize=9, leading=12),
        "value": ParagraphStyle("value", fontName="DejaVuSans", fontSize=9, leading=12, spaceBefore=2),
    }
    page = landscape(A4)
    document = SimpleDocTemplate(
        str(path),
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author="Liaison",
        lang="cs",
    )
    available = page[0] - 24 * mm
    # An organisation's or a place's name is text, never markup: a Paragraph would follow
    # an `<a href>` in it or fail on an `<img>`.
    story: list[Flowable] = [
        Paragraph(pdf_markup(report.title), styles["title"]),
        Paragraph(pdf_markup(report.subtitle), styles["subtitle"]),
    ]
    if report.cover or report.definitions:
        cover = Table(
            [
                [Paragraph(pdf_markup(label), styles["label"]), Paragraph(pdf_markup(value), styles["value"])]
                for label, value in report.cover
            ],
            colWidths=[60 * mm, available - 60 * mm],
        )
        cover.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story.append(cover)
        if report.definitions:
            story.append(Paragraph(pdf_markup(_("Definitions")), styles["heading"]))
            story.extend(Paragraph(pdf_markup(text), styles["value"]) for text in report.definitions)
        story.append(PageBreak())
    for sheet in report.sheets:
        story.append(Paragraph(pdf_markup(sheet.title), styles["heading"]))
        if sheet.chart is not None:
            story.append(_bar_chart(*sheet.chart, width=available))
        story.append(Spacer(1, 4))
        story.append(_pdf_table(sheet, styles, available))
        story.extend(Paragraph(pdf_markup(note), styles["note"]) for note in sheet.notes)
    if not report.sheets:
        story.append(Paragraph(pdf_markup(_("No data.")), styles["subtitle"]))
    document.build(story)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
