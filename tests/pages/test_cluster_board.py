"""The moderator's clustering board with simulated users: what a drag, a menu entry or a key on the board says
reaches the services, every screen of the room follows, and every step can be undone.

The board's drags and keys end in the element's events ('file', 'merge', 'move_cluster', 'cluster', 'curate');
here they are triggered as the browser would send them (tests/e2e/test_cluster_board.py drags for real).
"""

from __future__ import annotations

import filecmp
import json
from collections.abc import Callable
from pathlib import Path

from nicegui import core, ui
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import clusters, curation
from workshop.services.workshops import WorkshopLinks, create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_facilitation_flow import WAIT, _board, _element
from .test_live_loop import _join, _post

ROOT = Path(__file__).resolve().parents[2]


async def _room(user: User, create_user: Callable[[], User]) -> tuple[WorkshopLinks, User, User, User]:
    """A moderator, a phone and the wall of W 1.1, three ideas (one from the phone, two from paper cards)."""
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, phone, wall = user, create_user(), create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await _join(phone, links.join_code, 'W 1.1')
    await _post(phone, 'Fachkräfte gewinnen')
    for text in ('Azubis halten', 'Gemeinsame Datenplattform'):
        await curation.add_idea(runtime().db, runtime().bus, secret=w11.moderator_secret, text=text)
    await until(lambda: len(_board(moderator).items) == 3,
                what=lambda: f'3 ideas on the moderator board, it has {list(_board(moderator).items.values())}')
    return links, moderator, phone, wall


def _id(user: User, text: str) -> int:
    return next(i for i, item in _board(user).items.items() if item['text'] == text)


def _clusters(user: User) -> list[tuple[str, str]]:
    return [(c['title'], c['colour']) for c in sorted(_board(user).props['clusters'], key=lambda c: c['position'])]


def _cluster_id(user: User, title: str) -> int:
    return next(c['id'] for c in _board(user).props['clusters'] if c['title'] == title)


async def _create(moderator: User, title: str) -> int:
    moderator.find(marker='cluster-input').type(title)
    moderator.find(marker='create-cluster').click()
    await until(lambda: any(c['title'] == title for c in _board(moderator).props['clusters']))
    return _cluster_id(moderator, title)


def _history(moderator: User) -> list[str]:
    """The steps the history menu lists, newest first."""
    return [e.text for e in _element(moderator, 'history').descendants()
            if isinstance(e, ui.label) and e.props.get('role') == 'listitem']


async def _undo_says(moderator: User, text: str) -> None:
    await until(lambda: _element(moderator, 'undo-label').text == text,
                what=lambda: f'undo bar "{text}", it says "{_element(moderator, "undo-label").text}"')


async def test_the_moderator_files_ideas_into_clusters_and_undoes_it(user: User, create_user: Callable[[], User]):
    _links, moderator, phone, wall = await _room(user, create_user)
    board = _board(moderator)
    assert type(board).__name__ == 'ClusterBoard'  # (importing workshop.pages here would register its routes early)
    await _undo_says(moderator, 'Noch nichts rückgängig zu machen.')

    skills = await _create(moderator, 'Fachkräfte')
    data = await _create(moderator, 'Daten')
    assert _clusters(moderator) == [('Fachkräfte', 'blue'), ('Daten', 'green')]
    await _undo_says(moderator, 'Rückgängig: Cluster „Daten“ angelegt')
    assert _element(moderator, 'cluster-input').value == ''

    # a card dragged onto a column (or moved with its select, or Alt+arrow): one file event
    first, second = _id(moderator, 'Fachkräfte gewinnen'), _id(moderator, 'Azubis halten')
    moderator.find(marker='ideas').trigger('file', {'id': first, 'cluster': skills})
    moderator.find(marker='ideas').trigger('file', {'id': second, 'cluster': skills})
    for screen in (moderator, phone, wall):  # every screen of the room follows
        await until(lambda s=screen: _board(s).items[second]['group'] == 'Fachkräfte')
    await _undo_says(moderator, 'Rückgängig: „Azubis halten“ einsortiert')
    moderator.find(marker='ideas').trigger('file', {'id': second, 'cluster': ''})  # back to "Ohne Cluster"
    await until(lambda: board.items[second]['group'] is None)

    # the undo bar undoes the newest step, and then the one before
    moderator.find(marker='undo').click()
    await until(lambda: board.items[second]['group'] == 'Fachkräfte')
    await moderator.should_see('Rückgängig gemacht: „Azubis halten“ einsortiert', retries=WAIT)
    await _undo_says(moderator, 'Rückgängig: „Azubis halten“ einsortiert')
    moderator.find(marker='undo').click()
    await until(lambda: board.items[second]['group'] is None)
    assert board.items[first]['group'] == 'Fachkräfte'

    # the history lists what can still be undone, newest first
    await until(lambda: len(_history(moderator)) == 3)
    history = _history(moderator)
    assert history[:3] == ['„Fachkräfte gewinnen“ einsortiert', 'Cluster „Daten“ angelegt',
                           'Cluster „Fachkräfte“ angelegt']
    assert data in {c['id'] for c in board.props['clusters']}


async def test_clusters_are_renamed_recoloured_moved_and_dissolved_from_their_menu(
        user: User, create_user: Callable[[], User]):
    _links, moderator, _phone, wall = await _room(user, create_user)
    board = _board(moderator)
    skills, data, money = [await _create(moderator, t) for t in ('Fachkräfte', 'Daten', 'Finanzen')]
    moderator.find(marker='ideas').trigger('file', {'id': _id(moderator, 'Azubis halten'), 'cluster': skills})
    await until(lambda: board.items[_id(moderator, 'Azubis halten')]['group'] == 'Fachkräfte')

    # rename: the menu asks for the title in a dialog
    moderator.find(marker='ideas').trigger('cluster', {'action': 'rename', 'cluster': skills})
    await until(lambda: _element(moderator, 'dialog-input').value == 'Fachkräfte')
    _element(moderator, 'dialog-input').set_value('Fachkräfte & Nachwuchs')
    moderator.find(marker='dialog-ok').click()
    await until(lambda: _clusters(wall)[0][0] == 'Fachkräfte & Nachwuchs')
    await until(lambda: board.items[_id(moderator, 'Azubis halten')]['group'] == 'Fachkräfte & Nachwuchs')

    # recolour with a swatch, move with the arrows (or a drag of the column's handle)
    moderator.find(marker='ideas').trigger('cluster', {'action': 'recolour', 'cluster': data, 'colour': 'teal'})
    moderator.find(marker='ideas').trigger('move_cluster', {'cluster': money, 'position': 0})
    await until(lambda: _clusters(wall) == [('Finanzen', 'orange'), ('Fachkräfte & Nachwuchs', 'blue'),
                                            ('Daten', 'teal')], what=lambda: f'the wall shows {_clusters(wall)}')
    await _undo_says(moderator, 'Rückgängig: Cluster „Finanzen“ verschoben')

    # dissolve: the cluster goes, its ideas stay (without one)
    moderator.find(marker='ideas').trigger('cluster', {'action': 'dissolve', 'cluster': skills})
    await until(lambda: _clusters(moderator) == [('Finanzen', 'orange'), ('Daten', 'teal')])
    await until(lambda: board.items[_id(moderator, 'Azubis halten')]['group'] is None)
    await _undo_says(moderator, 'Rückgängig: Cluster „Fachkräfte & Nachwuchs“ aufgelöst')

    # and all of it back, newest first: the cluster with its idea, the order, the colour, the name
    for before in ([('Finanzen', 'orange'), ('Fachkräfte & Nachwuchs', 'blue'), ('Daten', 'teal')],
                   [('Fachkräfte & Nachwuchs', 'blue'), ('Daten', 'teal'), ('Finanzen', 'orange')],
                   [('Fachkräfte & Nachwuchs', 'blue'), ('Daten', 'green'), ('Finanzen', 'orange')],
                   [('Fachkräfte', 'blue'), ('Daten', 'green'), ('Finanzen', 'orange')]):
        moderator.find(marker='undo').click()
        await until(lambda b=before: _clusters(wall) == b,
                    what=lambda b=before: f'{b}, the wall shows {_clusters(wall)}')
    assert board.items[_id(moderator, 'Azubis halten')]['group'] == 'Fachkräfte'


async def test_a_card_dropped_onto_another_is_merged_only_after_confirming(user: User,
                                                                           create_user: Callable[[], User]):
    _links, moderator, phone, _wall = await _room(user, create_user)
    board = _board(moderator)
    keep, duplicate = _id(moderator, 'Gemeinsame Datenplattform'), _id(moderator, 'Azubis halten')

    moderator.find(marker='ideas').trigger('merge', {'id': duplicate, 'into': keep})
    await moderator.should_see('„Azubis halten“ mit „Gemeinsame Datenplattform“ zusammenführen? '
                               'Die Punkte werden übernommen.', retries=WAIT)
    assert duplicate in board.items  # nothing happens before the moderator confirms
    moderator.find(marker='dialog-ok').click()
    await until(lambda: duplicate not in board.items and board.items[keep]['merges'] == 1)
    await until(lambda: duplicate not in _board(phone).items)
    await _undo_says(moderator, 'Rückgängig: „Azubis halten“ zusammengeführt')

    moderator.find(marker='undo').click()
    await until(lambda: duplicate in board.items and board.items[keep]['merges'] == 0)
    await until(lambda: duplicate in _board(phone).items)


async def test_the_actions_on_a_card_mark_hide_and_edit(user: User, create_user: Callable[[], User]):
    _links, moderator, phone, _wall = await _room(user, create_user)
    board = _board(moderator)
    idea = _id(moderator, 'Azubis halten')
    moderator.find(marker='ideas').trigger('curate', {'action': 'mark', 'id': idea})
    await until(lambda: board.items[idea]['marked'])
    moderator.find(marker='ideas').trigger('curate', {'action': 'hide', 'id': idea})
    await until(lambda: board.items[idea]['hidden'])  # the moderator still sees it, as hidden
    await until(lambda: idea not in _board(phone).items)
    await _undo_says(moderator, 'Rückgängig: „Azubis halten“ geändert')
    moderator.find(marker='ideas').trigger('curate', {'action': 'edit', 'id': idea})
    await until(lambda: _element(moderator, 'dialog-input').value == 'Azubis halten')
    _element(moderator, 'dialog-input').set_value('Auszubildende halten')
    moderator.find(marker='dialog-ok').click()
    await until(lambda: board.items[idea]['text'] == 'Auszubildende halten')


async def test_a_refused_move_puts_the_board_right(user: User, create_user: Callable[[], User]):
    """The browser shows a moved card at once; when the service refuses, the page says why and sends the list."""
    links, moderator, _phone, _wall = await _room(user, create_user)
    board = _board(moderator)
    gone = await _create(moderator, 'Gleich weg')
    await clusters.dissolve_cluster(runtime().db, runtime().bus, secret=links.breakouts[0].moderator_secret,
                                    cluster_id=gone)
    calls: list[str] = []
    board.run_method = lambda name, *args: calls.append(name)
    moderator.find(marker='ideas').trigger('file', {'id': _id(moderator, 'Azubis halten'), 'cluster': gone})
    await moderator.should_see('Diesen Cluster gibt es nicht (mehr).', retries=WAIT)
    assert calls[-2:] == ['replace', 'setClusters']


async def test_moving_a_card_is_one_service_call_and_one_small_broadcast(
        user: User, create_user: Callable[[], User], monkeypatch):
    sent: list[dict] = []
    emit = core.sio.emit

    async def recording_emit(event, data=None, room=None, **kwargs):
        if event == 'ws_board':
            sent.append(data)
        return await emit(event, data, room=room, **kwargs)
    monkeypatch.setattr(core.sio, 'emit', recording_emit)
    _links, moderator, _phone, wall = await _room(user, create_user)
    skills = await _create(moderator, 'Fachkräfte')
    await until(lambda: any(m['kind'] == 'clusters' for m in sent))
    calls = []
    file_idea = clusters.file_idea

    async def counting(*args, **kwargs):
        calls.append(kwargs['idea_id'])
        return await file_idea(*args, **kwargs)
    monkeypatch.setattr(clusters, 'file_idea', counting)
    sent.clear()
    moderator.find(marker='ideas').trigger('file', {'id': _id(moderator, 'Azubis halten'), 'cluster': skills})
    await until(lambda: _board(wall).items[_id(moderator, 'Azubis halten')]['group'] == 'Fachkräfte')
    assert calls == [_id(moderator, 'Azubis halten')]
    changes = [m for m in sent if m['kind'] == 'change']
    # one message per audience (moderators, walls and phones may get different ones), each a few hundred bytes
    assert 1 <= len(changes) <= 2 and all(len(str(m)) < 400 for m in changes), sent


def test_the_vendored_sortablejs_is_npms_file():
    """The app serves its own copy of SortableJS (a fresh ``pip install`` has no node_modules): with its licence
    header, and where ``npm ci`` has run, the very file of the npm package that package.json names."""
    vendored = ROOT / 'workshop/pages/vendor/sortablejs.esm.js'
    header = vendored.read_text(encoding='utf-8')[:200]
    assert header.startswith('/**!\n * Sortable 1.15.') and '@license MIT' in header
    installed = ROOT / 'node_modules/sortablejs/modular/sortable.esm.js'
    if installed.is_file():  # CI runs npm ci: there the copy is compared
        assert filecmp.cmp(vendored, installed, shallow=False), \
            'workshop/pages/vendor/sortablejs.esm.js differs from node_modules/sortablejs/modular/sortable.esm.js'
    pinned = json.loads((ROOT / 'package.json').read_text(encoding='utf-8'))['dependencies']['sortablejs']
    version = header.split('Sortable ', 1)[1].split()[0]
    assert pinned.lstrip('^~') <= version, f'package.json asks for {pinned}, the vendored file is {version}'


def test_every_cluster_colour_has_its_shade_and_every_step_its_words():
    from workshop.pages.cluster_board import COLOUR_HEX
    from workshop.pages.undo_bar import STEP_TEXTS
    from workshop.services.clusters import COLOURS, UNDO
    assert set(COLOUR_HEX) == set(COLOURS)
    assert set(STEP_TEXTS) == set(UNDO)  # a new kind of step needs its sentence in the undo bar


async def test_the_board_speaks_english_in_an_english_workshop(user: User):
    links = await create_from_template(runtime().db, template=load_template('stakeholder-workshop-en'))
    await user.open(f'/m/{links.breakouts[0].moderator_secret}')
    await user.should_see('Ideas and clusters', retries=WAIT)
    await _undo_says(user, 'Nothing to undo yet.')
    labels = _board(user).props['labels']
    assert labels['unclustered'] == 'Unclustered' and labels['moveTo'] == 'Move to cluster'
    assert [c['label'] for c in _board(user).props['colours']][:3] == ['Blue', 'Green', 'Orange']
