"""The event bus: services publish, pages subscribe per workshop.

``Bus`` is the one interface pages and services know. ``InProcessBus`` serves a
single app instance; ``RedisBus`` serves several instances (on one or more
machines) through Redis pub/sub and hands what it receives to the same ``Hub``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from .events import Event, Resync, TalliesChanged, VoteChanged, WorkshopChanged

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

    def subscribe(self, workshop_id: int, handler: Handler, *, breakout_id: int | None = None) -> Subscription: ...

    async def close(self) -> None: ...


class Hub:
    """This process's subscribers, and delivery to them.

    Events are delivered synchronously, in order, to the workshop's handlers.
    Handlers must be quick (update a few elements); one failing handler is
    logged and does not keep the event from the others. Vote changes are
    coalesced per question into one ``TalliesChanged`` per window, so that a
    burst of votes costs rooms × screens updates, not votes × screens; the
    single ``VoteChanged`` reaches observers, not the pages.

    Tallies are absolute totals, and with several instances their events can arrive in
    another order than their transactions committed. Each carries its room's tally
    sequence number (``Breakout.tally_seq``); an idea's total or a room's count older
    than one already taken is dropped, so every screen settles on the database's totals.
    """

    def __init__(self, tally_window: float = TALLY_WINDOW) -> None:
        # workshop -> breakout (None: the whole workshop) -> subscription key -> handler
        self._handlers: defaultdict[int, dict[int | None, dict[int, Handler]]] = defaultdict(dict)
        self._next_id = 0
        self._tally_window = tally_window
        self._pending: dict[tuple[int, int, int], dict[int, int]] = {}
        self._pending_dots: dict[tuple[int, int, int], int] = {}
        # per workshop: the tally sequence number of each idea's newest total, and of each room's count
        self._idea_seq: defaultdict[int, dict[int, int]] = defaultdict(dict)
        self._room_dots: defaultdict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
        self._flush: asyncio.TimerHandle | None = None
        self._observers: list[Handler] = []

    def deliver(self, event: Event) -> None:
        for observer in self._observers:
            try:
                observer(event)
            except Exception:
                log.exception('event observer failed for %s', event.kind)
        if isinstance(event, VoteChanged):  # pages get the coalesced tallies only: a vote is not worth
            self._coalesce(event)           # a call to each of a thousand pages' handlers (3 ms per vote)
            return
        if isinstance(event, WorkshopChanged) and {'deleted', 'structure'} & set(event.fields):
            self._idea_seq.pop(event.workshop_id, None)  # rows may be gone (SQLite may reuse their ids)
            self._room_dots.pop(event.workshop_id, None)
        self._deliver_now(event)

    def _deliver_now(self, event: Event) -> None:
        rooms = self._handlers.get(event.workshop_id)
        if not rooms:
            return
        breakout_id = getattr(event, 'breakout_id', None)
        if breakout_id is None:  # workshop-wide: every page of the workshop
            handlers = [h for room in rooms.values() for h in room.values()]
        else:  # a room's event: the room's pages and the workshop-wide ones (moderators, lead, walls)
            handlers = [*rooms.get(None, {}).values(), *rooms.get(breakout_id, {}).values()]
        for handler in handlers:
            try:
                handler(event)
            except Exception:  # a broken page must not break the others
                log.exception('event handler failed for %s', event.kind)

    def _coalesce(self, event: VoteChanged) -> None:
        seen = self._idea_seq[event.workshop_id]
        if event.seq < seen.get(event.idea_id, 0):
            return  # an older total that arrived late (another instance's): the newer one stays
        seen[event.idea_id] = event.seq
        rooms = self._room_dots[event.workshop_id]
        if event.seq >= rooms.get(event.breakout_id, (0, 0))[0]:
            rooms[event.breakout_id] = (event.seq, event.breakout_dots)
        key = (event.workshop_id, event.breakout_id, event.question_id)
        self._pending.setdefault(key, {})[event.idea_id] = event.total
        self._pending_dots[key] = rooms[event.breakout_id][1]
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

    def subscribe(self, workshop_id: int, handler: Handler, *, breakout_id: int | None = None) -> Subscription:
        """Events of the workshop; with ``breakout_id`` only that room's and the workshop-wide ones
        (a phone: a thousand phones need not each be called for every other room's event)."""
        self._next_id += 1
        key = self._next_id
        self._handlers[workshop_id].setdefault(breakout_id, {})[key] = handler

        def unsubscribe() -> None:
            rooms = self._handlers.get(workshop_id)
            room = rooms.get(breakout_id) if rooms is not None else None
            if room is not None:
                room.pop(key, None)
                if not room:
                    del rooms[breakout_id]
                if not rooms:
                    del self._handlers[workshop_id]
        return Subscription(unsubscribe)

    def subscriber_count(self, workshop_id: int) -> int:
        return sum(len(room) for room in self._handlers.get(workshop_id, {}).values())

    def workshop_ids(self) -> list[int]:
        """The workshops that have subscribers in this process."""
        return [w for w, rooms in self._handlers.items() if any(rooms.values())]

    def observe(self, observer: Handler) -> None:
        """Also see every event of every workshop (before its subscribers do), e.g. presence totals."""
        self._observers.append(observer)

    def close(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        self._handlers.clear()
        self._idea_seq.clear()
        self._room_dots.clear()


class InProcessBus:
    """The bus of a single app instance: publishing is delivering to this process's pages."""

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub or Hub()

    async def publish(self, event: Event) -> None:
        self.hub.deliver(event)

    def subscribe(self, workshop_id: int, handler: Handler, *, breakout_id: int | None = None) -> Subscription:
        return self.hub.subscribe(workshop_id, handler, breakout_id=breakout_id)

    def subscriber_count(self, workshop_id: int) -> int:
        return self.hub.subscriber_count(workshop_id)

    async def close(self) -> None:
        self.hub.close()


# --- several app instances: Redis ---------------------------------------------------------------------

RECONNECT_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # seconds between attempts, the last one repeating
PING_INTERVAL = 2.0  # seconds: the subscriber pings Redis when idle …
SILENCE_LIMIT = 3 * PING_INTERVAL  # … and takes the connection for dead after this long without an answer
PUBLISH_BATCH = 256  # events sent to Redis in one round trip at most


def instance_name() -> str:
    """Names this app instance in Redis (presence counts) and in the envelope of its events."""
    return f'{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}'


def redis_database(url: str) -> int:
    """The database number of a redis:// URL (``/2`` → 2; none → 0)."""
    path = url.split('://', 1)[-1].split('?', 1)[0].split('/', 1)
    return int(path[1]) if len(path) > 1 and path[1].isdigit() else 0


class BrokerURLError(ValueError):
    pass


class RedisBus:
    """The bus of several app instances: every event travels through Redis pub/sub.

    ``publish`` sends the event (JSON, ``Event.to_dict``) with ``PUBLISH`` on the channel of
    its workshop, in the order ``publish`` was called: one writer task, one connection,
    batches pipelined in order. One listener task (``PSUBSCRIBE`` on all workshop channels)
    hands every event to this process's ``Hub`` in the order Redis received them — the same
    order on every instance, and this instance's own events exactly once (nothing is
    delivered locally at publish time). Channels carry ``prefix`` and the Redis database
    number, because pub/sub ignores database numbers.

    A lost connection is retried with backoff. When the listener is back, it delivers
    ``Resync`` to this instance's pages of every workshop, which reload what they show from
    the database (events published meanwhile were missed). An event that cannot be sent
    while Redis is away is delivered to this instance's pages directly, and once Redis is
    back a ``Resync`` for its workshop goes to all instances.
    """

    def __init__(self, url: str, *, hub: Hub | None = None, prefix: str = 'workshop:',
                 instance: str | None = None) -> None:
        if not url.startswith(('redis://', 'rediss://', 'unix://')):
            raise BrokerURLError(f'not a Redis URL: {url.split("@")[-1]!r} (use redis://HOST:PORT/DB or rediss://…)')
        self.url = url
        self.hub = hub or Hub()
        self.instance = instance or instance_name()
        self.namespace = f'{prefix}{redis_database(url)}:'
        self._outbox: asyncio.Queue[tuple[str, str, Event, asyncio.Future]] | None = None
        self._writer: asyncio.Task | None = None
        self._listener: asyncio.Task | None = None
        self._publisher: Any = None  # redis.asyncio.Redis
        self._subscribed = asyncio.Event()
        self._publish_down_until = 0.0
        self._missed: set[int] = set()  # workshops with events that did not reach Redis
        self._reconnect_callbacks: list[Callable[[], Awaitable[None]]] = []
        self._closing = False
        self.connections = 0  # successful (re)subscriptions, for tests and logs
        self.resyncs = 0

    # --- the Bus interface ---

    def channel(self, workshop_id: int) -> str:
        return f'{self.namespace}events:{workshop_id}'

    def envelope(self, event: Event) -> str:
        return json.dumps({'event': event.to_dict(), 'origin': self.instance}, ensure_ascii=False)

    async def publish(self, event: Event) -> None:
        self._launch()
        future = asyncio.get_running_loop().create_future()
        self._outbox.put_nowait((self.channel(event.workshop_id), self.envelope(event), event, future))
        await future  # sent to Redis (or, with Redis away, delivered here and marked for a resync)

    def subscribe(self, workshop_id: int, handler: Handler, *, breakout_id: int | None = None) -> Subscription:
        return self.hub.subscribe(workshop_id, handler, breakout_id=breakout_id)

    def subscriber_count(self, workshop_id: int) -> int:
        return self.hub.subscriber_count(workshop_id)

    @property
    def connected(self) -> bool:
        return self._subscribed.is_set()

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run after every (re)subscription, after the pages got their ``Resync``."""
        self._reconnect_callbacks.append(callback)

    # --- life cycle ---

    def _client(self, **kwargs: Any) -> Any:
        import redis.asyncio as redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        return redis.Redis.from_url(self.url, socket_connect_timeout=2, socket_keepalive=True,
                                    retry=Retry(NoBackoff(), kwargs.pop('retries', 1)), **kwargs)

    def _launch(self) -> None:
        if self._outbox is None:
            self._outbox = asyncio.Queue()
            self._publisher = self._client(socket_timeout=5, client_name=f'workshop-publish:{self.instance}')
            self._writer = asyncio.create_task(self._write(), name='redis bus writer')
            self._listener = asyncio.create_task(self._listen(), name='redis bus listener')

    async def start(self, timeout: float = 10.0) -> bool:
        """Connect and subscribe; True when subscribed within ``timeout`` (else it keeps trying in the background)."""
        self._launch()
        try:
            await asyncio.wait_for(self._subscribed.wait(), timeout)
            return True
        except TimeoutError:
            log.error('event bus: Redis at %s not reachable yet; pages stay local until it is', self._where())
            return False

    async def close(self) -> None:
        self._closing = True
        for task in (self._writer, self._listener):
            if task is not None:
                task.cancel()
        for task in (self._writer, self._listener):
            if task is not None:
                try:
                    await task
                except (asyncio.CancelledError, Exception):  # noqa: BLE001, S110 - closing anyway
                    pass
        while self._outbox is not None and not self._outbox.empty():  # nobody waits for ever on a closed bus
            *_rest, future = self._outbox.get_nowait()
            if not future.done():
                future.set_result(None)
        if self._publisher is not None:
            await self._publisher.aclose()
        self.hub.close()

    def _where(self) -> str:
        return self.url.split('@')[-1]

    # --- sending ---

    async def _write(self) -> None:
        assert self._outbox is not None  # noqa: S101 - for the type checker: _launch() created it before this task
        while True:
            batch = [await self._outbox.get()]
            while len(batch) < PUBLISH_BATCH and not self._outbox.empty():
                batch.append(self._outbox.get_nowait())
            try:
                if time.monotonic() < self._publish_down_until:
                    raise ConnectionError('Redis was unreachable a moment ago')
                pipe = self._publisher.pipeline(transaction=False)
                for workshop_id in sorted(self._missed):  # first: tell everybody what they may have missed
                    resync = Resync(workshop_id=workshop_id)
                    pipe.publish(self.channel(workshop_id), self.envelope(resync))
                for channel, data, _event, _future in batch:
                    pipe.publish(channel, data)
                await pipe.execute()
                if self._missed:
                    log.info('event bus: Redis is back; resync sent for workshops %s', sorted(self._missed))
                    self._missed.clear()
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - Redis away: keep this instance's pages live at least
                if time.monotonic() >= self._publish_down_until:
                    log.warning('event bus: cannot publish to Redis (%s); delivering locally until it is back', e)
                self._publish_down_until = time.monotonic() + 1.0
                for _channel, _data, event, _future in batch:
                    self._missed.add(event.workshop_id)
                    self.hub.deliver(event)
            for *_rest, future in batch:
                if not future.done():
                    future.set_result(None)

    # --- receiving ---

    async def _listen(self) -> None:
        attempt = 0
        pattern = f'{self.namespace}events:*'
        while not self._closing:
            client = pubsub = None
            try:
                client = self._client(retries=0, client_name=f'workshop-listen:{self.instance}')
                pubsub = client.pubsub()
                await pubsub.psubscribe(pattern)
                heard = time.monotonic()
                while True:  # wait for the subscription to be confirmed before telling anybody
                    message = await pubsub.get_message(timeout=PING_INTERVAL)
                    if message is not None and message['type'] == 'psubscribe':
                        break
                    if time.monotonic() - heard > SILENCE_LIMIT:
                        raise ConnectionError('no confirmation of the subscription')
                if self.connections:
                    log.warning('event bus: reconnected to Redis at %s; resynchronising pages', self._where())
                else:
                    log.info('event bus: subscribed to Redis at %s', self._where())
                self.connections += 1
                attempt = 0
                self._publish_down_until = 0.0
                self._subscribed.set()
                # pages that were open while this instance was not subscribed (reconnect, or served
                # before the first subscription) may have missed events: they reload from the database
                self._resync_here()
                for callback in self._reconnect_callbacks:
                    try:
                        await callback()
                    except Exception:
                        log.exception('event bus: reconnect callback failed')
                await self._receive(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - any failure: connect again
                if self._subscribed.is_set():
                    log.warning('event bus: lost Redis at %s (%s); reconnecting', self._where(), e)
                self._subscribed.clear()
                delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
                attempt += 1
                await asyncio.sleep(delay)
            finally:
                for closable in (pubsub, client):
                    if closable is not None:
                        try:
                            await closable.aclose()
                        except Exception:  # noqa: BLE001, S110 - the connection is gone anyway
                            pass

    async def _receive(self, pubsub: Any) -> None:
        heard = pinged = time.monotonic()
        while True:
            message = await pubsub.get_message(timeout=PING_INTERVAL)
            now = time.monotonic()
            if message is not None:
                heard = now
                if message['type'] == 'pmessage':
                    self._deliver(message['data'])
                continue
            if now - heard > SILENCE_LIMIT:
                raise ConnectionError(f'no answer from Redis for {SILENCE_LIMIT:.0f} s')
            if now - pinged >= PING_INTERVAL:
                await pubsub.ping()  # the answer (pong) counts as heard
                pinged = now

    def _deliver(self, data: bytes | str) -> None:
        try:
            event = Event.from_dict(json.loads(data)['event'])
        except Exception:  # noqa: BLE001 - e.g. an event kind of a newer version during an upgrade
            log.warning('event bus: ignoring a message this version cannot read: %.200r', data)
            return
        self.hub.deliver(event)

    def _resync_here(self) -> None:
        for workshop_id in self.hub.workshop_ids():
            self.resyncs += 1
            self.hub.deliver(Resync(workshop_id=workshop_id))
