"""The plenary summary as slides: opened with python-pptx, its texts in order, nothing off the slide."""

import dataclasses
import io

from pptx import Presentation
from pptx.util import Emu

from workshop.protocol import pptx as slides
from workshop.protocol.document import load_document
from workshop.protocol.layout import long_date
from workshop.protocol.pptx import render_pptx

from .helpers import archive_of, document_from_archive

BULLET = '{http://schemas.openxmlformats.org/drawingml/2006/main}buChar'


def _texts(deck) -> list[list[str]]:
    """Per slide the paragraphs of its text boxes, in order."""
    return [[p.text for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs if p.text]
            for slide in deck.slides]


def _deck(content: bytes):
    return Presentation(io.BytesIO(content))


def _level(paragraph) -> int:
    """-1 for a section heading (no bullet), else the bullet's level from its indent."""
    p_pr = paragraph._p.pPr
    if p_pr is None or p_pr.find(BULLET) is None:
        return -1
    return int(p_pr.get('marL')) // slides.INDENT - 1


async def _doc(db, ran):
    async with db.session() as session:
        return await load_document(session, ran.links.workshop_id)


def _inside(deck) -> None:
    """Every shape on the slide, and the measured text of every text box inside the box."""
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    for n, slide in enumerate(deck.slides):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, n
            assert shape.left + shape.width <= deck.slide_width, (n, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (n, shape.name)
            if shape.has_text_frame and shape.text_frame.text:
                used = 0
                for paragraph in shape.text_frame.paragraphs:
                    indent = int(paragraph._p.pPr.get('marL', 0)) if paragraph._p.pPr is not None else 0
                    used += slides.text_height(paragraph.text, paragraph.runs[0].font.size.pt, shape.width - indent)
                    used += paragraph.space_before or 0
                assert used <= shape.height, (n, shape.text_frame.text[:60])


async def test_title_then_each_topic_with_key_results_and_most_dots(db, ran):
    doc = await _doc(db, ran)
    deck = _deck(render_pptx(doc))
    texts = _texts(deck)
    assert texts[0][:2] == ['Resümee', 'Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft']
    assert 'Veranstalter: ' + doc.organiser in texts[0] and long_date(doc, doc.date) in texts[0][-3]
    titles = [t[0] for t in texts[1:]]
    assert titles == ['Workshop 1: Entstehung von Netzwerken und Clustern',
                      'Workshop 2: Clusterstrategien und Strategieentwicklung',
                      'Workshop 3: Zukunftsthemen und Cross-Innovationen']
    first = texts[1]
    assert first[1].startswith('W 1.1') and 'W 2.1' in first[1]  # the breakouts of the topic
    body = first[2:-1]  # without the footer
    assert body[:3] == ['Kernergebnisse', 'Initiatoren sind meist Hochschulen, Kammern und die Wirtschaftsförderung.',
                        'Das Land sollte als Initiator auftreten.']  # the breakouts' key results, repeats dropped
    question = body.index('Öffentliche Hand als Türöffner')  # a question's key result, under its question
    assert body[question - 1] == '1. Wer sind die Initiatoren und Organisationen Ihres Clusters/Netzwerks?'
    clusters = body.index('Cluster mit den meisten Punkten')
    assert body[clusters + 1:clusters + 3] == ['Öffentliche Hand & Wissenschaft – 4 Punkte', 'Wirtschaft – 2 Punkte']
    ideas = body.index('Beiträge mit den meisten Punkten')
    assert body[ideas + 1:] == ['Wirtschaftsförderung der Region als „Türöffner“ für KMU – 3 Punkte',
                                'Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau) – 2 Punkte',
                                'Hochschulen und Kammern als Initiatoren – 1 Punkt',
                                'Landesministerium als Initiator von Clustern – 1 Punkt']
    assert not any('0 Punkte' in line for slide in texts for line in slide)
    # a topic without results or dots: its title and facts, no empty section headings
    assert 'Kernergebnisse' not in texts[3] and 'Beiträge mit den meisten Punkten' not in texts[3]
    assert texts[3][-1] == f'Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft · {long_date(doc, doc.date)}'
    _inside(deck)
    bullets = deck.slides[1].shapes[3].text_frame.paragraphs
    assert _level(bullets[0]) == -1 and _level(bullets[1]) == 0


async def test_a_long_topic_goes_on_over_further_slides(db, ran):
    doc = await _doc(db, ran)
    many = [f'Ergebnis {n}: ' + 'ein recht ausführlich formuliertes Kernergebnis mit Begründung ' * 3
            for n in range(1, 21)]
    long_idea = 'Sehr langer Beitrag der Moderation ' * 60  # 2,000 characters: shortened on the slide
    topic = dataclasses.replace(doc.topics[0], key_results=[long_idea] + many)
    deck = _deck(render_pptx(dataclasses.replace(doc, topics=[topic])))
    words = 'Regionale Innovationsstrategie für intelligente Spezialisierung und Clusterentwicklung '
    longest = dataclasses.replace(doc, title=words * 3, subtitle=words * 3, organiser=words * 3, topics=[
        dataclasses.replace(topic, title=words * 2)])
    _inside(_deck(render_pptx(longest)))  # every text shortened and sized to fit its box
    texts = _texts(deck)
    assert len(texts) >= 4  # the title slide and the topic over at least three slides
    assert texts[1][0] == 'Workshop 1: Entstehung von Netzwerken und Clustern'
    assert all(t[0] == 'Workshop 1: Entstehung von Netzwerken und Clustern (Fortsetzung)' for t in texts[2:])
    body = [line for t in texts[1:] for line in t[2:-1]]
    results = [line for line in body if line.startswith('Ergebnis ')]
    assert [r.split(':')[0] for r in results] == [f'Ergebnis {n}' for n in range(1, 21)]  # all, in order
    assert texts[2][2] == 'Kernergebnisse'  # the section goes on under its heading
    shortened = body[1]
    assert shortened.endswith('…') and len(shortened) <= slides.MAX_CHARS
    assert body[-1] == 'Landesministerium als Initiator von Clustern – 1 Punkt'
    _inside(deck)


def test_pagination_keeps_a_heading_with_its_first_item():
    head, item = slides.Item('Kernergebnisse', -1), slides.Item('x ' * 30)
    room = slides.height(head) + slides.height(item) * 2 + slides.height(item) // 2
    pages = slides.paginate([item, item, head, item, item], room=room)
    assert pages == [[item, item], [head, item, item]]  # not a heading alone at the end of the first
    assert slides.paginate([]) == [[]]
    assert slides.height(slides.Item('x' * 400)) > slides.height(slides.Item('x' * 40)) > 0
    assert Emu(slides.BODY_TOP + slides.BODY_HEIGHT) <= slides.FOOTER_TOP


async def test_from_an_archive_as_the_other_formats(db, ran):
    doc = await document_from_archive(db, await archive_of(db, ran.links.workshop_id))
    texts = _texts(_deck(render_pptx(doc)))
    assert len(texts) == 4 and 'Öffentliche Hand & Wissenschaft – 4 Punkte' in texts[1]
