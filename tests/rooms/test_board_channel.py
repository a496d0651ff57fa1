"""The board channel's contract (workshop/rooms/board_channel.py): changes and whole lists carry the room's
change number, so that neither the order of arrival nor a reconnect loses a change."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import core
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..pages.test_facilitation_flow import _board
from ..pages.test_live_loop import _join, _post
from ..waiting import until
from .node import PAGES, import_maps, run_in_node


def test_the_browser_applies_changes_over_a_late_list_in_number_order():
    seen = run_in_node('board_contract.mjs')  # board_channel.js, which both boards take (below)
    assert seen['overtaken'] == ['1:a:0', '2:b:0', '3:c:0']  # the overtaking change is not lost
    assert seen['newer_list'] == ['1:a:0', '2:b:0'] and seen['kept_after_newer_list'] == 0
    assert seen['in_order'] == ['1:a:2']  # the newest tally wins, though it arrived first
    assert seen['before_new_list'] == ['1:a:0'] and seen['new_question'] == ['5:new question:0']
    assert seen['reconnect'] == ['1:a:0', '2:b:0', '3:c:0']
    assert seen['clusters_kept'] == ['T']  # a list older than the clusters' change keeps them
    # the clustering board's moves are shown at once and wait for their confirmations
    assert seen['moved_twice'] == 'B' and seen['then_another_page'] is None


def test_both_boards_take_the_browser_side_of_the_channel_from_one_module():
    seen = run_in_node('board_contract.mjs')['components']
    hooks = {'replaced', 'shownAgain', 'arriving', 'confirmed', 'confirmedOrder', 'applied'}  # board_channel.js
    for component in ('idea_board.js', 'cluster_board.js'):  # the contract above holds for both
        assert seen[component]['uses'] and set(seen[component]['overrides']) <= hooks, (component, seen[component])
    for element, imports in import_maps().items():  # NiceGUI serves it to both as the import "board_channel"
        assert imports['board_channel'] == (PAGES / 'board_channel.js').as_uri(), element


async def test_broadcasts_carry_the_rooms_change_number(user: User, create_user: Callable[[], User], monkeypatch):
    sent: list[dict] = []
    emit = core.sio.emit

    async def recording_emit(event, data=None, room=None, **kwargs):
        if event == 'ws_board':
            sent.append(data)
        return await emit(event, data, room=room, **kwargs)
    monkeypatch.setattr(core.sio, 'emit', recording_emit)
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    anna, ben = user, create_user()
    await _join(anna, links.join_code, 'W 1.1')
    await _join(ben, links.join_code, 'W 1.1')
    for n in range(3):
        await _post(anna, f'Idee {n}')
        await until(lambda n=n: len(_board(ben).items) == n + 1)  # one after the other
    await until(lambda: len(sent) >= 3, what=lambda: f"3 broadcasts, got {sent}")
    state = _board(ben).state
    assert [m['seq'] for m in sent] == sorted({m['seq'] for m in sent})  # one number per change, rising
    assert sent[-1]['seq'] == state.version and all(m['kind'] == 'add' for m in sent)


async def test_a_page_gets_the_whole_list_when_its_socket_comes_after_changes_and_on_every_reconnect(
        user: User, create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    anna, ben = user, create_user()
    await _join(anna, links.join_code, 'W 1.1')
    await _join(ben, links.join_code, 'W 1.1')
    board = _board(ben)
    calls: list[tuple] = []
    board.run_method = lambda name, *args: calls.append((name, *args))
    seeded = board._props['seq']
    await _post(anna, 'Nach dem Laden der Seite')
    await until(lambda: board.state.version > seeded)

    board._connections = 0  # as if the page's socket connected only now: the broadcast could not reach it
    board._props['seq'] = seeded
    board._connected()
    name, ideas, _mine, seq, question = calls[-1]
    assert name == 'replace' and seq == board.state.version and question == board.question_id
    assert [i['text'] for i in ideas] == ['Nach dem Laden der Seite']

    calls.clear()
    board._connected()  # a reconnect: the whole list again, whatever was missed
    assert calls and calls[-1][0] == 'replace' and calls[-1][3] == board.state.version

    calls.clear()
    board._connections = 0  # connected in time (nothing changed since the page was made): no second list
    board._props['seq'] = board.state.version
    board._connected()
    assert not calls
