"""Key results per question and per breakout, drafted from marked and top-voted ideas."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import KeyResultsChanged
from ..limits import KEY_RESULT_MAX, KEY_RESULTS_MAX
from ..models import Breakout, BreakoutQuestion, Idea, Round, Topic
from .access import moderated_breakout
from .errors import N_, Invalid
from .facilitation import breakout_question, question_of_breakout
from .text import clean_text
from .votes import ranked, tallies

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


@dataclass(frozen=True)
class EarlierRoom:
    """What an earlier round's breakout of the same topic produced for one question (read-only)."""
    label: str
    round_number: int
    key_results: list[str]
    ideas: list[tuple[str, int]]  # text, dots — best first


async def earlier_rounds(session: AsyncSession, *, breakout_id: int, question_id: int | None) -> list[EarlierRoom]:
    breakout = await session.get(Breakout, breakout_id)
    this_round = await session.get(Round, breakout.round_id)
    rows = (await session.exec(select(Breakout, Round).join(Round, Round.id == Breakout.round_id).where(
        Breakout.topic_id == breakout.topic_id, Round.number < this_round.number).order_by(Round.number))).all()
    rooms = []
    for other, round_ in rows:
        key_results: list[str] = []
        ideas: list[tuple[str, int]] = []
        if question_id is not None:
            state = (await session.exec(select(BreakoutQuestion).where(
                BreakoutQuestion.breakout_id == other.id, BreakoutQuestion.question_id == question_id))).first()
            key_results = list(state.key_results) if state else []
            ideas = [(idea.text, dots) for idea, dots in await ranked(session, breakout_id=other.id,
                                                                       question_id=question_id)]
        rooms.append(EarlierRoom(other.label, round_.number, key_results, ideas))
    return rooms


@dataclass(frozen=True)
class TopicSummary:
    """A topic's results over all its rounds, for the plenary summary ("Resümee")."""
    number: int
    title: str
    rooms: list[tuple[str, str | None]]  # label, moderator
    key_results: list[str]
    top_ideas: list[tuple[str, int]]  # text, dots — best first


async def topic_summary(session: AsyncSession, *, workshop_id: int, topic_number: int,
                        top: int = 5) -> TopicSummary | None:
    topic = (await session.exec(select(Topic).where(Topic.workshop_id == workshop_id,
                                                    Topic.number == topic_number))).first()
    if topic is None:
        return None
    rows = (await session.exec(select(Breakout, Round).join(Round, Round.id == Breakout.round_id)
                               .where(Breakout.topic_id == topic.id).order_by(Round.number))).all()
    key_results: list[str] = []
    ideas: list[tuple[str, int]] = []
    for breakout, _round in rows:
        key_results.extend(k for k in breakout.key_results if k not in key_results)
        counts = await tallies(session, breakout_id=breakout.id)
        visible = (await session.exec(select(Idea).where(Idea.breakout_id == breakout.id, col(Idea.hidden).is_(False),
                                                         col(Idea.merged_into_id).is_(None)))).all()
        ideas.extend((i.text, counts.get(i.id, 0)) for i in visible)
    best = sorted((pair for pair in ideas if pair[1] > 0), key=lambda pair: -pair[1])[:top]
    return TopicSummary(topic.number, topic.title, [(b.label, b.moderator_name) for b, _r in rows], key_results, best)
