"""The topic level of the key results in the protocol (#15): the lead's own, citing the contributions they rest on,
with the option ``citations`` as references into the appendix in every format, and kept in the archive."""

import copy
import io
from csv import reader

import pytest

from workshop.protocol import archive
from workshop.protocol.archive import ArchiveError
from workshop.protocol.csv import render_csv
from workshop.protocol.document import load_document
from workshop.protocol.docx import render_docx
from workshop.protocol.markdown import render_markdown
from workshop.protocol.pdf import render_pdf
from workshop.protocol.pptx import topic_items
from workshop.services import protocol_options, results, workshops
from workshop.services.imports import import_archive

from .helpers import archive_of, docx_paragraphs, pdf_text, squash

CLUSTER = 'Öffentliche Hand & Wissenschaft'  # W 1.1, question 1: two ideas (one with a duplicate merged in)
IDEA = 'Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau)'  # W 1.1, question 1, cluster "Wirtschaft"
TYPED = 'Das Land sollte als Initiator auftreten.'  # W 2.1's own key result, typed: it cites nothing


async def _topic_level(db, bus, ran) -> int:
    """W 1.1's first question cites its cluster; the lead's topic 1 takes it, W 2.1's typed one and an idea."""
    w11 = next(b for b in ran.links.breakouts if b.label == 'W 1.1')
    async with db.session() as s:
        breakout = await workshops.get_breakout(s, w11.breakout_id)
        question = (await workshops.questions_of(s, breakout.topic_id))[0]
    await results.save(db, bus, secret=w11.moderator_secret, question_id=question.id, items=[CLUSTER])
    await results.save_topic(db, bus, lead_secret=ran.lead_secret, topic_id=breakout.topic_id,
                             items=[CLUSTER, TYPED, IDEA])
    return breakout.topic_id


async def _doc(db, ran):
    async with db.session() as s:
        return await load_document(s, ran.links.workshop_id)


async def test_the_topic_level_is_what_the_protocol_prints_with_references_when_asked(db, bus, ran):
    await _topic_level(db, bus, ran)
    doc = await _doc(db, ran)
    assert doc.topics[0].key_results == [CLUSTER, TYPED, IDEA] and not doc.citations
    assert doc.topics[0].key_result_questions == [['1.'], [], ['1.']]
    md = render_markdown(doc)
    assert '→' not in md  # off by default: the protocol reads as before
    assert [i.text for i in topic_items(doc, doc.topics[0])][:4] == ['Kernergebnisse', CLUSTER, TYPED, IDEA]

    options = await protocol_options.set_options(db, bus, lead_secret=ran.lead_secret, citations=True)
    assert options.citations
    doc = await _doc(db, ran)
    md = render_markdown(doc)
    assert '- Öffentliche Hand &amp; Wissenschaft (→ Anhang A.1, Frage 1)' in md
    assert f'- {TYPED}\n' in md  # nothing to refer to
    assert '- Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau) (→ Anhang A.1, Frage 1)' in md
    assert squash('Wissenschaft (→ Anhang A.1, Frage 1)') in squash(pdf_text(render_pdf(doc)))
    assert any(text == f'{CLUSTER} (→ Anhang A.1, Frage 1)' for _s, text in docx_paragraphs(render_docx(doc)))
    rows = list(reader(io.StringIO(render_csv(doc)), delimiter=';'))
    assert rows[0][-1] == 'Grundlage von Kernergebnis (Nr.)'
    basis = {row[4]: row[-1] for row in rows[1:]}
    assert basis[IDEA] == '3' and basis['Hochschulen und Kammern als Initiatoren'] == '1'
    assert basis['Wirtschaftsförderung als Türöffner'] == ''  # merged into a cited idea: that one is the basis
    assert basis['Wirtschaftsförderung der Region als „Türöffner“ für KMU'] == '1'


async def test_the_archive_keeps_the_topic_level_its_sources_and_the_option(db, bus, ran):
    topic_id = await _topic_level(db, bus, ran)
    await protocol_options.set_options(db, bus, lead_secret=ran.lead_secret, citations=True)
    data = await archive_of(db, ran.links.workshop_id)
    w = data['workshop']
    assert w['protocol']['citations'] is True
    topic = w['topics'][0]
    assert topic['key_results'] == [CLUSTER, TYPED, IDEA] and len(topic['key_result_sources'][0]) == 2
    assert topic['key_result_sources'][1] == [] and 'key_results' not in w['topics'][1]  # only where there are
    ideas = {i['id']: i['text'] for r in w['rounds'] for b in r['breakouts'] for q in b['questions']
             for i in q['ideas']}
    assert [ideas[i] for i in topic['key_result_sources'][2]] == [IDEA]
    text = archive.dumps(data)
    again = await archive_of(db, await import_archive(db, copy.deepcopy(data)))
    assert archive.dumps(again) == text
    async with db.session() as s:
        imported = await load_document(s, (await import_archive(db, copy.deepcopy(data))))
    assert imported.citations and imported.topics[0].key_result_questions == [['1.'], [], ['1.']]
    assert topic_id

    broken = copy.deepcopy(data)
    broken['workshop']['topics'][0]['key_result_sources'][0] = [99999]
    with pytest.raises(ArchiveError) as e:
        archive.validate_archive(broken)
    assert (e.value.path, e.value.problem) == ('workshop.topics[0].key_result_sources[0][0]', 'there is no idea 99999')
    broken['workshop']['topics'][0]['key_result_sources'] = [[]]
    with pytest.raises(ArchiveError) as e:
        archive.validate_archive(broken)
    assert e.value.path == 'workshop.topics[0].key_result_sources'
