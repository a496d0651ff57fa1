"""Phases and timers of a breakout, set by its moderator (timers also by the lead moderator)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database, server_now
from ..events import OpenQuestionsChanged, PhaseChanged, QuestionChanged, TimerChanged
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


async def alongside_ids(session: AsyncSession, breakout_id: int) -> tuple[int, ...]:
    """The questions opened next to the current one that still collect, in the topic's order."""
    return tuple((await session.exec(
        select(BreakoutQuestion.question_id).join(Question, Question.id == BreakoutQuestion.question_id)
        .where(BreakoutQuestion.breakout_id == breakout_id, col(BreakoutQuestion.alongside).is_(True),
               BreakoutQuestion.phase == Phase.collect)
        .order_by(col(Question.position)))).all())


async def open_alongside(db: Database, bus: Bus, *, secret: str, question_id: int, opened: bool = True
                         ) -> tuple[int, ...]:
    """Open a guiding question for ideas next to the current one (``opened=False``: no longer show it on phones;
    ideas written for it meanwhile still reach it, as for a question the moderator moved on from). Opening a
    question that was voted on or closed collects again. Returns the questions open next to the current one."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        question = await question_of_breakout(session, breakout, question_id)
        state = await breakout_question(session, breakout.id, question.id)
        reopened = opened and state.phase != Phase.collect
        state.alongside = opened
        if reopened:
            state.phase = Phase.collect
        await session.flush()
        ids = await alongside_ids(session, breakout.id)
    if reopened:
        await bus.publish(PhaseChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                       question_id=question.id, phase=Phase.collect.value))
    await bus.publish(OpenQuestionsChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                           question_ids=ids))
    return ids


def _check_seconds(seconds: int) -> int:
    if not isinstance(seconds, int) or not TIMER_MIN_SECONDS <= seconds <= TIMER_MAX_SECONDS:
        raise Invalid(N_('A timer runs between {min} seconds and {max} hours.'), min=TIMER_MIN_SECONDS,
                      max=TIMER_MAX_SECONDS // 3600)
    return seconds


async def start_timer(db: Database, bus: Bus, *, secret: str, seconds: int,
                      close_collection: bool = False) -> dt.datetime:
    """The room's countdown; with ``close_collection`` its collecting questions move on when it runs out
    (``close_due_collections``)."""
    seconds = _check_seconds(seconds)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        # the database's clock, not this instance's: every instance shows the same end
        breakout.timer_ends_at = await server_now(session) + dt.timedelta(seconds=seconds)
        breakout.timer_seconds = seconds
        breakout.timer_closes = bool(close_collection)
    await bus.publish(TimerChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                   ends_at=breakout.timer_ends_at, seconds=seconds, closes=breakout.timer_closes))
    return breakout.timer_ends_at


async def stop_timer(db: Database, bus: Bus, *, secret: str) -> None:
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        breakout.timer_ends_at = None
        breakout.timer_seconds = None
        breakout.timer_closes = False
    await bus.publish(TimerChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id, ends_at=None,
                                   seconds=None))


async def start_timer_everywhere(db: Database, bus: Bus, *, lead_secret: str, seconds: int | None,
                                 close_collection: bool = False) -> int:
    """The lead moderator's countdown for every breakout of the current round (``None`` stops them); with
    ``close_collection`` every room's collecting questions move on when it runs out."""
    if seconds is not None:
        seconds = _check_seconds(seconds)
    closes = bool(close_collection and seconds)
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        breakouts = (await session.exec(select(Breakout).where(
            Breakout.workshop_id == workshop.id, Breakout.round_id == workshop.current_round_id)
            .order_by(col(Breakout.id)).with_for_update())).all()
        ends_at = await server_now(session) + dt.timedelta(seconds=seconds) if seconds else None
        for breakout in breakouts:
            breakout.timer_ends_at = ends_at
            breakout.timer_seconds = seconds
            breakout.timer_closes = closes
    for breakout in breakouts:
        await bus.publish(TimerChanged(workshop_id=workshop.id, breakout_id=breakout.id, ends_at=ends_at,
                                       seconds=seconds, closes=closes))
    return len(breakouts)


def after_collect(breakout: Breakout) -> Phase:
    """Where a question goes when its collection closes: to the dot voting (every room votes: a question's
    budget is at least one dot; a room without voting would go to closed here)."""
    return Phase.vote


async def due_collections(db: Database) -> list[int]:
    """The rooms whose timer ran out (database time) and still has to close collection."""
    async with db.session() as session:
        now = await server_now(session)
        return list((await session.exec(select(Breakout.id).where(
            col(Breakout.timer_closes), col(Breakout.timer_ends_at).is_not(None), col(Breakout.timer_ends_at) <= now)
            .order_by(col(Breakout.id)))).all())


async def close_due_collections(db: Database, bus: Bus) -> list[PhaseChanged]:
    """Close collection in every room whose timer ran out with "close collection when time is up": its
    collecting questions (the current one, and any other left collecting) move on. Any number of app
    instances may call this at the same moment: the flag is cleared by a conditional update, and only the
    transaction that cleared it switches the phases, so each room is switched exactly once."""
    done: list[PhaseChanged] = []
    for breakout_id in await due_collections(db):
        done += await _close_collection(db, bus, breakout_id)
    return done


async def _close_collection(db: Database, bus: Bus, breakout_id: int) -> list[PhaseChanged]:
    events: list[PhaseChanged] = []
    async with db.transaction() as session:
        now = await server_now(session)
        # the winner's update takes the row's lock (PostgreSQL: the others wait, then find the flag cleared)
        won = (await session.exec(update(Breakout).where(
            Breakout.id == breakout_id, col(Breakout.timer_closes), col(Breakout.timer_ends_at) <= now)
            .values(timer_closes=False))).rowcount
        if not won:
            return []
        breakout = await session.get(Breakout, breakout_id)
        target = after_collect(breakout)
        rows = list((await session.exec(select(BreakoutQuestion).where(
            BreakoutQuestion.breakout_id == breakout_id, BreakoutQuestion.phase == Phase.collect)
            .order_by(col(BreakoutQuestion.id)))).all())
        if breakout.current_question_id is not None and all(r.question_id != breakout.current_question_id
                                                             for r in rows):
            current = await breakout_question(session, breakout_id, breakout.current_question_id)
            if current.phase == Phase.collect:  # no row yet: a question not handled yet is collecting
                rows.append(current)
        for row in rows:
            row.phase = target
            events.append(PhaseChanged(workshop_id=breakout.workshop_id, breakout_id=breakout_id,
                                       question_id=row.question_id, phase=target.value))
        open_next_to_it = None
        if any(r.alongside for r in rows):  # questions open next to the current one: no longer collecting
            await session.flush()
            open_next_to_it = OpenQuestionsChanged(workshop_id=breakout.workshop_id, breakout_id=breakout_id,
                                                   question_ids=await alongside_ids(session, breakout_id))
    for event in events:
        await bus.publish(event)
    if open_next_to_it is not None:
        await bus.publish(open_next_to_it)
    # the same timer, done closing (the moderator's page stops saying it will)
    await bus.publish(TimerChanged(workshop_id=breakout.workshop_id, breakout_id=breakout_id,
                                   ends_at=breakout.timer_ends_at, seconds=breakout.timer_seconds))
    return events


def remaining_seconds(ends_at: dt.datetime | None, now: dt.datetime | None = None) -> int | None:
    if ends_at is None:
        return None
    now = now or utcnow()
    if ends_at.tzinfo is None:
        ends_at = ends_at.replace(tzinfo=dt.UTC)
    return max(0, round((ends_at - now).total_seconds()))
