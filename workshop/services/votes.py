"""Dot voting: a budget of dots per participant and question, a cap per idea, dots taken back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import VoteChanged
from ..models import Attendance, Breakout, Idea, Phase, Question, Vote, Workshop
from .access import acting_participant
from .errors import N_, NP_, Forbidden, Invalid, NotFound
from .facilitation import phase_of


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
    return await _change(db, bus, token=token, idea_id=idea_id, delta=1)


async def remove_dot(db: Database, bus: Bus, *, token: str, idea_id: int) -> VoteStatus:
    return await _change(db, bus, token=token, idea_id=idea_id, delta=-1)


async def _change(db: Database, bus: Bus, *, token: str, idea_id: int, delta: int) -> VoteStatus:
    # one transaction with the participant's row locked (SQLite: the write lock), so that
    # concurrent requests of one participant are counted one after the other
    async with db.transaction() as session:
        participant = await acting_participant(session, token, lock=True)
        # the idea's row share-locked (PostgreSQL): votes on it go on side by side, a merge of it waits
        # for them (and they for the merge), so that no dot lands on an idea that was merged meanwhile
        idea = (await session.exec(select(Idea).where(Idea.id == idea_id).with_for_update(read=True))).first()
        if idea is None or idea.hidden or idea.merged_into_id is not None:
            raise NotFound(N_('This idea is no longer available for voting.'))
        breakout = await session.get(Breakout, idea.breakout_id)
        workshop = await session.get(Workshop, breakout.workshop_id)
        if participant.workshop_id != workshop.id:
            raise Forbidden(N_('Please join the workshop first.'))
        attending = (await session.exec(select(Attendance.id).where(
            Attendance.participant_id == participant.id, Attendance.breakout_id == breakout.id))).first()
        if attending is None or breakout.round_id != workshop.current_round_id:
            raise Forbidden(N_('You can only vote in the breakout you joined in the current round.'))
        if await phase_of(session, breakout.id, idea.question_id) != Phase.vote:
            raise Invalid(N_('Voting is not open for this question.'))
        question = await session.get(Question, idea.question_id)
        budget = budget_for(workshop, question)
        vote = (await session.exec(select(Vote).where(Vote.idea_id == idea.id,
                                                      Vote.participant_id == participant.id))).first()
        mine = vote.dots if vote else 0
        spent = await _spent(session, participant_id=participant.id, breakout_id=breakout.id,
                             question_id=idea.question_id)
        if delta > 0:
            if spent >= budget:
                raise Invalid(NP_('You have used your dot for this question.',
                                  'You have used all your {n} dots for this question.'), n=budget)
            if mine >= workshop.max_dots_per_idea:
                raise Invalid(NP_('Only one dot per idea.', 'At most {n} dots per idea.'), n=workshop.max_dots_per_idea)
        elif mine == 0:
            raise Invalid(N_('You have no dot on this idea.'))
        mine += delta
        if vote is None:
            vote = Vote(idea_id=idea.id, participant_id=participant.id, dots=mine)
            session.add(vote)
        elif mine == 0:
            await session.delete(vote)
        else:
            vote.dots = mine
        await session.flush()
        total = await idea_total(session, idea.id)
        all_dots = await dots_cast(session, breakout_id=breakout.id)
        status = VoteStatus(idea_id=idea.id, question_id=idea.question_id, mine=mine,
                            left=budget - (spent + delta), budget=budget)
    await bus.publish(VoteChanged(workshop_id=workshop.id, breakout_id=breakout.id, question_id=idea.question_id,
                                  idea_id=idea.id, total=total, breakout_dots=all_dots))
    return status


async def _spent(session: AsyncSession, *, participant_id: int, breakout_id: int, question_id: int) -> int:
    spent = (await session.exec(select(func.coalesce(func.sum(Vote.dots), 0)).join(Idea, Idea.id == Vote.idea_id)
                                .where(Vote.participant_id == participant_id, Idea.breakout_id == breakout_id,
                                       Idea.question_id == question_id))).one()
    return int(spent)


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


async def my_dots(session: AsyncSession, *, participant_id: int, breakout_id: int,
                  question_id: int) -> dict[int, int]:
    rows = await session.exec(select(Vote.idea_id, Vote.dots).join(Idea, Idea.id == Vote.idea_id).where(
        Vote.participant_id == participant_id, Idea.breakout_id == breakout_id, Idea.question_id == question_id))
    return {idea_id: dots for idea_id, dots in rows.all()}


async def status_for(session: AsyncSession, *, participant_id: int, breakout: Breakout,
                     question: Question) -> tuple[dict[int, int], int, int]:
    """(my dots per idea, dots left, budget) for a participant's phone."""
    workshop = await session.get(Workshop, breakout.workshop_id)
    budget = budget_for(workshop, question)
    mine = await my_dots(session, participant_id=participant_id, breakout_id=breakout.id, question_id=question.id)
    return mine, budget - sum(mine.values()), budget


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
