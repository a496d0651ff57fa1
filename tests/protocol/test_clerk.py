"""The protocol as a ministry clerk files it, in every format: an idea or cluster without dots shows no count
("0 Punkte" would rank a stakeholder's statement), a question nobody answered is left out of the appendix instead
of "Keine Beiträge.", no "Noch keine Kernergebnisse erfasst." under a topic, and counts take the form of their
number ("1 Person")."""

import csv
import io
import re

from sqlmodel import select

from workshop.i18n import translator
from workshop.models import Idea
from workshop.protocol import layout
from workshop.protocol.csv import csv_bytes
from workshop.protocol.document import BreakoutInfo, TopicSection, load_document
from workshop.protocol.docx import render_docx
from workshop.protocol.markdown import escape, render_markdown
from workshop.protocol.pdf import render_pdf
from workshop.services import participants, results, workshops

from .conftest import SCRIPT_IDEA
from .helpers import docx_paragraphs, pdf_text, squash

ANSWERED_BY_KEY_RESULT = '3. Welche Bedeutung hat die Zusammenarbeit mit anderen Clustern und Netzwerken bei Ihnen?'
KEY_RESULT = 'Zusammenarbeit mit anderen Clustern gibt es bisher kaum.'
UNANSWERED = ['1. Welche relevanten Zukunftstechnologien', '2. Welche Trends und Entwicklungen',
              '3. Unterstützungsbedarfe bei der Strategieentwicklung', '2. Identifizierung von strategischen Themen']
PLACEHOLDERS = ['Keine Beiträge', 'Noch keine Kernergebnisse erfasst', 'No contributions', 'No key results']


async def _filed(db, bus, ran):
    """The workshop of conftest, plus: a cluster whose only idea has no dots, one person alone in W 2.3, whose
    moderator saved a key result for a question without contributions."""
    from workshop.services import curation
    links = ran.links
    w11 = next(b for b in links.breakouts if b.label == 'W 1.1')
    w23 = next(b for b in links.breakouts if b.label == 'W 2.3')
    async with db.session() as s:
        script = (await s.exec(select(Idea).where(Idea.text == SCRIPT_IDEA))).one()
        topic3 = await workshops.questions_of(s, (await workshops.get_breakout(s, w23.breakout_id)).topic_id)
    await curation.set_group(db, bus, secret=w11.moderator_secret, idea_id=script.id, group='Sonstiges')
    _p, token = await participants.join(db, code=links.join_code, stakeholder_group='Verbände und Kammern')
    await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id,
                                       breakout_id=w23.breakout_id)
    await results.save(db, bus, secret=w23.moderator_secret, question_id=topic3[2].id, items=[KEY_RESULT])
    async with db.session() as s:
        return await load_document(s, links.workshop_id)


def _appendix(text: str) -> str:
    return text[text.index('Anlage: Beiträge zu den Leitfragen'):]


async def test_markdown(db, bus, ran):
    md = render_markdown(await _filed(db, bus, ran))
    assert not re.search(r'\b0 Punkte', md)
    assert f'- {escape(SCRIPT_IDEA)}\n' in md  # the idea without dots: its text, nothing after it
    assert '##### Sonstiges\n' in md  # its cluster: the title without a count
    assert '##### Wirtschaft *(2 Punkte)*' in md  # clusters and ideas with dots keep theirs
    assert 'W 2.3 (1 Person)' in md and 'W 1.1 (3 Personen), W 2.1 (2 Personen)' in md
    for placeholder in PLACEHOLDERS:
        assert placeholder not in md, placeholder
    appendix = _appendix(md).replace('\u2002', ' ').replace('\\', '')  # "3\\." is a heading's "3."
    for question in UNANSWERED:
        assert question not in appendix, question
    # a question without contributions but with a key result: its title and the key result, nothing else (the
    # last of the last topic, whose other questions nobody answered)
    rest = appendix[appendix.index(ANSWERED_BY_KEY_RESULT) + len(ANSWERED_BY_KEY_RESULT):]
    assert rest.strip() == f'*Kernergebnisse zu dieser Leitfrage:*\n\n- {KEY_RESULT}'


async def test_pdf(db, bus, ran):
    text = pdf_text(render_pdf(await _filed(db, bus, ran)))
    squashed = squash(text)
    assert not re.search(r'(?<![0-9])0Punkte', squashed)
    script = squashed.index(squash('•' + SCRIPT_IDEA)) + len(squash('•' + SCRIPT_IDEA))
    assert not squashed[script:].startswith(squash('0 Punkt'))
    assert squash('Sonstiges') in squashed and squash('Sonstiges 0 Punkte') not in squashed
    assert 'W 2.3 (1 Person)' in text and 'W 1.1 (3 Personen), W 2.1 (2 Personen)' in text
    for placeholder in PLACEHOLDERS:
        assert squash(placeholder) not in squashed, placeholder
    appendix = squashed[squashed.index(squash('Anlage: Beiträge zu den Leitfragen')):]
    for question in UNANSWERED:
        assert squash(question) not in appendix, question
    assert squash(ANSWERED_BY_KEY_RESULT + 'Kernergebnisse zu dieser Leitfrage:•' + KEY_RESULT) in appendix


async def test_docx(db, bus, ran):
    paragraphs = docx_paragraphs(render_docx(await _filed(db, bus, ran)))
    texts = [t.replace('\u2002', ' ') for _s, t in paragraphs]
    assert not any(re.search(r'\b0 Punkte', t) for t in texts)
    assert ('Contribution', SCRIPT_IDEA) in paragraphs  # no tab, no count
    assert ('Heading 4', 'Sonstiges') in paragraphs and ('Heading 4', 'Wirtschaft\u2002·\u20022 Punkte') in paragraphs
    assert any('W 2.3 (1 Person)' in t for t in texts)
    for placeholder in PLACEHOLDERS:
        assert not any(placeholder in t for t in texts), placeholder
    appendix = texts[texts.index('Anlage: Beiträge zu den Leitfragen'):]
    for question in UNANSWERED:
        assert not any(t.startswith(question) for t in appendix), question
    at = appendix.index(ANSWERED_BY_KEY_RESULT)
    assert appendix[at + 1:at + 3] == ['Kernergebnisse zu dieser Leitfrage:', KEY_RESULT]


async def test_csv_keeps_the_number_column(db, bus, ran):
    content = csv_bytes(await _filed(db, bus, ran))
    rows = list(csv.reader(io.StringIO(content.decode('utf-8-sig')), delimiter=';'))
    script = next(r for r in rows if r[4] == SCRIPT_IDEA)
    assert (rows[0][5], script[5], script[6]) == ('Punkte', '0', 'Sonstiges')


def test_counts_take_the_form_of_their_number_in_both_languages():
    def breakout(label: str, members: int) -> BreakoutInfo:
        return BreakoutInfo(label=label, round_number=1, round_title='Durchlauf 1', topic_number=1,
                            topic_title='Cluster', moderator=None, members=members)
    topic = TopicSection(number=1, title='Cluster', breakouts=[breakout('W 1.1', 1), breakout('W 2.1', 2),
                                                                breakout('W 3.1', 0)], key_results=[], questions=[])
    assert layout.topic_facts(translator('de'), topic) == 'W 1.1 (1 Person), W 2.1 (2 Personen), W 3.1'
    assert layout.topic_facts(translator('en'), topic) == 'W 1.1 (1 person), W 2.1 (2 people), W 3.1'
    assert layout.dots_label(translator('de'), 1) == '1 Punkt'


def test_stakeholder_groups_after_aus_read_as_german_and_their_list_shows_where_each_ends():
    dative, enumerate_words = layout.dative, layout.enumerate_words
    said = {g: dative('de', g) for g in ('Verbände und Kammern', 'Clustermanagements / Netzwerke', 'Unternehmen',
                                         'Ministerien und Verwaltung', 'Kommunale Träger', 'Bürgerinnen und Bürger',
                                         'Start-ups', 'Öffentliche Hand')}
    assert said == {'Verbände und Kammern': 'Verbänden und Kammern',
                    'Clustermanagements / Netzwerke': 'Clustermanagements / Netzwerken', 'Unternehmen': 'Unternehmen',
                    'Ministerien und Verwaltung': 'Ministerien und Verwaltung',
                    'Kommunale Träger': 'Kommunalen Trägern',
                    'Bürgerinnen und Bürger': 'Bürgerinnen und Bürgern', 'Start-ups': 'Start-ups',
                    'Öffentliche Hand': 'Öffentliche Hand'}
    assert dative('en', 'Associations and chambers') == 'Associations and chambers'
    _ = translator('de')
    assert enumerate_words(_, ['Unternehmen', 'Hochschulen', 'Forschungseinrichtungen']) == \
        'Unternehmen, Hochschulen und Forschungseinrichtungen'
    assert enumerate_words(_, ['Unternehmen', 'Verbänden und Kammern', 'Ministerien und Verwaltung']) == \
        'Unternehmen, Verbänden und Kammern sowie Ministerien und Verwaltung'
