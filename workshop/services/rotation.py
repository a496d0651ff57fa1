"""The lead moderator replaces secret links: a moderator link that leaked, or the lead link itself.

A new secret comes from the same source as the first (``codes.new_secret``: 128 bits
from the OS's secure random source); the old link stops working at once, also on
pages already open with it, because every moderator action resolves its secret anew.
"""

from __future__ import annotations

from ..bus import Bus
from ..db import Database
from ..events import WorkshopChanged
from ..models import Breakout, Topic
from .access import led_workshop
from .codes import new_secret
from .errors import N_, NotFound


async def rotate_moderator_secret(db: Database, bus: Bus, *, lead_secret: str, breakout_id: int) -> str:
    """A new moderator link for one breakout; returns the new secret."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        breakout = await session.get(Breakout, breakout_id)
        if breakout is None or breakout.workshop_id != workshop.id:
            raise NotFound(N_('This breakout does not exist.'))
        breakout.moderator_secret = secret = new_secret()
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('links',)))
    return secret


async def rotate_topic_secret(db: Database, bus: Bus, *, lead_secret: str, topic_id: int) -> str:
    """A new moderator link for one topic (the one that follows the rounds); returns the new secret."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        topic = await session.get(Topic, topic_id)
        if topic is None or topic.workshop_id != workshop.id:
            raise NotFound(N_('This topic does not exist (any more).'))
        topic.moderator_secret = secret = new_secret()
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('links',)))
    return secret


async def rotate_lead_secret(db: Database, bus: Bus, *, lead_secret: str) -> str:
    """A new lead moderator link; the one used here stops working. Returns the new secret."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.lead_secret = secret = new_secret()
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('links',)))
    return secret
