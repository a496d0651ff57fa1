"""Phases and timers of a breakout, set by its moderator (timers also by the lead moderator)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database, server_now
from ..events import PhaseChanged, QuestionChanged, TimerChanged
from ..models import Breakout, BreakoutQuestion, Phase, Question, Workshop, utcnow
from .access import led_workshop, moderated_breakout
from .errors import N_, Invalid

TIMER_MIN_SECONDS = 10
TIMER_MAX_SECONDS = 4 * 3600


async def breakout_question(session: AsyncSession, breakout_id: int, question_id: int) -> BreakoutQuestion:
    """The per-breakout state of a question, created on first use."""
    row = (await session.exec(select(BreakoutQuestion).where(
        BreakoutQuestion.breakout_id == breakout_id, BreakoutQuestion.question_id == question_id))).first()
    if row is None:
        row = BreakoutQuestion(breakout_id=breakout_id, question_id=question_id)
        session.add(row)
        await session.flush()
    return row


def stored_phase(question_id: int | None, stored: str | None) -> Phase:
    """A breakout's question's phase from its stored row (``stored``: None without one): no question is
    closed, a question not handled yet is collecting."""
    if question_id is None:
        return Phase.closed
    return Phase(stored) if stored else Phase.collect


async def phase_of(session: AsyncSession, breakout_id: int, question_id: int | None) -> Phase:
    stored = None if question_id is None else (await session.exec(select(BreakoutQuestion.phase).where(
        BreakoutQuestion.breakout_id == breakout_id, BreakoutQuestion.question_id == question_id))).first()
    return stored_phase(question_id, stored)


async def question_changed(session: AsyncSession, breakout: Breakout, question: Question) -> QuestionChanged:
    """The event of ``breakout`` showing ``question`` now, with its phase and dot budget."""
    workshop = await session.get(Workshop, breakout.workshop_id)
    return QuestionChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id, question_id=question.id,
                           phase=(await phase_of(session, breakout.id, question.id)).value,
                           dots_budget=question.dots_budget or workshop.dots_per_question)


async def opened_phase(session: AsyncSession, breakout: Breakout, question_id: int) -> Phase | None:
    """The question's phase in the breakout, or None while the moderator has not opened it: it never
    was the current question (``moderation.set_question`` records it) and no phase was set for it."""
    phase = (await session.exec(select(BreakoutQuestion.phase).where(
        BreakoutQuestion.breakout_id == breakout.id, BreakoutQuestion.question_id == question_id))).first()
    if phase is None:
        return Phase.collect if question_id == breakout.current_question_id else None
    return Phase(phase)


async def question_of_breakout(session: AsyncSession, breakout: Breakout, question_id: int | None) -> Question:
    question = await session.get(Question, question_id if question_id is not None else
                                 (breakout.current_question_id or -1))
    if question is None or question.topic_id != breakout.topic_id:
        raise Invalid(N_('This guiding question does not belong to this breakout.'))
    return question


async def set_phase(db: Database, bus: Bus, *, secret: str, phase: Phase | str,
                    question_id: int | None = None) -> Phase:
    """Move a guiding question (default: the current one) to another phase."""
    try:
        phase = Phase(phase)
    except ValueError as e:
        raise Invalid(N_('Unknown phase.')) from e
    async with db.transaction() as session:
        # the breakout's row locked: two instances changing its phases do it one after the other
        breakout = await moderated_breakout(session, secret, lock=True)
        question = await question_of_breakout(session, breakout, question_id)
        state = await breakout_question(session, breakout.id, question.id)
        changed = state.phase != phase
        state.phase = phase
    if changed:
        await bus.publish(PhaseChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                       question_id=question.id, phase=phase.value))
    return phase


def _check_seconds(seconds: int) -> int:
    if not isinstance(seconds, int) or not TIMER_MIN_SECONDS <= seconds <= TIMER_MAX_SECONDS:
        raise Invalid(N_('A timer runs between {min} seconds and {max} hours.'), min=TIMER_MIN_SECONDS,
                      max=TIMER_MAX_SECONDS // 3600)
    return seconds


async def start_timer(db: Database, bus: Bus, *, secret: str, seconds: int) -> dt.datetime:
    seconds = _check_seconds(seconds)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        # the database's clock, not this instance's: every instance shows the same end
        breakout.timer_ends_at = await server_now(session) + dt.timedelta(seconds=seconds)
        breakout.timer_seconds = seconds
    await bus.publish(TimerChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                   ends_at=breakout.timer_ends_at, seconds=seconds))
    return breakout.timer_ends_at


async def stop_timer(db: Database, bus: Bus, *, secret: str) -> None:
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        breakout.timer_ends_at = None
        breakout.timer_seconds = None
    await bus.publish(TimerChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id, ends_at=None,
                                   seconds=None))


async def start_timer_everywhere(db: Database, bus: Bus, *, lead_secret: str, seconds: int | None) -> int:
    """The lead moderator's countdown for every breakout of the current round (``None`` stops them)."""
    if seconds is not None:
        seconds = _check_seconds(seconds)
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        breakouts = (await session.exec(select(Breakout).where(
            Breakout.workshop_id == workshop.id, Breakout.round_id == workshop.current_round_id))).all()
        ends_at = await server_now(session) + dt.timedelta(seconds=seconds) if seconds else None
        for breakout in breakouts:
            breakout.timer_ends_at = ends_at
            breakout.timer_seconds = seconds
    for breakout in breakouts:
        await bus.publish(TimerChanged(workshop_id=workshop.id, breakout_id=breakout.id, ends_at=ends_at,
                                       seconds=seconds))
    return len(breakouts)


def remaining_seconds(ends_at: dt.datetime | None, now: dt.datetime | None = None) -> int | None:
    if ends_at is None:
        return None
    now = now or utcnow()
    if ends_at.tzinfo is None:
        ends_at = ends_at.replace(tzinfo=dt.UTC)
    return max(0, round((ends_at - now).total_seconds()))
