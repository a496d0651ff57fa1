"""Who may act: resolving secrets and tokens to the records they stand for (the "authorise" part)."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Breakout, Participant, Workshop
from .errors import N_, Forbidden

INVALID_MODERATOR_LINK = N_('This moderator link is not valid (any more). '
                            'Please ask the lead moderator for the current link.')


async def moderated_breakout(session: AsyncSession, secret: str | None, *, lock: bool = False) -> Breakout:
    """The breakout whose moderator secret this is (row-locked on PostgreSQL if ``lock``)."""
    breakout = None
    if secret:
        query = select(Breakout).where(Breakout.moderator_secret == secret)
        breakout = (await session.exec(query.with_for_update() if lock else query)).first()
    if breakout is None:
        raise Forbidden(INVALID_MODERATOR_LINK)
    return breakout


async def led_workshop(session: AsyncSession, secret: str | None) -> Workshop:
    workshop = None
    if secret:
        workshop = (await session.exec(select(Workshop).where(Workshop.lead_secret == secret))).first()
    if workshop is None:
        raise Forbidden(INVALID_MODERATOR_LINK)
    return workshop


async def acting_participant(session: AsyncSession, token: str | None, *, workshop_id: int | None = None,
                             lock: bool = False) -> Participant:
    """The participant behind a phone's token; removed participants may no longer act."""
    participant = None
    if token:
        query = select(Participant).where(Participant.token == token)
        participant = (await session.exec(query.with_for_update() if lock else query)).first()
    if participant is None or (workshop_id is not None and participant.workshop_id != workshop_id):
        raise Forbidden(N_('Please join the workshop first.'))
    if participant.removed:
        raise Forbidden(N_('The moderation has removed you from this workshop.'))
    return participant
