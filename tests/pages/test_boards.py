"""Idea boards: a phase switch reaches a room as one small broadcast per audience, not as every page's list."""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui import core
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_facilitation_flow import WAIT, _board, _element, _vote
from .test_live_loop import _join, _post


async def test_a_phase_switch_is_one_small_broadcast_per_audience(user: User, create_user: Callable[[], User],
                                                                  monkeypatch):
    sent: list[tuple[str, dict, list[str]]] = []
    emit = core.sio.emit

    async def recording_emit(event, data=None, room=None, **kwargs):
        if event == 'ws_board':
            sent.append((event, data, list(room or [])))
        return await emit(event, data, room=room, **kwargs)
    monkeypatch.setattr(core.sio, 'emit', recording_emit)

    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, wall = user, create_user()
    phones = [create_user() for _ in range(3)]
    await moderator.open(f'/m/{w11.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    for phone in phones:
        await _join(phone, links.join_code, 'W 1.1')
    for n in range(12):  # a list long enough that sending it to every page would show
        await _post(phones[n % 3], f'Beitrag Nummer {n} mit etwas Text, wie er auf Karten steht')
        await until(lambda n=n: len(_board(phones[0]).items) == n + 1)  # one after the other
    await until(lambda: len(_board(phones[0]).items) == 12)
    assert len(_board(wall).items) == 12, len(_board(wall).items)
    screens = {_board(u).client.id for u in (moderator, wall, *phones)}

    def phase_messages() -> list[tuple[dict, list[str]]]:
        return [(data, rooms) for _, data, rooms in sent if data.get('kind') == 'phase']

    # to voting (tallies hidden on phones and the wall): one message for the moderator (with tallies), one for the rest
    sent.clear()
    _element(moderator, 'phase-toggle').set_value('vote')
    await until(lambda: {r for _, rooms in phase_messages() for r in rooms} == screens)
    messages = phase_messages()
    assert len(messages) == 2 and sorted(len(rooms) for _, rooms in messages) == [1, 4]
    for data, rooms in messages:
        assert data['phase'] == 'vote' and len(json.dumps(data)) < 600  # not the list of 12 ideas
        assert ('tallies' in data) == (rooms == [_board(moderator).client.id])
    assert all(_board(u).phase.value == 'vote' for u in (moderator, wall, *phones))

    # dots while tallies are hidden: phones and the wall get none of them ...
    first = next(i for i in _board(phones[0]).items.values() if i['text'].startswith('Beitrag Nummer 3 '))
    for phone in phones:
        await _vote(phone, first['text'], 1)
    await until(lambda: _board(moderator).items[first['id']]['dots'] == 3)
    # ... they come with the switch to the discussion, in the same single message
    sent.clear()
    _element(moderator, 'phase-toggle').set_value('discuss')
    await until(lambda: {r for _, rooms in phase_messages() for r in rooms} == screens)
    messages = phase_messages()
    assert len(messages) == 1 and sorted(messages[0][1]) == sorted(screens)
    assert dict(messages[0][0]['tallies'])[first['id']] == 3 and len(messages[0][0]['tallies']) == 12
    await phones[0].should_see('Ergebnis: Beiträge nach Punkten', retries=WAIT)
