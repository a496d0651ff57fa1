"""The protocol's options for public administration (services/protocol_options.py): dots and charts, questions
nobody answered, participation in prose or as a table, a summary per guiding question, and the moderation's "- "
sub-points as a real list — in the PDF, the DOCX, the Markdown and the CSV, and kept in the archive."""

import copy
import io
import json
from csv import reader

import pytest

from workshop.limits import QUESTION_SUMMARY_MAX
from workshop.protocol import archive
from workshop.protocol.csv import render_csv
from workshop.protocol.document import load_document
from workshop.protocol.docx import render_docx
from workshop.protocol.layout import lines_and_points
from workshop.protocol.markdown import render_markdown
from workshop.protocol.pdf import render_pdf
from workshop.services import curation, protocol_options
from workshop.services.access import led_workshop
from workshop.services.errors import Invalid, NotFound
from workshop.services.imports import import_archive

from .helpers import archive_of, docx_paragraphs, pdf_text, squash
from .test_real_workshop import FIXTURE

DOOR = 'Wirtschaftsförderung der Region als „Türöffner“ für KMU'
UNANSWERED = 'Unterstützungsbedarfe bei der Strategieentwicklung'  # a themed block nobody answered (topic 2)


async def _formats(db, workshop_id: int) -> tuple[str, list[tuple[str, str]], str, str]:
    """The protocol as PDF text, DOCX paragraphs, Markdown and CSV."""
    async with db.session() as session:
        doc = await load_document(session, workshop_id)
    return pdf_text(render_pdf(doc)), docx_paragraphs(render_docx(doc)), render_markdown(doc), render_csv(doc)


async def _question_id(db, lead_secret: str, text: str) -> int:
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        return next(q.id for _t, q in await protocol_options.questions_of(session, workshop.id)
                    if q.text.startswith(text))


async def test_the_defaults_are_what_an_administration_files(db, ran):
    pdf, paragraphs, md, _csv = await _formats(db, ran.links.workshop_id)
    assert '3 Punkte' in pdf and 'Meiste Punkte' in pdf and '*(3 Punkte, 2× genannt)*' in md  # dots shown
    assert squash(UNANSWERED) not in squash(pdf) and UNANSWERED not in md  # unanswered questions left out
    assert 'Keine Beiträge' not in pdf + md
    assert 'rund 7 Vertreterinnen und Vertreter aus Unternehmen, Hochschulen und Forschungseinrichtungen' in md
    assert '| Unternehmen |' not in md and any(text.startswith('Am Workshop nahmen rund 7') for _s, text in paragraphs)


async def test_without_dots_nothing_is_ranked_in_any_format(db, bus, ran):
    options = await protocol_options.set_options(db, bus, lead_secret=ran.lead_secret, dots=False)
    assert options == protocol_options.ProtocolOptions(dots=False)
    pdf, paragraphs, md, csv = await _formats(db, ran.links.workshop_id)
    for text in (pdf, md, '\n'.join(t for _s, t in paragraphs)):
        assert 'Punkt' not in text.replace('Punktabfrage', '')  # no count, no chart ("Meiste Punkte")
    assert squash(DOOR) in squash(pdf) and f'- {DOOR}' in md.replace('\\', '')
    assert 'in der Reihenfolge aufgeführt, in der sie eingebracht wurden' in md  # and the appendix says so
    # in the order they were made, not by dots: the question's first contributions come first
    first = md.index('Hochschulen und Kammern als Initiatoren')
    assert first < md.index(DOOR)
    rows = list(reader(io.StringIO(csv), delimiter=';'))
    assert rows[0][5] == 'Punkte' and {row[5] for row in rows[1:]} == {''}  # the column kept, empty


async def test_every_question_when_unanswered_ones_are_kept(db, bus, ran):
    await protocol_options.set_options(db, bus, lead_secret=ran.lead_secret, omit_unanswered=False)
    pdf, paragraphs, md, _csv = await _formats(db, ran.links.workshop_id)
    assert squash(UNANSWERED) in squash(pdf) and UNANSWERED in md
    assert 'Keine Beiträge.' in pdf and '*Keine Beiträge.*' in md
    assert any(UNANSWERED in text and style.startswith('Heading') for style, text in paragraphs)
    assert ('Normal', 'Keine Beiträge.') in paragraphs


async def test_participation_as_a_table_per_group(db, bus, ran):
    await protocol_options.set_options(db, bus, lead_secret=ran.lead_secret, participation_prose=False)
    pdf, _paragraphs, md, _csv = await _formats(db, ran.links.workshop_id)
    assert '| Unternehmen | 2 | +2 | 4 |' in md and 'Vertreterinnen' not in md
    assert 'Am Workshop nahmen 7 Personen teil.' in pdf


async def test_prose_has_its_plurals_and_an_english_version(db, bus, ran):
    from dataclasses import replace

    from workshop.protocol.document import ParticipationRow
    async with db.session() as session:
        doc = await load_document(session, ran.links.workshop_id)
    one = replace(doc, participation=[ParticipationRow('Hochschulen', 1, 0), ParticipationRow('Unternehmen', 0, 0)])
    assert 'Am Workshop nahm eine Vertreterin bzw. ein Vertreter aus Hochschulen teil.\n' in render_markdown(one)
    english = replace(doc, language='en', participation=[ParticipationRow('Universities', 2, 0),
                                                         ParticipationRow('Companies', 3, 1),
                                                         ParticipationRow('Chambers', 0, 0)])
    assert ('About 6 representatives of Universities and Companies took part in the workshop. '
            'Of them, 2 from Universities and 4 from Companies.') in render_markdown(english)  # no zero group


async def test_a_summary_above_the_contributions_of_its_question(db, bus, ran):
    question_id = await _question_id(db, ran.lead_secret, 'Wer sind die Initiatoren')
    saved = await protocol_options.set_question_summary(
        db, bus, lead_secret=ran.lead_secret, question_id=question_id,
        text='  Die Gruppe sieht vor allem die Wirtschaftsförderung vorn.\r\n\r\n- Hochschulen initiieren\n- Kammern '
             'begleiten  ')
    assert saved == 'Die Gruppe sieht vor allem die Wirtschaftsförderung vorn.\n\n- Hochschulen initiieren\n' \
                    '- Kammern begleiten'
    pdf, paragraphs, md, _csv = await _formats(db, ran.links.workshop_id)
    summary = 'Die Gruppe sieht vor allem die Wirtschaftsförderung vorn.'
    appendix = md.index('## Anlage')
    assert '*Zusammenfassung der Antworten:*\n\n' + summary in md
    assert appendix < md.index(summary) < md.index('- Hochschulen initiieren') < md.index(DOOR)
    assert squash(pdf).index(squash(summary)) < squash(pdf).index(squash(DOOR), squash(pdf).index(squash(summary)))
    texts = [t for _s, t in paragraphs]
    at = texts.index(summary)
    assert texts[at - 1] == 'Zusammenfassung der Antworten:'  # introduced, so that its bullets are not contributions
    assert paragraphs[at + 1] == ('List Bullet', 'Hochschulen initiieren')
    assert next(n for n, t in enumerate(texts) if t.startswith(DOOR)) > at
    # a question with only a summary is listed, too
    other = await _question_id(db, ran.lead_secret, 'Welche Unterstützung')
    await protocol_options.set_question_summary(db, bus, lead_secret=ran.lead_secret, question_id=other,
                                                text='Nur mündlich besprochen.')
    assert 'Nur mündlich besprochen.' in (await _formats(db, ran.links.workshop_id))[2]


async def test_a_summary_is_checked(db, bus, ran, cluster):
    question_id = await _question_id(db, ran.lead_secret, 'Wer sind die Initiatoren')
    with pytest.raises(Invalid):
        await protocol_options.set_question_summary(db, bus, lead_secret=ran.lead_secret, question_id=question_id,
                                                    text='x' * (QUESTION_SUMMARY_MAX + 1))
    with pytest.raises(NotFound):  # a question of another workshop
        await protocol_options.set_question_summary(db, bus, lead_secret=ran.lead_secret, question_id=10_000,
                                                    text='Zusammenfassung')


async def test_the_moderations_sub_points_are_a_list_in_every_format(db, bus, ran):
    secret = next(b for b in ran.links.breakouts if b.label == 'W 1.1').moderator_secret
    await curation.add_idea(db, bus, secret=secret,
                            text='Vom Flipchart:\n- Erster Punkt\n- Zweiter Punkt\nFazit der Gruppe\nin zwei Zeilen')
    pdf, paragraphs, md, _csv = await _formats(db, ran.links.workshop_id)
    at = paragraphs.index(('Contribution', 'Vom Flipchart:'))
    assert paragraphs[at + 1:at + 4] == [('List Bullet 2', 'Erster Punkt'), ('List Bullet 2', 'Zweiter Punkt'),
                                         ('List Continue', 'Fazit der Gruppe\nin zwei Zeilen')]
    assert '- Vom Flipchart:\n  - Erster Punkt\n  - Zweiter Punkt\n\n  Fazit der Gruppe  \n  in zwei Zeilen' in md
    lines = [line.strip() for line in pdf.split('\n')]
    assert '• Vom Flipchart:' in lines and '– Erster Punkt' in lines and '– Zweiter Punkt' in lines


def test_lines_and_points():
    assert lines_and_points('- Mehr Förderung') == ['- Mehr Förderung']  # a phone's one line stays as typed
    assert lines_and_points('Kopf\nzweite Zeile\n- a\n- b\nSchluss') == ['Kopf\nzweite Zeile', ['a', 'b'], 'Schluss']
    assert lines_and_points('- a\n\n- b') == ['a', ['b']]  # a first marker is the lead


async def test_kept_in_the_archive_and_old_archives_take_the_defaults(db, bus, ran):
    await protocol_options.set_options(db, bus, lead_secret=ran.lead_secret, dots=False, omit_unanswered=False,
                                       participation_prose=False)
    question_id = await _question_id(db, ran.lead_secret, 'Wer sind die Initiatoren')
    await protocol_options.set_question_summary(db, bus, lead_secret=ran.lead_secret, question_id=question_id,
                                                text='Kurz gesagt: Netzwerke.')
    data = await archive_of(db, ran.links.workshop_id)
    w = data['workshop']
    assert w['protocol'] == {'dots': False, 'omit_unanswered': False, 'participation_prose': False}
    assert w['topics'][0]['questions'][0]['summary'] == 'Kurz gesagt: Netzwerke.'
    text = archive.dumps(data)
    again = await archive_of(db, await import_archive(db, json.loads(text)))
    assert archive.dumps(again) == text  # export → import → export: the same bytes
    # an archive written before the options: imported with the defaults
    old = json.loads(FIXTURE.read_text('utf-8'))
    del old['workshop']['protocol']
    for topic in old['workshop']['topics']:
        for q in topic['questions']:
            del q['summary']
    archive.validate_archive(copy.deepcopy(old))
    imported = await archive_of(db, await import_archive(db, old))
    assert imported['workshop']['protocol'] == {'dots': True, 'omit_unanswered': True, 'participation_prose': True}
    assert archive.dumps(imported) == FIXTURE.read_text('utf-8')
