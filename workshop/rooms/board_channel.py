"""The idea boards' broadcast channel: one Socket.IO message to all pages of a room, encoded once.

NiceGUI sends each client's updates separately; for a room of hundreds of phones a change would be
encoded and queued hundreds of times: with per-page elements an idea cost 300 ms of server CPU for
100 phones, with this channel 26 ms for 300 (docs/performance.md, "Idea boards"). So a board
change travels as one ``ws_board`` event emitted to the Socket.IO rooms of the pages' clients.

It is not ordered with NiceGUI's own messages and a page misses what is sent while its socket is
away, so the contract is carried by numbers, not by the transport:

- every change of a room's state has a number (``RoomState.version``); each broadcast and each
  board message of one page only (``receive``) carries the number of the change it reflects;
- a whole list (the page's seed prop, ``replace``) carries the number of the newest change in it;
- the browser (``pages/board_channel.js``, which both boards take) applies every message newer
  than its list and keeps them for a while; when a whole list arrives it takes it and applies
  again, in number order, the kept messages that are newer than it — so a list overtaken by a
  broadcast loses nothing;
- a page whose socket connects after changes it could not receive, and every reconnect, gets the
  whole list once (``IdeaBoard._connected``).

``tests/rooms/test_board_channel.py`` holds the server side of this contract and, in Node, the
browser side.
"""

from __future__ import annotations

from typing import Any

from nicegui import background_tasks, core

EVENT = 'ws_board'


def broadcast(message: dict[str, Any], client_ids: list[str]) -> None:
    """Send one board message to these pages (their clients' Socket.IO rooms)."""
    background_tasks.create(core.sio.emit(EVENT, message, room=client_ids), name='board broadcast')
