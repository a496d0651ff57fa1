"""The load generator's curation stage (bench/loadgen.py), without a server: how it finds the moderator page's
cluster controls, which card moves it plans, what it reads off the wire, and how it counts deliveries.
The whole stage against a real server runs in test_loadgen.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'bench'))
import loadgen


def _listener(kind: str, n: int) -> dict:
    return {'listener_id': f'L{n}', 'type': kind, 'specials': [], 'modifiers': [], 'keys': [], 'args': None}


ELEMENTS = {  # the parts of the moderator page the stage uses, as NiceGUI embeds them
    '7': {'tag': 'q-input', 'props': {'label': 'Idee'}, 'events': [_listener('update:model-value', 1)]},
    '8': {'tag': 'q-btn', 'props': {'label': 'Hinzufügen', 'icon': 'add'}, 'events': [_listener('click', 2)]},
    '9': {'tag': 'q-input', 'props': {'label': 'Neuer Cluster'},
          'events': [_listener('keydown', 3), _listener('update:model-value', 4)]},
    '10': {'tag': 'q-btn', 'props': {'label': 'Cluster', 'icon': 'add', 'aria-label': 'Cluster anlegen'},
           'events': [_listener('click', 5)]},
    '11': {'tag': 'cluster-board', 'props': {'data-ws': 'board'},
           'events': [_listener('curate', 6), _listener('file', 7), _listener('merge', 8)]},
}


def test_finds_the_cluster_box_its_button_and_the_boards_file_event():
    box, button = loadgen.find_cluster_create(ELEMENTS)
    assert box == ('9', ELEMENTS['9']['events'][1])  # its update event, not the Enter key
    assert button == ('10', ELEMENTS['10']['events'][0])  # not the "Add" button with the same icon
    assert loadgen.board_event(ELEMENTS, 'file') == ('11', ELEMENTS['11']['events'][1])
    assert loadgen.board_event(ELEMENTS, 'vote') is None
    english = {**ELEMENTS, '9': {**ELEMENTS['9'], 'props': {'label': 'New cluster'}},
               '10': {**ELEMENTS['10'], 'props': {'aria-label': 'Create cluster'}}}
    assert loadgen.find_cluster_create(english) is not None
    assert loadgen.find_cluster_create({k: v for k, v in ELEMENTS.items() if k != '10'}) is None


def test_every_planned_move_takes_a_card_to_another_cluster():
    titles = ['A', 'B', 'C']
    moves = loadgen.move_targets([11, 12, 13, 14], {13: 'C', 14: 'somewhere else'}, titles, 10)
    assert [idea for idea, _t in moves] == [11, 12, 13, 14, 11, 12, 13, 14, 11, 12]  # the cards in turn
    # first moves staggered over the clusters; a card already in one goes on to the next
    assert [t for _i, t in moves[:4]] == ['A', 'B', 'A', 'A']
    where: dict[int, str | None] = {11: None, 12: None, 13: 'C', 14: 'somewhere else'}
    for idea, title in moves:
        assert title != where[idea]
        where[idea] = title


def _screen(kind: str, groups: dict, *, connected_at: float = 0.0, drops: list | None = None,
            error: str | None = None) -> dict:
    return {'kind': kind, 'groups': groups, 'connected_at': connected_at, 'drops': drops or [], 'error': error}


def test_deliveries_count_each_screen_that_was_there_and_name_the_moves_that_missed_one():
    moves = [(0, 1, 'A', 10.0), (1, 2, 'A', 10.2), (2, 1, 'B', 10.4), (3, 1, 'A', 10.6)]
    screens = [
        _screen('moderator', {1: [(9.0, None), (10.05, 'A'), (10.45, 'B'), (10.65, 'A')], 2: [(10.3, 'A')]}),
        # this phone shows card 1 in A only after the second move there: the first counts as missed, not as 650 ms
        _screen('phone', {1: [(10.5, 'B'), (10.7, 'A')], 2: [(10.25, 'A')]}),
        _screen('phone', {}, connected_at=10.5),  # came after the first three moves
        _screen('phone', {}, drops=[(9.5, 'transport close')]),  # gone before: not counted
        _screen('wall', {}, error='no page'),
    ]
    by_kind, every, missed = loadgen.move_deliveries(moves, screens)
    assert missed == 1 + 1  # the first move on the late phone; the last on the phone that came later
    assert every[0] is None and every[3] is None
    assert [round(x) for x in every[1:3]] == [100, 100]
    assert sorted(round(x) for x in by_kind['moderator']) == [50, 50, 50, 100]
    assert sorted(round(x) for x in by_kind['phone']) == [50, 100, 100]


def test_a_screen_notes_cards_and_clusters_from_broadcasts_and_its_own_method_calls():
    screen = loadgen.Screen(loadgen.Ctx('http://127.0.0.1:1', 'CODE', loadgen.now()), 'phone', 'W1.1')
    clusters = {'kind': 'clusters', 'breakout': 1, 'question': 2, 'seq': 5,
                'clusters': [{'id': 31, 'title': 'Thema 1', 'colour': 'blue', 'position': 0}]}
    change = {'kind': 'change', 'breakout': 1, 'question': 2, 'seq': 6,
              'idea': {'id': 7, 'text': 'Netzwerk stärken (BX000001Q)', 'dots': 0, 'group': 'Thema 1'}}
    for t, name, payload in ((1.0, 'ws_board', clusters), (2.0, 'ws_board', change),
                             (2.5, 'ws_board', change)):  # the same again (a whole list): no new change
        screen.raw(t, json.dumps(payload))
        screen.event(name, [payload])
    own = {'code': 'return runMethod(11, "receive", [{"kind": "change", "seq": 7, "idea": '
                   '{"id": 7, "text": "Netzwerk stärken (BX000001Q)", "group": null}}])'}
    screen.raw(3.0, json.dumps(own))
    screen.event('run_javascript', [own])
    assert screen.cluster_ids == {'Thema 1': 31} and screen.cluster_seen == {'Thema 1': 1.0}
    assert screen.group_obs == {7: [(2.0, 'Thema 1'), (3.0, None)]}
    assert screen.result()['groups'] == {7: [(2.0, 'Thema 1'), (3.0, None)]}
