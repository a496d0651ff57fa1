"""The gallery walk (#16) in the protocol: a round-1 idea's gallery dots apart from its own, and its comments
marked as from the gallery walk, in every format; the archive checks its references."""

import copy
import csv
import io

import pytest

from workshop.protocol.archive import ArchiveError, validate_archive
from workshop.protocol.csv import csv_bytes
from workshop.protocol.document import load_document
from workshop.protocol.docx import render_docx
from workshop.protocol.markdown import render_markdown
from workshop.protocol.pdf import render_pdf

from ..services.test_gallery import _walked
from .helpers import archive_of, docx_paragraphs, pdf_text, squash

DOTS = '+2 Punkte im Galerie-Rundgang (Durchlauf 2)'
COMMENT = 'Kommentar im Galerie-Rundgang (Durchlauf 2): Wer zahlt?'


async def _document(db, bus, cluster):
    await _walked(db, bus, cluster)
    async with db.session() as s:
        return await load_document(s, cluster.workshop_id)


async def test_markdown_lists_the_gallery_walk_under_its_idea(db, bus, cluster):
    text = render_markdown(await _document(db, bus, cluster))
    lines = text.splitlines()
    n = lines.index('- Netzwerke stärken')
    assert lines[n + 1:n + 3] == [f'  - *{DOTS}*', f'  - *{COMMENT}*']
    assert 'Unsinn' not in text  # hidden by the moderator
    assert text.count('Galerie-Rundgang') == 2  # the idea without a gallery walk has none


async def test_pdf_docx_and_csv_show_it_too(db, bus, cluster):
    doc = await _document(db, bus, cluster)
    assert squash(DOTS) in squash(pdf_text(render_pdf(doc))) and squash(COMMENT) in squash(pdf_text(render_pdf(doc)))
    paragraphs = [text for _style, text in docx_paragraphs(render_docx(doc))]
    n = next(i for i, p in enumerate(paragraphs) if p.startswith('Netzwerke stärken'))
    assert paragraphs[n + 1:n + 3] == [DOTS, COMMENT]
    rows = list(csv.reader(io.StringIO(csv_bytes(doc).decode('utf-8-sig')), delimiter=';'))
    assert rows[0][-2:] == ['Punkte im Galerie-Rundgang', 'Kommentare im Galerie-Rundgang']
    idea = next(r for r in rows if r[4] == 'Netzwerke stärken')
    assert idea[5] == '0' and idea[-2:] == ['2', 'Wer zahlt?']  # its own round's dots apart: none
    doc.show_dots = False  # the protocol's option: no dots, also none of the gallery walk
    assert DOTS not in render_markdown(doc) and COMMENT in render_markdown(doc)


async def test_the_archive_checks_the_gallery_walks_references(db, bus, cluster):
    await _walked(db, bus, cluster)
    data = await archive_of(db, cluster.workshop_id)

    def walked(d: dict) -> dict:
        return next(i for q in d['workshop']['rounds'][0]['breakouts'][0]['questions'] for i in q['ideas']
                    if i.get('gallery'))

    assert validate_archive(copy.deepcopy(data))
    assert walked(data)['comments'][1]['hidden'] is True
    idea = 'workshop.rounds[0].breakouts[0].questions[0].ideas[0]'
    for change, place, problem in (
            (lambda i: i['gallery'][0].update(breakout=1), 'gallery[0].breakout',
             'must be a breakout of a later round of the same topic'),
            (lambda i: i['gallery'][0].update(breakout=99), 'gallery[0].breakout', 'there is no breakout 99'),
            (lambda i: i['gallery'][1].update(participant=i['gallery'][0]['participant']), 'gallery[1].participant',
             'gave dots twice to this idea in breakout'),
            (lambda i: i['comments'][0].update(author=99), 'comments[0].author', 'there is no participant 99'),
            (lambda i: i['comments'][0].update(text='x' * 501), 'comments[0].text', 'at most 500')):
        broken = copy.deepcopy(data)
        change(walked(broken))
        with pytest.raises(ArchiveError) as e:
            validate_archive(broken)
        assert e.value.path == f'{idea}.{place}' and problem in e.value.problem
