"""Short-lived read snapshots (workshop/snapshots.py)."""

import asyncio

import pytest

from workshop.events import PresenceChanged, RoundChanged, WorkshopChanged
from workshop.snapshots import Snapshots


class _Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


async def test_a_snapshot_is_shared_until_it_is_too_old():
    clock, loads = _Clock(), []

    async def load():
        loads.append(clock.t)
        return len(loads)
    snapshots = Snapshots(clock=clock)
    assert await snapshots.get('k', load, max_age=2) == 1
    clock.t += 2
    assert await snapshots.get('k', load, max_age=2) == 1  # 2 s old: still good
    clock.t += 0.1
    assert await snapshots.get('k', load, max_age=2) == 2  # older: loaded again
    assert await snapshots.get('other', load, max_age=2) == 3


async def test_concurrent_requests_wait_for_one_load_and_failures_are_not_kept():
    snapshots, calls = Snapshots(), []
    gate = asyncio.Event()

    async def load():
        calls.append(1)
        await gate.wait()
        return 'view'
    waiting = [asyncio.create_task(snapshots.get('k', load, max_age=2)) for _ in range(50)]
    await asyncio.sleep(0.01)  # the 50 requests start: one loads, the others wait for it
    gate.set()
    assert await asyncio.gather(*waiting) == ['view'] * 50 and len(calls) == 1

    async def failing():
        calls.append(1)
        raise LookupError('no such code')
    for _ in range(2):
        with pytest.raises(LookupError):
            await snapshots.get('bad', failing, max_age=2)
    assert len(calls) == 3  # each failure loaded again


async def test_announced_changes_drop_the_snapshots_and_the_cache_is_bounded():
    snapshots, loads = Snapshots(limit=3), []

    async def load():
        loads.append(1)
        return len(loads)
    await snapshots.get('k', load, max_age=60)
    snapshots.forget_on_change(PresenceChanged(workshop_id=1, breakout_id=1, online=3))
    assert await snapshots.get('k', load, max_age=60) == 1  # presence changes nothing on the join page
    for event in (WorkshopChanged(workshop_id=1, fields=('joining',)), RoundChanged(workshop_id=1, round_id=2,
                                                                                    round_number=2)):
        snapshots.forget_on_change(event)
        assert await snapshots.get('k', load, max_age=60) == len(loads)
    assert len(loads) == 3
    for key in 'abcdef':
        await snapshots.get(key, load, max_age=60)
    assert len(snapshots._kept) == 3
