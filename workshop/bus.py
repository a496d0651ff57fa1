"""The event bus: services publish, pages subscribe per workshop.

``Bus`` is the one interface pages and services know. ``InProcessBus`` serves
a single app instance; a Redis implementation for several instances plugs in
behind the same interface.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from .events import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


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


class InProcessBus:
    """Delivers each event synchronously, in publish order, to the workshop's handlers.

    Handlers must be quick (update a few elements); one failing handler is
    logged and does not keep the event from the others.
    """

    def __init__(self) -> None:
        self._handlers: defaultdict[int, dict[int, Handler]] = defaultdict(dict)
        self._next_id = 0

    async def publish(self, event: Event) -> None:
        self.deliver(event)

    def deliver(self, event: Event) -> None:
        for handler in list(self._handlers.get(event.workshop_id, {}).values()):
            try:
                handler(event)
            except Exception:  # a broken page must not break the others
                log.exception('event handler failed for %s', event.kind)

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

    async def close(self) -> None:
        self._handlers.clear()
