"""Key results per question and per breakout, drafted from marked and top-voted ideas."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import KeyResultsChanged
from ..models import Breakout, BreakoutQuestion, Idea
from .access import moderated_breakout
from .errors import N_, Invalid
from .facilitation import breakout_question, question_of_breakout
from .text import clean_text
from .votes import tallies

KEY_RESULT_MAX = 1000
KEY_RESULTS_MAX = 20
DRAFT_TOP_VOTED = 3


async def draft(session: AsyncSession, *, breakout_id: int, question_id: int | None = None) -> list[str]:
    """Marked ideas first, then the top-voted ones (per question), without repeats."""
    query = select(Idea).where(Idea.breakout_id == breakout_id, col(Idea.hidden).is_(False),
                               col(Idea.merged_into_id).is_(None))
    if question_id is not None:
        query = query.where(Idea.question_id == question_id)
    ideas = (await session.exec(query.order_by(col(Idea.created_at), col(Idea.id)))).all()
    counts = await tallies(session, breakout_id=breakout_id, question_id=question_id)
    chosen = [i for i in ideas if i.marked]
    by_question: dict[int, list[Idea]] = {}
    for idea in ideas:
        by_question.setdefault(idea.question_id, []).append(idea)
    for group in by_question.values():
        voted = sorted((i for i in group if counts.get(i.id, 0) > 0), key=lambda i: -counts[i.id])
        chosen.extend(voted[:DRAFT_TOP_VOTED])
    seen, bullets = set(), []
    for idea in chosen:
        if idea.id not in seen:
            seen.add(idea.id)
            bullets.append(idea.text)
    return bullets


def clean_bullets(items: list[str]) -> list[str]:
    bullets = []
    for item in items:
        if item and item.strip():
            bullets.append(clean_text(item, max_length=KEY_RESULT_MAX, multiline=True, field=N_('Key result')))
    if len(bullets) > KEY_RESULTS_MAX:
        raise Invalid(N_('At most {n} key results.'), n=KEY_RESULTS_MAX)
    return bullets


async def save(db: Database, bus: Bus, *, secret: str, items: list[str], question_id: int | None = None) -> list[str]:
    """The moderator's key results for a question, or for the whole breakout (``question_id=None``)."""
    bullets = clean_bullets(items)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        if question_id is None:
            breakout.key_results = bullets
        else:
            question = await question_of_breakout(session, breakout, question_id)
            state = await breakout_question(session, breakout.id, question.id)
            state.key_results = bullets
    await bus.publish(KeyResultsChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                        question_id=question_id, key_results=tuple(bullets)))
    return bullets


async def of_breakout(session: AsyncSession, breakout: Breakout) -> tuple[list[str], dict[int, list[str]]]:
    """(the breakout's key results, key results per question id)."""
    rows = (await session.exec(select(BreakoutQuestion).where(BreakoutQuestion.breakout_id == breakout.id))).all()
    return list(breakout.key_results), {r.question_id: list(r.key_results) for r in rows if r.key_results}
