"""The phone's outbox: the draft and unconfirmed ideas kept in the browser (``outbox.js``).

The server side of it: it tells the browser which client id the current draft will be
sent with (``next_id``), confirms stored ideas (``saved``) or gives refused ones back
(``refused``), and hands ``resend`` and ``draft`` requests from the browser to the room.
Without JavaScript (NiceGUI's simulated users) it renders nothing and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from ..i18n import Translate


class IdeaOutbox(ui.element, component='outbox.js'):

    def __init__(self, _: Translate, *, storage_key: str, box: ui.element, button: ui.element, status: ui.element,
                 client_id: str,
                 question_id: int | None, on_resend: Callable[[str, str, int | None], Awaitable[Any]],
                 on_draft: Callable[[str], Any]) -> None:
        super().__init__()
        self._props.update({
            'storage-key': storage_key, 'box': box.id, 'button': button.id, 'status': status.id,
            'next-id': client_id,
            'question': question_id,
            'labels': {'waiting': _('Waiting for the connection — will be sent automatically'),
                       'sending': _('Sending …'), 'saved': _('Saved ✓'), 'refused': _('Not sent')},
        })
        self.on('resend', lambda e: on_resend(str(e.args.get('id') or ''), str(e.args.get('text') or ''),
                                              _int(e.args.get('question'))))
        self.on('draft', lambda e: on_draft(str(e.args or '')))

    def next_id(self, client_id: str, question_id: int | None = None) -> None:
        self._props['next-id'] = client_id
        self._props['question'] = question_id
        self.update()

    def saved(self, client_id: str) -> None:
        if self.client.has_socket_connection:
            self.run_method('saved', client_id)

    def refused(self, client_id: str, message: str) -> None:
        if self.client.has_socket_connection:
            self.run_method('refused', client_id, message)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
