"""A real past workshop as the app must take it: the online cluster workshop of 26 May 2020
(modelled on its published minutes) — three topics, two rounds, 46 people through the app
(and three by telephone), 75 contributions of which six were written by the moderation, 600 to 930 characters
long with "- " sub-points. It imports whole and comes out byte for byte as it went in."""

import json
import re
from pathlib import Path

from workshop.cli import main
from workshop.limits import IDEA_MAX, IDEA_MODERATION_MAX
from workshop.protocol import archive
from workshop.protocol.docx import render_docx
from workshop.protocol.markdown import render_markdown
from workshop.protocol.pdf import render_pdf
from workshop.services.imports import import_archive

from .helpers import archive_of, document_from_archive, docx_paragraphs, pdf_text, squash
from .test_archive import _validator

FIXTURE = Path(__file__).resolve().parent / 'data' / 'cluster-workshop-2020.json'


def _ideas(data: dict) -> list[dict]:
    return [i for r in data['workshop']['rounds'] for b in r['breakouts'] for q in b['questions'] for i in q['ideas']]


def _moderation(data: dict) -> list[dict]:
    return [i for i in _ideas(data) if i['source'] == 'moderator']


def test_the_fixture_is_the_workshop_of_the_reference():
    data = json.loads(FIXTURE.read_text('utf-8'))
    _validator().validate(data)  # the current version, as docs/archive.schema.json documents it
    w = data['workshop']
    assert (data['version'], w['date'], w['format'], w['status']) == (2, '2020-05-26', 'online', 'ended')
    assert [t['title'] for t in w['topics']] == ['Entstehung von Netzwerken und Clustern',
                                                 'Clusterstrategien und Strategieentwicklung',
                                                 'Zukunftsthemen und Cross-Innovationen']
    assert [[b['label'] for b in r['breakouts']] for r in w['rounds']] == [['W 1.1', 'W 1.2', 'W 1.3'],
                                                                          ['W 2.1', 'W 2.2', 'W 2.3']]
    ideas = _ideas(data)
    assert len(ideas) == 75 and not any(i['hidden'] or i['merged_into'] for i in ideas)
    long = _moderation(data)
    assert len(long) == 6 and all(i['author'] is None for i in long)
    assert all(IDEA_MAX < 550 <= len(i['text']) <= 930 <= IDEA_MODERATION_MAX for i in long)
    assert max(len(i['text']) for i in long) == 930
    assert all(len(re.findall(r'^- ', i['text'], re.MULTILINE)) >= 4 for i in long)  # its sub-points, in lines
    assert all(len(i['text']) <= IDEA_MAX and '\n' not in i['text'] for i in ideas if i['source'] == 'phone')
    # each person in one breakout per round, a different topic in round 2
    topic = {b['id']: b['topic'] for r in w['rounds'] for b in r['breakouts']}
    assert len(w['participants']) == 46
    assert all(len({topic[a['breakout']] for a in p['attendance']}) == 2 for p in w['participants'])


def test_workshop_import_and_export_give_the_same_bytes(tmp_path, capsys):
    """`workshop import` takes it whole; `workshop export` writes the very file again; and once more."""
    db = str(tmp_path / 'archive.sqlite3')
    exported = []
    source = FIXTURE
    for n in range(2):
        assert main(['import', str(source), '--db', db, '--public-url', 'https://ws.example.org']) == 0
        out = capsys.readouterr().out
        code = re.search(r'Join code:\s+([A-Z0-9]{6})', out).group(1)
        assert len(re.findall(r'W \d\.\d\s+https://ws\.example\.org/m/', out)) == 6
        source = tmp_path / f'export-{n}.json'
        assert main(['export', code, '--format', 'json', '-o', str(source), '--db', db]) == 0
        exported.append(source.read_bytes())
    assert exported[0] == exported[1] == FIXTURE.read_bytes()


async def test_export_import_export_is_byte_identical_on_both_databases(db):
    """Through the import service, on SQLite and PostgreSQL (whose columns must hold 930 characters)."""
    first = archive.dumps(await archive_of(db, await import_archive(db, json.loads(FIXTURE.read_text('utf-8')))))
    again = archive.dumps(await archive_of(db, await import_archive(db, json.loads(first))))
    assert first == again == FIXTURE.read_text('utf-8')


async def test_its_protocol_in_every_format(db):
    data = json.loads(FIXTURE.read_text('utf-8'))
    doc = await document_from_archive(db, data)
    assert sum(len(q.ideas) for t in doc.topics for q in t.questions) == 75
    assert doc.participants == 49  # 46 through the app, 3 representatives of the Land by telephone
    longest = max(_moderation(data), key=lambda i: len(i['text']))['text']
    lines = longest.split('\n')

    points = [line.removeprefix('- ') for line in lines[1:]]
    assert len(points) >= 4 and all(line.startswith('- ') for line in lines[1:])

    text = pdf_text(render_pdf(doc))
    assert squash(longest) in squash(text.replace('–', ''))  # whole, wrapped inside the column
    for point in points:  # every sub-point a bullet of a list one level down
        assert re.search(r'(^|\n) ?– ' + re.escape(point[:30]), text), point[:30]
    assert not re.search(r'(?<![0-9])0 Punkte', text)

    paragraphs = docx_paragraphs(render_docx(doc))
    at = paragraphs.index(('Contribution', lines[0]))  # the lead line, then the sub-points in Word's list style
    assert paragraphs[at + 1:at + 1 + len(points)] == [('List Bullet 2', point) for point in points]

    md = render_markdown(doc)
    assert f'- {lines[0]}\n' + ''.join(f'  - {point}\n' for point in points) in md.replace('\\', '')

