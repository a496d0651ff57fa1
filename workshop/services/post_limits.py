"""Rate limits for posting ideas, per participant and per room (the ``limits`` library).

Every idea is pushed to every screen of its room, so a script that posts hundreds of ideas
a second (fresh client ids) would flood the room. A person on a phone needs several seconds
for even the shortest idea: ``PER_PARTICIPANT`` lets a few through at once (a burst: ideas
typed while the connection was away, or in quick succession) and then a steady rate no
typist reaches. ``PER_ROOM`` bounds what many participants (e.g. fake ones made with the
join code) can push together, while a room of 100 all posting at the same moment passes.
The arithmetic is in docs/security.md.

The counters live in this process's memory, or in Redis when ``WORKSHOP_BROKER_URL``
names one (several instances share them), under ``WORKSHOP_BROKER_PREFIX`` like the bus. ``WORKSHOP_POST_LIMIT`` and
``WORKSHOP_ROOM_POST_LIMIT`` replace the numbers (``limits`` notation, e.g.
``5/10 seconds;20/minute``).
"""

from __future__ import annotations

import os

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from .errors import N_, ServiceError
from .rate_storage import FailOpen, LocalStorage, redis_storage

PER_PARTICIPANT = '5/10 seconds;20/minute;200/hour'
PER_ROOM = '150/10 seconds;600/minute'

TOO_FAST = N_('You have sent many ideas in a short time. Please wait a moment, then send this one again.')
ROOM_BUSY = N_('Very many ideas are arriving in this room right now. Please wait a moment, then send yours again.')


class TooManyPosts(ServiceError):
    pass


class PostLimits:
    """Counts the ideas each participant and each room (breakout) posted."""

    def __init__(self, storage: Storage | None = None, *, per_participant: str = PER_PARTICIPANT,
                 per_room: str = PER_ROOM) -> None:
        self.storage = storage or LocalStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.per_participant = _parse(per_participant, 'WORKSHOP_POST_LIMIT')
        self.per_room = _parse(per_room, 'WORKSHOP_ROOM_POST_LIMIT')
        self.guard = FailOpen('posting limits')

    @classmethod
    def from_env(cls) -> PostLimits:
        per_participant = os.environ.get('WORKSHOP_POST_LIMIT', '').strip() or PER_PARTICIPANT
        per_room = os.environ.get('WORKSHOP_ROOM_POST_LIMIT', '').strip() or PER_ROOM
        url = os.environ.get('WORKSHOP_BROKER_URL', '').strip()
        storage = None
        if url.startswith(('redis://', 'rediss://')):
            storage = redis_storage(url, os.environ.get('WORKSHOP_BROKER_PREFIX', 'workshop:'))
        return cls(storage, per_participant=per_participant, per_room=per_room)

    async def count(self, *, participant_id: int, breakout_id: int) -> None:
        """Count one new idea, or refuse it with ``TooManyPosts``.

        Every limit is tested before any is counted: a refused post uses up nothing, so a
        participant refused because the room is busy is not also slowed down themselves, and
        a flooder's refused attempts do not eat into the room's allowance.

        When the counters cannot be reached (Redis away or slow), the idea is let through: the
        app keeps taking ideas without Redis (the bus does too), so the limits must not stop it.
        """
        checks = [(item, 'post', str(participant_id), TOO_FAST) for item in self.per_participant] + \
                 [(item, 'post-room', str(breakout_id), ROOM_BUSY) for item in self.per_room]
        refused = await self.guard.run(lambda: self._count(checks), None)
        if refused:
            raise TooManyPosts(refused)

    async def _count(self, checks: list[tuple[RateLimitItem, str, str, str]]) -> str | None:
        for item, kind, key, message in checks:
            if not await self.limiter.test(item, kind, key):
                return message
        for item, kind, key, message in checks:
            if not await self.limiter.hit(item, kind, key):  # another post came in between
                return message
        return None

    async def reset(self) -> None:
        await self.storage.reset()


def _parse(text: str, name: str) -> list[RateLimitItem]:
    try:
        items = parse_many(text)
    except ValueError as e:
        raise ValueError(f'{name}: {text!r} is not a rate limit such as "5/10 seconds;20/minute"') from e
    if not items:
        raise ValueError(f'{name}: {text!r} names no rate limit')
    return items
