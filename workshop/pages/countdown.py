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


GONG = '/assets/gong.wav'  # a soft bell, 2 s (assets/gong.wav, made once with Python's wave module)


class Gong(ui.element, component='gong.js'):
    """A wall's gong when its countdown runs out (only walls make one, never phones); while on, a one-time
    "enable sound" button gets the click browsers require before a page may play sound."""

    def __init__(self, *, enabled: bool, label: str) -> None:
        super().__init__()
        self._props['src'] = GONG
        self._props['label'] = label
        self.set(enabled)

    @property
    def enabled(self) -> bool:
        return bool(self._props.get('enabled'))

    def set(self, enabled: bool) -> None:
        self._props['enabled'] = bool(enabled)
        self.update()
