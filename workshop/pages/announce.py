"""News for screen readers: one polite status region per page, a short sentence at most every few seconds.

When thirty people post at once, a screen reader must not read thirty cards aloud while its user types;
the idea list itself is therefore no live region, and this announcer says "3 new ideas" instead.
"""

from __future__ import annotations

import asyncio
import time

from nicegui import background_tasks, ui

from ..i18n import Translate

ANNOUNCE_INTERVAL = 8.0  # seconds between two announcements at most


class Announcer:
    """A visually hidden ``role=status`` region; ``new_idea()`` gathers news, a batch is spoken per interval."""

    def __init__(self, _: Translate, *, interval: float = ANNOUNCE_INTERVAL) -> None:
        self._ = _
        self.interval = interval
        self.region = ui.label('').classes('sr-only').props('role=status aria-live=polite aria-atomic=true') \
            .mark('announcer')
        self.pending = 0
        self.last = 0.0
        self.scheduled = False

    def new_idea(self) -> None:
        self.pending += 1
        if self.scheduled:
            return
        wait = self.last + self.interval - time.monotonic()
        if wait <= 0:
            self._flush()
        else:
            self.scheduled = True
            background_tasks.create(self._later(wait), name='announce')

    async def _later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        self.scheduled = False
        if not self.region.is_deleted:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        _ = self._
        text = _('A new idea in this room') if self.pending == 1 else _('{n} new ideas in this room', n=self.pending)
        # the same sentence twice in a row would not be read again: a trailing non-breaking space tells them apart
        self.region.set_text(text + ('\u00a0' if self.region.text == text else ''))
        self.pending = 0
        self.last = time.monotonic()
