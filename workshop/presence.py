"""Who is connected right now: counts of open participant pages per breakout.

Presence is a property of live connections, not of the database, so each app
instance counts its own pages and publishes the count on the bus.
"""

from __future__ import annotations

from collections import defaultdict

from .bus import Bus
from .events import PresenceChanged


class Presence:
    def __init__(self, bus: Bus) -> None:
        self._bus = bus
        self._clients: defaultdict[int, set[str]] = defaultdict(set)

    def online(self, breakout_id: int) -> int:
        return len(self._clients.get(breakout_id, ()))

    async def enter(self, *, workshop_id: int, breakout_id: int, client_id: str) -> None:
        clients = self._clients[breakout_id]
        if client_id not in clients:
            clients.add(client_id)
            await self._publish(workshop_id, breakout_id)

    async def leave(self, *, workshop_id: int, breakout_id: int, client_id: str) -> None:
        clients = self._clients.get(breakout_id)
        if clients and client_id in clients:
            clients.discard(client_id)
            if not clients:
                del self._clients[breakout_id]
            await self._publish(workshop_id, breakout_id)

    async def _publish(self, workshop_id: int, breakout_id: int) -> None:
        await self._bus.publish(PresenceChanged(workshop_id=workshop_id, breakout_id=breakout_id,
                                                online=self.online(breakout_id)))
