"""Rate limits for joining, per client address (the ``limits`` library).

A join code has 31⁶ ≈ 887 million values; what makes guessing hopeless is that each
address may try only a few *wrong* codes (``WRONG_CODES``). A whole venue often reaches
the server through one address (the venue's Wi-Fi behind NAT), so every new participant
the address made in the last hour allows it one more wrong code (its people's typos), up
to ``WRONG_CODES_BONUS_MAX``; someone who knows no code stays at the base rate. An
address over its allowance is told "too many attempts" for *every* code, right or wrong —
an answer that differed would tell a guesser which code is right — except the code of a
workshop the browser already has a seat in. A separate, generous limit on *new
participants* per address (``JOINS``) stops a flood of fake participants.

The counters live in memory (one app process), or in Redis when ``WORKSHOP_BROKER_URL``
names one (several processes share them), under ``WORKSHOP_BROKER_PREFIX`` like the bus.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Participant, Workshop
from .codes import normalise_join_code
from .errors import N_, NotFound, ServiceError
from .rate_storage import FailOpen, LocalStorage, redis_storage
from .workshops import find_by_code

WRONG_CODES = '20/minute;100/hour'  # an address without joins (the base rate)
# each new participant of the address in the last hour (the longest JOINS window) allows one more
# wrong code in each window, up to this many more: a venue's typos, not a guesser's bonus
WRONG_CODES_PER_JOIN = 1
WRONG_CODES_BONUS_MAX = 200
# a conference plenary of 1,000 behind one venue NAT joins within a minute or two (issue: 1,000 phones)
JOINS = '1500/minute;10000/hour'


class TooManyAttempts(ServiceError):
    pass


TOO_MANY = N_('Too many attempts from your network. Please wait a minute and try again.')


class JoinThrottle:
    """Counts wrong join codes and new participants per client address."""

    def __init__(self, storage: Storage | None = None, *, wrong_codes: str = WRONG_CODES, joins: str = JOINS,
                 per_join: int = WRONG_CODES_PER_JOIN, bonus_max: int = WRONG_CODES_BONUS_MAX) -> None:
        self.storage = storage or LocalStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.wrong_codes = parse_many(wrong_codes)  # the base allowances
        # counted with room for the largest bonus: whether an address is over its allowance is decided here
        self._wrong_counters = [type(item)(item.amount + bonus_max, item.multiples, item.namespace)
                                for item in self.wrong_codes]
        self.joins = parse_many(joins)
        self._join_window = max(self.joins, key=lambda item: item.get_expiry())
        self.per_join, self.bonus_max = per_join, bonus_max
        self.guard = FailOpen('join limits')

    @classmethod
    def from_env(cls) -> JoinThrottle:
        url = os.environ.get('WORKSHOP_BROKER_URL', '').strip()
        if url.startswith(('redis://', 'rediss://')):
            return cls(redis_storage(url, os.environ.get('WORKSHOP_BROKER_PREFIX', 'workshop:')))
        return cls()

    async def blocked(self, address: str | None) -> bool:
        """Whether the address got more codes wrong than its allowance (base + bonus for its joins);
        not while the counters cannot be reached (``FailOpen``: a workshop must not stop with Redis)."""
        return await self.guard.run(lambda: self._blocked(address), False)

    async def _blocked(self, address: str | None) -> bool:
        key = _key(address)
        wrong = [(base.amount, await self._count(counter, 'wrong-code', key))
                 for base, counter in zip(self.wrong_codes, self._wrong_counters, strict=True)]
        if all(n < allowed for allowed, n in wrong):
            return False  # within the base allowance: the joins need not be read
        bonus = min(self.bonus_max, self.per_join * await self._count(self._join_window, 'join', key))
        return any(n >= allowed + bonus for allowed, n in wrong)

    async def check_code_attempt(self, address: str | None) -> None:
        """Refuse before looking a code up when this address typed too many wrong ones."""
        if await self.blocked(address):
            raise TooManyAttempts(TOO_MANY)

    async def wrong_code(self, address: str | None) -> None:
        async def count() -> None:
            for counter in self._wrong_counters:
                await self.limiter.hit(counter, 'wrong-code', _key(address))
        await self.guard.run(count, None)

    async def new_participant(self, address: str | None) -> None:
        """Count a join; refuse it when the address created too many participants."""
        async def count() -> bool:
            for limit in self.joins:
                if not await self.limiter.hit(limit, 'join', _key(address)):
                    return False
            return True
        if not await self.guard.run(count, True):
            raise TooManyAttempts(TOO_MANY)

    async def _count(self, item: RateLimitItem, *identifiers: str) -> int:
        return item.amount - (await self.limiter.get_window_stats(item, *identifiers)).remaining

    async def reset(self) -> None:
        await self.storage.reset()


def _key(address: str | None) -> str:
    return address or 'unknown'


async def find_code(session: AsyncSession, code: str, *, address: str | None, throttle: JoinThrottle | None,
                    tokens: Mapping[str, str] | None = None) -> Workshop:
    """``workshops.find_by_code``, counting a wrong code against the address (when throttled).
    A blocked address is refused whatever the code, unless the browser (``tokens``: workshop id →
    participant token) has a seat in the code's workshop."""
    if throttle is None:
        return await find_by_code(session, code)
    if await throttle.blocked(address):
        workshop = await _seated(session, code, tokens or {})
        if workshop is None:
            raise TooManyAttempts(TOO_MANY)
        return workshop
    try:
        return await find_by_code(session, code)
    except NotFound:
        await throttle.wrong_code(address)
        raise


async def _seated(session: AsyncSession, code: str, tokens: Mapping[str, str]) -> Workshop | None:
    """The code's workshop if one of the tokens is its participant — one query for a right code and a
    wrong one alike, so that the time taken tells nothing either."""
    known = [t for t in tokens.values() if t]
    if not known:
        return None
    rows = await session.exec(select(Workshop, Participant.token)
                              .join(Participant, col(Participant.workshop_id) == Workshop.id)
                              .where(Workshop.join_code == normalise_join_code(code),
                                     col(Participant.token).in_(known)))
    return next((w for w, token in rows.all() if tokens.get(str(w.id)) == token), None)
