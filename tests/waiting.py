"""Waiting for a condition instead of sleeping a guessed time: fast when things are quick, patient on a busy machine."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def until(check: Callable[[], bool | Awaitable[bool]], timeout: float = 5.0, *, interval: float = 0.02,
                what: str | Callable[[], str] = 'condition') -> None:
    """Return as soon as ``check()`` (a function or a coroutine function) is true; fail after ``timeout`` seconds,
    saying ``what`` (or what ``what()`` says then) was not met."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return
        if time.monotonic() > deadline:
            _timed_out(timeout, what)
        await asyncio.sleep(interval)


def wait_until(check: Callable[[], bool], timeout: float = 5.0, *, interval: float = 0.1,
               what: str | Callable[[], str] = 'condition') -> None:
    """``until`` for code without an event loop (subprocesses, Playwright's sync API)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            _timed_out(timeout, what)
        time.sleep(interval)


def _timed_out(timeout: float, what: str | Callable[[], str]) -> None:
    raise AssertionError(f'timed out after {timeout:g} s: {what() if callable(what) else what}')
