"""Clusters in the protocol: the appendix nests ideas under their clusters (in the clusters' order, each a
sub-heading with its summed dots), the CSV and the archive carry them; a version 1 archive still imports."""

import copy
import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from workshop.models import Cluster, CurationStep, Idea
from workshop.protocol import archive
from workshop.protocol.archive import ArchiveError, validate_archive
from workshop.protocol.csv import csv_bytes
from workshop.protocol.document import load_document
from workshop.protocol.docx import render_docx
from workshop.protocol.markdown import render_markdown
from workshop.protocol.pdf import render_pdf
from workshop.services import clusters, curation, protocol
from workshop.services.imports import import_archive

from .conftest import LONG_COMPOUND, SCRIPT_IDEA
from .helpers import archive_of, docx_paragraphs, pdf_text, squash

V1 = Path(__file__).resolve().parent / 'data' / 'archive-v1.json'  # as the app exported it before clusters
PUBLIC = 'Öffentliche Hand & Wissenschaft'  # 'Türöffner' (3 dots, 2× said) and 'Initiatoren' (1 dot)
DOOR = 'Wirtschaftsförderung der Region als „Türöffner“ für KMU'


async def _doc(db, workshop_id):
    async with db.session() as s:
        return await load_document(s, workshop_id)


async def _clusters_in_db(db, workshop_id):
    """(breakout label, question number+sub, title, colour, position) of every cluster, in order."""
    from workshop.models import Breakout, Question
    async with db.session() as s:
        rows = (await s.exec(select(Cluster, Breakout, Question).join(Breakout, Breakout.id == Cluster.breakout_id)
                             .join(Question, Question.id == Cluster.question_id)
                             .where(Breakout.workshop_id == workshop_id)
                             .order_by(Breakout.label, Question.position, Cluster.position, Cluster.id))).all()
    return [(b.label, f'{q.number}{q.sub or ""}', c.title, c.colour, c.position) for c, b, q in rows]


async def _cluster_id(db, breakout_id, title):
    async with db.session() as s:
        return (await s.exec(select(Cluster.id).where(Cluster.breakout_id == breakout_id,
                                                      Cluster.title == title))).one()


def _breakout(links, label):
    return next(b for b in links.breakouts if b.label == label)


# --- the protocol's data -------------------------------------------------------------------------------------

async def test_ideas_nest_in_cluster_order_not_by_dots(db, bus, ran):
    w11 = _breakout(ran.links, 'W 1.1')
    # 'Wirtschaft' (2 dots) moved before the cluster with 4 dots: the moderator's order wins
    await clusters.move_cluster(db, bus, secret=w11.moderator_secret,
                                cluster_id=await _cluster_id(db, w11.breakout_id, 'Wirtschaft'), position=0)
    await clusters.recolour_cluster(db, bus, secret=w11.moderator_secret,
                                    cluster_id=await _cluster_id(db, w11.breakout_id, 'Wirtschaft'), colour='teal')
    first = (await _doc(db, ran.links.workshop_id)).topics[0].questions[0]
    assert [(g.heading, g.colour, g.dots) for g in first.groups] == [
        ('Wirtschaft', 'teal', 2), (PUBLIC, 'blue', 4), (None, None, 1)]
    assert [(i.text, i.dots, i.mentions) for i in first.groups[1].ideas] == [  # ranked by dots in the cluster
        (DOOR, 3, 2), ('Hochschulen und Kammern als Initiatoren', 1, 1)]


async def test_headings_without_a_cluster_row_nest_after_the_clusters(db, bus, ran):
    """Older data: ideas carry a heading that has no cluster row; it still nests, after the real clusters,
    and round 2's cluster of the same title joins round 1's."""
    w21 = _breakout(ran.links, 'W 2.1')
    async with db.transaction() as s:
        script = (await s.exec(select(Idea).where(Idea.text == SCRIPT_IDEA))).one()
        script.group = 'Alte Überschrift'  # as older code wrote it: no cluster row
    state = (await _doc(db, ran.links.workshop_id)).topics[0].questions[0]
    landes = next(i for i in state.ideas if i.text.startswith('Landesministerium'))
    async with db.session() as s:
        landes_id = (await s.exec(select(Idea.id).where(Idea.text == landes.text))).one()
    await curation.set_group(db, bus, secret=w21.moderator_secret, idea_id=landes_id, group='Wirtschaft')
    first = (await _doc(db, ran.links.workshop_id)).topics[0].questions[0]
    assert [(g.heading, g.colour) for g in first.groups] == [
        (PUBLIC, 'blue'), ('Wirtschaft', 'green'), ('Alte Überschrift', None)]
    assert [i.breakout_label for i in first.groups[1].ideas] == ['W 1.1', 'W 2.1']  # both rounds in one cluster
    rows = {r.text: r for r in (await _doc(db, ran.links.workshop_id)).idea_rows}
    assert (rows[SCRIPT_IDEA].cluster_colour, rows[SCRIPT_IDEA].cluster_order) == (None, 3)  # after blue and green


# --- renderings ------------------------------------------------------------------------------------------------

async def test_markdown_nests_ideas_under_cluster_headings_with_their_dots(db, bus, ran):
    await curation.set_group(db, bus, secret=_breakout(ran.links, 'W 1.2').moderator_secret,
                             idea_id=await _idea_id(db, LONG_COMPOUND), group='Stärken')
    lines = render_markdown(await _doc(db, ran.links.workshop_id)).splitlines()
    question = next(n for n, line in enumerate(lines) if line.startswith('#### ') and 'Wer sind die Init' in line)
    headings = [line for line in lines[question:] if line.startswith('##### ')][:3]
    assert headings == [f'##### {PUBLIC.replace("&", "&amp;")} *(4 Punkte)*', '##### Wirtschaft *(2 Punkte)*',
                        '##### Weitere Beiträge']  # no sum for the ideas without a cluster
    public = lines.index(headings[0])
    assert lines[public + 2].startswith('- Wirtschaftsförderung der Region') and \
        lines[public + 3].startswith('- Hochschulen und Kammern')
    assert '###### Stärken' in lines  # a cluster under a sub-question: one level deeper, no voting: no dots


async def test_docx_clusters_are_real_headings_with_their_colour(db, bus, ran):
    await curation.set_group(db, bus, secret=_breakout(ran.links, 'W 1.2').moderator_secret,
                             idea_id=await _idea_id(db, LONG_COMPOUND), group='Stärken')
    content = render_docx(await _doc(db, ran.links.workshop_id))
    paragraphs = docx_paragraphs(content)
    question = next(n for n, (_s, t) in enumerate(paragraphs) if t.startswith('1.\u2002Wer sind die Initiatoren'))
    assert paragraphs[question][0] == 'Heading 3'
    after = paragraphs[question + 1:]
    headings = [(s, t) for s, t in after if s.startswith('Heading')][:3]
    assert headings == [('Heading 4', f'{PUBLIC}\u2002·\u20024 Punkte'),
                        ('Heading 4', 'Wirtschaft\u2002·\u20022 Punkte'), ('Heading 4', 'Weitere Beiträge')]
    public = after.index(headings[0])
    assert [s for s, _t in after[public + 1:public + 3]] == ['Contribution', 'Contribution']
    assert after[public + 1][1].startswith('Wirtschaftsförderung der Region')
    assert ('Heading 5', 'Stärken') in paragraphs  # under sub-question 1a (Heading 4)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        body = z.read('word/document.xml').decode()
    assert 'w:pStyle w:val="Heading5"' in body and 'w:color="2F6DB5"' in body  # blue bar of the first cluster


async def test_pdf_lists_clusters_with_dots_and_bookmarks_them_under_their_question(db, ran):
    content = render_pdf(await _doc(db, ran.links.workshop_id))
    text = squash(pdf_text(content))
    appendix = text.index(squash('Anlage: Beiträge zu den Leitfragen'))
    order = [text.index(squash(n), appendix) for n in (
        '1. Wer sind die Initiatoren', f'{PUBLIC} 4 Punkte', f'• {DOOR}', '• Hochschulen und Kammern als Initiatoren',
        'Wirtschaft 2 Punkte', '• Großunternehmen mit ihren Zulieferern', 'Weitere Beiträge', '• Landesministerium')]
    assert order == sorted(order)

    def outline(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from outline(item, depth + 1)
            else:
                yield depth, item.title
    entries = list(outline(PdfReader(io.BytesIO(content)).outline))
    question = next(n for n, (_d, t) in enumerate(entries) if t.startswith('1. Wer sind die Initiatoren'))
    depth = entries[question][0]
    assert entries[question + 1:question + 4] == [(depth + 1, PUBLIC), (depth + 1, 'Wirtschaft'),
                                                   (depth + 1, 'Weitere Beiträge')]


async def test_csv_carries_cluster_colour_and_order_at_the_end(db, bus, ran):
    await protocol.set_name_authors(db, bus, lead_secret=ran.lead_secret, name_authors=True)
    content = csv_bytes(await _doc(db, ran.links.workshop_id))
    rows = list(csv.reader(io.StringIO(content.decode('utf-8-sig')), delimiter=';'))
    assert rows[0][6] == 'Überschrift' and rows[0][9:] == ['Autor/in', 'Cluster', 'Clusterfarbe',
                                                          'Cluster-Reihenfolge']
    by_text = {r[4]: r for r in rows[1:]}
    assert by_text[DOOR][6] == PUBLIC and by_text[DOOR][10:] == [PUBLIC, 'blue', '1']
    assert by_text['Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau)'][10:] == [
        'Wirtschaft', 'green', '2']
    assert by_text['Landesministerium als Initiator von Clustern'][10:] == ['', '', '']


# --- the archive -----------------------------------------------------------------------------------------------

async def test_a_version_1_archive_imports_with_its_headings_as_clusters(db):
    data = json.loads(V1.read_text('utf-8'))
    assert data['version'] == 1
    workshop_id = await import_archive(db, copy.deepcopy(data))
    # in the order they first appear (also a hidden idea's heading), coloured in turn, as migration 0004 does
    assert await _clusters_in_db(db, workshop_id) == [
        ('W 1', '1', 'Nachwuchs', 'blue', 0), ('W 1', '1', 'Internationale Fachkräfte', 'green', 1),
        ('W 1', '1', 'Sonstiges', 'orange', 2)]
    first = (await _doc(db, workshop_id)).topics[0].questions[0]
    assert [(g.heading, g.colour, g.dots) for g in first.groups] == [  # 'Sonstiges' has only a hidden idea
        ('Nachwuchs', 'blue', 1), ('Internationale Fachkräfte', 'green', 2), (None, None, 0)]
    assert [i.text for i in first.groups[0].ideas] == ['Berufsorientierung an Schulen stärken',
                                                       'Ausbildung in Teilzeit ermöglichen']  # by dots
    assert first.groups[1].ideas[0].mentions == 2
    # exported again it is version 2: the same workshop, with the clusters
    again = await archive_of(db, workshop_id)
    # fields added since version 2 came with their defaults: no summaries, the protocol's usual options
    assert again['workshop'].pop('protocol') == {'dots': True, 'omit_unanswered': True, 'participation_prose': True}
    assert {q.pop('summary') for t in again['workshop']['topics'] for q in t['questions']} == {''}
    assert again['version'] == 2 and again == archive.upgrade(data)
    assert again['workshop']['rounds'][0]['breakouts'][0]['questions'][1]['clusters'] == []
    _without_clusters = copy.deepcopy(again)
    _without_clusters['version'] = 1
    for q in _without_clusters['workshop']['rounds'][0]['breakouts'][0]['questions']:
        del q['clusters']
    assert _without_clusters == data  # nothing else changed


async def test_version_2_round_trip_restores_clusters_exactly_without_the_undo_history(db, bus, ran):
    w11 = _breakout(ran.links, 'W 1.1')
    secret = w11.moderator_secret
    async with db.session() as s:  # the first question (the room is at the second one now)
        q = (await s.exec(select(Cluster.question_id).where(Cluster.title == PUBLIC))).one()
    extra = await clusters.create_cluster(db, bus, secret=secret, title='Verbände', colour='pink', question_id=q)
    await clusters.create_cluster(db, bus, secret=secret, title='Leer', colour='brown', question_id=q)
    await clusters.move_cluster(db, bus, secret=secret, cluster_id=extra, position=0)
    await clusters.dissolve_cluster(db, bus, secret=secret,
                                    cluster_id=await _cluster_id(db, w11.breakout_id, 'Wirtschaft'))
    before = await _clusters_in_db(db, ran.links.workshop_id)
    assert [c[2:] for c in before if c[0] == 'W 1.1'] == [  # a gap where 'Wirtschaft' was
        ('Verbände', 'pink', 0), (PUBLIC, 'blue', 1), ('Leer', 'brown', 3)]
    data = await archive_of(db, ran.links.workshop_id)
    text = archive.dumps(data)
    assert '"undo"' not in text and 'curation' not in text  # the moderators' working state stays home
    copy_id = await import_archive(db, json.loads(text))
    assert await _clusters_in_db(db, copy_id) == before
    again = await archive_of(db, copy_id)
    assert again == data and archive.dumps(again) == text
    async with db.session() as s:  # the original W 1.1 and its copy
        original, copied = sorted((await s.exec(select(Cluster.breakout_id).where(Cluster.title == 'Verbände'))).all())
        steps = [len((await s.exec(select(CurationStep).where(CurationStep.breakout_id == b))).all())
                 for b in (original, copied)]
    assert steps[0] > 0 and steps[1] == 0  # the copy starts without an undo history


@pytest.mark.parametrize('change, place, problem', [
    (lambda c: c.append(dict(c[0])), 'clusters[2].title', 'cluster "Öffentliche Hand & Wissenschaft" appears twice '
                                                          'in this question'),
    (lambda c: c[0].__setitem__('colour', 'gold'), 'clusters[0].colour',
     'must be one of "blue", "green", "orange", "purple", "teal", "red", "brown", "pink"'),
    (lambda c: c[0].__setitem__('title', ''), 'clusters[0].title', 'must not be empty'),
    (lambda c: c[0].__setitem__('position', -1), 'clusters[0].position', 'must be ≥ 0'),
])
async def test_invalid_clusters_are_refused_with_the_place(db, ran, change, place, problem):
    data = await archive_of(db, ran.links.workshop_id)
    question = data['workshop']['rounds'][0]['breakouts'][0]['questions'][0]
    change(question['clusters'])
    with pytest.raises(ArchiveError) as e:
        validate_archive(data)
    assert str(e.value) == f'workshop.rounds[0].breakouts[0].questions[0].{place}: {problem}'


async def test_a_version_2_archive_needs_its_clusters(db, ran):
    data = await archive_of(db, ran.links.workshop_id)
    del data['workshop']['rounds'][0]['breakouts'][0]['questions'][0]['clusters']
    with pytest.raises(ArchiveError, match=r'questions\[0\]\.clusters: is missing$'):
        validate_archive(data)


async def _idea_id(db, text):
    async with db.session() as s:
        return (await s.exec(select(Idea.id).where(Idea.text == text))).one()
