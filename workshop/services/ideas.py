"""Posting and listing ideas."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import IdeaPosted
from ..limits import IDEA_MAX
from ..models import Attendance, Breakout, Idea, IdeaPublic, Participant, Phase, Question, Vote, Workshop
from .access import acting_participant
from .errors import N_, Forbidden, Invalid, NotFound
from .facilitation import opened_phase
from .post_limits import PostLimits
from .text import clean_text

CLIENT_ID_MAX = 64


async def post_idea(db: Database, bus: Bus, *, token: str, breakout_id: int, text: str, client_id: str,
                    question_id: int | None = None, limits: PostLimits | None = None) -> IdeaPublic:
    """A participant posts an idea to a guiding question of their breakout.

    Only a question the moderator has opened takes ideas, while its phase is "collect": the
    breakout's current question, or one that was current before (an idea the phone wrote for
    it arrives after the moderator moved on: it goes where its author meant it).

    Idempotent on ``client_id``: a resend of the same idea returns the stored
    one and publishes nothing (and is not counted by ``limits``).
    """
    client_id = (client_id or '').strip()
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        raise Invalid(N_('The idea could not be sent (missing id). Please reload the page.'))
    text = clean_text(text, max_length=IDEA_MAX, field=N_('Your idea'))
    try:
        async with db.transaction() as session:
            existing = await _by_client_id(session, client_id)
            if existing is not None:
                return await _resent(session, existing, token)
            breakout = await session.get(Breakout, breakout_id)
            if breakout is None:
                raise NotFound(N_('This breakout does not exist.'))
            workshop = await session.get(Workshop, breakout.workshop_id)
            participant = await acting_participant(session, token, workshop_id=breakout.workshop_id)
            attending = (await session.exec(select(Attendance.id).where(
                Attendance.participant_id == participant.id, Attendance.breakout_id == breakout_id))).first()
            if attending is None or breakout.round_id != workshop.current_round_id:
                raise Forbidden(N_('You can only post in the room you joined in the current round.'))
            if workshop.plenary:  # everyone looks at the main screen (the summary): the rooms pause
                raise Invalid(N_('The plenary is on: posting pauses until the rooms continue.'))
            question = await _question_for(session, breakout, question_id)
            phase = await opened_phase(session, breakout, question.id)
            if phase is None:  # a later question the moderator has not opened yet
                raise Invalid(N_('This guiding question is not open for ideas.'))
            if phase != Phase.collect:
                raise Invalid(N_('Posting is closed for this question.'))
            if limits is not None:  # in memory: microseconds; counted only for an idea about to be stored
                await limits.count(participant_id=participant.id, breakout_id=breakout.id)
            idea = Idea(breakout_id=breakout_id, question_id=question.id, participant_id=participant.id,
                        text=text, client_id=client_id)
            session.add(idea)
            await session.flush()
            public = to_public(idea)
    except IntegrityError:  # the same client id raced in through another request
        async with db.session() as session:
            existing = await _by_client_id(session, client_id)
            if existing is None:
                raise
            return await _resent(session, existing, token)
    await bus.publish(IdeaPosted(workshop_id=breakout.workshop_id, breakout_id=breakout_id, question_id=question.id,
                                 idea_id=public.id, participant_id=public.participant_id, text=public.text,
                                 created_at=public.created_at))
    return public


async def _resent(session: AsyncSession, existing: IdeaPublic, token: str) -> IdeaPublic:
    """A resend is answered with the stored idea, but only to the phone that posted it."""
    author = (await session.exec(select(Participant.id).where(Participant.token == token))).first() if token else None
    if author is None or author != existing.participant_id:
        raise Forbidden(N_('Please join the workshop first.'))
    return existing


async def _question_for(session: AsyncSession, breakout: Breakout, question_id: int | None) -> Question:
    """The question the phone showed, if it belongs to this breakout's topic; else the current one."""
    question = await session.get(Question, question_id or breakout.current_question_id or -1)
    if question is None or question.topic_id != breakout.topic_id:
        question = await session.get(Question, breakout.current_question_id or -1)
    if question is None:
        raise Invalid(N_('This breakout has no guiding question yet.'))
    return question


async def _by_client_id(session: AsyncSession, client_id: str) -> IdeaPublic | None:
    idea = (await session.exec(select(Idea).where(Idea.client_id == client_id))).first()
    return to_public(idea) if idea else None


async def ideas_of(session: AsyncSession, *, breakout_id: int, question_id: int | None = None,
                   limit: int | None = None, include_hidden: bool = False) -> list[IdeaPublic]:
    """Newest first; merged duplicates never, hidden ideas only for moderators."""
    query = select(Idea).where(Idea.breakout_id == breakout_id, col(Idea.merged_into_id).is_(None))
    if not include_hidden:
        query = query.where(col(Idea.hidden).is_(False))
    if question_id is not None:
        query = query.where(Idea.question_id == question_id)
    query = query.order_by(col(Idea.created_at).desc(), col(Idea.id).desc())
    if limit:
        query = query.limit(limit)
    return [to_public(i) for i in (await session.exec(query)).all()]


async def ideas_with_dots(session: AsyncSession, *, breakout_id: int, question_id: int, limit: int | None = None,
                          include_hidden: bool = False) -> list[IdeaPublic]:
    """``ideas_of`` with each idea's dots, in one query (a phone's room page)."""
    dots = select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.idea_id == Idea.id).scalar_subquery()
    query = select(Idea, dots).where(Idea.breakout_id == breakout_id, Idea.question_id == question_id,
                                     col(Idea.merged_into_id).is_(None))
    if not include_hidden:
        query = query.where(col(Idea.hidden).is_(False))
    query = query.order_by(col(Idea.created_at).desc(), col(Idea.id).desc())
    if limit:
        query = query.limit(limit)
    return [to_public(idea, int(n)) for idea, n in (await session.exec(query)).all()]


def new_client_id() -> str:
    return uuid.uuid4().hex


def to_public(idea: Idea, dots: int = 0) -> IdeaPublic:
    return IdeaPublic(id=idea.id, breakout_id=idea.breakout_id, question_id=idea.question_id,
                      participant_id=idea.participant_id, text=idea.text, created_at=idea.created_at,
                      client_id=idea.client_id, hidden=idea.hidden, group=idea.group, marked=idea.marked,
                      edited=idea.original_text is not None, dots=dots)
