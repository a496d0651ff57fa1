"""Closing collection when a room's timer runs out ("Sammeln bei Zeitende beenden"), and clearing notices
whose time is over, on the server.

Every app instance runs one ``TimerCloser``. It sweeps at start-up (auto-closes that fell due while no
instance ran), wakes up when the next such timer ends (database time: the sweep asks the database how far
off that is), sweeps again whenever a timer changes on any instance (the bus's ``TimerChanged``), and every
``POLL`` seconds as a safety net (a change missed while the broker was away). The service decides who does
it: ``facilitation.close_due_collections`` clears each room's flag with a conditional update, so with any
number of instances each room is switched exactly once. Nothing here is per phone: one query per wake-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from sqlmodel import col, func, select

from .bus import Bus
from .db import Database, server_now
from .events import Event, TimerChanged, WorkshopChanged
from .models import Breakout, Workshop
from .services import facilitation, lead

log = logging.getLogger(__name__)

POLL = 10.0  # seconds between safety-net sweeps
SLACK = 0.05  # seconds after a timer's end before its wake-up (its end must have passed in the database too)


class TimerCloser:
    def __init__(self, db: Database, bus: Bus, *, poll: float = POLL) -> None:
        self.db = db
        self.bus = bus
        self.poll = poll
        self._task: asyncio.Task | None = None
        self._sweeping: asyncio.Task | None = None
        self._again = False
        self._wake: asyncio.TimerHandle | None = None

    def observe(self, event: Event) -> None:
        """A bus observer: a timer (perhaps one that closes collection) or a notice changed somewhere."""
        if self._task is not None and (isinstance(event, TimerChanged) or (
                isinstance(event, WorkshopChanged) and 'notice' in event.fields)):
            self.sweep()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name='timer closer')

    async def stop(self) -> None:
        for task in (self._task, self._sweeping):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._task = self._sweeping = None
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None

    async def _run(self) -> None:
        while True:
            self.sweep()
            await asyncio.sleep(self.poll)

    def sweep(self) -> None:
        """Close what is due and plan the next wake-up: now, or right after the sweep under way."""
        if self._sweeping is not None and not self._sweeping.done():
            self._again = True
            return
        self._sweeping = asyncio.create_task(self._sweep(), name='timer closer sweep')

    async def _sweep(self) -> None:
        while True:
            self._again = False
            try:
                events = await facilitation.close_due_collections(self.db, self.bus)
                if events:
                    log.info('timers closed collection: %d question(s) in rooms %s', len(events),
                             sorted({e.breakout_id for e in events}))
                await lead.clear_expired_notices(self.db, self.bus)
                self._plan(await self._next_in())
            except Exception:  # the next wake-up or poll tries again
                log.exception('closing collection at the timer\'s end failed')
            if not self._again:
                return

    async def _next_in(self) -> float | None:
        """Seconds (database time) until the next timer that closes collection ends, or a notice's time is
        over, if any."""
        async with self.db.session() as session:
            now = await server_now(session)
            ends = [(await session.exec(select(func.min(Breakout.timer_ends_at))
                                        .where(col(Breakout.timer_closes)))).one(),
                    (await session.exec(select(func.min(Workshop.notice_until)))).one()]
        moments = [_moment(m) for m in ends if m is not None]
        return max(0.0, (min(moments) - now).total_seconds()) if moments else None

    def _plan(self, seconds: float | None) -> None:
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None
        if seconds is not None and seconds < self.poll:  # later ones: a poll comes before them
            self._wake = asyncio.get_running_loop().call_later(seconds + SLACK, self.sweep)


def _moment(value: dt.datetime | str) -> dt.datetime:
    """An aggregate's moment as aware UTC (SQLite gives the stored text, naive)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
