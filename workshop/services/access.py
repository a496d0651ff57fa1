"""Who may act: resolving secrets and tokens to the records they stand for (the "authorise" part)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Breakout, Participant, Round, Topic, Workshop
from .errors import N_, Forbidden

INVALID_MODERATOR_LINK = N_('This moderator link is not valid (any more). '
                            'Please ask the lead moderator for the current link.')


TOPIC_GRANT = ':'  # never in a secret (URL-safe base64): separates a topic's secret from a breakout's id


def topic_grant(topic_secret: str, breakout_id: int) -> str:
    """The secret a page opened by a topic's moderator link acts with on one breakout of that topic. Services
    resolve it anew for every action (``moderated_breakout``), so a replaced topic link stops such a page at once."""
    return f'{topic_secret}{TOPIC_GRANT}{breakout_id}'


async def moderated_breakout(session: AsyncSession, secret: str | None, *, lock: bool = False) -> Breakout:
    """The breakout whose moderator secret this is (row-locked on PostgreSQL if ``lock``); or, for a
    ``topic_grant``, that breakout if it belongs to the topic whose moderator secret the grant holds."""
    breakout = None
    if secret and TOPIC_GRANT in secret:
        topic_secret, _sep, breakout_id = secret.rpartition(TOPIC_GRANT)
        if topic_secret and breakout_id.isdigit():
            query = select(Breakout).join(Topic, Topic.id == Breakout.topic_id).where(
                Topic.moderator_secret == topic_secret, Breakout.id == int(breakout_id))
            breakout = (await session.exec(query.with_for_update(of=Breakout) if lock else query)).first()
    elif secret:
        query = select(Breakout).where(Breakout.moderator_secret == secret)
        breakout = (await session.exec(query.with_for_update() if lock else query)).first()
    if breakout is None:
        raise Forbidden(INVALID_MODERATOR_LINK)
    return breakout


async def moderated_topic(session: AsyncSession, secret: str | None) -> Topic:
    """The topic whose moderator secret (the link that follows the rounds) this is."""
    topic = (await session.exec(select(Topic).where(Topic.moderator_secret == secret))).first() if secret else None
    if topic is None:
        raise Forbidden(INVALID_MODERATOR_LINK)
    return topic


async def topic_breakout(session: AsyncSession, topic: Topic) -> Breakout | None:
    """The breakout a topic's moderator link opens: the topic's in the current round, or else in the latest
    round before it that had the topic (None if none had it yet)."""
    workshop = await session.get(Workshop, topic.workshop_id)
    current = await session.get(Round, workshop.current_round_id) if workshop.current_round_id else None
    query = select(Breakout).join(Round, Round.id == Breakout.round_id).where(Breakout.topic_id == topic.id)
    if current is not None:
        query = query.where(Round.number <= current.number)
    return (await session.exec(query.order_by(col(Round.number).desc()))).first()


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
