"""Clusters on the participants' screens, with simulated users: the author of a merged or hidden idea gets a
gentle note (on that phone only, numbered like the room's changes), phones get the clusters in order for
their grouped view, the wall gets every idea and the moderator's pinned cluster.

How the browser groups, fits and pages: tests/rooms/test_wall_paging.py (Node) and tests/e2e/test_wall.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import core
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import clusters, curation, wall_pin
from workshop.services.errors import Invalid, NotFound
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_facilitation_flow import WAIT, _board, _element, _idea
from .test_live_loop import _join, _post

MERGED = 'Ihr Beitrag wurde mit „Förderlotsen für kleine Unternehmen“ zusammengeführt.'
HIDDEN = 'Ihr Beitrag wurde von der Moderation ausgeblendet.'


def _recorded(user: User) -> list[tuple]:
    """The method calls that reach this page's board from now on (they still reach it)."""
    board = _board(user)
    calls: list[tuple] = []
    original = board.run_method

    def record(name: str, *args: object) -> object:
        calls.append((name, *args))
        return original(name, *args)
    board.run_method = record
    return calls


def _broadcasts(monkeypatch) -> list[tuple[dict, list[str]]]:
    """The room's board broadcasts from now on, with the pages they go to."""
    sent: list[tuple[dict, list[str]]] = []
    emit = core.sio.emit

    async def recording_emit(event, data=None, room=None, **kwargs):
        if event == 'ws_board':
            sent.append((data, list(room or [])))
        return await emit(event, data, room=room, **kwargs)
    monkeypatch.setattr(core.sio, 'emit', recording_emit)
    return sent


async def test_the_author_of_a_merged_or_hidden_idea_gets_a_gentle_note(user: User, create_user: Callable[[], User],
                                                                        monkeypatch):
    sent = _broadcasts(monkeypatch)
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    secret = links.breakouts[0].moderator_secret
    anna, ben = user, create_user()
    await _join(anna, links.join_code, 'W 1.1')
    await _join(ben, links.join_code, 'W 1.1')
    await _post(anna, 'Förderlotsen für kleine Unternehmen')
    await _post(ben, 'Förderlotsen für KMU!')
    await _post(ben, 'Mehr Kaffee in den Pausen')
    await until(lambda: len(_board(anna).items) == 3 and len(_board(ben).items) == 3)
    kept, duplicate, coffee = (_idea(ben, t)['id'] for t in ('Förderlotsen für kleine Unternehmen',
                                                              'Förderlotsen für KMU!', 'Mehr Kaffee in den Pausen'))
    calls = _recorded(ben)

    # merged: gone from every list; its author reads with which idea, the others read nothing
    await curation.merge_ideas(rt.db, rt.bus, secret=secret, keep_id=kept, merge_id=duplicate)
    await ben.should_see(MERGED, retries=WAIT)
    await anna.should_not_see('Förderlotsen für KMU!', retries=WAIT)
    assert duplicate not in _board(ben).items and not _board(anna).notes
    notes = [c[1] for c in calls if c[0] == 'receive' and c[1]['kind'] == 'note']
    assert len(notes) == 1 and notes[0]['note'] == {'id': duplicate, 'text': 'Förderlotsen für KMU!', 'kind': 'merged',
                                                    'into': 'Förderlotsen für kleine Unternehmen'}
    await until(lambda: any(data['kind'] == 'remove' and data['id'] == duplicate for data, _rooms in sent))
    removed = next(data for data, _rooms in sent if data['kind'] == 'remove' and data['id'] == duplicate)
    assert notes[0]['seq'] == removed['seq']  # numbered like the room's broadcast that removed it

    # the merge undone: the idea is back as the author's own, the note goes
    await clusters.undo_last(rt.db, rt.bus, secret=secret)
    await until(lambda: duplicate in _board(ben).items)
    assert _board(ben).items[duplicate]['own'] and not _board(ben).notes
    assert not _board(anna).items[duplicate]['own']
    await ben.should_not_see(MERGED)

    # hidden: the author reads that the moderation hid it; after a reload too (from the room's state)
    await curation.hide_idea(rt.db, rt.bus, secret=secret, idea_id=coffee)
    await ben.should_see(HIDDEN, retries=WAIT)
    await anna.should_not_see('Mehr Kaffee in den Pausen', retries=WAIT)
    await anna.should_not_see(HIDDEN)
    await ben.open(f'/j/{links.join_code}/room')  # a reload
    await ben.should_see(HIDDEN, retries=WAIT)
    assert list(_board(ben).notes.values()) == [{'id': coffee, 'text': 'Mehr Kaffee in den Pausen', 'kind': 'hidden',
                                                 'into': None}]
    calls = _recorded(ben)

    # shown again: back in the list as the author's own, without a note
    await curation.hide_idea(rt.db, rt.bus, secret=secret, idea_id=coffee, hidden=False)
    await until(lambda: coffee in _board(ben).items)
    assert _board(ben).items[coffee]['own'] and not _board(ben).notes
    await ben.should_not_see(HIDDEN)
    assert [c[1]['idea']['own'] for c in calls if c[0] == 'receive' and c[1].get('idea', {}).get('id') == coffee] \
        == [True]


async def test_phones_and_walls_get_the_clusters_in_order_and_every_idea(user: User,
                                                                         create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    secret = w11.moderator_secret
    anna, wall = user, create_user()
    await _join(anna, links.join_code, 'W 1.1')
    mobility = await clusters.create_cluster(rt.db, rt.bus, secret=secret, title='Mobilität')
    energy = await clusters.create_cluster(rt.db, rt.bus, secret=secret, title='Energie')
    for n in range(70):  # more than the 60 the wall used to load
        await curation.add_idea(rt.db, rt.bus, secret=secret, text=f'Karte Nummer {n}',
                                group=('Mobilität', 'Energie', None)[n % 3])
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await wall.should_see(marker='idea-count', content='70 Beiträge', retries=WAIT)  # the true number
    assert len(_board(wall).items) == 70
    await until(lambda: len(_board(anna).items) == 70)

    # the phone's grouped view: the clusters in the moderator's order, with their colours; each idea's cluster
    assert [(c['id'], c['title'], c['colour']) for c in _board(anna).props['clusters']] == [
        (mobility, 'Mobilität', 'blue'), (energy, 'Energie', 'green')]
    await clusters.move_cluster(rt.db, rt.bus, secret=secret, cluster_id=energy, position=0)
    await until(lambda: [c['title'] for c in _board(anna).props['clusters']] == ['Energie', 'Mobilität'])
    assert [c['title'] for c in _board(wall).props['clusters']] == ['Energie', 'Mobilität']
    assert _idea(anna, 'Karte Nummer 4')['group'] == 'Energie' and _idea(anna, 'Karte Nummer 5')['group'] is None
    await clusters.file_idea(rt.db, rt.bus, secret=secret, idea_id=_idea(anna, 'Karte Nummer 5')['id'],
                             cluster_id=mobility)
    await until(lambda: _idea(anna, 'Karte Nummer 5')['group'] == 'Mobilität')
    assert _idea(wall, 'Karte Nummer 5')['group'] == 'Mobilität'


async def test_the_moderator_pins_a_cluster_on_the_wall(user: User, create_user: Callable[[], User], monkeypatch):
    sent = _broadcasts(monkeypatch)
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11, w12 = links.breakouts[0], links.breakouts[1]
    moderator, wall, anna = user, create_user(), create_user()
    energy = await clusters.create_cluster(rt.db, rt.bus, secret=w11.moderator_secret, title='Energie')
    mobility = await clusters.create_cluster(rt.db, rt.bus, secret=w11.moderator_secret, title='Mobilität')
    await moderator.open(f'/m/{w11.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await _join(anna, links.join_code, 'W 1.1')
    pin = _element(moderator, 'wall-pin')
    assert pin.options == {0: 'Keines: Die Wand zeigt alle Cluster', energy: 'Energie', mobility: 'Mobilität'}

    pin.set_value(mobility)
    await until(lambda: _board(wall).props['pinned'] == mobility)
    await until(lambda: any(data['kind'] == 'pin' for data, _rooms in sent))
    message = next(data for data, _rooms in sent if data['kind'] == 'pin')
    assert message['cluster'] == mobility and message['seq'] == _board(wall).state.version
    assert all(rooms == [_board(wall).client.id] for data, rooms in sent if data['kind'] == 'pin')  # walls only
    # a wall opened now starts with it
    second = create_user()
    await second.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    assert _board(second).props['pinned'] == mobility

    # the cluster dissolved: nothing pinned any more, the moderator's select follows
    await clusters.dissolve_cluster(rt.db, rt.bus, secret=w11.moderator_secret, cluster_id=mobility)
    await until(lambda: _board(wall).state.wall_pin is None)
    await until(lambda: pin.value == 0 and mobility not in pin.options)

    # only a cluster of this room and its current question
    with pytest.raises(NotFound):
        await wall_pin.pin_cluster(rt.db, rt.bus, secret=w12.moderator_secret, cluster_id=energy)
    await wall_pin.pin_cluster(rt.db, rt.bus, secret=w11.moderator_secret, cluster_id=energy)
    await until(lambda: _board(wall).props['pinned'] == energy)
    moderator.find(marker='next-question').click()  # another question: the pin goes with it
    await until(lambda: _board(wall).state.wall_pin is None and _board(wall).props['pinned'] is None)
    with pytest.raises(Invalid):
        await wall_pin.pin_cluster(rt.db, rt.bus, secret=w11.moderator_secret, cluster_id=energy)
