"""The plenary summary ("Resümee") as slides (python-pptx), for the organiser's slide deck.

Built from the same document as the protocol: a title slide (title, date and time,
format, organiser), then per topic its key results (the topic level, as the protocol prints it, then each
guiding question's that it does not say already) and what got the most dots (clusters, then ideas; nothing of
dots when the protocol's option leaves them out). 16:9, one text box per slide; a topic that does not fit goes on
over further slides ("continued"), measured by ``height`` before anything is placed, so that no text leaves its box and
no box leaves the slide.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Paragraph
from pptx.util import Emu, Inches, Pt

from . import layout
from .document import ProtocolDocument, TopicSection

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9 (13.333 × 7.5 in), as PowerPoint makes it
MARGIN = Inches(0.6)
BODY_TOP, BODY_HEIGHT = Inches(1.75), Inches(5.15)
FOOTER_TOP = Inches(7.0)
ACCENT = RGBColor(0x0B, 0x5C, 0xAD)
MUTED = RGBColor(0x5F, 0x63, 0x68)
TOP_CLUSTERS, TOP_IDEAS = 3, 5
MAX_CHARS = 320  # a longer key result is cut at a word ("…"): a slide is no place for a whole paragraph
IDEA_CHARS = 180  # an idea among the most dotted, likewise
BODY_PT, HEAD_PT, INDENT = 18, 20, Inches(0.35)
CHAR_WIDTH = 0.55  # of the font size: a wide average, so that the estimate errs on the safe side
LINE = 1.2  # line height of the font size


@dataclass(frozen=True)
class Item:
    text: str
    level: int = 0  # 0 bullet, 1 sub-bullet; -1 a section heading (no bullet)
    bold: bool = False


def _size(item: Item) -> int:
    return HEAD_PT if item.level < 0 else BODY_PT


def _space_before(item: Item) -> int:
    return 12 if item.level < 0 else 4  # points


def height(item: Item) -> int:
    """The item's estimated height in EMU (wrapped lines × line height + the space before it)."""
    width = WIDTH - 2 * MARGIN - INDENT * (max(item.level, 0) + 1)
    return text_height(item.text, _size(item), width) + int(Pt(_space_before(item)))


def text_height(text: str, size: float, width: int) -> int:
    """Estimated EMU that ``text`` at ``size`` points takes in a box ``width`` EMU wide (wrapped at words, on the
    safe side: a wide average character)."""
    per_line = max(1, int(width / 12700 / (size * CHAR_WIDTH)))
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split('\n'))
    return int(Pt(lines * size * LINE))


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    text = ' '.join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(' ', 1)[0] if ' ' in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(' ,;:.-–') + '…'


def topic_items(doc: ProtocolDocument, topic: TopicSection) -> list[Item]:
    """What a topic's slides say, in order."""
    _ = layout.words(doc)
    items: list[Item] = []
    # the topic level first; a question's key results only as far as the topic level does not say them already
    # (a topic level drafted from its breakouts may be its questions')
    said = {' '.join(r.split()).casefold() for r in topic.key_results}
    questions = [(q, [r for r in q.key_results if ' '.join(r.split()).casefold() not in said])
                 for q in topic.questions]
    questions = [(q, rest) for q, rest in questions if rest]
    if topic.key_results or questions:
        items.append(Item(_('Key results'), -1))
        items.extend(Item(shorten(r)) for r in topic.key_results)
        for q, rest in questions:
            items.append(Item(shorten(f'{q.full_label} {q.text}', 160), bold=True))
            items.extend(Item(shorten(r), 1) for r in rest)
    if not doc.show_dots:  # the protocol's option: without the voting's dots, nothing ranked by them either
        return items
    clusters = sorted((g for q in topic.questions for g in q.groups if g.heading is not None and g.dots),
                      key=lambda g: -g.dots)[:TOP_CLUSTERS]
    if clusters:
        items.append(Item(_('Clusters with the most dots'), -1))
        items.extend(Item(f'{shorten(g.heading)} – {layout.dots_label(_, g.dots)}') for g in clusters)
    ideas = sorted((i for q in topic.questions for i in q.ideas if i.dots),
                   key=lambda i: (-i.dots, i.created_at))[:TOP_IDEAS]
    if ideas:
        items.append(Item(_('Ideas with the most dots'), -1))
        items.extend(Item(f'{shorten(i.text, IDEA_CHARS)} – {layout.dots_label(_, i.dots)}') for i in ideas)
    return items


def paginate(items: list[Item], room: int = BODY_HEIGHT) -> list[list[Item]]:
    """The items in slides of at most ``room`` EMU. A section (a heading and its items) that fits on a slide
    is not split (it starts a new slide instead); a longer one keeps its heading with its first item, and the
    slide that goes on under it repeats the heading."""
    pages: list[list[Item]] = [[]]
    used, heading = 0, None
    for n, item in enumerate(items):
        need = height(item)
        if item.level < 0:
            end = next((m for m in range(n + 1, len(items)) if items[m].level < 0), len(items))
            section = sum(height(i) for i in items[n:end])
            need = section if section <= room else need + (height(items[n + 1]) if n + 1 < len(items) else 0)
        if pages[-1] and used + need > room:
            pages.append([])
            used = 0
            if item.level >= 0 and heading is not None:
                pages[-1].append(heading)
                used += height(heading)
        if item.level < 0:
            heading = item
        pages[-1].append(item)
        used += height(item)
    return [p for p in pages if p] or [[]]


def render_pptx(doc: ProtocolDocument) -> bytes:
    _ = layout.words(doc)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = shorten(f'{doc.title} – {_("Summary")}', 255)  # the format's limit
    deck.core_properties.author = shorten(doc.organiser or '', 255)
    deck.core_properties.language = 'de-DE' if doc.language == 'de' else 'en-GB'
    blank = deck.slide_layouts[6]
    footer = ' · '.join(p for p in (doc.title, layout.long_date(doc, doc.date)) if p)

    slide = deck.slides.add_slide(blank)
    _bar(slide)
    _text(slide, MARGIN, Inches(1.6), Inches(0.5), [(_('Summary'), 20, True, ACCENT)])
    title_pt = 40 if len(doc.title) <= 50 else 32 if len(doc.title) <= 100 else 28
    lines = [(shorten(doc.title, 120), title_pt, True, None)]
    if doc.subtitle:
        lines.append((shorten(doc.subtitle, 120), 24, False, MUTED))
    _text(slide, MARGIN, Inches(2.2), Inches(2.6), lines)
    when = ', '.join(p for p in (layout.long_date(doc, doc.date), layout.time_range(doc)) if p)
    facts = [f for f in (when, layout.format_label(doc),
                         _('Organised by') + ': ' + doc.organiser if doc.organiser else '') if f]
    _text(slide, MARGIN, Inches(5.0), Inches(2.1), [(shorten(f, 150), 20, False, MUTED) for f in facts])

    for topic in doc.topics:
        title = layout.topic_title(_, topic)
        facts_line = shorten(layout.topic_facts(_, topic), 180)
        for n, page in enumerate(paginate(topic_items(doc, topic))):
            slide = deck.slides.add_slide(blank)
            _bar(slide)
            heading = shorten(title if n == 0 else f'{title} ({_("continued")})', 110)
            _text(slide, MARGIN, Inches(0.4), Inches(0.9), [(heading, 28 if len(heading) <= 50 else 24, True, None)])
            if facts_line:
                _text(slide, MARGIN, Inches(1.3), Inches(0.45), [(facts_line, 13, False, MUTED)])
            _bullets(slide, page)
            _text(slide, MARGIN, FOOTER_TOP, Inches(0.35), [(shorten(footer, 150), 11, False, MUTED)])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _bar(slide: Slide) -> None:
    """A thin accent bar along the top edge."""
    bar = slide.shapes.add_shape(1, 0, 0, WIDTH, Inches(0.12))  # 1: rectangle
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()


def _frame(slide: Slide, left: int, top: int, height_: int) -> TextFrame:
    box = slide.shapes.add_textbox(left, top, WIDTH - left - MARGIN, height_)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    return frame


def _text(slide: Slide, left: int, top: int, height_: int, lines: list[tuple[str, int, bool, RGBColor | None]]) -> None:
    frame = _frame(slide, left, top, height_)
    for n, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        if colour is not None:
            run.font.color.rgb = colour


def _bullets(slide: Slide, items: list[Item]) -> None:
    frame = _frame(slide, MARGIN, BODY_TOP, BODY_HEIGHT)
    for n, item in enumerate(items):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        paragraph.space_before = Pt(_space_before(item)) if n else Pt(0)
        paragraph.line_spacing = LINE
        run = paragraph.add_run()
        run.text = item.text
        run.font.size, run.font.bold = Pt(_size(item)), item.bold or item.level < 0
        if item.level < 0:
            run.font.color.rgb = ACCENT
        else:
            _bullet(paragraph, item.level)


def _bullet(paragraph: _Paragraph, level: int) -> None:
    """A real bullet (a text box has none by default), hanging, indented by level."""
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set('marL', str(Emu(INDENT * (level + 1))))
    p_pr.set('indent', str(-Emu(INDENT)))
    char = p_pr.makeelement(qn('a:buChar'), {'char': '•' if level == 0 else '–'})
    p_pr.append(char)
