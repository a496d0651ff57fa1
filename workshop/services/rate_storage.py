"""Where the rate limits (``throttle.py``: joining, ``post_limits.py``: posting) keep their counters:
this process's memory, or Redis shared by several instances.

Both use the ``limits`` library's moving windows; only the in-memory storage is our own (below).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

from limits.aio.storage import MovingWindowSupport, Storage
from limits.storage import storage_from_string

from ..bus import redis_database

log = logging.getLogger(__name__)
T = TypeVar('T')
STORAGE_TIMEOUT = 0.5  # seconds; Redis answers in well under a millisecond


class FailOpen:
    """Counting must not stop a workshop: when the counters cannot be reached (Redis away or
    hanging), a call gives its ``default`` within ``STORAGE_TIMEOUT``, with one warning a minute,
    not one per request. The app goes on without Redis (the bus delivers locally meanwhile), and
    so do the limits, unchecked until Redis is back."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._quiet_until = 0.0

    async def run(self, call: Callable[[], Awaitable[T]], default: T) -> T:
        try:
            async with asyncio.timeout(STORAGE_TIMEOUT):
                return await call()
        except Exception as e:  # noqa: BLE001 - whatever the storage raised (connection, timeout)
            now = time.monotonic()
            if now >= self._quiet_until:
                self._quiet_until = now + 60
                log.warning('%s not checked, their storage failed: %s: %s', self.what, type(e).__name__, e)
            return default


def redis_storage(url: str, prefix: str) -> Storage:
    """The counters in Redis under the installation's key prefix, as the bus's channels: installations
    sharing one Redis database keep their own counts."""
    return storage_from_string(f'async+{url}', implementation='redispy',  # redis-py, not coredis
                               key_prefix=f'{prefix}{redis_database(url)}:limits')


class LocalStorage(Storage, MovingWindowSupport):
    """Moving windows in this process's memory, for ``MovingWindowRateLimiter``.

    ``limits``' own ``MemoryStorage`` sweeps every key in a background task after each hit,
    one thread hop per key: with a thousand participants (a key per participant and limit)
    that costs most of a CPU core while ideas flow. Here each window is trimmed when it is
    used, and windows nobody used for longer than their length are dropped once a minute,
    in one pass that takes about a millisecond for thousands of keys.
    """

    STORAGE_SCHEME = None
    SWEEP_EVERY = 60.0

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.clock = clock
        self.windows: dict[str, tuple[float, deque[float]]] = {}  # key -> (length in s, times, newest last)
        self.next_sweep = clock() + self.SWEEP_EVERY

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def _window(self, key: str, expiry: float, now: float) -> deque[float]:
        if now >= self.next_sweep:
            self._sweep(now)
        _, times = self.windows.get(key) or self.windows.setdefault(key, (expiry, deque()))
        while times and times[0] <= now - expiry:
            times.popleft()
        return times

    def _sweep(self, now: float) -> None:
        self.next_sweep = now + self.SWEEP_EVERY
        for key in [k for k, (expiry, times) in self.windows.items() if not times or times[-1] <= now - expiry]:
            del self.windows[key]

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        now = self.clock()
        times = self._window(key, expiry, now)
        if len(times) + amount > limit:
            return False
        times.extend([now] * amount)
        return True

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = self.clock()
        times = self._window(key, expiry, now)
        return (times[0] if times else now), len(times)

    # the counters of the other strategies: not used with moving windows
    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError

    async def get(self, key: str) -> int:
        raise NotImplementedError

    async def get_expiry(self, key: str) -> float:
        raise NotImplementedError

    async def check(self) -> bool:
        return True

    async def reset(self) -> int | None:
        count = len(self.windows)
        self.windows.clear()
        return count

    async def clear(self, key: str) -> None:
        self.windows.pop(key, None)
