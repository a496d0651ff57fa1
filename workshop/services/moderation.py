"""Breakout moderators' actions (authorised by the moderator's secret link)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import OpenQuestionsChanged
from ..models import Breakout, Phase, Question
from .access import moderated_breakout
from .errors import N_, Invalid
from .facilitation import alongside_ids, breakout_question, question_changed


async def breakout_by_secret(session: AsyncSession, secret: str | None) -> Breakout:
    return await moderated_breakout(session, secret)


async def set_question(db: Database, bus: Bus, *, secret: str, question_id: int) -> int:
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)  # concurrent changes: one after the other
        question = await session.get(Question, question_id)
        if question is None or question.topic_id != breakout.topic_id:
            raise Invalid(N_('This guiding question does not belong to this breakout.'))
        changed = breakout.current_question_id != question.id
        # both are opened now (services/ideas.py): ideas a phone wrote for the one before still reach it
        rows = {opened: await breakout_question(session, breakout.id, opened)
                for opened in {breakout.current_question_id, question.id} - {None}}
        before = rows.get(breakout.current_question_id) if changed else None
        opened = None
        if before is not None and rows[question.id].alongside and not before.alongside \
                and before.phase == Phase.collect:
            # moving among the questions open at once keeps them all open on the phones
            before.alongside = True
            await session.flush()
            opened = OpenQuestionsChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                          question_ids=await alongside_ids(session, breakout.id))
        breakout.current_question_id = question.id
        event = await question_changed(session, breakout, question) if changed else None
    for published in (event, opened):
        if published is not None:
            await bus.publish(published)
    return question.id


async def step_question(db: Database, bus: Bus, *, secret: str, step: int) -> int:
    """Move to the next (+1) or previous (-1) guiding question; stays at the ends."""
    async with db.session() as session:
        breakout = await breakout_by_secret(session, secret)
        ids = list((await session.exec(select(Question.id).where(Question.topic_id == breakout.topic_id)
                                       .order_by(col(Question.position)))).all())
    if not ids:
        raise Invalid(N_('This breakout has no guiding questions.'))
    index = ids.index(breakout.current_question_id) if breakout.current_question_id in ids else 0
    target = ids[max(0, min(len(ids) - 1, index + step))]
    return await set_question(db, bus, secret=secret, question_id=target)
