"""The moderator keeps one cluster on the room's wall while the rest pages through (pages/wall_pin.py).

Not stored: a pin says what the room looks at now, it ends with the question, and storing it would
need a column and a migration for a moment's gesture. It reaches the wall of every app instance as an
event (``WallPinned``) and lives in the room's live state (``RoomState.wall_pin``); a wall opened on an
instance that held no page of the room yet starts without it — the moderator pins again.
"""

from __future__ import annotations

from ..bus import Bus
from ..db import Database
from ..events import WallPinned
from ..models import Cluster
from .access import moderated_breakout
from .errors import N_, Invalid, NotFound


async def pin_cluster(db: Database, bus: Bus, *, secret: str, cluster_id: int | None) -> None:
    """Keep this cluster of the current question on the wall (None: none)."""
    async with db.session() as session:
        breakout = await moderated_breakout(session, secret)
        if breakout.current_question_id is None:
            raise Invalid(N_('There is no guiding question yet.'))
        if cluster_id is not None:
            cluster = await session.get(Cluster, cluster_id)
            if cluster is None or cluster.breakout_id != breakout.id:
                raise NotFound(N_('This cluster does not exist (any more).'))
            if cluster.question_id != breakout.current_question_id:
                raise Invalid(N_('This cluster belongs to another guiding question.'))
        event = WallPinned(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                           question_id=breakout.current_question_id, cluster_id=cluster_id)
    await bus.publish(event)
