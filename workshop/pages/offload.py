"""Work that would hold up every page (a rendering, a clustering) runs off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run


async def off_the_loop(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn`` in NiceGUI's worker processes (a thread if there is no process pool); it and its arguments
    must pickle."""
    if run.process_pool is not None:
        return await run.cpu_bound(fn, *args)
    return await run.io_bound(fn, *args)
