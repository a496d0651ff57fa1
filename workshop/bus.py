"""The event bus: services publish, pages subscribe per workshop.

``Bus`` is the one interface pages and services know. ``InProcessBus`` serves a
single app instance; a Redis implementation for several instances plugs in
behind the same interface and hands what it receives to the same ``Hub``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from .events import Event, TalliesChanged, VoteChanged

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]
TALLY_WINDOW = 0.2  # seconds: vote changes of one room within this window reach pages as one update


class Subscription:
    def __init__(self, unsubscribe: Callable[[], None]) -> None:
        self._unsubscribe: Callable[[], None] | None = unsubscribe

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


class Bus(Protocol):
    async def publish(self, event: Event) -> None: ...

    def subscribe(self, workshop_id: int, handler: Handler) -> Subscription: ...

    async def close(self) -> None: ...


class Hub:
    """This process's subscribers, and delivery to them.

    Events are delivered synchronously, in order, to the workshop's handlers.
    Handlers must be quick (update a few elements); one failing handler is
    logged and does not keep the event from the others. Vote changes are
    coalesced per question into one ``TalliesChanged`` per window, so that a
    burst of votes costs rooms × screens updates, not votes × screens.
    """

    def __init__(self, tally_window: float = TALLY_WINDOW) -> None:
        self._handlers: defaultdict[int, dict[int, Handler]] = defaultdict(dict)
        self._next_id = 0
        self._tally_window = tally_window
        self._pending: dict[tuple[int, int, int], dict[int, int]] = {}
        self._pending_dots: dict[tuple[int, int, int], int] = {}
        self._flush: asyncio.TimerHandle | None = None

    def deliver(self, event: Event) -> None:
        if isinstance(event, VoteChanged):
            self._coalesce(event)
        self._deliver_now(event)

    def _deliver_now(self, event: Event) -> None:
        for handler in list(self._handlers.get(event.workshop_id, {}).values()):
            try:
                handler(event)
            except Exception:  # a broken page must not break the others
                log.exception('event handler failed for %s', event.kind)

    def _coalesce(self, event: VoteChanged) -> None:
        key = (event.workshop_id, event.breakout_id, event.question_id)
        self._pending.setdefault(key, {})[event.idea_id] = event.total
        self._pending_dots[key] = event.breakout_dots
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(self._tally_window, self.flush_tallies)

    def flush_tallies(self) -> None:
        self._flush = None
        pending, dots = self._pending, self._pending_dots
        self._pending, self._pending_dots = {}, {}
        for (workshop_id, breakout_id, question_id), tallies in pending.items():
            self._deliver_now(TalliesChanged(workshop_id=workshop_id, breakout_id=breakout_id,
                                             question_id=question_id, tallies=tuple(sorted(tallies.items())),
                                             dots_cast=dots[(workshop_id, breakout_id, question_id)]))

    def subscribe(self, workshop_id: int, handler: Handler) -> Subscription:
        self._next_id += 1
        key = self._next_id
        self._handlers[workshop_id][key] = handler

        def unsubscribe() -> None:
            handlers = self._handlers.get(workshop_id)
            if handlers is not None:
                handlers.pop(key, None)
                if not handlers:
                    del self._handlers[workshop_id]
        return Subscription(unsubscribe)

    def subscriber_count(self, workshop_id: int) -> int:
        return len(self._handlers.get(workshop_id, {}))

    def close(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        self._handlers.clear()


class InProcessBus:
    """The bus of a single app instance: publishing is delivering to this process's pages."""

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub or Hub()

    async def publish(self, event: Event) -> None:
        self.hub.deliver(event)

    def subscribe(self, workshop_id: int, handler: Handler) -> Subscription:
        return self.hub.subscribe(workshop_id, handler)

    def subscriber_count(self, workshop_id: int) -> int:
        return self.hub.subscriber_count(workshop_id)

    async def close(self) -> None:
        self.hub.close()
