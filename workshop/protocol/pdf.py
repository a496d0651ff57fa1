"""The protocol as PDF (reportlab): A4, embedded DejaVu fonts, running header and footer with
"page X of Y", an outline (bookmarks) for every chapter, topic, guiding question and cluster, document
metadata, the organiser's logo and a small bar chart of the ideas with the most dots.

Reportlab cannot tag a PDF for screen readers; the DOCX is the accessible, editable version.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import layout
from .document import ProtocolDocument

FONTS = Path(__file__).resolve().parent.parent.parent / 'assets' / 'fonts'
FONT = 'ProtocolSans'
FAMILY = {FONT: 'DejaVuSansCondensed.ttf', f'{FONT}-Bold': 'DejaVuSansCondensed-Bold.ttf',
          f'{FONT}-Oblique': 'DejaVuSansCondensed-Oblique.ttf',
          f'{FONT}-BoldOblique': 'DejaVuSansCondensed-BoldOblique.ttf'}

INK = colors.HexColor('#1d1d1f')
MUTED = colors.HexColor('#5f6368')
ACCENT = colors.HexColor('#0b5cad')  # the app's primary colour
RULE = colors.HexColor('#c9ced6')
BAR = colors.HexColor('#7fa6d3')

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 25 * mm, 20 * mm, 24 * mm, 22 * mm
WIDTH = PAGE_W - LEFT - RIGHT
FRAME_H = PAGE_H - TOP - BOTTOM  # the height of a page's text
_CELLS = [('FONT', (0, 0), (-1, -1), FONT, 9), ('VALIGN', (0, 0), (-1, -1), 'TOP')]  # only embedded fonts


@lru_cache(maxsize=1)
def register_fonts() -> str:
    for name, file in FAMILY.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=f'{FONT}-Bold', italic=f'{FONT}-Oblique',
                                  boldItalic=f'{FONT}-BoldOblique')
    return FONT


@lru_cache(maxsize=4)
def _pyphen(language: str):  # noqa: ANN202 - a pyphen.Pyphen (imported lazily), or None
    try:
        import pyphen
    except ImportError:  # without pyphen, over-long words are split at the margin
        return None
    return pyphen.Pyphen(lang='de_DE' if language == 'de' else 'en_GB')  # reads the dictionary: once per process


def _hyphenator(language: str):  # noqa: ANN202 - reportlab's hyphenation callable, or None
    """German compounds ("Clusterstrategieprozesses") break at syllables instead of overflowing."""
    if _pyphen(language) is None:
        return None
    return lambda word: _pyphen(language).iterate(word)


def warm_up(language: str) -> None:
    """Load what every rendering needs (fonts, the hyphenation dictionary), e.g. in a fresh worker process."""
    register_fonts()
    _pyphen(language)


def _styles(language: str, accent: colors.Color = ACCENT) -> dict[str, ParagraphStyle]:
    """The paragraph styles; ``accent`` (the organisation's colour) for the kicker, chapters and clusters."""
    hyphenate = _hyphenator(language)
    base = ParagraphStyle('body', fontName=FONT, bulletFontName=FONT, fontSize=10, leading=14, textColor=INK,
                          spaceAfter=5,
                          hyphenationLang=hyphenate or '', embeddedHyphenation=1, uriWasteReduce=0.3,
                          splitLongWords=1)

    def style(name: str, **kw) -> ParagraphStyle:
        if name in ('title', 'subtitle', 'h1', 'h2', 'h3', 'h4', 'kicker', 'fact_label', 'fact', 'conclusion'):
            kw.setdefault('hyphenationLang', '')  # headings break between words only
        return ParagraphStyle(name, parent=base, **kw)

    return {
        'body': base,
        'muted': style('muted', textColor=MUTED, fontName=f'{FONT}-Oblique'),
        'note': style('note', fontSize=8.5, leading=12, textColor=MUTED, spaceAfter=6),
        'kicker': style('kicker', fontName=f'{FONT}-Bold', fontSize=10, textColor=accent, spaceAfter=4),
        'title': style('title', fontName=f'{FONT}-Bold', fontSize=20, leading=25, spaceAfter=6),
        'subtitle': style('subtitle', fontSize=12, leading=16, textColor=MUTED, spaceAfter=12),
        'fact_label': style('fact_label', fontName=f'{FONT}-Bold', fontSize=9, leading=13, textColor=MUTED,
                            spaceAfter=0),
        'fact': style('fact', fontSize=10, leading=13.5, spaceAfter=0),
        'status': style('status', fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=8),
        'h1': style('h1', fontName=f'{FONT}-Bold', fontSize=15, leading=19, textColor=accent, spaceBefore=14,
                    spaceAfter=8),
        'h2': style('h2', fontName=f'{FONT}-Bold', fontSize=12, leading=15.5, spaceBefore=12, spaceAfter=3),
        'h3': style('h3', fontName=f'{FONT}-Bold', fontSize=10.5, leading=14, spaceBefore=10, spaceAfter=4,
                    leftIndent=14, firstLineIndent=-14),
        'h4': style('h4', fontName=f'{FONT}-BoldOblique', fontSize=10, leading=13.5, spaceBefore=6, spaceAfter=4,
                    leftIndent=28, firstLineIndent=-14),
        'bullet': style('bullet', leftIndent=14, bulletIndent=3, spaceAfter=3),
        'group': style('group', fontName=f'{FONT}-Bold', fontSize=10, leading=13, textColor=accent,
                       spaceBefore=0, spaceAfter=0, hyphenationLang=''),
        'idea': style('idea', fontSize=9.5, leading=12.5, spaceAfter=0, leftIndent=10, bulletIndent=0),
        'sub_point': style('sub_point', fontSize=9.5, leading=12.5, spaceBefore=1, spaceAfter=0, leftIndent=22,
                           bulletIndent=12),
        'cell': style('cell', fontSize=9.5, leading=12.5, spaceAfter=0),
        'cell_r': style('cell_r', fontSize=9.5, leading=12.5, spaceAfter=0, alignment=TA_RIGHT),
        'cell_head': style('cell_head', fontName=f'{FONT}-Bold', fontSize=9, leading=12, textColor=MUTED,
                           spaceAfter=0),
        'cell_head_r': style('cell_head_r', fontName=f'{FONT}-Bold', fontSize=9, leading=12, textColor=MUTED,
                             spaceAfter=0, alignment=TA_RIGHT),
        'agenda_time': style('agenda_time', fontName=f'{FONT}-Bold', fontSize=9.5, leading=12.5, spaceAfter=0),
        'agenda_detail': style('agenda_detail', fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=0,
                               leftIndent=9, bulletIndent=0),
        'conclusion': style('conclusion', fontName=f'{FONT}-Bold', fontSize=10.5, leading=14, spaceBefore=8,
                            spaceAfter=4, leftIndent=16, firstLineIndent=-16),
        'conclusion_body': style('conclusion_body', leftIndent=16),
        'conclusion_bullet': style('conclusion_bullet', leftIndent=30, bulletIndent=19, spaceAfter=3),
    }


def _x(text: str) -> str:
    """Plain text for a reportlab paragraph (which reads a little markup)."""
    return xml_escape(text)


class _Heading(Paragraph):
    """A heading that puts itself into the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, outline: int | None) -> None:
        super().__init__(_x(text), style)
        self.outline_title = text.replace('\u2002', ' ')
        self.outline_level = outline


class BarChart(Flowable):
    """Horizontal bars: the ideas of a question with the most dots (label left, bar, count)."""

    ROW = 12.5

    def __init__(self, title: str, bars: list[tuple[str, int]], width: float) -> None:
        super().__init__()
        self.title, self.bars, self.width = title, bars, width
        self.height = self.ROW * len(bars) + 16

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = min(self.width, available_width)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        label_w = self.width * 0.52
        bar_x, bar_w = label_w + 6, self.width - label_w - 6 - 22
        top = self.height - 10
        c.setFont(f'{FONT}-Bold', 7.5)
        c.setFillColor(MUTED)
        c.drawString(0, top, self.title)
        most = max(n for _, n in self.bars) or 1
        for row, (text, n) in enumerate(self.bars):
            y = top - (row + 1) * self.ROW
            c.setFont(FONT, 8)
            c.setFillColor(INK)
            c.drawString(0, y, _fit(text, FONT, 8, label_w))
            c.setFillColor(BAR)
            c.rect(bar_x, y - 1.5, max(1.5, bar_w * n / most), 8.5, stroke=0, fill=1)
            c.setFillColor(MUTED)
            c.setFont(f'{FONT}-Bold', 8)
            c.drawString(bar_x + bar_w * n / most + 4, y, str(n))


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + '…', font, size) > width:
        text = text[:-1]
    return text.rstrip() + '…'


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, doc: ProtocolDocument) -> None:
        _ = layout.words(doc)
        super().__init__(
            buffer, pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP, bottomMargin=BOTTOM,
            title=doc.title, author=doc.organiser or doc.title, subject=_('Minutes of the workshop'),
            creator='workshop', keywords=', '.join(p for p in (_('Minutes'), doc.title) if p),
            lang='de-DE' if doc.language == 'de' else 'en-GB', initialFontName=FONT)
        frame = Frame(LEFT, BOTTOM, WIDTH, FRAME_H, id='body', leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id='page', frames=[frame], onPage=self._decorate,
                                            onPageEnd=self._running_head)])
        self.protocol = doc
        self.header = _('Minutes') + ' · ' + doc.title
        self.status = layout.status_line(doc)
        self._bookmarks = 0
        self.section = ''  # the last chapter or topic heading so far, for the running head

    def _decorate(self, canv: pdfcanvas.Canvas, _doc: BaseDocTemplate) -> None:
        """Footer: the status (draft / final version) and, later, "page X of Y"."""
        canv.saveState()
        canv.setFont(FONT, 8)
        canv.setFillColor(MUTED)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(LEFT, 14.5 * mm, PAGE_W - RIGHT, 14.5 * mm)
        canv.drawString(LEFT, 10.5 * mm, _fit(self.status, FONT, 8, WIDTH - 35 * mm))
        canv.restoreState()

    def _running_head(self, canv: pdfcanvas.Canvas, _doc: BaseDocTemplate) -> None:
        """Header (drawn when the page is full): the title, and the chapter or topic the page ends in,
        so that a reader of page 37 knows which workshop's contributions these are."""
        if canv.getPageNumber() == 1:
            return
        canv.saveState()
        canv.setFont(FONT, 8)
        canv.setFillColor(MUTED)
        half = WIDTH / 2 - 4 * mm
        canv.drawString(LEFT, PAGE_H - 14 * mm, _fit(self.header, FONT, 8, half))
        canv.drawRightString(PAGE_W - RIGHT, PAGE_H - 14 * mm, _fit(self.section, FONT, 8, half))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(LEFT, PAGE_H - 15.8 * mm, PAGE_W - RIGHT, PAGE_H - 15.8 * mm)
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if getattr(flowable, 'outline_level', None) is not None:  # a heading or a cluster's title
            if flowable.outline_level <= 1:
                self.section = flowable.outline_title
            self._bookmarks += 1
            key = f'h{self._bookmarks}'
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_title, key, level=flowable.outline_level,
                                      closed=flowable.outline_level >= 1)


def _canvas_maker(page_words: str) -> type[pdfcanvas.Canvas]:
    """A canvas that writes "page X of Y" once it knows Y (all pages are kept until the end)."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._doc.pageCounter += 1  # bookmarks made on the next page point to it ("Page2", …)
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            self._doc.pageCounter = 1  # the pages are added now, under the names the bookmarks used
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_W - RIGHT, 10.5 * mm,
                                     page_words.format(page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


KEEP_MAX = 55 * mm  # a heading moves to the next page with what follows only if less than this is left


def _keep(flowable: Flowable) -> Flowable:
    """Mark a flowable (a heading) to stay on the page of the flowable after it."""
    flowable._keep_next = True
    return flowable


class _KeepWithNext(KeepTogether):
    """Headings with what follows: on to the next page only when little room is left (or the heading
    itself does not fit); otherwise the content starts here and splits as usual."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, '_wrapInfo', None) != (aW, aH):
            self.wrap(aW, aH)
        content = self._content[:]
        frame = getattr(self, '_frame', None)
        at_top = getattr(frame, '_atTop', False)
        if self._H > aH and (aH < KEEP_MAX or self._H0 > aH) and not at_top:
            content.insert(0, self.FrameBreak())
        return content


def _kept_together(story: list[Flowable]) -> list[Flowable]:
    """Each run of headings stays with the next flowable, but a heading never leaves more than
    ``KEEP_MAX`` of a page empty: a long list starts under its heading and runs on to the next page."""
    out: list[Flowable] = []
    i = 0
    while i < len(story):
        if getattr(story[i], '_keep_next', False):
            group = []
            while i < len(story) and (getattr(story[i], '_keep_next', False) or isinstance(story[i], Spacer)):
                group.append(story[i])
                i += 1
            if i < len(story):
                group.append(story[i])
                i += 1
            out.append(_KeepWithNext(group))
        else:
            out.append(story[i])
            i += 1
    return out


def render_pdf(doc: ProtocolDocument) -> bytes:
    register_fonts()
    _ = layout.words(doc)
    s = _styles(doc.language, colors.HexColor(doc.colour) if doc.colour else ACCENT)
    story: list[Flowable] = []
    for block in layout.build(doc):
        story.extend(_flowables(block, s, doc))
    story = _kept_together(story)
    buffer = io.BytesIO()
    template = _Doc(buffer, doc)
    template.build(story, canvasmaker=_canvas_maker(_('Page {page} of {pages}')))
    return buffer.getvalue()


def _prose(block: layout.Prose, s: dict[str, ParagraphStyle], *, body: str = 'body',
           bullet: str = 'bullet') -> list[Flowable]:
    out: list[Flowable] = []
    for part in block.parts:
        if isinstance(part, list):
            out.extend(Paragraph(_x(item), s[bullet], bulletText='•') for item in part)
            out.append(Spacer(1, 3))
        else:
            out.append(Paragraph(_x(part), s['muted' if block.muted else body]))
    return out


def _flowables(block: layout.Block, s: dict[str, ParagraphStyle], doc: ProtocolDocument) -> list[Flowable]:
    if isinstance(block, layout.TitleBlock):
        return _title(block, s, doc)
    if isinstance(block, layout.Heading):
        space = {1: 45 * mm, 2: 35 * mm}.get(block.level, 22 * mm)  # no heading at the foot of a page
        return [CondPageBreak(space), _keep(_Heading(block.text, s[f'h{block.level}'], block.outline))]
    if isinstance(block, layout.Prose):
        return _prose(block, s)
    if isinstance(block, layout.Note):
        note = Paragraph(_x(block.text), s['note'])
        return [_keep(note) if block.text.endswith(':') else note]
    if isinstance(block, layout.Bullets):
        return [Paragraph(_x(item), s['bullet'], bulletText='•') for item in block.items] + [Spacer(1, 4)]
    if isinstance(block, layout.Table):
        return [_table(block, s), Spacer(1, 6)]
    if isinstance(block, layout.Agenda):
        return [*_agenda(block, s), Spacer(1, 4)]
    if isinstance(block, layout.Numbered):
        body = _prose(block.prose, s, body='conclusion_body', bullet='conclusion_bullet')
        title = Paragraph(f'{block.number}.\u00a0\u00a0{_x(block.title)}', s['conclusion'])
        return [_keep(title), *body]
    if isinstance(block, layout.Chart):
        return [BarChart(block.title, block.bars, WIDTH - 14), Spacer(1, 6)]
    if isinstance(block, layout.Contributions):
        return _contributions(block, s)
    raise TypeError(f'unknown block {block!r}')


def _title(block: layout.TitleBlock, s: dict[str, ParagraphStyle], doc: ProtocolDocument) -> list[Flowable]:
    head: list[Flowable] = [Paragraph(_x(block.kicker.upper()), s['kicker']), Paragraph(_x(block.title), s['title'])]
    if block.subtitle:
        head.append(Paragraph(_x(block.subtitle), s['subtitle']))
    logo = _logo(doc)
    if logo is not None:
        top = Table([[head, logo]], colWidths=[WIDTH - 50 * mm, 50 * mm])
        top.setStyle(TableStyle(_CELLS + [('ALIGN', (1, 0), (1, 0), 'RIGHT'),
                                 ('LEFTPADDING', (0, 0), (-1, -1), 0), ('RIGHTPADDING', (0, 0), (-1, -1), 0),
                                 ('TOPPADDING', (0, 0), (-1, -1), 0), ('BOTTOMPADDING', (0, 0), (-1, -1), 0)]))
        flow: list[Flowable] = [top]
    else:
        flow = head
    rows = [[Paragraph(_x(label), s['fact_label']),
             [Paragraph(_x(line), s['fact']) for line in value.split('\n')]] for label, value in block.facts]
    facts = Table(rows, colWidths=[34 * mm, WIDTH - 34 * mm])
    accent = s['kicker'].textColor  # the organisation's colour
    facts.setStyle(TableStyle(_CELLS + [
        ('LEFTPADDING', (0, 0), (-1, -1), 0),
        ('RIGHTPADDING', (0, 0), (-1, -1), 6), ('TOPPADDING', (0, 0), (-1, -1), 4),
        ('BOTTOMPADDING', (0, 0), (-1, -1), 4), ('LINEABOVE', (0, 0), (-1, 0), 1.2, accent),
        ('LINEBELOW', (0, 0), (-1, -2), 0.4, RULE), ('LINEBELOW', (0, -1), (-1, -1), 1.2, accent),
    ]))
    flow += [Spacer(1, 6), facts, Paragraph(_x(block.status), s['status'])]
    if block.checksum:
        flow.append(Paragraph(_x(block.checksum), s['note']))
    flow.append(Spacer(1, 10))
    return flow


def _logo(doc: ProtocolDocument) -> Image | None:
    if not doc.logo:
        return None
    try:
        from reportlab.lib.utils import ImageReader
        reader = ImageReader(io.BytesIO(doc.logo))
        w, h = reader.getSize()
    except Exception:  # noqa: BLE001 - a broken image must not break the protocol
        return None
    scale = min(45 * mm / w, 20 * mm / h)
    image = Image(io.BytesIO(doc.logo), width=w * scale, height=h * scale)
    image.hAlign = 'RIGHT'
    return image


def _table(block: layout.Table, s: dict[str, ParagraphStyle]) -> Table:
    def cells(values: list[str], head: bool = False) -> list[Paragraph]:
        return [Paragraph(_x(v), s[('cell_head' if head else 'cell') + ('_r' if n else '')])
                for v, n in zip(values, block.numeric, strict=False)]
    data = [cells(block.header, head=True)] + [cells(r) for r in block.rows]
    if block.total:
        data.append([Paragraph(f'<b>{_x(v)}</b>', s['cell_r' if n else 'cell']) for v, n in
                     zip(block.total, block.numeric, strict=False)])
    numeric_w = 26 * mm
    first = min(WIDTH - numeric_w * (len(block.header) - 1), 95 * mm)
    table = Table(data, colWidths=[first] + [numeric_w] * (len(block.header) - 1), repeatRows=1, hAlign='LEFT')
    style = _CELLS + [('LEFTPADDING', (0, 0), (-1, -1), 4),
             ('RIGHTPADDING', (0, 0), (-1, -1), 4), ('TOPPADDING', (0, 0), (-1, -1), 3),
             ('BOTTOMPADDING', (0, 0), (-1, -1), 3), ('LINEBELOW', (0, 0), (-1, 0), 0.8, INK),
             ('LINEBELOW', (0, 1), (-1, -1), 0.3, RULE)]
    if block.total:
        style.append(('LINEABOVE', (0, -1), (-1, -1), 0.8, INK))
    table.setStyle(TableStyle(style))
    return table


def _agenda(block: layout.Agenda, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = []
    for row in block.rows:
        body: list[Flowable] = [Paragraph(_x(row.title), s['cell'])]
        if row.speaker:
            body.append(Paragraph(_x(row.speaker), s['note']))
        body.extend(Paragraph(_x(d), s['agenda_detail'], bulletText='–') for d in row.details)
        rows.append([Paragraph(_x(row.time), s['agenda_time']), body])
    def table(part: list, last: bool) -> Table:
        t = Table(part, colWidths=[18 * mm, WIDTH - 18 * mm], hAlign='LEFT')
        t.setStyle(TableStyle(_CELLS + [('LEFTPADDING', (0, 0), (-1, -1), 0),
                               ('RIGHTPADDING', (0, 0), (-1, -1), 4), ('TOPPADDING', (0, 0), (-1, -1), 4),
                               ('BOTTOMPADDING', (0, 0), (-1, -1), 1),
                               ('LINEBELOW', (0, 0), (-1, -2 if last else -1), 0.3, RULE)]))
        return t
    if len(rows) <= 3:
        return [table(rows, True)] if rows else []
    # the last two rows go together: no single agenda item alone at the top of a page
    return [table(rows[:-2], False), KeepTogether([table(rows[-2:], True)])]


class _Contribution(Flowable):
    """One idea: its text (with a bullet, and a small note line) and the dots right-aligned on its first line,
    a hairline below. Much lighter than a table row: a large workshop has thousands of them."""

    PAD = 2.2
    DOTS_W = 24 * mm

    def __init__(self, text: Paragraph, dots: str | None, *, rule: bool, more: list[Paragraph] | None = None) -> None:
        super().__init__()
        self.text, self.dots, self.rule = text, dots, rule
        self.more = more or []  # the moderation's sub-points and the lines after them, below the text

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _w, h = self.text.wrap(self._text_width(available_width), available_height)
        for part in self.more:
            h += part.wrap(self._text_width(available_width), available_height)[1] + part.getSpaceBefore()
        self.height = h + 2 * self.PAD
        return self.width, self.height

    def _text_width(self, available_width: float) -> float:
        """The column beside the dots; the whole width for an idea without dots (a long one wraps less)."""
        return available_width - (self.DOTS_W if self.dots else 0)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """An idea that fits on a page moves to the next one as a whole (also the moderation's longest, 2,000
        characters); only one taller than a page (many short lines) is split between its lines."""
        if self.height <= FRAME_H:
            return []
        if self.more:  # the text and each sub-point on their own, each moved or split as it needs
            last = len(self.more) - 1
            return [_Contribution(self.text, self.dots, rule=False),
                    *(_Contribution(part, None, rule=self.rule and n == last) for n, part in enumerate(self.more))]
        parts = self.text.split(self._text_width(available_width), available_height - 2 * self.PAD)
        if len(parts) < 2:
            return []
        return [_Contribution(parts[0], self.dots, rule=False),
                *(_Contribution(part, None, rule=self.rule) for part in parts[1:])]

    def draw(self) -> None:
        c = self.canv
        y = self.height - self.PAD - self.text.height  # top down: the text's order is the reading order
        self.text.drawOn(c, 0, y)
        for part in self.more:
            y -= part.getSpaceBefore() + part.height
            part.drawOn(c, 0, y)
        if self.dots:
            style = self.text.style
            c.setFont(FONT, 8.5)
            c.setFillColor(MUTED)
            c.drawRightString(self.width, self.height - self.PAD - style.fontSize, self.dots)
        if self.rule:
            c.setStrokeColor(RULE)
            c.setLineWidth(0.25)
            c.line(0, 0, self.width, 0)


class _ClusterHeading(Flowable):
    """A cluster's title: a bar in its colour on the left, the title, its summed dots right-aligned; in the outline
    one level below its question."""

    BAR_W, GAP, SPACE_BEFORE, PAD = 3, 6, 9, 2.5

    def __init__(self, block: layout.Contributions, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = Paragraph(_x(block.heading), style)
        self.dots, self.colour = block.dots, block.colour
        self.outline_title, self.outline_level = block.heading, block.level - 1

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _w, h = self.text.wrap(available_width - self.BAR_W - self.GAP - _Contribution.DOTS_W, available_height)
        self.height = h + 2 * self.PAD
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.SPACE_BEFORE

    def getSpaceAfter(self) -> float:
        return 2

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(colors.HexColor(self.colour) if self.colour else RULE)
        c.rect(0, 0, self.BAR_W, self.height, stroke=0, fill=1)
        self.text.drawOn(c, self.BAR_W + self.GAP, self.PAD)
        if self.dots:
            c.setFont(f'{FONT}-Bold', 8.5)
            c.setFillColor(MUTED)
            c.drawRightString(self.width, self.height - self.PAD - self.text.style.fontSize, self.dots)


def _contributions(block: layout.Contributions, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = []
    if block.heading:
        out.append(_keep(_ClusterHeading(block, s['group'])))
    for n, item in enumerate(block.items):
        lead, *rest = item.parts
        markup = _x(lead).replace('\n', '<br/>')  # the moderation's lines as typed
        note = f'<font size="8" color="#5f6368">{_x(item.note)}</font>' if item.note else ''
        if note and not rest:  # a second, small grey line ("2× genannt", the author)
            markup += '<br/>' + note
        more: list[Paragraph] = []
        for part in rest:  # the moderation's "- " sub-points as a list one level down
            if isinstance(part, list):
                more.extend(Paragraph(_x(point), s['sub_point'], bulletText='–') for point in part)
            else:
                more.append(Paragraph(_x(part).replace('\n', '<br/>'), s['idea']))
        if note and rest:
            more.append(Paragraph(note, s['idea']))
        # later rounds' gallery walk on it (dots, comments), small and grey, one level down
        more.extend(Paragraph(f'<font color="#5f6368">{_x(line)}</font>', s['sub_point'], bulletText='–')
                    for line in item.walk)
        out.append(_Contribution(Paragraph(markup, s['idea'], bulletText='•'), item.dots,
                                 rule=n < len(block.items) - 1, more=more))
    out.append(Spacer(1, 4))
    return out
