"""The protocol as a Word document (python-docx): the accessible, editable version.

Real heading styles (Title, Heading 1–5; a cluster is a heading one level below its
question, with its colour as a bar on the left) so that Word's navigation pane, a screen
reader and an automatic table of contents work; lists use Word's list styles; the
document language, title, author and subject are set; header and footer carry the
title and "page X of Y" as Word fields.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from . import layout
from .document import ProtocolDocument

MUTED = RGBColor(0x5F, 0x63, 0x68)
ACCENT = RGBColor(0x0B, 0x5C, 0xAD)
FONT = 'Arial'
CONTRIBUTION = 'Contribution'  # paragraph style of an idea (based on List Bullet)
SUB_POINT, CONTINUED = 'ListBullet2', 'ListContinue'  # a contribution's sub-points, and text after them
MUTED_RUN = 'ProtocolMuted'  # character style: small and grey (dots, notes)
TEXT_WIDTH = Cm(16.5)


def render_docx(doc: ProtocolDocument) -> bytes:
    _ = layout.words(doc)
    language = 'de-DE' if doc.language == 'de' else 'en-GB'
    document = _based_on_template(doc.word_template) if doc.word_template else None
    accent = RGBColor.from_string(doc.colour.lstrip('#').upper()) if doc.colour else ACCENT
    if document is None:
        document = Document()
        _setup(document, doc, language, accent)
    document.protocol_style_ids = _style_ids(document)
    document.protocol_accent = accent
    for block in layout.build(doc):
        _block(document, block, doc)
    props = document.core_properties
    props.title = doc.title
    props.author = doc.organiser or doc.title
    props.subject = _('Minutes of the workshop')
    props.keywords = _('Minutes')
    props.language = language
    props.created = props.modified = doc.version_at or doc.generated_at
    props.last_modified_by = 'workshop'
    props.revision = doc.version or 1
    props.comments = layout.status_line(doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup(document, doc: ProtocolDocument, language: str, accent: RGBColor) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(24), Mm(22)
    section.header_distance = section.footer_distance = Mm(11)
    styles = document.styles
    normal = styles['Normal']
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.15
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn('w:rFonts'))
    if fonts is None:
        fonts = OxmlElement('w:rFonts')
        rpr.append(fonts)
    for attr in ('w:ascii', 'w:hAnsi', 'w:cs', 'w:eastAsia'):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement('w:lang')
    lang.set(qn('w:val'), language)
    lang.set(qn('w:eastAsia'), language)
    rpr.append(lang)
    for name, size in (('Title', 20), ('Subtitle', 12), ('Heading 1', 15), ('Heading 2', 12.5), ('Heading 3', 11),
                       ('Heading 4', 10.5), ('Heading 5', 10)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.element.get_or_add_rPr()
        _rfonts(style.element.rPr)
        if name.startswith('Heading'):
            style.font.color.rgb = accent if name == 'Heading 1' else RGBColor(0x1D, 0x1D, 0x1F)
            style.font.bold = True
            style.font.italic = name == 'Heading 4'
            style.paragraph_format.space_before = Pt(14 if name == 'Heading 1' else 9)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
    contribution = styles.add_style(CONTRIBUTION, WD_STYLE_TYPE.PARAGRAPH)
    contribution.base_style = styles['List Bullet']
    contribution.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    contribution.paragraph_format.space_after = Pt(2)
    muted = styles.add_style(MUTED_RUN, WD_STYLE_TYPE.CHARACTER)
    muted.font.size = Pt(8.5)
    muted.font.color.rgb = MUTED
    _ = layout.words(doc)
    header = section.header.paragraphs[0]
    header.text = ''
    run = header.add_run(_('Minutes') + ' · ' + doc.title)
    _small(run)
    header.add_run('\t')
    _small(header.add_run(layout.long_date(doc, doc.date)))
    header.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    footer = section.footer.paragraphs[0]
    footer.text = ''
    _small(footer.add_run(layout.status_line(doc)))
    footer.add_run('\t')
    footer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    # "Seite {page} von {pages}" with Word fields for the numbers
    words = _('Page {page} of {pages}')
    before, rest = words.split('{page}', 1)
    middle, after = rest.split('{pages}', 1)
    _small(footer.add_run(before))
    _field(footer, 'PAGE')
    _small(footer.add_run(middle))
    _field(footer, 'NUMPAGES')
    if after:
        _small(footer.add_run(after))


# --- the organisation's Word template ------------------------------------------------------------------

WORD_DOCUMENT = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'
WORD_TEMPLATE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml'
# the styles the renderer uses; a template without one gets python-docx's default definition of it
TEMPLATE_STYLES = ('Normal', 'Title', 'Subtitle', 'Heading 1', 'Heading 2', 'Heading 3', 'Heading 4', 'Heading 5',
                   'List Bullet', 'Light List Accent 1')


def open_template(content: bytes):  # noqa: ANN201 - a docx.document.Document
    """A .docx or .dotx as a python-docx document. python-docx opens documents only: a template's main part
    gets the document's content type (the markup is the same), so that the result is saved as a .docx."""
    import zipfile
    source = zipfile.ZipFile(io.BytesIO(content))
    types = source.read('[Content_Types].xml')
    if WORD_TEMPLATE.encode() in types:
        patched = io.BytesIO()
        with zipfile.ZipFile(patched, 'w', zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == '[Content_Types].xml':
                    data = data.replace(WORD_TEMPLATE.encode(), WORD_DOCUMENT.encode())
                target.writestr(item, data)
        content = patched.getvalue()
    return Document(io.BytesIO(content))


def _based_on_template(content: bytes):  # a docx.document.Document, or None
    """The template with an empty body: its sections (page size, margins, headers and footers with the
    organisation's logo) and styles stay; missing styles come from python-docx's default template.
    A template that cannot be read (checked on upload, so hardly ever) gives None: the plain document."""
    import copy
    try:
        document = open_template(content)
    except Exception:  # noqa: BLE001 - a broken template must not break the protocol
        return None
    body = document.element.body
    for child in list(body):
        if child.tag != qn('w:sectPr'):
            body.remove(child)
    default = None
    for name in TEMPLATE_STYLES:
        if _find_style(document, name) is None:
            default = default or Document()
            document.styles.element.append(copy.deepcopy(default.styles[name].element))
    if _find_style(document, CONTRIBUTION) is None:
        contribution = document.styles.add_style(CONTRIBUTION, WD_STYLE_TYPE.PARAGRAPH)
        contribution.base_style = _find_style(document, 'List Bullet')
        contribution.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        contribution.paragraph_format.space_after = Pt(2)
    if _find_style(document, MUTED_RUN) is None:
        muted = document.styles.add_style(MUTED_RUN, WD_STYLE_TYPE.CHARACTER)
        muted.font.size = Pt(8.5)
        muted.font.color.rgb = MUTED
    return document


def _find_style(document, name: str):  # a style, or None
    """A style by its name (python-docx also finds Word's built-in names of a German Word, "heading 1")."""
    try:
        return document.styles[name]
    except KeyError:
        return None


def _style_ids(document) -> dict[str, str]:
    """Style name -> its id in this document (a German Word template calls "Heading 1" "berschrift1")."""
    ids = {}
    for name in (*STYLE_IDS, CONTRIBUTION):
        style = _find_style(document, name)
        ids[name] = style.style_id if style is not None else STYLE_IDS.get(name, name)
    return ids


def _rfonts(rpr) -> None:
    fonts = rpr.find(qn('w:rFonts'))
    if fonts is None:
        fonts = OxmlElement('w:rFonts')
        rpr.insert(0, fonts)
    for attr in ('w:ascii', 'w:hAnsi', 'w:cs'):
        fonts.set(qn(attr), FONT)
    for attr in ('w:asciiTheme', 'w:hAnsiTheme', 'w:cstheme', 'w:eastAsiaTheme'):
        fonts.attrib.pop(qn(attr), None)


def _small(run, *, size: float = 8) -> None:
    run.font.size = Pt(size)
    run.font.color.rgb = MUTED


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    _small(run)
    begin, instr, separate, text, end = (OxmlElement('w:fldChar'), OxmlElement('w:instrText'),
                                         OxmlElement('w:fldChar'), OxmlElement('w:t'), OxmlElement('w:fldChar'))
    begin.set(qn('w:fldCharType'), 'begin')
    instr.set(qn('xml:space'), 'preserve')
    instr.text = f' {code} '
    separate.set(qn('w:fldCharType'), 'separate')
    text.text = '1'
    end.set(qn('w:fldCharType'), 'end')
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


# python-docx looks a style up by its name on every use and inserts each paragraph by scanning the
# body; with thousands of ideas that is minutes. Paragraphs are appended directly, styles set by id.
STYLE_IDS = {'List Bullet': 'ListBullet', 'Title': 'Title', 'Subtitle': 'Subtitle', 'Heading 1': 'Heading1',
             'Heading 2': 'Heading2', 'Heading 3': 'Heading3', 'Heading 4': 'Heading4', 'Heading 5': 'Heading5'}


def _new_paragraph(document, style: str | None = None):
    from docx.text.paragraph import Paragraph
    body = document.element.body
    p = OxmlElement('w:p')
    sect = body.sectPr
    if sect is not None:
        sect.addprevious(p)
    else:
        body.append(p)
    paragraph = Paragraph(p, document._body)
    if style:
        p.style = document.protocol_style_ids.get(style, style)
    return paragraph


def _append_paragraph(document, style_id: str, runs: list[tuple[str, str | None]]) -> None:
    """A paragraph built as XML directly (the thousands of ideas): runs of (text or "\\t", character style)."""
    p = OxmlElement('w:p')
    ppr, pstyle = OxmlElement('w:pPr'), OxmlElement('w:pStyle')
    pstyle.set(qn('w:val'), document.protocol_style_ids.get(style_id, style_id))
    ppr.append(pstyle)
    p.append(ppr)
    for text, run_style in runs:
        r = OxmlElement('w:r')
        if run_style:
            rpr, rstyle = OxmlElement('w:rPr'), OxmlElement('w:rStyle')
            rstyle.set(qn('w:val'), run_style)
            rpr.append(rstyle)
            r.append(rpr)
        if text == '\t':
            r.append(OxmlElement('w:tab'))
        else:
            for n, line in enumerate(text.split('\n')):  # the moderation's lines ("- " sub-points): line breaks
                if n:
                    r.append(OxmlElement('w:br'))
                t = OxmlElement('w:t')
                t.set(qn('xml:space'), 'preserve')
                t.text = line
                r.append(t)
        p.append(r)
    body = document.element.body
    if body.sectPr is not None:
        body.sectPr.addprevious(p)
    else:
        body.append(p)


def _paragraph(document, text: str, *, style: str | None = None, muted: bool = False,
               italic: bool = False, size: float | None = None, bold: bool = False):
    p = _new_paragraph(document, style)
    run = p.add_run(text)
    if muted:
        run.font.color.rgb = MUTED
    run.italic = italic or None
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    return p


def _prose(document, block: layout.Prose, *, indent: Cm | None = None) -> None:
    for part in block.parts:
        if isinstance(part, list):
            for item in part:
                p = _paragraph(document, item, style='List Bullet')
                if indent is not None:
                    p.paragraph_format.left_indent = indent + Cm(0.63)
        else:
            p = _paragraph(document, part, muted=block.muted, italic=block.muted)
            if indent is not None:
                p.paragraph_format.left_indent = indent


def _table(document, rows: int, cols: int, widths: list):
    table = document.add_table(rows=rows, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width
    return table


def _cell(cell, text: str, *, bold: bool = False, right: bool = False, muted: bool = False,
          size: float | None = None) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold or None
    if muted:
        run.font.color.rgb = MUTED
    if size:
        run.font.size = Pt(size)
    p.paragraph_format.space_after = Pt(2)
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _header_row(row) -> None:
    """Repeat as header row on every page (also tells assistive technology it is a header)."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement('w:tblHeader')
    header.set(qn('w:val'), 'true')
    tr_pr.append(header)


def _cluster_heading(document, block: layout.Contributions) -> None:
    """A cluster's title as a real heading (the navigation pane lists the themes), its dots in small grey,
    its colour as a bar on the left; the same look on both levels."""
    p = _new_paragraph(document, f'Heading {block.level}')
    title = p.add_run(block.heading)
    title.font.color.rgb, title.font.size, title.italic = document.protocol_accent, Pt(10.5), False
    if block.dots:
        dots = p.add_run(f'\u2002·\u2002{block.dots}')
        _small(dots, size=8.5)
        dots.bold = dots.italic = False
    p.paragraph_format.space_before = Pt(8)
    if block.colour:
        border, left = OxmlElement('w:pBdr'), OxmlElement('w:left')
        for attr, value in (('w:val', 'single'), ('w:sz', '24'), ('w:space', '6'),
                            ('w:color', block.colour.lstrip('#').upper())):
            left.set(qn(attr), value)
        border.append(left)
        p._p.get_or_add_pPr().insert_element_before(
            border, 'w:shd', 'w:tabs', 'w:suppressAutoHyphens', 'w:spacing', 'w:ind', 'w:jc', 'w:rPr')


def _block(document, block: layout.Block, doc: ProtocolDocument) -> None:
    if isinstance(block, layout.TitleBlock):
        if doc.logo:
            try:
                document.add_picture(io.BytesIO(doc.logo), height=Cm(1.8))
                document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            except Exception:  # noqa: BLE001, S110 - a broken image must not break the protocol
                pass
        _paragraph(document, block.kicker.upper(), bold=True, size=10).runs[0].font.color.rgb = \
            document.protocol_accent
        _new_paragraph(document, 'Title').add_run(block.title)
        if block.subtitle:
            _new_paragraph(document, 'Subtitle').add_run(block.subtitle)
        table = _table(document, len(block.facts), 2, [Cm(3.6), TEXT_WIDTH - Cm(3.6)])
        for row, (label, value) in zip(table.rows, block.facts, strict=True):
            _cell(row.cells[0], label, bold=True, muted=True, size=9)
            lines = value.split('\n')
            _cell(row.cells[1], lines[0])
            for line in lines[1:]:
                row.cells[1].add_paragraph(line).paragraph_format.space_after = Pt(2)
        _paragraph(document, block.status, muted=True, size=8.5)
        if block.checksum:
            _paragraph(document, block.checksum, muted=True, size=8)
    elif isinstance(block, layout.Heading):
        _new_paragraph(document, f'Heading {block.level}').add_run(block.text)
    elif isinstance(block, layout.Prose):
        _prose(document, block)
    elif isinstance(block, layout.Note):
        _paragraph(document, block.text, muted=True, size=8.5)
    elif isinstance(block, layout.Bullets):
        for item in block.items:
            _paragraph(document, item, style='List Bullet')
    elif isinstance(block, layout.Table):
        first = Cm(9.5)
        widths = [first] + [Cm(2.8)] * (len(block.header) - 1)
        rows = [block.header] + block.rows + ([block.total] if block.total else [])
        table = _table(document, len(rows), len(block.header), widths)
        table.style = _find_style(document, 'Light List Accent 1')
        _header_row(table.rows[0])
        for i, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            last = block.total is not None and i == len(rows) - 1
            for cell, value, numeric in zip(row.cells, values, block.numeric, strict=False):
                _cell(cell, value, bold=i == 0 or last, right=numeric)
    elif isinstance(block, layout.Agenda):
        table = _table(document, len(block.rows), 2, [Cm(2), TEXT_WIDTH - Cm(2)])
        for row, item in zip(table.rows, block.rows, strict=True):
            _cell(row.cells[0], item.time, bold=True)
            _cell(row.cells[1], item.title)
            if item.speaker:
                p = row.cells[1].add_paragraph()
                _small(p.add_run(item.speaker), size=8.5)
            for detail in item.details:
                p = row.cells[1].add_paragraph(style='List Bullet')
                _small(p.add_run(detail), size=8.5)
    elif isinstance(block, layout.Numbered):
        # a heading, so that each recommendation shows in the navigation pane
        _new_paragraph(document, 'Heading 2').add_run(f'{block.number}.\u2002{block.title}')
        _prose(document, block.prose)
    elif isinstance(block, layout.Chart):
        return  # the ranked list below says the same; the chart is the PDF's
    elif isinstance(block, layout.Contributions):
        if block.heading:
            _cluster_heading(document, block)
        for item in block.items:  # a list bullet with a right tab for the dots
            lead, *rest = item.parts
            runs = [(lead, None)]
            if item.note:
                runs.append((f' ({item.note})', MUTED_RUN))
            if item.dots:
                runs += [('\t', None), (item.dots, MUTED_RUN)]
            _append_paragraph(document, CONTRIBUTION, runs)
            for part in rest:  # the moderation's "- " sub-points: a list one level down; text after them
                if isinstance(part, list):
                    for point in part:
                        _append_paragraph(document, SUB_POINT, [(point, None)])
                else:
                    _append_paragraph(document, CONTINUED, [(part, None)])
            for line in item.walk:  # later rounds' gallery walk on it (dots, comments): one level down, muted
                _append_paragraph(document, SUB_POINT, [(line, MUTED_RUN)])
    else:
        raise TypeError(f'unknown block {block!r}')
