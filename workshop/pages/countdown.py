"""A countdown element: the end time comes from the server, the ticking happens in the browser."""

from __future__ import annotations

import datetime as dt

from nicegui import ui

from ..models import utcnow


class Countdown(ui.element, component='countdown.js'):
    def __init__(self, ends_at: dt.datetime | None, *, done_text: str) -> None:
        super().__init__()
        self._props['done-text'] = done_text
        self.set(ends_at)

    @property
    def ends_at_ms(self) -> int | None:
        return self._props.get('ends-at')

    def set(self, ends_at: dt.datetime | None) -> None:
        if ends_at is not None and ends_at.tzinfo is None:
            ends_at = ends_at.replace(tzinfo=dt.UTC)
        self._props['ends-at'] = int(ends_at.timestamp() * 1000) if ends_at else None
        self._props['server-now'] = int(utcnow().timestamp() * 1000)
        self.update()
