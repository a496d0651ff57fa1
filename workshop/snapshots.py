"""Short-lived read snapshots shared by many requests (the join page while a room of phones scans the QR code).

Only for views that are a snapshot anyway and whose every action is checked again against the
database: the join page is plain HTML (it does not update itself), and its form's post runs
in a transaction that reads the workshop afresh. So a view up to ``max_age`` seconds old is
as good as a fresh one, and 1,000 phones arriving within 30 s cost a handful of queries
instead of 4,000. Concurrent requests for the same key wait for one load. Any change of a
workshop's settings or rounds that the bus announces (from any app instance) drops the
snapshots at once; the age limit is for changes nobody announced.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from .events import Event, Resync, RoundChanged, WorkshopChanged

T = TypeVar('T')


class Snapshots:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic, limit: int = 1000) -> None:
        self._clock = clock
        self._limit = limit
        self._kept: dict[Hashable, tuple[float, Any]] = {}
        self._loading: dict[Hashable, asyncio.Future] = {}

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]], *, max_age: float) -> T:
        """The value kept under ``key`` if it is at most ``max_age`` seconds old, else ``load()``'s.
        A failing load is not kept (the next request tries again)."""
        kept = self._kept.get(key)
        if kept is not None and self._clock() - kept[0] <= max_age:
            return kept[1]
        pending = self._loading.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except BaseException as e:
            future.set_exception(e)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        else:
            future.set_result(value)
            if len(self._kept) >= self._limit:  # a bounded cache: wrong codes must not grow it
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = (self._clock(), value)
            return value
        finally:
            del self._loading[key]

    def clear(self) -> None:
        self._kept.clear()

    def forget_on_change(self, event: Event) -> None:
        """A bus observer: settings, structure or round changed (or events may have been missed)."""
        if isinstance(event, (WorkshopChanged, RoundChanged, Resync)):
            self.clear()
