"""The running app's shared objects: settings, database, bus and presence.

They are created once by ``setup`` and reached from pages via ``runtime()``,
so no module holds mutable state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nicegui import app

from .bus import Bus
from .config import Settings
from .db import Database
from .presence import Presence
from .snapshots import Snapshots


@dataclass
class Runtime:
    settings: Settings
    db: Database
    bus: Bus
    presence: Presence
    rooms: Any = None  # rooms.delivery.RoomStates: the live state of each room with a page in this process
    throttle: Any = None  # services.throttle.JoinThrottle: join attempts per client address
    post_limits: Any = None  # services.post_limits.PostLimits: ideas per participant and per room
    snapshots: Snapshots = field(default_factory=Snapshots)  # short-lived read views (the join page)

    def link(self, path: str) -> str:
        return f'{self.settings.public_url}{path}'

    async def close(self) -> None:
        await self.bus.close()
        await self.db.dispose()


def runtime() -> Runtime:
    return app.state.workshop_runtime


def install(rt: Runtime) -> None:
    app.state.workshop_runtime = rt
