"""The PDF, built from an archive and read back with pypdf."""

import io
import re

from PIL import Image
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from workshop.protocol import pdf
from workshop.protocol.pdf import render_pdf
from workshop.services import facilitation, ideas, participants, protocol, votes
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .conftest import LONG_COMPOUND
from .helpers import archive_of, document_from_archive, pdf_text, squash

CHAPTERS_DE = ['1 Ablauf', '2 Ausgangssituation', '3 Teilnahme', '4 Verlauf',
               '5 Kernergebnisse der einzelnen Workshops', '6 Schlussfolgerungen und Handlungsempfehlungen',
               'Anlage: Beiträge zu den Leitfragen']


async def _pdf(db, ran) -> tuple[bytes, str]:
    doc = await document_from_archive(db, await archive_of(db, ran.links.workshop_id))
    content = render_pdf(doc)
    return content, pdf_text(content)


def _positions(text: str, needles: list[str]) -> list[int]:
    squashed = squash(text)
    return [squashed.index(squash(n)) for n in needles]


async def test_every_section_is_there_in_order(db, ran):
    _content, text = await _pdf(db, ran)
    title = 'Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft'
    sections = [title, 'Datum', 'Uhrzeit', 'Online-Veranstaltung', 'Veranstalter', 'Moderation', 'Teilnehmende',
                *CHAPTERS_DE]
    positions = _positions(text, sections)
    assert positions == sorted(positions)
    # per topic: key results in chapter 5 (both rounds merged), then the appendix per topic and question
    topic = '5.1 Workshop 1: Entstehung von Netzwerken und Clustern'
    appendix = ['A.1 Workshop 1: Entstehung von Netzwerken und Clustern',
                '1. Wer sind die Initiatoren und Organisationen Ihres Clusters/Netzwerks?',
                '2. Bestanden bereits vor der Gründung des Netzwerks geschäftliche Beziehungen',
                'A.2 Workshop 2: Clusterstrategien und Strategieentwicklung',
                '1. Generelle Leistungsfähigkeit von Clusterinitiativen',
                'a. Wo werden Faktoren gesehen, um generell die Leistungsfähigkeit zu steigern?',
                'b. Beitrag von Clusterstrategien zur Steigerung der Leistungsfähigkeit?',
                'A.3 Workshop 3: Zukunftsthemen und Cross-Innovationen']
    positions = _positions(text, [topic, *ran.key_results, CHAPTERS_DE[5], *ran.conclusions, CHAPTERS_DE[6],
                                  *appendix])
    assert positions == sorted(positions)
    # questions nobody answered are left out of the appendix (a themed block too), without a placeholder line
    appendix_text = squash(text)[squash(text).index(squash(CHAPTERS_DE[6])):]
    for unanswered in ('3. Unterstützungsbedarfe bei der Strategieentwicklung', '2. Identifizierung von strategischen',
                       'Keine Beiträge', 'Noch keine Kernergebnisse erfasst'):
        assert squash(unanswered) not in appendix_text, unanswered
    assert 'W 1.1 (3 Personen), W 2.1 (2 Personen)' in text
    assert squash('Am Workshop nahmen rund 7 Vertreterinnen und Vertreter aus Unternehmen, Hochschulen und '
                  'Forschungseinrichtungen teil.') in squash(text)
    assert 'Entwurf, Stand' in text and 'Seite 1 von' in text


async def test_every_visible_idea_once_with_its_dots_hidden_and_merged_ones_absent(db, ran):
    _content, text = await _pdf(db, ran)
    squashed = squash(text)
    for idea, dots in ran.visible.items():
        bullet = squash('•' + idea)
        assert squashed.count(bullet) == 1, idea
        after = squashed[squashed.index(bullet) + len(bullet):]
        after = after[:after.find('•')] if '•' in after else after
        if idea in ran.unvoted or not dots:  # no dots: no count at all, never "0 Punkte"
            assert 'Punkt' not in after, idea
        else:
            assert squash(f'{dots} Punkt' if dots == 1 else f'{dots} Punkte') in after, idea
    for gone in ran.hidden + ran.merged:
        assert squash(gone) not in squashed
    assert '2× genannt' in text  # the merged duplicate is counted, not repeated
    # umlauts, ß, €, typographic quotes survive (embedded Unicode font)
    for word in ('Großunternehmen', 'Wirtschaftsförderung der Region als „Türöffner“ für KMU', '50.000 €',
                 'Öffentliche Hand & Wissenschaft', "<script>alert('x')</script>"):
        assert squash(word) in squashed, word


async def test_ideas_are_ordered_by_dots_under_the_headings(db, ran):
    _content, text = await _pdf(db, ran)
    order = ['Öffentliche Hand & Wissenschaft', '•Wirtschaftsförderung der Region', '•Hochschulen und Kammern',
             'Wirtschaft', '•Großunternehmen', 'Weitere Beiträge', '•Landesministerium als Initiator',
             "•<script>alert('x')"]
    appendix = squash(text)[squash(text).index(squash('Meiste Punkte')):]  # after the bar chart
    position = 0
    for needle in order:  # each one after the one before
        position = appendix.index(squash(needle), position) + len(squash(needle))
    assert appendix.count(squash('•Hochschulen und Kammern')) == 1


async def test_metadata_outline_fonts_and_page_numbers(db, ran):
    content, _text = await _pdf(db, ran)
    reader = PdfReader(io.BytesIO(content))
    meta = reader.metadata
    assert meta.title == 'Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft'
    assert meta.author == 'Ministerium für Wirtschaft (Landesministerium)'
    assert meta.subject == 'Protokoll des Workshops'
    assert reader.trailer['/Root']['/Lang'] == 'de-DE'

    entries: list[tuple[int, str, int]] = []

    def walk(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline)
    chapters = [title for depth, title, _page in entries if depth == 0]
    assert chapters == CHAPTERS_DE
    topics = [title for depth, title, _page in entries if depth == 1]
    assert topics[:3] == ['5.1 Workshop 1: Entstehung von Netzwerken und Clustern',
                          '5.2 Workshop 2: Clusterstrategien und Strategieentwicklung',
                          '5.3 Workshop 3: Zukunftsthemen und Cross-Innovationen']
    assert topics[3:] == ['A.1 Workshop 1: Entstehung von Netzwerken und Clustern',
                          'A.2 Workshop 2: Clusterstrategien und Strategieentwicklung',
                          'A.3 Workshop 3: Zukunftsthemen und Cross-Innovationen']
    pages = [page for _depth, _title, page in entries]
    assert pages == sorted(pages) and pages[-1] > pages[0]  # bookmarks lead to their pages
    total = len(reader.pages)
    assert f'Seite {total} von {total}' in reader.pages[-1].extract_text()
    for page in reader.pages:  # every font is embedded (no Helvetica fallback)
        for font in page['/Resources']['/Font'].values():
            font = font.get_object()
            assert re.match(r'/[A-Z]{6}\+DejaVuSans', font['/BaseFont']), font['/BaseFont']


async def test_long_compound_words_wrap_inside_the_column():
    pdf.register_fonts()
    styles = pdf._styles('de')
    word = 'Clusterstrategieprozessoptimierungsmaßnahmenentwicklungsgesellschaftsvertrag'
    width = 60 * 2.8346  # a narrow column, 60 mm
    paragraph = Paragraph(f'{word} und {word}', styles['idea'])
    paragraph.wrap(width, 1000)
    lines = paragraph.blPara.lines
    assert len(lines) > 2
    assert max(paragraph.getActualLineWidths0()) <= width + 0.01  # (the widths include the indent)
    assert all(extra >= 0 for extra, _words in lines)  # no line runs past the margin
    assert lines[0][1] == ['Clusterstrategieprozessoptimie-']  # broken at a syllable, with a hyphen


async def test_long_idea_in_the_rendered_pdf(db, ran):
    _content, text = await _pdf(db, ran)
    assert squash(LONG_COMPOUND) in squash(text)


async def test_english_protocol_with_logo(db, bus):
    links = await create_from_template(db, template=load_template('stakeholder-workshop-en'))
    _p, token = await participants.join(db, code=links.join_code, stakeholder_group='Universities')
    await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id,
                                       breakout_id=links.breakouts[0].breakout_id)
    idea = await ideas.post_idea(db, bus, token=token, breakout_id=links.breakouts[0].breakout_id,
                                 text='Shared test labs for SMEs', client_id='en-1')
    await facilitation.set_phase(db, bus, secret=links.breakouts[0].moderator_secret, phase='vote')
    await votes.cast_dot(db, bus, token=token, idea_id=idea.id)
    logo = io.BytesIO()
    Image.new('RGB', (400, 120), (11, 92, 173)).save(logo, 'PNG')
    await protocol.set_logo(db, bus, lead_secret=links.lead_secret, content=logo.getvalue())
    doc = await document_from_archive(db, await archive_of(db, links.workshop_id))
    content = render_pdf(doc)
    text = pdf_text(content)
    for heading in ('MINUTES', '1 Agenda', '2 Background', '3 Participation', '4 Proceedings',
                    '5 Key results of the workshops', '6 Conclusions and recommendations',
                    'Appendix: contributions to the guiding questions',
                    'Page 1 of', 'Hybrid event', 'One representative of Universities took part in the workshop.'):
        assert squash(heading) in squash(text), heading
    assert squash('•Shared test labs for SMEs') in squash(text) and '1 dot' in text
    reader = PdfReader(io.BytesIO(content))
    assert reader.trailer['/Root']['/Lang'] == 'en-GB'
    first = reader.pages[0]['/Resources']
    assert any(x.get_object()['/Subtype'] == '/Image' for x in first['/XObject'].values())  # the logo


async def test_a_contribution_taller_than_a_page_runs_on_to_the_next(db, bus, ran):
    """The moderation may write 2,000 characters in lines: 170 short sub-points do not fit on one page, so that
    contribution (and only such a one) is split between its lines instead of breaking the rendering."""
    from workshop.services import curation
    secret = next(b for b in ran.links.breakouts if b.label == 'W 1.1').moderator_secret
    points = [f'- Punkt {n}' for n in range(1, 171)]
    await curation.add_idea(db, bus, secret=secret, text='Vom Flipchart:\n' + '\n'.join(points))
    content, text = await _pdf(db, ran)
    lines = [line.strip() for line in text.split('\n')]
    assert all(f'– {point[2:]}' in lines for point in points)  # every sub-point, each a bullet of its own
    pages = [n for n, page in enumerate(PdfReader(io.BytesIO(content)).pages) if '– Punkt' in page.extract_text()]
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1))
