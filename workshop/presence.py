"""Who is connected right now: counts of open participant pages per breakout.

Presence is a property of live connections, not of the database, so each app
instance counts its own pages. ``Presence`` serves one instance; ``SharedPresence``
adds up the counts of all instances in Redis, so every page shows the total.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict

from nicegui import background_tasks

from .bus import Bus, RedisBus
from .events import Event, PresenceChanged

log = logging.getLogger(__name__)

PRESENCE_WINDOW = 0.5  # seconds: joins and leaves of a room within this window make one update
# ... and longer in a big room: each update is a change on every page of the room, so a room of
# 300 phones filling up would cost 600 page updates a second at 0.5 s; one every 3 s is plenty
PRESENCE_WINDOW_PER_PAGE = 0.01  # seconds per connected page of the room
PRESENCE_WINDOW_MAX = 5.0
PRESENCE_TTL = 30.0  # seconds: an instance's counts expire unless it refreshes them (a crashed instance)


class Presence:
    """Counts, and publishes them coalesced: when a thousand phones join, each room's pages get a
    few updates, not one per phone (which would cost phones² messages)."""

    def __init__(self, bus: Bus, window: float = PRESENCE_WINDOW) -> None:
        self._bus = bus
        self._window = window
        self._clients: defaultdict[int, set[str]] = defaultdict(set)
        self._pending: set[int] = set()

    def local(self, breakout_id: int) -> int:
        """Participant pages of the breakout connected to this instance."""
        return len(self._clients.get(breakout_id, ()))

    def online(self, breakout_id: int) -> int:
        """Participant pages of the breakout connected to the app (all instances)."""
        return self.local(breakout_id)

    def window(self, breakout_id: int) -> float:
        """Seconds that joins and leaves of this room are collected into one update."""
        return min(max(self._window, self.local(breakout_id) * PRESENCE_WINDOW_PER_PAGE),
                   max(self._window, PRESENCE_WINDOW_MAX))

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
        if breakout_id in self._pending:
            return
        self._pending.add(breakout_id)

        async def later() -> None:
            await asyncio.sleep(self.window(breakout_id))
            self._pending.discard(breakout_id)
            await self._announce(workshop_id, breakout_id)
        background_tasks.create(later(), name='presence')

    async def _announce(self, workshop_id: int, breakout_id: int) -> None:
        await self._bus.publish(PresenceChanged(workshop_id=workshop_id, breakout_id=breakout_id,
                                                online=self.online(breakout_id)))

    async def close(self) -> None:
        pass


# One atomic step in Redis: store this instance's count (with its expiry), drop expired counts of
# other instances, add up, and publish the total on the workshop's channel if it changed. Being one
# script, the totals are published in the order they were computed: the last one is the right one.
_ANNOUNCE = """
local key, instance, count, ttl = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if count > 0 then
  redis.call('HSET', key, instance, count .. ':' .. (now + ttl))
else
  redis.call('HDEL', key, instance)
end
local total = 0
local entries = redis.call('HGETALL', key)
for i = 1, #entries, 2 do
  local field, value = entries[i], entries[i + 1]
  if field ~= '=total' then
    local sep = string.find(value, ':', 1, true)
    local n, expires = tonumber(string.sub(value, 1, sep - 1)), tonumber(string.sub(value, sep + 1))
    if expires < now then redis.call('HDEL', key, field) else total = total + n end
  end
end
local previous = redis.call('HGET', key, '=total')
redis.call('HSET', key, '=total', total)
redis.call('PEXPIRE', key, 2 * ttl)
if ARGV[4] == '1' or previous ~= tostring(total) then
  local event = cjson.decode(ARGV[6])
  event['event']['online'] = total
  redis.call('PUBLISH', ARGV[5], cjson.encode(event))
end
return total
"""


# The totals of some breakouts, from the counts that have not expired (read only).
_TOTALS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local totals = {}
for k = 1, #KEYS do
  local total = 0
  local entries = redis.call('HGETALL', KEYS[k])
  for i = 1, #entries, 2 do
    if entries[i] ~= '=total' then
      local sep = string.find(entries[i + 1], ':', 1, true)
      if tonumber(string.sub(entries[i + 1], sep + 1)) >= now then
        total = total + tonumber(string.sub(entries[i + 1], 1, sep - 1))
      end
    end
  end
  totals[k] = total
end
return totals
"""


class SharedPresence(Presence):
    """Presence of several instances: each keeps its counts in Redis (hash ``presence:{breakout}``,
    one field per instance, refreshed every third of ``PRESENCE_TTL``, expiring after it)
    and publishes the sum over all instances; ``online()`` answers with the last sum seen."""

    def __init__(self, bus: RedisBus, window: float = PRESENCE_WINDOW, ttl: float = PRESENCE_TTL) -> None:
        super().__init__(bus, window)
        self._redis_bus = bus
        self._ttl_ms = int(ttl * 1000)
        self._heartbeat_every = ttl / 3
        self._totals: dict[int, int] = {}
        self._workshop_of: dict[int, int] = {}
        self._reported: set[int] = set()  # breakouts with a count of this instance in Redis
        self._client = bus._client(socket_timeout=5, client_name=f'workshop-presence:{bus.instance}')
        self._script = self._client.register_script(_ANNOUNCE)
        self._totals_script = self._client.register_script(_TOTALS)
        self._heartbeat: asyncio.Task | None = None
        bus.hub.observe(self._observe)
        bus.on_reconnect(self.refresh)

    def online(self, breakout_id: int) -> int:
        return self._totals.get(breakout_id, self.local(breakout_id))

    def _observe(self, event: Event) -> None:
        if isinstance(event, PresenceChanged):
            self._totals[event.breakout_id] = event.online

    def _key(self, breakout_id: int) -> str:
        return f'{self._redis_bus.namespace}presence:{breakout_id}'

    async def _announce(self, workshop_id: int, breakout_id: int, *, force: bool = True) -> None:
        self._workshop_of[breakout_id] = workshop_id
        if self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._beat(), name='presence heartbeat')
        count = self.local(breakout_id)
        template = json.loads(self._redis_bus.envelope(PresenceChanged(workshop_id=workshop_id,
                                                                       breakout_id=breakout_id, online=count)))
        try:
            await self._script(keys=[self._key(breakout_id)],
                               args=[self._redis_bus.instance, count, self._ttl_ms, '1' if force else '0',
                                     self._redis_bus.channel(workshop_id), json.dumps(template)])
        except Exception as e:  # noqa: BLE001 - Redis away: this instance's pages get its own count
            log.warning('presence: cannot reach Redis (%s)', e)
            await super()._announce(workshop_id, breakout_id)
            return
        if count > 0:
            self._reported.add(breakout_id)
        else:
            self._reported.discard(breakout_id)

    async def refresh(self, *, force: bool = True) -> None:
        """Write this instance's counts again (and publish the totals): after a reconnect, on the heartbeat;
        and learn the totals of rooms with no page here (what a page opened now shows first)."""
        if self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._beat(), name='presence heartbeat')
        for breakout_id in sorted(set(self._reported) | set(self._clients)):
            workshop_id = self._workshop_of.get(breakout_id)
            if workshop_id is not None:
                await self._announce(workshop_id, breakout_id, force=force)
        await self._load_totals()

    async def _load_totals(self) -> None:
        try:
            keys = [key async for key in self._client.scan_iter(match=f'{self._redis_bus.namespace}presence:*',
                                                                 count=500)]
            if not keys:
                return
            totals = await self._totals_script(keys=keys)
        except Exception as e:  # noqa: BLE001 - the next heartbeat tries again
            log.warning('presence: cannot read the totals (%s)', e)
            return
        for key, total in zip(keys, totals, strict=True):
            breakout = (key.decode() if isinstance(key, bytes) else key).rsplit(':', 1)[1]
            if breakout.isdigit():
                self._totals[int(breakout)] = int(total)

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_every)
            try:
                await self.refresh(force=False)  # totals are published only if they changed (an instance died)
            except Exception:
                log.exception('presence: heartbeat failed')

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        try:  # leave no counts behind for the others to wait out
            for breakout_id in list(self._reported):
                self._clients.pop(breakout_id, None)
                await self._announce(self._workshop_of[breakout_id], breakout_id)
        except Exception:  # noqa: BLE001, S110 - shutting down; the counts expire anyway
            pass
        await self._client.aclose()
