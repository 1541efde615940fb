"""Build Liaison's default document templates (documents/default_templates/*.docx).

    .venv/bin/python scripts/build_document_templates.py

The templates are Czech documents with docxtpl fields ({{ klient }} …, documents/fields.py).
Text the assistant completes before printing is highlighted in yellow. Arial, which Word has
everywhere and LibreOffice replaces by the metric-compatible Liberation Sans, so that the PDF
breaks lines where Word does. The built files are committed; run this again after a change.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "documents" / "default_templates"
FONT = "Arial"
GREY = RGBColor(0x55, 0x55, 0x55)

# A part of a paragraph: plain text, or (text, style) with style "b" bold, "i" italic, "fill"
# highlighted for the assistant to complete, "small" small grey.
Part = str | tuple[str, str]


def _new_document():
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.0)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    document.core_properties.language = "cs-CZ"
    document.core_properties.author = "Liaison"
    _czech_language(document)
    _letterhead(section)
    return document


def _czech_language(document) -> None:
    """Spelling and hyphenation of the text as Czech."""
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "cs-CZ")
    rpr.append(lang)


def _bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "777777")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _letterhead(section) -> None:
    header = section.header.paragraphs[0]
    run = header.add_run("{{ organizace }}")
    run.bold = True
    run.font.size = Pt(10)
    _bottom_border(header)


def para(document, *parts: Part, align=None, space_before: float = 0, space_after: float | None = None, size=None):
    paragraph = document.add_paragraph()
    if align:
        paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(space_before)
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        run = paragraph.add_run(text)
        if size:
            run.font.size = Pt(size)
        if "b" in style.split():
            run.bold = True
        if "i" in style.split():
            run.italic = True
        if "fill" in style.split():
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if "small" in style.split():
            run.font.size = Pt(9)
            run.font.color.rgb = GREY
    return paragraph


def title(document, text: str, subtitle: str = "") -> None:
    paragraph = para(document, (text, "b"), align=WD_ALIGN_PARAGRAPH.CENTER, space_before=12, space_after=2, size=15)
    paragraph.paragraph_format.keep_with_next = True
    if subtitle:
        para(document, (subtitle, "small"), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    else:
        paragraph.paragraph_format.space_after = Pt(12)


def heading(document, text: str) -> None:
    paragraph = para(document, (text, "b"), space_before=8, space_after=2)
    paragraph.paragraph_format.keep_with_next = True


def bullet(document, *parts: Part) -> None:
    paragraph = para(document, "–\u00a0", *parts, space_after=2)
    paragraph.paragraph_format.left_indent = Cm(0.6)
    paragraph.paragraph_format.first_line_indent = Cm(-0.4)


def addressee(document, *lines: tuple[Part, ...]) -> None:
    """The recipient's block on the right, as in a Czech letter."""
    for index, parts in enumerate(lines):
        paragraph = para(document, *parts, space_after=0)
        paragraph.paragraph_format.left_indent = Cm(9.0)
        if index == 0:
            paragraph.paragraph_format.space_before = Pt(6)
    para(document, space_after=6)


def place_and_date(document) -> None:
    para(document, "{{ misto }} dne {{ dnes }}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_before=6, space_after=12)


def details(document, rows: list[tuple[str, tuple[Part, ...]]]) -> None:
    """Label and value pairs in a borderless table."""
    table = document.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = (Cm(4.2), Cm(11.8))
    for label, value in rows:
        cells = table.add_row().cells
        label_paragraph = cells[0].paragraphs[0]
        label_paragraph.add_run(label).font.color.rgb = GREY
        value_paragraph = cells[1].paragraphs[0]
        for part in value:
            text, style = (part, "") if isinstance(part, str) else part
            run = value_paragraph.add_run(text)
            run.bold = "b" in style
            if "fill" in style:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        for paragraph in (label_paragraph, value_paragraph):
            paragraph.paragraph_format.space_after = Pt(2)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    para(document, space_after=2)


def signatures(document, *who: tuple[str, str]) -> None:
    """Dotted lines to sign on, side by side, each with its name and role under it; kept on
    one page with the paragraph before them."""
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    spacer = para(document, space_before=12)
    spacer.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(who))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))
    for column, (name, role) in enumerate(who):
        cell = table.cell(0, column)
        line = cell.paragraphs[0]
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.space_after = Pt(0)
        line.add_run("……………………………………")
        label = cell.add_paragraph()
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
        label.paragraph_format.space_after = Pt(0)
        label.add_run(name).bold = True
        note = cell.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = note.add_run(role)
        run.font.size = Pt(9)
        run.font.color.rgb = GREY


def made_by(document) -> None:
    para(
        document,
        (
            "Připravil/a: {{ asistent }}, {{ organizace }}, {{ dnes }}. Žlutě označená místa doplňte a zvýraznění "
            "před tiskem odstraňte.",
            "small",
        ),
        space_before=8,
    )


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# -- the documents ----------------------------------------------------------------------------


def criminal_complaint():
    document = _new_document()
    addressee(
        document,
        (("Policie České republiky", "b"),),
        ("{{ pripad_utvar_policie }}",),
        (("(nebo příslušné státní zastupitelství – adresu doplňte)", "fill"),),
    )
    place_and_date(document)
    title(document, "TRESTNÍ OZNÁMENÍ", "podle §\u00a0158 odst.\u00a01 zákona č.\u00a0141/1961\u00a0Sb., trestní řád")
    heading(document, "Oznamovatel (poškozený)")
    details(
        document,
        [
            ("Jméno a příjmení", ("{{ klient_jmeno }} {{ klient_prijmeni }}",)),
            ("Datum narození", (("doplňte", "fill"), " (rok narození {{ klient_rok_narozeni }})")),
            ("Bydliště", ("{{ klient_adresa }}",)),
            ("Telefon, e-mail", ("{{ klient_telefon }}, {{ klient_email }}",)),
        ],
    )
    heading(document, "Oznamovaný skutek")
    para(
        document,
        "Oznamuji skutečnosti nasvědčující tomu, že byl spáchán trestný čin, kterým jsem byl/a poškozen/a. "
        "Podle mého názoru může jít zejména o: {{ pripad_trestne_ciny }}. K události došlo dne "
        "{{ pripad_datum_udalosti }}.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    heading(document, "Popis skutku")
    para(
        document,
        (
            "Popište vlastními slovy oznamovatele, co se stalo: kdy a kde, kdo byl přítomen, co pachatel dělal nebo "
            "říkal, zda oznamovateli vyhrožoval, jak dlouho to trvá a jakou škodu nebo újmu oznamovatel utrpěl.",
            "fill",
        ),
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    heading(document, "Osoba, která skutek spáchala")
    para(document, ("Jméno, přezdívka, popis osoby, bydliště nebo jiné údaje, pokud jsou známy.", "fill"))
    heading(document, "Důkazy a svědci")
    para(
        document, ("Svědci (jméno a kontakt), listiny, smlouvy, zprávy v telefonu, fotografie, výpisy z účtu…", "fill")
    )
    heading(document, "Škoda")
    para(
        document,
        (
            "Výše škody a v čem spočívá; zda se oznamovatel chce připojit k trestnímu řízení s nárokem na náhradu "
            "škody nebo nemajetkové újmy.",
            "fill",
        ),
    )
    heading(document, "Žádosti oznamovatele")
    bullet(
        document,
        "Žádám, abych byl/a podle §\u00a0158 odst.\u00a02 trestního řádu do jednoho měsíce od podání "
        "oznámení vyrozuměn/a o učiněných opatřeních.",
    )
    bullet(
        document,
        "Žádám o informace podle zákona č.\u00a045/2013\u00a0Sb., o obětech trestných činů, "
        "a o poučení o svých právech.",
    )
    bullet(
        document,
        "Při podání oznámení a dalších úkonech mě doprovází {{ asistent }}, {{ organizace }}, jako důvěrník.",
    )
    signatures(document, ("{{ klient }}", "oznamovatel"))
    made_by(document)
    return document


def power_of_attorney():
    document = _new_document()
    title(document, "PLNÁ MOC")
    para(document, "Já, níže podepsaný/á", space_after=6)
    details(
        document,
        [
            ("Jméno a příjmení", ("{{ klient_jmeno }} {{ klient_prijmeni }}",)),
            ("Datum narození", (("doplňte", "fill"),)),
            ("Bydliště", ("{{ klient_adresa }}",)),
        ],
    )
    para(document, "(dále jen „zmocnitel“)")
    para(document, ("zmocňuji", "b"), align=WD_ALIGN_PARAGRAPH.CENTER, space_before=8, space_after=8)
    details(
        document,
        [
            ("Jméno a příjmení", ("{{ asistent }}",)),
            ("Organizace", ("{{ organizace }}",)),
            ("Kontakt", ("{{ asistent_email }}",)),
        ],
    )
    para(document, "(dále jen „zmocněnec“)")
    para(
        document,
        "aby mě zastupoval/a ve věci: {{ pripad }} (číslo jednací Policie ČR: {{ pripad_cj_policie }}), a to zejména:",
        space_before=8,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    bullet(document, "při jednání s Policií České republiky, státním zastupitelstvím, soudy a úřady,")
    bullet(document, "k nahlížení do spisu, pořizování výpisů, opisů a kopií,")
    bullet(document, "k podávání žádostí, návrhů a vyjádření a k přijímání písemností,")
    bullet(document, "k získávání informací o průběhu a výsledku řízení.")
    para(
        document,
        "Plná moc se uděluje do ",
        ("doplňte datum, nebo ponechte „odvolání“", "fill"),
        ". Zmocnitel ji může kdykoli odvolat.",
        space_before=8,
    )
    place_and_date(document)
    signatures(document, ("{{ klient }}", "zmocnitel"), ("{{ asistent }}", "zmocněnec: plnou moc přijímám"))
    made_by(document)
    return document


def _consent(recipient_lines: list[Part], recipient_in_text: str):
    document = _new_document()
    title(document, "SOUHLAS S PŘEDÁVÁNÍM INFORMACÍ A ZPROŠTĚNÍ MLČENLIVOSTI")
    para(document, "Já, níže podepsaný/á", space_after=6)
    details(
        document,
        [
            ("Jméno a příjmení", ("{{ klient_jmeno }} {{ klient_prijmeni }}",)),
            ("Datum narození", (("doplňte", "fill"), " (rok narození {{ klient_rok_narozeni }})")),
            ("Bydliště", ("{{ klient_adresa }}",)),
        ],
    )
    para(
        document,
        "zprošťuji organizaci {{ organizace }} a její pracovníky, zejména {{ asistent }}, povinnosti "
        "mlčenlivosti vůči:",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    recipient = para(document, *recipient_lines, space_before=4, space_after=8)
    recipient.paragraph_format.left_indent = Cm(1.0)
    para(
        document,
        f"a souhlasím, aby si {recipient_in_text} informace o mně a o mé situaci ve věci: {{{{ pripad }}}}, "
        "a to v rozsahu:",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    para(
        document,
        (
            "uveďte, o čem smí organizace informovat (např. průběh doprovodu, kontaktní údaje, okolnosti "
            "trestného činu), případně co předat nesmí",
            "fill",
        ),
        space_after=8,
    )
    para(
        document,
        "Souhlasím také s tím, aby organizace od příjemce přijímala informace potřebné k tomu, aby mi mohla "
        "pomáhat. Souhlas dávám dobrovolně. Byl/a jsem poučen/a, že jej mohu kdykoli odvolat, a to i ústně; "
        "odvolání souhlasu nemá vliv na to, co bylo předáno před ním. Osobní údaje zpracovává {{ organizace }} "
        "podle obecného nařízení o ochraně osobních údajů (GDPR).",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    para(document, "Souhlas platí do: ", ("doplňte datum, nebo „odvolání“", "fill"), space_before=6)
    place_and_date(document)
    signatures(document, ("{{ klient }}", "klient/ka"), ("{{ asistent }}", "za organizaci {{ organizace }}"))
    made_by(document)
    return document


def consent_police():
    return _consent(
        [("Policii České republiky", "b"), ", útvaru: {{ prijemce }}"],
        "organizace a Policie ČR navzájem předávaly",
    )


def consent_organisation():
    return _consent([("{{ prijemce }}", "b")], "organizace a příjemce navzájem předávali")


def accompaniment_record():
    document = _new_document()
    title(document, "ZÁZNAM O DOPROVODU", "asistence při jednání s Policií ČR a dalšími institucemi")
    details(
        document,
        [
            ("Klient/ka", ("{{ klient }}",)),
            ("Případ", ("{{ pripad }} (č. {{ pripad_cislo }})",)),
            ("Datum a čas", ("{{ doprovod_datum }}, {{ doprovod_cas }}",)),
            ("Délka", ("{{ doprovod_delka }} min",)),
            ("Instituce / úřad", ("{{ doprovod_urad }}",)),
            ("Doprovázel/a", ("{{ asistent }}, {{ organizace }}",)),
            ("Č. j. Policie ČR", ("{{ pripad_cj_policie }}",)),
        ],
    )
    heading(document, "Účel doprovodu")
    para(document, ("např. podání trestního oznámení, výslech, podání vysvětlení, jednání na úřadě", "fill"))
    heading(document, "Průběh")
    para(
        document,
        (
            "Stručně popište, co se při jednání dělo, kdo byl přítomen a jak asistent/ka pomáhal/a. Nezapisujte "
            "nic, co klient/ka nechce mít zaznamenáno.",
            "fill",
        ),
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    heading(document, "Výsledek")
    para(document, "{{ doprovod_vysledek }}")
    heading(document, "Dohodnutý další postup")
    para(document, ("co je třeba udělat, kdo to udělá a do kdy", "fill"))
    place_and_date(document)
    signatures(document, ("{{ asistent }}", "asistent/ka"), ("{{ klient }}", "klient/ka: se záznamem souhlasím"))
    return document


def referral_letter():
    document = _new_document()
    addressee(
        document,
        (("{{ doporuceni_poskytovatel }}", "b"),),
        ("{{ doporuceni_sluzba }}",),
        (("adresa", "fill"),),
    )
    place_and_date(document)
    para(document, ("Věc: Doporučení klienta/klientky", "b"), space_after=10)
    para(document, "Vážená paní, vážený pane,", space_after=8)
    para(
        document,
        "obracíme se na Vás s doporučením pro {{ klient }}, se kterým/kterou spolupracujeme v rámci programu "
        "asistentů pro jednání s Policií ČR a dalšími úřady. Klient/ka se na nás obrátil/a ve věci: {{ pripad }}.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    para(
        document,
        "Doporučujeme mu/jí Vaši službu ({{ doporuceni_sluzba }}), protože ",
        ("popište, s čím klient/ka potřebuje pomoci a co od služby očekává", "fill"),
        ".",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    para(
        document,
        "Klient/ka souhlasí s předáním svých kontaktních údajů: telefon {{ klient_telefon }}, e-mail "
        "{{ klient_email }}. Jeho/její písemný souhlas se zproštěním mlčenlivosti je k dispozici u nás.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    para(
        document,
        "Děkujeme za spolupráci. V případě dotazů nás prosím kontaktujte.",
        space_before=4,
    )
    para(document, "S pozdravem", space_before=12, space_after=30)
    para(document, ("{{ asistent }}", "b"), space_after=0)
    para(document, "{{ organizace }}", space_after=0)
    para(document, "{{ asistent_email }}")
    para(document, ("Doporučení navrženo dne {{ doporuceni_datum }}.", "small"), space_before=18)
    return document


BUILDERS = {
    "criminal_complaint": criminal_complaint,
    "power_of_attorney": power_of_attorney,
    "consent_police": consent_police,
    "consent_organisation": consent_organisation,
    "accompaniment_record": accompaniment_record,
    "referral_letter": referral_letter,
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, build in BUILDERS.items():
        build().save(OUT / f"{kind}.docx")
        print(OUT / f"{kind}.docx")


if __name__ == "__main__":
    main()
