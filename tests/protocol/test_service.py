"""The lead moderator's protocol services (workshop/services/protocol.py)."""

import hashlib
import io
import json

import pytest
from PIL import Image

from workshop.events import KeyResultsChanged, WorkshopChanged
from workshop.protocol.document import load_document
from workshop.protocol.layout import status_line
from workshop.services import protocol
from workshop.services.errors import Forbidden, Invalid, NotFound

from .helpers import pdf_text


async def _doc(db, workshop_id):
    async with db.session() as s:
        return await load_document(s, workshop_id)


async def test_context_is_cleaned_saved_and_announced(db, bus, cluster):
    bus.published.clear()
    text = await protocol.set_context(db, bus, lead_secret=cluster.lead_secret,
                                      text='  Erster Absatz\r\nweiter\n\n\n\nZweiter\u200b Absatz  ')
    assert text == 'Erster Absatz\nweiter\n\nZweiter Absatz'
    assert (await _doc(db, cluster.workshop_id)).context == text
    assert bus.published == [WorkshopChanged(workshop_id=cluster.workshop_id, fields=('protocol',))]
    with pytest.raises(Forbidden):
        await protocol.set_context(db, bus, lead_secret='wrong', text='x')
    with pytest.raises(Invalid, match='too long'):
        await protocol.set_context(db, bus, lead_secret=cluster.lead_secret, text='x' * 20_001)


async def test_conclusions_are_numbered_moved_edited_and_deleted(db, bus, cluster):
    secret = cluster.lead_secret
    a = await protocol.add_conclusion(db, bus, lead_secret=secret, title='Erstens', text='Prosa')
    b = await protocol.add_conclusion(db, bus, lead_secret=secret, title='Zweitens')
    c = await protocol.add_conclusion(db, bus, lead_secret=secret, title='Drittens')
    await protocol.move_conclusion(db, bus, lead_secret=secret, conclusion_id=c, step=-1)
    await protocol.move_conclusion(db, bus, lead_secret=secret, conclusion_id=a, step=-1)  # stays first
    doc = await _doc(db, cluster.workshop_id)
    assert [(n.number, n.title) for n in doc.conclusions] == [(1, 'Erstens'), (2, 'Drittens'), (3, 'Zweitens')]
    await protocol.update_conclusion(db, bus, lead_secret=secret, conclusion_id=b, title='Zweitens, besser',
                                     text='- Punkt eins\n- Punkt zwei')
    await protocol.delete_conclusion(db, bus, lead_secret=secret, conclusion_id=a)
    doc = await _doc(db, cluster.workshop_id)
    assert [(n.number, n.title, n.text) for n in doc.conclusions] == [
        (1, 'Drittens', ''), (2, 'Zweitens, besser', '- Punkt eins\n- Punkt zwei')]
    with pytest.raises(Invalid, match='must not be empty'):
        await protocol.add_conclusion(db, bus, lead_secret=secret, title='  ')
    with pytest.raises(NotFound):
        await protocol.delete_conclusion(db, bus, lead_secret=secret, conclusion_id=a)


async def test_participation_corrections(db, bus, cluster):
    from workshop.services import participants
    secret = cluster.lead_secret
    await participants.join(db, code=cluster.join_code, stakeholder_group='Hochschulen')
    assert await protocol.set_participation_extra(db, bus, lead_secret=secret, group='Unternehmen', count=3) == \
        {'Unternehmen': 3}
    assert await protocol.set_participation_extra(db, bus, lead_secret=secret, group=None, count=2) == \
        {'Unternehmen': 3, '': 2}
    await protocol.set_participation_extra(db, bus, lead_secret=secret, group='Hochschulen', count=-1)
    with pytest.raises(Invalid, match='^Only one person of this group joined in the app'):  # not "1 people"
        await protocol.set_participation_extra(db, bus, lead_secret=secret, group='Hochschulen', count=-2)
    with pytest.raises(Invalid, match='stakeholder group from the list'):
        await protocol.set_participation_extra(db, bus, lead_secret=secret, group='Erfunden', count=1)
    with pytest.raises(Invalid, match='whole number'):
        await protocol.set_participation_extra(db, bus, lead_secret=secret, group='Unternehmen', count=1.5)
    assert await protocol.set_participation_extra(db, bus, lead_secret=secret, group='Unternehmen', count=0) == \
        {'': 2, 'Hochschulen': -1}
    doc = await _doc(db, cluster.workshop_id)
    assert doc.participants == 2  # 1 joined - 1 (a double join) + 2 without a phone


async def test_key_results_by_the_lead(db, bus, cluster):
    breakout = cluster.breakouts[0]
    bus.published.clear()
    assert await protocol.set_key_results(db, bus, lead_secret=cluster.lead_secret, breakout_id=breakout.breakout_id,
                                          items=['  Erstes  ', '', 'Zweites']) == ['Erstes', 'Zweites']
    assert bus.published == [KeyResultsChanged(workshop_id=cluster.workshop_id, breakout_id=breakout.breakout_id,
                                               question_id=None, key_results=('Erstes', 'Zweites'),
                                               sources=((), ()))]
    assert (await _doc(db, cluster.workshop_id)).topics[0].key_results == ['Erstes', 'Zweites']
    with pytest.raises(NotFound):
        await protocol.set_key_results(db, bus, lead_secret=cluster.lead_secret, breakout_id=99999, items=['x'])


async def test_logo_must_be_an_image(db, bus, cluster):
    png = io.BytesIO()
    Image.new('RGB', (300, 100), 'white').save(png, 'PNG')
    await protocol.set_logo(db, bus, lead_secret=cluster.lead_secret, content=png.getvalue())
    doc = await _doc(db, cluster.workshop_id)
    assert doc.logo == png.getvalue() and doc.logo_type == 'image/png'
    with pytest.raises(Invalid, match='PNG or JPEG'):
        await protocol.set_logo(db, bus, lead_secret=cluster.lead_secret, content=b'<svg onload=alert(1)>')
    await protocol.set_logo(db, bus, lead_secret=cluster.lead_secret, content=None)
    assert (await _doc(db, cluster.workshop_id)).logo is None


async def test_mark_final_freezes_numbered_versions(db, bus, ran):
    secret, wid = ran.lead_secret, ran.links.workshop_id
    first = await protocol.mark_final(db, bus, lead_secret=secret)
    assert first.number == 1 and len(first.checksum) == 64
    async with db.session() as s:
        v1 = {fmt: await protocol.version_file(s, workshop_id=wid, number=1, fmt=fmt)
              for fmt in ('pdf', 'docx', 'md', 'csv', 'json')}
    assert hashlib.sha256(json.dumps(json.loads(v1['json'].content), ensure_ascii=False, sort_keys=True,
                                     separators=(',', ':')).encode()).hexdigest() == first.checksum
    assert v1['pdf'].content.startswith(b'%PDF') and v1['pdf'].filename.endswith('-protokoll-v1.pdf')
    assert v1['json'].filename.endswith('-archive-v1.json') and v1['docx'].content.startswith(b'PK')
    text = pdf_text(v1['pdf'].content)
    assert 'Endfassung 1 vom' in text and first.checksum in text.replace('\n', '')
    assert 'Endfassung 1 vom' in v1['md'].content.decode()

    with pytest.raises(Invalid, match='Nothing has changed since final version 1'):
        await protocol.mark_final(db, bus, lead_secret=secret)
    draft = await _doc(db, wid)
    assert draft.last_version == 1 and 'nach Endfassung 1' in status_line(draft)

    await protocol.add_conclusion(db, bus, lead_secret=secret, title='Nachtrag nach der Endfassung')
    calls = []

    async def runner(fn, *args):  # as NiceGUI's run.cpu_bound is called
        calls.append(fn.__name__)
        return fn(*args)
    second = await protocol.mark_final(db, bus, lead_secret=secret, runner=runner)
    assert second.number == 2 and second.checksum != first.checksum and calls == ['render_all']
    async with db.session() as s:
        assert [v.number for v in await protocol.versions(s, wid)] == [2, 1]
        old = await protocol.version_file(s, workshop_id=wid, number=1, fmt='pdf')
        new = await protocol.version_file(s, workshop_id=wid, number=2, fmt='md')
        with pytest.raises(NotFound):
            await protocol.version_file(s, workshop_id=wid, number=3, fmt='pdf')
    assert old.content == v1['pdf'].content  # the old version stays exactly as it was
    assert 'Nachtrag nach der Endfassung' in new.content.decode()
    with pytest.raises(Forbidden):
        await protocol.mark_final(db, bus, lead_secret='wrong')


async def test_a_new_look_alone_makes_a_new_final_version(db, bus, ran):
    """The organisation's colour or template arriving after the final version: the same content in the new look
    is a new version, and setting the look back to what version 2 had is again nothing new."""
    secret = ran.lead_secret
    assert (await protocol.mark_final(db, bus, lead_secret=secret)).number == 1
    await protocol.set_colour(db, bus, lead_secret=secret, colour='#1f4e79')
    second = await protocol.mark_final(db, bus, lead_secret=secret)
    assert second.number == 2
    with pytest.raises(Invalid, match='Nothing has changed since final version 2'):
        await protocol.mark_final(db, bus, lead_secret=secret)
    async with db.session() as s:
        pdf = await protocol.version_file(s, workshop_id=ran.links.workshop_id, number=2, fmt='pdf')
    assert pdf.content.startswith(b'%PDF')
    await protocol.set_colour(db, bus, lead_secret=secret, colour=None)
    assert (await protocol.mark_final(db, bus, lead_secret=secret)).number == 3
