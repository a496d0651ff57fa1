"""The protocol's "Verlauf" (drafted from the agenda, or as the lead wrote it), the organiser's representatives,
several moderators per room and the server's look, in every format and through the archive (#15)."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

from docx import Document

from workshop.protocol import archive
from workshop.protocol.document import load_document
from workshop.protocol.docx import render_docx
from workshop.protocol.layout import Heading, build
from workshop.protocol.markdown import render_markdown
from workshop.protocol.models import SERVER_LOOK_ID, ProtocolSettings, ServerLook
from workshop.protocol.pdf import render_pdf
from workshop.protocol.pptx import render_pptx
from workshop.protocol.proceedings import draft
from workshop.services.imports import import_archive

from .helpers import archive_of, document_from_archive, docx_paragraphs, pdf_text, squash
from .test_final_and_look import _template

FIXTURE = Path(__file__).resolve().parent / 'data' / 'cluster-workshop-2020.json'

DRAFT = (
    'Die Veranstaltung begann um 14:00 Uhr mit dem Tagesordnungspunkt „Eröffnung und Begrüßung“ '
    '(Abteilungsleitung, Ministerium).\n\n'
    'Anschließend folgten:\n\n'
    '- Kurzeinführung: Standortbestimmung der Region als Innovationsstandort (Beratungsgesellschaft)\n'
    '- Impulsvortrag „Zukunft der Cluster, Cluster der Zukunft“ (Vertretung, nationales Clusterprogramm)\n\n'
    'Die Teilnehmenden arbeiteten in zwei Durchläufen in parallelen Workshops zu drei Themen. '
    'Jede Teilnehmerin und jeder Teilnehmer wählte je Durchlauf einen Workshop.\n\n'
    'Um 16:30 Uhr wurden die Ergebnisse der Workshops im Plenum zusammengefasst (Moderation der Workshops).\n\n'
    'Die Veranstaltung endete um 16:45 Uhr mit dem Tagesordnungspunkt „Schlusswort“ (Abteilungsleitung, Ministerium).')
REPRESENTATIVES = ['Dr. Anna Beispiel, Ministerium für Wirtschaft (Abteilungsleitung)',
                   'Jonas Muster, Ministerium für Wirtschaft (Referat Cluster)']
CO_MODERATOR = {'name': 'Lena Vogt', 'organisation': 'Innovationsberatung Nordstadt'}


def _fixture() -> dict:
    return json.loads(FIXTURE.read_text('utf-8'))


def _with_verlauf(data: dict, *, text: str | None = None) -> dict:
    """The fixture with representatives of the Land, a co-moderator in W 1.1 and W 2.1 and, if given, a text."""
    w = data['workshop']
    w['representatives'] = list(REPRESENTATIVES)
    if text is not None:
        w['proceedings'] = text
    for r in w['rounds']:
        r['breakouts'][0]['co_moderators'] = [dict(CO_MODERATOR)]
    return data


def _chapters(doc) -> list[str]:
    return [b.text.replace('\u2002', ' ') for b in build(doc) if isinstance(b, Heading) and b.level == 1]


async def test_the_verlauf_is_drafted_from_the_agenda_after_the_participation(db):
    doc = await document_from_archive(db, _fixture())
    assert draft(doc) == DRAFT
    assert _chapters(doc) == ['1 Ablauf', '2 Ausgangssituation', '3 Teilnahme', '4 Verlauf',
                              '5 Kernergebnisse der einzelnen Workshops',
                              '6 Schlussfolgerungen und Handlungsempfehlungen', 'Anlage: Beiträge zu den Leitfragen']
    blocks = build(doc)
    verlauf = next(n for n, b in enumerate(blocks) if isinstance(b, Heading) and b.text.endswith('Verlauf'))
    assert blocks[verlauf + 1].parts[0].startswith('Die Veranstaltung begann um 14:00 Uhr')
    assert blocks[verlauf + 1].parts[1:3] == [
        'Anschließend folgten:',
        ['Kurzeinführung: Standortbestimmung der Region als Innovationsstandort (Beratungsgesellschaft)',
         'Impulsvortrag „Zukunft der Cluster, Cluster der Zukunft“ (Vertretung, nationales Clusterprogramm)']]


async def test_nothing_to_tell_leaves_the_verlauf_out_and_the_numbering_as_it_was(db):
    data = _fixture()
    data['workshop']['agenda'] = [a for a in data['workshop']['agenda'] if a['kind'] == 'break']
    data['workshop']['live']['current_agenda_item'] = None
    doc = await document_from_archive(db, data)
    assert draft(doc) == ''
    assert _chapters(doc) == ['1 Ablauf', '2 Ausgangssituation', '3 Teilnahme',
                              '4 Kernergebnisse der einzelnen Workshops',
                              '5 Schlussfolgerungen und Handlungsempfehlungen', 'Anlage: Beiträge zu den Leitfragen']
    # representatives alone are something to tell
    doc = dataclasses.replace(doc, representatives=REPRESENTATIVES[:1])
    assert '4 Verlauf' in _chapters(doc)
    assert 'Für den Veranstalter nahm teil:' in render_markdown(doc)  # one person: singular


async def test_the_leads_text_and_the_representatives_in_every_format(db):
    text = 'Frau Dr. Beispiel eröffnete die Veranstaltung.\n\n- Impuls zur Clusterpolitik\n- Rückfragen'
    doc = await document_from_archive(db, _with_verlauf(_fixture(), text=text))
    assert doc.proceedings == text and doc.representatives == REPRESENTATIVES
    title = build(doc)[0]
    assert ('Für den Veranstalter', '\n'.join(REPRESENTATIVES)) in title.facts

    markdown = render_markdown(doc)
    assert '## 4 Verlauf' in markdown.replace('\u2002', ' ')
    assert 'Frau Dr. Beispiel eröffnete die Veranstaltung.' in markdown
    assert 'Die Veranstaltung begann um 14:00 Uhr' not in markdown  # the lead's text instead of the draft
    assert 'Für den Veranstalter nahmen teil:' in markdown
    assert f'- {REPRESENTATIVES[1]}' in markdown
    assert markdown.index('Teilnahme') < markdown.index('Verlauf') < markdown.index('Kernergebnisse der einzelnen')

    paragraphs = docx_paragraphs(render_docx(doc))
    headings = [t.replace('\u2002', ' ') for s, t in paragraphs if s == 'Heading 1']
    assert headings[3:5] == ['4 Verlauf', '5 Kernergebnisse der einzelnen Workshops']
    texts = [t for _s, t in paragraphs]
    start = texts.index('4\u2002Verlauf')
    assert texts[start + 1:start + 6] == ['Frau Dr. Beispiel eröffnete die Veranstaltung.',
                                          'Impuls zur Clusterpolitik', 'Rückfragen',
                                          'Für den Veranstalter nahmen teil:', REPRESENTATIVES[0]]

    pdf = squash(pdf_text(render_pdf(doc)))
    assert squash('4 Verlauf') in pdf and squash('Frau Dr. Beispiel eröffnete die Veranstaltung.') in pdf
    assert squash('Für den Veranstalter') in pdf and squash(REPRESENTATIVES[1]) in pdf


async def test_several_moderators_per_room(db):
    doc = await document_from_archive(db, _with_verlauf(_fixture()))
    topic = doc.topics[0]
    assert [p.line for p in topic.moderators] == ['Dr. Katrin Albers, Innovationsberatung Nordstadt',
                                                 'Lena Vogt, Innovationsberatung Nordstadt']
    title = build(doc)[0]
    moderation = dict(title.facts)['Moderation']
    assert moderation.split('\n')[0] == ('Workshop 1: Dr. Katrin Albers, Innovationsberatung Nordstadt; '
                                         'Lena Vogt, Innovationsberatung Nordstadt')
    markdown = render_markdown(doc)
    assert ('W 1.1\u2002Entstehung von Netzwerken und Clustern – Dr. Katrin Albers, Innovationsberatung Nordstadt; '
            'Lena Vogt, Innovationsberatung Nordstadt') in markdown  # the agenda's round
    assert 'Moderation: Dr. Katrin Albers, Innovationsberatung Nordstadt; Lena Vogt' in markdown  # the topic's facts
    assert squash('Lena Vogt, Innovationsberatung Nordstadt') in squash(pdf_text(render_pdf(doc)))
    texts = '\n'.join(t for _s, t in docx_paragraphs(render_docx(doc)))
    assert 'Lena Vogt, Innovationsberatung Nordstadt' in texts


async def test_the_new_fields_go_through_the_archive_byte_for_byte(db):
    data = _with_verlauf(_fixture(), text='Frau Dr. Beispiel eröffnete.\n\n- Impuls')
    archive.validate_archive(data)
    first = archive.dumps(await archive_of(db, await import_archive(db, data)))
    again = archive.dumps(await archive_of(db, await import_archive(db, json.loads(first))))
    assert first == again
    w = json.loads(first)['workshop']
    assert w['proceedings'] == 'Frau Dr. Beispiel eröffnete.\n\n- Impuls' and w['representatives'] == REPRESENTATIVES
    assert w['rounds'][1]['breakouts'][0]['co_moderators'] == [CO_MODERATOR]
    assert 'co_moderators' not in w['rounds'][0]['breakouts'][1]  # none: absent, as in older archives
    # an archive without them (the fixture) imports and comes out as it went in, without them
    plain = archive.dumps(await archive_of(db, await import_archive(db, _fixture())))
    assert plain == FIXTURE.read_text('utf-8')
    assert '"proceedings"' not in plain and '"co_moderators"' not in plain


def test_the_archive_checks_the_new_fields():
    import pytest
    data = _with_verlauf(_fixture())
    data['workshop']['representatives'] = ['']
    with pytest.raises(archive.ArchiveError, match=r'workshop\.representatives\[0\]: must not be empty'):
        archive.validate_archive(data)
    data = _with_verlauf(_fixture())
    data['workshop']['rounds'][0]['breakouts'][0]['co_moderators'] = [{'name': 'Lena Vogt'}]
    with pytest.raises(archive.ArchiveError, match=r'co_moderators\[0\]\.organisation: is missing'):
        archive.validate_archive(data)


async def test_the_servers_look_where_the_workshop_has_none(db):
    workshop_id = await import_archive(db, _fixture())
    async with db.transaction() as session:
        session.add(ServerLook(id=SERVER_LOOK_ID, word_template=_template(), word_template_name='Land.docx',
                               colour='#7a1f3d'))
    async with db.session() as session:
        doc = await load_document(session, workshop_id)
    assert doc.word_template is not None and doc.colour == '#7a1f3d'
    header = Document(io.BytesIO(render_docx(doc))).sections[0].header.paragraphs[0].text
    assert header == 'Ministerium für Wirtschaft · Kopfzeile'  # written into the server's template
    async with db.transaction() as session:
        session.add(ProtocolSettings(workshop_id=workshop_id, colour='#112233'))
    async with db.session() as session:
        doc = await load_document(session, workshop_id)
    assert doc.colour == '#112233' and doc.word_template is not None  # its own colour, the server's template


async def test_slides_without_dots_when_the_protocol_leaves_them_out(db):
    doc = await document_from_archive(db, _fixture())

    def texts(d) -> str:
        from pptx import Presentation
        deck = Presentation(io.BytesIO(render_pptx(d)))
        return '\n'.join(p.text for s in deck.slides for sh in s.shapes if sh.has_text_frame
                         for p in sh.text_frame.paragraphs)
    assert 'Punkte' in texts(doc)
    without = texts(dataclasses.replace(doc, show_dots=False))
    assert 'Punkt' not in without and 'Kernergebnisse' in without


async def test_the_draft_counts_in_words_and_takes_the_form_of_its_number(db):
    doc = await document_from_archive(db, _fixture())
    one_room = [b for b in doc.breakouts if (b.round_number, b.topic_number) == (1, 1)]
    single = dataclasses.replace(doc, breakouts=one_room)
    assert ('Die Teilnehmenden arbeiteten in einem Durchlauf zum Thema „Entstehung von Netzwerken und Clustern“.'
            in draft(single))
    one_round = dataclasses.replace(doc, breakouts=[b for b in doc.breakouts if b.round_number == 1])
    assert 'in einem Durchlauf in parallelen Workshops zu drei Themen.' in draft(one_round)
    assert 'je Durchlauf' not in draft(one_round)
    english = dataclasses.replace(doc, language='en', end_time=None)
    text = draft(english)
    assert 'The participants worked in parallel workshops on three topics in two rounds.' in text
    assert 'It was followed by these contributions:' in text
    assert text.endswith('The event closed at 16:40 with the agenda item “Schlusswort” '
                         '(Abteilungsleitung, Ministerium).')
    talk = [a for a in doc.agenda if a.title.startswith('Kurzeinführung')]
    opening_and_one_talk = dataclasses.replace(doc, agenda=[doc.agenda[1], *talk, doc.agenda[-2]])  # + Resümee
    assert 'Anschließend folgte:\n\n- Kurzeinführung' in draft(opening_and_one_talk)


def test_a_draft_after_a_final_version_says_the_verlauf_changed():
    from workshop.i18n import translator
    from workshop.protocol.changes import compare
    old = {'workshop': {'context': 'x'}}
    assert compare(old, {'workshop': {'context': 'x', 'proceedings': ''}}) == []
    changed = compare(old, {'workshop': {'context': 'x', 'representatives': ['Dr. A. Beispiel']}})
    assert [c.text(translator('de')) for c in changed] == ['Verlauf geändert']


async def test_the_representatives_in_the_title_table_of_the_word_file(db):
    doc = await document_from_archive(db, _with_verlauf(_fixture()))
    cells = [c.text for t in Document(io.BytesIO(render_docx(doc))).tables for r in t.rows for c in r.cells]
    place = cells.index('Für den Veranstalter')
    assert cells[place + 1] == '\n'.join(REPRESENTATIVES)
