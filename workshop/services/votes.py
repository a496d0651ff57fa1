"""Dot voting: a budget of dots per participant and question, a cap per idea, dots taken back."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import VoteChanged
from ..models import Attendance, Breakout, BreakoutQuestion, Idea, Participant, Phase, Question, Vote, Workshop
from .errors import N_, NP_, Forbidden, Invalid, NotFound, ServiceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VoteStatus:
    idea_id: int
    question_id: int
    mine: int  # the participant's dots on this idea
    left: int  # dots the participant has left for this question
    budget: int


def budget_for(workshop: Workshop, question: Question) -> int:
    return question.dots_budget or workshop.dots_per_question


async def cast_dot(db: Database, bus: Bus, *, token: str, idea_id: int) -> VoteStatus:
    return await _writer(db, bus).submit(token=token, idea_id=idea_id, delta=1)


async def remove_dot(db: Database, bus: Bus, *, token: str, idea_id: int) -> VoteStatus:
    return await _writer(db, bus).submit(token=token, idea_id=idea_id, delta=-1)


MAX_BATCH = 500


@dataclass
class _Request:
    token: str
    idea_id: int
    delta: int
    future: asyncio.Future


def _writer(db: Database, bus: Bus) -> VoteWriter:
    """The vote writer of this database, bus and event loop (kept on the database object)."""
    return db.loop_local(('votes', id(bus)), lambda: VoteWriter(db, bus))


class VoteWriter:
    """Dots of many phones in one transaction.

    A burst of votes (300 phones within a second) as one transaction each took 13 statements
    and 18 ms of CPU per vote (SQLAlchemy and the driver's thread hop cost about 0.6 ms per
    statement), so the tallies settled 7 s after the burst. Here a vote that arrives while
    the database is idle is written at once, and the votes that arrive meanwhile are written
    together by the next transaction: about ten statements for the whole batch. Each vote
    is still checked on its own, in the order of arrival, against the state that the votes
    before it left (budget, cap per idea, phase, attendance); a refused vote changes nothing.
    The participants' rows are locked (PostgreSQL: in id order), the ideas' rows share-locked,
    as before: budgets hold across app instances, and a merge waits for the votes on its ideas.
    """

    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus
        self.queue: list[_Request] = []
        self._task: asyncio.Task | None = None

    async def submit(self, *, token: str, idea_id: int, delta: int) -> VoteStatus:
        future = asyncio.get_running_loop().create_future()
        self.queue.append(_Request(token=token, idea_id=idea_id, delta=delta, future=future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name='vote writer')
        return await future

    async def _drain(self) -> None:
        while self.queue:  # no await between this check and the end: a vote queued later starts a new task
            batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
            try:
                events = await self._write(batch)
            except Exception:  # not a refusal: each vote again on its own, so one cannot sink the rest
                log.exception('vote writer: a batch of %d failed; writing its votes one by one', len(batch))
                events = []
                for request in batch:
                    try:
                        events += await self._write([request])
                    except Exception as e:  # noqa: BLE001 - this page gets the error
                        _settle(request, error=e)
            for event in events:
                try:
                    await self.bus.publish(event)
                except Exception:  # the votes are saved; pages resynchronise on the next change
                    log.exception('vote writer: cannot publish %s', event)

    async def _write(self, batch: list[_Request]) -> list[VoteChanged]:
        results: list[tuple[_Request, VoteStatus | None, Exception | None]] = []
        async with self.db.transaction() as session:
            state = await _BatchState.load(session, batch)
            for request in batch:
                try:
                    results.append((request, state.apply(request), None))
                except ServiceError as e:
                    results.append((request, None, e))
            events = await state.save(session)
        for request, status, error in results:
            _settle(request, status=status, error=error)
        return events


def _settle(request: _Request, *, status: VoteStatus | None = None, error: Exception | None = None) -> None:
    if request.future.done():  # the page went away meanwhile
        return
    if error is not None:
        request.future.set_exception(error)
    else:
        request.future.set_result(status)


class _BatchState:
    """What the votes of one batch are checked against, read with a few statements, changed in memory."""

    @classmethod
    async def load(cls, session: AsyncSession, batch: list[_Request]) -> _BatchState:
        self = cls()
        tokens = sorted({r.token for r in batch if r.token})
        query = select(Participant).where(col(Participant.token).in_(tokens)).order_by(col(Participant.id))
        # the participants' rows locked, in id order (no deadlock between two instances' batches)
        self.participants = {p.token: p for p in (await session.exec(query.with_for_update())).all()}
        # the rooms' rows locked (in id order, before the ideas, as a merge does): batches of several
        # instances in one room commit one after the other, and each one's sums see the dots of all
        # before it; ``save`` counts up the rooms' tally sequence, so its events carry a higher number
        idea_ids = sorted({r.idea_id for r in batch})
        rooms = select(Idea.breakout_id).where(col(Idea.id).in_(idea_ids))
        self.breakouts = {b.id: b for b in (await session.exec(
            select(Breakout).where(col(Breakout.id).in_(rooms)).order_by(col(Breakout.id)).with_for_update()))
            .all()}
        breakout_ids = sorted(self.breakouts)
        # the ideas' rows share-locked (PostgreSQL): votes go on side by side, a merge of them waits
        query = select(Idea).where(col(Idea.id).in_(idea_ids)).order_by(col(Idea.id))
        self.ideas = {i.id: i for i in (await session.exec(query.with_for_update(read=True))).all()}
        self.workshops = {w.id: w for w in (await session.exec(
            select(Workshop).where(col(Workshop.id).in_({b.workshop_id for b in self.breakouts.values()})))).all()}
        self.questions = {q.id: q for q in (await session.exec(
            select(Question).where(col(Question.id).in_({i.question_id for i in self.ideas.values()})))).all()}
        self.phases = {(b, q): Phase(phase) for b, q, phase in (await session.exec(
            select(BreakoutQuestion.breakout_id, BreakoutQuestion.question_id, BreakoutQuestion.phase)
            .where(col(BreakoutQuestion.breakout_id).in_(breakout_ids)))).all()}
        participant_ids = sorted(p.id for p in self.participants.values())
        self.attending = {(p, b) for p, b in (await session.exec(
            select(Attendance.participant_id, Attendance.breakout_id).where(
                col(Attendance.participant_id).in_(participant_ids),
                col(Attendance.breakout_id).in_(breakout_ids)))).all()}
        # the participants' dots in these breakouts: per idea, and spent per question
        self.rows: dict[tuple[int, int], Vote] = {}
        self.mine: dict[tuple[int, int], int] = {}
        self.spent: dict[tuple[int, int, int], int] = defaultdict(int)
        for vote, breakout_id, question_id in (await session.exec(
                select(Vote, Idea.breakout_id, Idea.question_id).join(Idea, Idea.id == Vote.idea_id).where(
                    col(Vote.participant_id).in_(participant_ids), col(Idea.breakout_id).in_(breakout_ids)))).all():
            self.rows[(vote.participant_id, vote.idea_id)] = vote
            self.mine[(vote.participant_id, vote.idea_id)] = vote.dots
            self.spent[(vote.participant_id, breakout_id, question_id)] += vote.dots
        self.changed: set[tuple[int, int]] = set()
        self.applied: list[tuple[Workshop, Breakout, Idea]] = []
        return self

    def apply(self, request: _Request) -> VoteStatus:
        """Check one vote against the state so far and change the state (the checks of the single vote)."""
        participant = self.participants.get(request.token) if request.token else None
        if participant is None:
            raise Forbidden(N_('Please join the workshop first.'))
        if participant.removed:
            raise Forbidden(N_('The moderation has removed you from this workshop.'))
        idea = self.ideas.get(request.idea_id)
        if idea is None or idea.hidden or idea.merged_into_id is not None:
            raise NotFound(N_('This idea is no longer available for voting.'))
        breakout = self.breakouts[idea.breakout_id]
        workshop = self.workshops[breakout.workshop_id]
        if participant.workshop_id != workshop.id:
            raise Forbidden(N_('Please join the workshop first.'))
        if (participant.id, breakout.id) not in self.attending or breakout.round_id != workshop.current_round_id:
            raise Forbidden(N_('You can only vote in the room you joined in the current round.'))
        if self.phases.get((breakout.id, idea.question_id), Phase.collect) != Phase.vote:
            raise Invalid(N_('Voting is not open for this question.'))
        budget = budget_for(workshop, self.questions[idea.question_id])
        key, spent_key = (participant.id, idea.id), (participant.id, breakout.id, idea.question_id)
        mine, spent = self.mine.get(key, 0), self.spent[spent_key]
        if request.delta > 0:
            if spent >= budget:
                raise Invalid(NP_('You have used your dot for this question.',
                                  'You have used all your {n} dots for this question.'), n=budget)
            if mine >= workshop.max_dots_per_idea:
                raise Invalid(NP_('Only one dot per idea.', 'At most {n} dots per idea.'), n=workshop.max_dots_per_idea)
        elif mine == 0:
            raise Invalid(N_('You have no dot on this idea.'))
        self.mine[key] = mine + request.delta
        self.spent[spent_key] = spent + request.delta
        self.changed.add(key)
        self.applied.append((workshop, breakout, idea))
        return VoteStatus(idea_id=idea.id, question_id=idea.question_id, mine=mine + request.delta,
                          left=budget - (spent + request.delta), budget=budget)

    async def save(self, session: AsyncSession) -> list[VoteChanged]:
        """Write the changed dots; the events carry the totals after the whole batch."""
        if not self.changed:
            return []
        for breakout in {breakout.id: breakout for _, breakout, _ in self.applied}.values():
            breakout.tally_seq += 1  # written with the dots; the events below carry it
        for key in sorted(self.changed):
            row, dots = self.rows.get(key), self.mine[key]
            if row is None and dots > 0:
                session.add(Vote(participant_id=key[0], idea_id=key[1], dots=dots))
            elif row is not None and dots == 0:
                await session.delete(row)
            elif row is not None:
                row.dots = dots
        await session.flush()
        idea_ids = sorted({idea.id for _, _, idea in self.applied})
        totals = {idea_id: int(n) for idea_id, n in (await session.exec(
            select(Vote.idea_id, func.sum(Vote.dots)).where(col(Vote.idea_id).in_(idea_ids))
            .group_by(Vote.idea_id))).all()}
        breakout_ids = sorted({breakout.id for _, breakout, _ in self.applied})
        cast = {breakout_id: int(n) for breakout_id, n in (await session.exec(
            select(Idea.breakout_id, func.sum(Vote.dots)).join(Vote, Vote.idea_id == Idea.id)
            .where(col(Idea.breakout_id).in_(breakout_ids)).group_by(Idea.breakout_id))).all()}
        events, seen = [], set()
        for workshop, breakout, idea in self.applied:  # one event per idea, in the order of the first vote on it
            if idea.id not in seen:
                seen.add(idea.id)
                events.append(VoteChanged(workshop_id=workshop.id, breakout_id=breakout.id,
                                          question_id=idea.question_id, idea_id=idea.id,
                                          total=totals.get(idea.id, 0), breakout_dots=cast.get(breakout.id, 0),
                                          seq=breakout.tally_seq))
        return events


async def idea_total(session: AsyncSession, idea_id: int) -> int:
    return int((await session.exec(select(func.coalesce(func.sum(Vote.dots), 0))
                                   .where(Vote.idea_id == idea_id))).one())


async def tallies(session: AsyncSession, *, breakout_id: int, question_id: int | None = None) -> dict[int, int]:
    """Dots per idea (only ideas with dots)."""
    query = select(Vote.idea_id, func.sum(Vote.dots)).join(Idea, Idea.id == Vote.idea_id) \
        .where(Idea.breakout_id == breakout_id).group_by(Vote.idea_id)
    if question_id is not None:
        query = query.where(Idea.question_id == question_id)
    return {idea_id: int(n) for idea_id, n in (await session.exec(query)).all()}


async def dots_in_breakout(session: AsyncSession, *, participant_id: int,
                           breakout_id: int) -> dict[int, dict[int, int]]:
    """A participant's dots in a breakout: question id -> idea id -> dots (one query, whatever the question)."""
    rows = await session.exec(select(Idea.question_id, Vote.idea_id, Vote.dots).join(Idea, Idea.id == Vote.idea_id)
                              .where(Vote.participant_id == participant_id, Idea.breakout_id == breakout_id))
    mine: dict[int, dict[int, int]] = {}
    for question_id, idea_id, dots in rows.all():
        mine.setdefault(question_id, {})[idea_id] = dots
    return mine


async def dots_cast(session: AsyncSession, *, breakout_id: int) -> int:
    return int((await session.exec(select(func.coalesce(func.sum(Vote.dots), 0)).join(Idea, Idea.id == Vote.idea_id)
                                   .where(Idea.breakout_id == breakout_id))).one())


async def ranked(session: AsyncSession, *, breakout_id: int, question_id: int) -> list[tuple[Idea, int]]:
    """Visible ideas of a question with their dots, most dots first (then oldest first)."""
    counts = await tallies(session, breakout_id=breakout_id, question_id=question_id)
    ideas = (await session.exec(select(Idea).where(
        Idea.breakout_id == breakout_id, Idea.question_id == question_id, col(Idea.hidden).is_(False),
        col(Idea.merged_into_id).is_(None)).order_by(col(Idea.created_at), col(Idea.id)))).all()
    return sorted(((i, counts.get(i.id, 0)) for i in ideas), key=lambda pair: -pair[1])
