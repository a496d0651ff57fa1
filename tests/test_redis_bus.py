"""The Redis bus and shared presence against a real Redis (skipped with the reason when there is none).

Each test uses its own channel prefix, so parallel runs on one Redis server don't hear each other.
A restart is tested with a private ``redis-server`` on a free port, never the shared one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable

import pytest
import redis as redis_sync
from nicegui import core

from workshop.bus import RedisBus
from workshop.events import (
    Event,
    IdeaPosted,
    MembersChanged,
    PhaseChanged,
    PresenceChanged,
    QuestionChanged,
    Resync,
    TalliesChanged,
    TimerChanged,
    VoteChanged,
    WorkshopChanged,
)
from workshop.presence import SharedPresence

from . import servers
from .waiting import until, wait_until

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url() -> str:
    return servers.redis_url(db=9)


@pytest.fixture
def prefix() -> str:
    return f'test-{secrets.token_hex(4)}:'


@pytest.fixture
async def make_bus(redis_url: str, prefix: str) -> AsyncIterator[Callable[..., RedisBus]]:
    buses: list[RedisBus] = []

    def make(url: str = redis_url) -> RedisBus:
        bus = RedisBus(url, prefix=prefix)
        buses.append(bus)
        return bus
    yield make
    for bus in buses:
        await bus.close()


def kill_connections(url: str, name_part: str) -> int:
    """Cut this test's connections whose client name contains ``name_part`` (as a network failure would)."""
    client = redis_sync.Redis.from_url(url)
    try:
        killed = 0
        for info in client.client_list():
            if name_part in info.get('name', ''):
                client.client_kill_filter(_id=info['id'])
                killed += 1
        return killed
    finally:
        client.close()


async def test_an_event_published_anywhere_reaches_every_instance_once_in_order(make_bus):
    a, b = make_bus(), make_bus()
    assert await a.start() and await b.start()
    seen_a, seen_b, other = [], [], []
    a.subscribe(1, seen_a.append)
    b.subscribe(1, seen_b.append)
    b.subscribe(2, other.append)
    events = [QuestionChanged(workshop_id=1, breakout_id=7, question_id=q, phase='collect', dots_budget=3)
              for q in range(300)]

    async def publish_from(bus: RedisBus, chunk: list[Event]) -> None:
        for event in chunk:
            await bus.publish(event)
    await publish_from(a, events[:150])
    await publish_from(b, events[150:])
    await until(lambda: len(seen_a) == len(seen_b) == 300)
    await asyncio.sleep(0.2)  # on purpose: nothing more arrives (own events are not also delivered locally)
    assert seen_a == events and seen_b == events and other == []


async def test_concurrent_publishers_are_seen_in_the_same_order_everywhere(make_bus):
    a, b, c = make_bus(), make_bus(), make_bus()
    for bus in (a, b, c):
        assert await bus.start()
    seen = {bus: [] for bus in (a, b, c)}
    for bus in seen:
        bus.subscribe(3, seen[bus].append)

    async def burst(bus: RedisBus, start: int) -> None:
        for n in range(start, start + 100):
            await bus.publish(MembersChanged(workshop_id=3, breakout_id=1, members=n))
    await asyncio.gather(burst(a, 0), burst(b, 1000), burst(c, 2000))
    await until(lambda: all(len(s) == 300 for s in seen.values()))
    assert seen[a] == seen[b] == seen[c]
    for start in (0, 1000, 2000):  # each publisher's events in the order it published them
        mine = [e.members for e in seen[a] if start <= e.members < start + 100]
        assert mine == list(range(start, start + 100))


async def test_every_kind_of_event_survives_the_trip(make_bus):
    a, b = make_bus(), make_bus()
    assert await a.start() and await b.start()
    seen = []
    b.subscribe(5, seen.append)
    now = dt.datetime.now(dt.UTC)
    events = [
        IdeaPosted(workshop_id=5, breakout_id=1, question_id=2, idea_id=3, participant_id=None,
                   text='Grüße „zitiert“ <b>& 😀', created_at=now, group='Öffentliche Hand'),
        PhaseChanged(workshop_id=5, breakout_id=1, question_id=2, phase='vote'),
        TimerChanged(workshop_id=5, breakout_id=1, ends_at=now, seconds=300),
        TimerChanged(workshop_id=5, breakout_id=1, ends_at=None, seconds=None),
        TalliesChanged(workshop_id=5, breakout_id=1, question_id=2, tallies=((3, 2), (4, 1)), dots_cast=3),
        WorkshopChanged(workshop_id=5, fields=('notice', 'plenary')),
        Resync(workshop_id=5),
    ]
    for event in events:
        await a.publish(event)
    await until(lambda: len(seen) == len(events))
    assert seen == events


async def test_vote_changes_are_coalesced_on_each_instance(make_bus):
    a, b = make_bus(), make_bus()
    assert await a.start() and await b.start()
    seen = []
    b.subscribe(6, seen.append)
    for total in range(1, 21):
        await a.publish(VoteChanged(workshop_id=6, breakout_id=1, question_id=2, idea_id=total % 3,
                                    total=total, breakout_dots=total))
    await until(lambda: any(isinstance(e, TalliesChanged) for e in seen))
    tallies = [e for e in seen if isinstance(e, TalliesChanged)]
    assert len(tallies) <= 2 and tallies[-1].dots_cast == 20


async def test_a_cut_connection_is_restored_and_pages_resynchronise(make_bus, redis_url):
    a, b = make_bus(), make_bus()
    assert await a.start() and await b.start()
    seen_b = []
    b.subscribe(8, seen_b.append)
    assert kill_connections(redis_url, f'workshop-listen:{b.instance}') == 1
    # b may well miss this one
    await a.publish(QuestionChanged(workshop_id=8, breakout_id=1, question_id=1, phase='collect', dots_budget=3))
    await until(lambda: any(isinstance(e, Resync) for e in seen_b))
    assert b.connections == 2 and b.connected
    await a.publish(QuestionChanged(workshop_id=8, breakout_id=1, question_id=2, phase='collect', dots_budget=3))
    await until(lambda: QuestionChanged(workshop_id=8, breakout_id=1, question_id=2, phase='collect',
                                        dots_budget=3) in seen_b)

    # the publisher's connection cut as well: the next publish reconnects, nothing is lost
    assert kill_connections(redis_url, f'workshop-publish:{a.instance}') == 1
    await a.publish(QuestionChanged(workshop_id=8, breakout_id=1, question_id=3, phase='collect', dots_budget=3))
    await until(lambda: QuestionChanged(workshop_id=8, breakout_id=1, question_id=3, phase='collect',
                                        dots_budget=3) in seen_b)


def _redis_server(port: int, tmp_path) -> subprocess.Popen:
    process = subprocess.Popen(['redis-server', '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                                '--appendonly', 'no', '--dir', str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answers() -> bool:
        try:
            return redis_sync.Redis(port=port).ping()
        except redis_sync.ConnectionError:
            return False
    try:
        wait_until(answers, 10, interval=0.05, what='the private redis-server answers')
    except AssertionError:
        process.kill()
        raise
    return process


async def test_redis_restarted_during_a_workshop(make_bus, tmp_path):
    """Redis goes away and comes back: events meanwhile stay local, then every instance resynchronises."""
    if shutil.which('redis-server') is None:
        pytest.skip('redis-server not installed (apt-get install redis-server): needed to restart a private Redis')
    port = servers.free_port()
    server = _redis_server(port, tmp_path)
    url = f'redis://127.0.0.1:{port}/0'
    a, b = make_bus(url), make_bus(url)
    try:
        assert await a.start() and await b.start()
        seen_a, seen_b = [], []
        a.subscribe(4, seen_a.append)
        b.subscribe(4, seen_b.append)
        server.terminate()
        server.wait(timeout=10)
        await until(lambda: not a.connected and not b.connected)
        started = time.monotonic()
        posted = QuestionChanged(workshop_id=4, breakout_id=1, question_id=9, phase='collect', dots_budget=3)
        await a.publish(posted)  # Redis is away: a's own pages still get it, at once
        assert time.monotonic() - started < 3
        assert posted in seen_a and posted not in seen_b
        server = _redis_server(port, tmp_path)
        await until(lambda: a.connected and b.connected, timeout=15)
        await until(lambda: any(isinstance(e, Resync) for e in seen_b))
        await a.publish(QuestionChanged(workshop_id=4, breakout_id=1, question_id=10, phase='collect', dots_budget=3))
        await until(lambda: QuestionChanged(workshop_id=4, breakout_id=1, question_id=10, phase='collect',
                                            dots_budget=3) in seen_b)
        assert any(isinstance(e, Resync) for e in seen_a)
    finally:
        server.kill()
        server.wait(timeout=10)


async def test_start_without_redis_does_not_block_publishing(make_bus):
    bus = make_bus(f'redis://127.0.0.1:{servers.free_port()}/0')  # nobody listens there
    seen = []
    bus.subscribe(1, seen.append)
    assert await bus.start(timeout=0.5) is False
    started = time.monotonic()
    for n in range(3):
        await bus.publish(MembersChanged(workshop_id=1, breakout_id=1, members=n))
    assert time.monotonic() - started < 5
    assert [e.members for e in seen] == [0, 1, 2]


@pytest.fixture
async def nicegui_loop(monkeypatch) -> None:  # presence schedules with NiceGUI's background tasks
    monkeypatch.setattr(core, 'loop', asyncio.get_running_loop())


async def test_presence_is_the_sum_over_instances(make_bus, nicegui_loop):
    a, b = make_bus(), make_bus()
    assert await a.start() and await b.start()
    pa, pb = SharedPresence(a, window=0.05, ttl=1.5), SharedPresence(b, window=0.05, ttl=1.5)
    seen_b = []
    b.subscribe(2, seen_b.append)
    for n in range(2):
        await pa.enter(workshop_id=2, breakout_id=11, client_id=f'a{n}')
    for n in range(3):
        await pb.enter(workshop_id=2, breakout_id=11, client_id=f'b{n}')
    await until(lambda: pa.online(11) == 5 and pb.online(11) == 5)
    assert (pa.local(11), pb.local(11)) == (2, 3)
    await pa.leave(workshop_id=2, breakout_id=11, client_id='a0')
    await until(lambda: pb.online(11) == 4)
    assert [e.online for e in seen_b if isinstance(e, PresenceChanged)][-1] == 4

    # an instance started now knows the totals before any change: its moderator pages show them at once
    c = make_bus()
    pc = SharedPresence(c, window=0.05, ttl=1.5)
    assert await c.start()
    await until(lambda: pc.online(11) == 4)
    await pc.close()

    # an instance that dies without saying goodbye: its count expires, the others publish the new total
    pa._heartbeat.cancel()
    await until(lambda: pb.online(11) == 3, timeout=5)
    await pb.close()
    await pa.close()
