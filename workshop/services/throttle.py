"""Rate limits for joining, per client address (the ``limits`` library).

A join code has 31⁶ ≈ 887 million values; what makes guessing hopeless is that each
address may try only a few *wrong* codes (``WRONG_CODES``). Correct codes are not
limited that tightly: a whole venue often reaches the server through one address
(the venue's Wi-Fi behind NAT), so a separate, generous limit on *new participants*
per address (``JOINS``) only stops a flood of fake participants.

The counters live in memory (one app process), or in Redis when
``WORKSHOP_BROKER_URL`` names one (several processes share them).
"""

from __future__ import annotations

import os

from limits import parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Workshop
from .errors import N_, NotFound, ServiceError
from .workshops import find_by_code

WRONG_CODES = '20/minute;100/hour'
# a conference plenary of 1,000 behind one venue NAT joins within a minute or two (issue: 1,000 phones)
JOINS = '1500/minute;10000/hour'


class TooManyAttempts(ServiceError):
    pass


TOO_MANY = N_('Too many attempts from your network. Please wait a minute and try again.')


class JoinThrottle:
    """Counts wrong join codes and new participants per client address."""

    def __init__(self, storage: Storage | None = None, *, wrong_codes: str = WRONG_CODES,
                 joins: str = JOINS) -> None:
        self.storage = storage or MemoryStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.wrong_codes = parse_many(wrong_codes)
        self.joins = parse_many(joins)

    @classmethod
    def from_env(cls) -> JoinThrottle:
        url = os.environ.get('WORKSHOP_BROKER_URL', '').strip()
        if url.startswith(('redis://', 'rediss://')):
            return cls(storage_from_string(f'async+{url}', implementation='redispy'))  # redis-py, not coredis
        return cls()

    async def check_code_attempt(self, address: str | None) -> None:
        """Refuse before looking a code up when this address typed too many wrong ones."""
        for limit in self.wrong_codes:
            if not await self.limiter.test(limit, 'wrong-code', _key(address)):
                raise TooManyAttempts(TOO_MANY)

    async def wrong_code(self, address: str | None) -> None:
        for limit in self.wrong_codes:
            await self.limiter.hit(limit, 'wrong-code', _key(address))

    async def new_participant(self, address: str | None) -> None:
        """Count a join; refuse it when the address created too many participants."""
        for limit in self.joins:
            if not await self.limiter.hit(limit, 'join', _key(address)):
                raise TooManyAttempts(TOO_MANY)

    async def reset(self) -> None:
        await self.storage.reset()


def _key(address: str | None) -> str:
    return address or 'unknown'


async def find_code(session: AsyncSession, code: str, *, address: str | None,
                    throttle: JoinThrottle | None) -> Workshop:
    """``workshops.find_by_code``, counting a wrong code against the address (when throttled)."""
    if throttle is None:
        return await find_by_code(session, code)
    await throttle.check_code_attempt(address)
    try:
        return await find_by_code(session, code)
    except NotFound:
        await throttle.wrong_code(address)
        raise
