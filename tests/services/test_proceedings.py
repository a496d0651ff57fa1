"""The protocol's Verlauf and representatives, several moderators per room, the server's look (#15)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from workshop.events import WorkshopChanged
from workshop.limits import PROCEEDINGS_MAX, REPRESENTATIVES_MAX
from workshop.models import Breakout, Workshop
from workshop.protocol.document import load_document
from workshop.services import admin, editing, proceedings
from workshop.services.errors import Forbidden, Invalid

from ..protocol.test_final_and_look import _template

SECRET = 'admin-secret-for-tests'


async def _workshop(db, workshop_id: int) -> Workshop:
    async with db.session() as session:
        return await session.get(Workshop, workshop_id)


async def test_the_lead_writes_the_verlauf_and_names_the_representatives(db, bus, cluster):
    saved = await proceedings.set_proceedings(
        db, bus, lead_secret=cluster.lead_secret, text='  Frau Dr. Beispiel eröffnete.\n\n- Impuls  ',
        representatives=['Dr. A. Beispiel, Ministerium für Wirtschaft', '', '  ',
                         'Dr. A. Beispiel, Ministerium für Wirtschaft', 'J. Muster, Referat Cluster'])
    assert saved.text == 'Frau Dr. Beispiel eröffnete.\n\n- Impuls'
    assert saved.representatives == ['Dr. A. Beispiel, Ministerium für Wirtschaft', 'J. Muster, Referat Cluster']
    w = await _workshop(db, cluster.workshop_id)
    assert (w.proceedings, w.representatives) == (saved.text, saved.representatives)
    assert isinstance(bus.published[-1], WorkshopChanged) and bus.published[-1].fields == ('protocol',)
    assert saved.draft.startswith('Die Veranstaltung begann um 14:00 Uhr')  # the template's agenda

    # saved as drafted: it stays drafted, so that it follows the agenda
    again = await proceedings.set_proceedings(db, bus, lead_secret=cluster.lead_secret, text=saved.draft + '\n',
                                              representatives=saved.representatives)
    assert again.text == '' and (await _workshop(db, cluster.workshop_id)).proceedings == ''
    loaded = await proceedings.load(db, lead_secret=cluster.lead_secret)
    assert loaded.text == '' and loaded.draft == saved.draft and loaded.representatives == saved.representatives


async def test_a_stranger_is_refused_before_the_input_is_checked(db, bus, cluster):
    with pytest.raises(Forbidden):
        await proceedings.set_proceedings(db, bus, lead_secret='wrong', text='x' * (PROCEEDINGS_MAX + 1),
                                          representatives=[])
    with pytest.raises(Forbidden):
        await proceedings.load(db, lead_secret='wrong')
    with pytest.raises(Forbidden):
        await editing.update_breakout(db, bus, lead_secret='wrong', breakout_id=cluster.breakouts[0].breakout_id,
                                      moderator_name='x' * 400, moderator_organisation=None)


async def test_bad_input_gets_a_clear_message_and_changes_nothing(db, bus, cluster):
    with pytest.raises(Invalid, match='too long'):
        await proceedings.set_proceedings(db, bus, lead_secret=cluster.lead_secret,
                                          text='x' * (PROCEEDINGS_MAX + 1), representatives=[])
    with pytest.raises(Invalid, match='too long'):
        await proceedings.set_proceedings(db, bus, lead_secret=cluster.lead_secret, text='',
                                          representatives=['x' * 301])
    with pytest.raises(Invalid) as refused:
        await proceedings.set_proceedings(db, bus, lead_secret=cluster.lead_secret, text='',
                                          representatives=[f'Person {n}' for n in range(REPRESENTATIVES_MAX + 1)])
    assert str(refused.value) == f'At most {REPRESENTATIVES_MAX} representatives of the organiser.'
    w = await _workshop(db, cluster.workshop_id)
    assert (w.proceedings, w.representatives) == ('', [])


async def test_several_moderators_per_room(db, bus, cluster):
    w11 = cluster.breakouts[0].breakout_id
    await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=w11,
                                  moderator_name='Dr. Katrin Albers', moderator_organisation='Beratung',
                                  co_moderators=[(' Lena Vogt ', 'Beratung'), ('', '  '), (None, 'Land')])
    async with db.session() as session:
        breakout = await session.get(Breakout, w11)
        doc = await load_document(session, cluster.workshop_id)
    assert breakout.co_moderators == [{'name': 'Lena Vogt', 'organisation': 'Beratung'},
                                      {'name': None, 'organisation': 'Land'}]
    assert [p.line for p in doc.topics[0].moderators][:3] == ['Dr. Katrin Albers, Beratung', 'Lena Vogt, Beratung',
                                                              'Land']
    # without co_moderators the others stay as they are
    await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=w11,
                                  moderator_name='Dr. Katrin Albers', moderator_organisation=None)
    async with db.session() as session:
        assert len((await session.get(Breakout, w11)).co_moderators) == 2
    with pytest.raises(Invalid) as refused:
        await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=w11,
                                      moderator_name=None, moderator_organisation=None,
                                      co_moderators=[(f'P {n}', None) for n in range(11)])
    assert str(refused.value) == 'A room can have at most 10 further moderators.'
    # a new round takes over the moderation of the last one, the further moderators too
    w21 = next(b.breakout_id for b in cluster.breakouts if b.label == 'W 2.1')
    await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=w21,
                                  moderator_name='Dr. Katrin Albers', moderator_organisation='Beratung',
                                  co_moderators=[('Lena Vogt', 'Beratung'), (None, 'Land')])
    round_id = await editing.add_round(db, bus, lead_secret=cluster.lead_secret)
    async with db.session() as session:
        new = (await session.exec(select(Breakout).where(Breakout.round_id == round_id)
                                  .order_by(Breakout.topic_id))).first()
    assert new.co_moderators == [{'name': 'Lena Vogt', 'organisation': 'Beratung'},
                                 {'name': None, 'organisation': 'Land'}]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new('RGB', (40, 20), (11, 92, 173)).save(out, 'PNG')
    return out.getvalue()


async def test_the_servers_look_is_set_by_the_admin_only(db, cluster):
    for given in (None, 'wrong'):
        with pytest.raises(Forbidden):
            await admin.set_server_word_template(db, configured_secret=SECRET, secret=given, content=b'no word')
        with pytest.raises(Forbidden):
            await admin.server_look(db, configured_secret=SECRET, secret=given)
    assert await admin.server_look(db, configured_secret=SECRET, secret=SECRET) == \
        admin.ServerLookInfo(None, None, False)
    with pytest.raises(Invalid, match=r'Word document or template \(.docx or .dotx\)'):
        await admin.set_server_word_template(db, configured_secret=SECRET, secret=SECRET, content=b'no word',
                                             filename='x.docx')
    with pytest.raises(Invalid, match='hex colour'):
        await admin.set_server_colour(db, configured_secret=SECRET, secret=SECRET, colour='lila')
    with pytest.raises(Invalid, match='PNG or JPEG'):
        await admin.set_server_logo(db, configured_secret=SECRET, secret=SECRET, content=b'GIF89a')

    await admin.set_server_word_template(db, configured_secret=SECRET, secret=SECRET, content=_template(),
                                         filename='Land.docx')
    await admin.set_server_logo(db, configured_secret=SECRET, secret=SECRET, content=_png())
    info = await admin.set_server_colour(db, configured_secret=SECRET, secret=SECRET, colour='7A1F3D')
    assert info == admin.ServerLookInfo('Land.docx', '#7a1f3d', True)
    async with db.session() as session:
        doc = await load_document(session, cluster.workshop_id)  # a workshop without its own look
    assert doc.word_template is not None and (doc.colour, doc.logo_type) == ('#7a1f3d', 'image/png')

    info = await admin.set_server_word_template(db, configured_secret=SECRET, secret=SECRET, content=None)
    assert info.word_template_name is None
    async with db.session() as session:
        assert (await load_document(session, cluster.workshop_id)).word_template is None
