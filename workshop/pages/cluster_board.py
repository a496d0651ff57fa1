"""The moderator's clustering board: a question's ideas as cards in named, coloured clusters.

It is an ``IdeaBoard`` (the same items, the same messages, the same numbered broadcasts of
``rooms/board_channel.py``) with another face, ``cluster_board.js``: one column per cluster and one for
the ideas in none, cards with their curation actions, search and a compact list. Cards and columns are
dragged with SortableJS (vendored from npm: ``vendor/sortablejs.esm.js``, served by the app as the import
``sortablejs``); every drag has a keyboard and a button equivalent. The element only says what the
moderator did (``file``, ``merge``, ``move_cluster``, ``cluster``, ``curate``); the page calls the services,
and the room's events bring the result to every screen — a moved card is one service call and one
small broadcast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from ..i18n import Translate
from ..rooms.state import RoomState
from ..runtime import Runtime
from ..services.clusters import COLOURS
from .boards import IdeaBoard

# the colour stripe and swatch of each cluster colour: each at least 4.5:1 with white (its check mark, WCAG 1.4.11)
COLOUR_HEX = {'blue': '#1565c0', 'green': '#2e7d32', 'orange': '#b84c00', 'purple': '#6a1b9a', 'teal': '#00695c',
              'red': '#c62828', 'brown': '#6d4c41', 'pink': '#ad1457'}


def colour_names(_: Translate) -> dict[str, str]:
    return {'blue': _('Blue'), 'green': _('Green'), 'orange': _('Orange'), 'purple': _('Purple'),
            'teal': _('Teal'), 'red': _('Red'), 'brown': _('Brown'), 'pink': _('Pink')}


def _cluster_id(value: Any) -> int | None:
    return None if value in (None, '') else int(value)


class ClusterBoard(IdeaBoard, component='cluster_board.js', dependencies=['vendor/sortablejs.esm.js']):
    """The moderator's board of the room's current question; the callbacks are the page's handlers."""

    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *,
                 on_file: Callable[[int, int | None], Any], on_merge: Callable[[int, int], Any],
                 on_move_cluster: Callable[[int, int], Any], on_cluster: Callable[[str, int, str | None], Any],
                 on_curate: Callable[[str, int], Any], on_count: Callable[[int], None] | None = None) -> None:
        super().__init__(rt, _, state, mode='moderator', on_curate=on_curate, on_count=on_count)
        ui.add_head_html('<link rel="stylesheet" href="/assets/cluster_board.css">')
        names = colour_names(_)
        self._props['colours'] = [{'name': c, 'label': names[c], 'hex': COLOUR_HEX[c]} for c in COLOURS]
        self._props['labels'] = {
            **self._props['labels'],
            'unclustered': _('Unclustered'), 'search': _('Search ideas'), 'compact': _('Compact list'),
            'matches': _.plural_forms('{n} idea found', '{n} ideas found'),
            'ideas': _.plural_forms('{n} idea', '{n} ideas'),
            'moveTo': _('Move to cluster'), 'hide': _('Hide'),
            'merged': _('Mentioned {n} times (merged)'),
            'moveCluster': _('Move cluster “{title}” (drag, or arrow keys)'),
            'clusterMenu': _('Options of cluster “{title}”'),
            'rename': _('Rename …'), 'colour': _('Colour'), 'moveLeft': _('Move left'), 'moveRight': _('Move right'),
            'dissolve': _('Dissolve (the ideas stay)'), 'dropHere': _('Drag ideas here'),
            'hint': _('Drag a card onto a cluster to file it, onto another card to merge them. Keyboard: '
                      '“Move to cluster” on each card, or Alt+← / Alt+→ on a card.'),
        }
        self.on('file', lambda e: on_file(int(e.args['id']), _cluster_id(e.args.get('cluster'))))
        self.on('merge', lambda e: on_merge(int(e.args['id']), int(e.args['into'])))
        self.on('move_cluster', lambda e: on_move_cluster(int(e.args['cluster']), int(e.args['position'])))
        self.on('cluster', lambda e: on_cluster(str(e.args['action']), int(e.args['cluster']), e.args.get('colour')))

    def resend(self) -> None:
        """The whole list again: a move the browser showed at once was refused, so it must be put right."""
        self._send_all()
        if self.client.has_socket_connection:
            self.run_method('setClusters', self._props['clusters'])
