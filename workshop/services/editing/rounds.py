"""Rounds and topics, and the breakouts where they cross (one per round and topic)."""

from __future__ import annotations

import re

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ...bus import Bus
from ...db import Database
from ...events import RoundChanged
from ...limits import CO_MODERATORS_MAX, QUESTION_MAX, ROUNDS_MAX, TITLE_MAX, TOPICS_MAX
from ...models import AgendaItem, Attendance, Breakout, BreakoutQuestion, Idea, Question, Round, Topic
from ..codes import new_secret
from ..errors import N_, NP_, Invalid, NotFound
from ..text import clean_optional, clean_text
from .common import _led, _owned, _publish, _rounds, _topics
from .validation import _title

LABEL_PATTERN = 'W {round}.{topic}'
_DEFAULT_LABEL = re.compile(r'^W \d+\.\d+$')
_DEFAULT_ROUND_TITLE = re.compile(r'^(Durchlauf|Round) \d+$')


# --- rounds -------------------------------------------------------------------------------------------

async def add_round(db: Database, bus: Bus, *, lead_secret: str, title: str | None = None) -> int:
    """A new last round with a breakout for every topic (moderators as in the previous round)."""
    title = clean_optional(title, max_length=TITLE_MAX, field=N_('Round title'))
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        rounds = await _rounds(session, workshop.id)
        if len(rounds) >= ROUNDS_MAX:
            raise Invalid(N_('A workshop can have at most {n} rounds.'), n=ROUNDS_MAX)
        number = len(rounds) + 1
        round_ = Round(workshop_id=workshop.id, number=number, title=title or _round_title(workshop.language, number))
        session.add(round_)
        await session.flush()
        previous = {b.topic_id: b for b in (await session.exec(
            select(Breakout).where(Breakout.round_id == rounds[-1].id))).all()} if rounds else {}
        for topic in await _topics(session, workshop.id):
            like = previous.get(topic.id)
            breakout = await _add_breakout(session, workshop.id, round_, topic,
                                           moderator=(like.moderator_name, like.moderator_organisation) if like
                                           else None)
            if like is not None and like.co_moderators:
                breakout.co_moderators = list(like.co_moderators)
    await _publish(bus, workshop.id)
    return round_.id


async def rename_round(db: Database, bus: Bus, *, lead_secret: str, round_id: int, title: str) -> None:
    title = _title(title, N_('Round title'))
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        round_ = await _owned(session, Round, round_id, workshop.id)
        round_.title = title
    await _publish(bus, workshop.id)


async def delete_round(db: Database, bus: Bus, *, lead_secret: str, round_id: int) -> None:
    """Delete a round and its breakouts, unless it already has ideas or participants."""
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        round_ = await _owned(session, Round, round_id, workshop.id)
        rounds = await _rounds(session, workshop.id)
        if len(rounds) == 1:
            raise Invalid(N_('A workshop needs at least one round.'))
        breakout_ids = list((await session.exec(select(Breakout.id).where(Breakout.round_id == round_.id))).all())
        if await _count_ideas(session, breakout_ids):
            raise Invalid(N_('This round already has ideas and cannot be deleted.'))
        if await _count_attendance(session, breakout_ids):
            raise Invalid(N_('Participants have already joined rooms of this round; it cannot be deleted.'))
        remaining = [r for r in rounds if r.id != round_.id]
        current_changed = workshop.current_round_id == round_.id
        if current_changed:
            workshop.current_round_id = remaining[0].id
        for item in (await session.exec(select(AgendaItem).where(AgendaItem.round_id == round_.id))).all():
            item.round_id = None
        await _delete_breakouts(session, breakout_ids)
        await session.delete(round_)
        await session.flush()
        for number, other in enumerate(remaining, start=1):
            if other.number != number and _DEFAULT_ROUND_TITLE.match(other.title):
                other.title = _round_title(workshop.language, number)
            other.number = number
        await _relabel(session, workshop.id)
        first = remaining[0]
    if current_changed:
        await bus.publish(RoundChanged(workshop_id=workshop.id, round_id=first.id, round_number=first.number))
    await _publish(bus, workshop.id)


def _round_title(language: str, number: int) -> str:
    return f'Durchlauf {number}' if language == 'de' else f'Round {number}'


# --- topics -------------------------------------------------------------------------------------------

async def add_topic(db: Database, bus: Bus, *, lead_secret: str, title: str, question: str) -> int:
    """A new last topic with its first guiding question and a breakout in every round."""
    title = _title(title, N_('Topic title'))
    text = clean_text(question, max_length=QUESTION_MAX, field=N_('Guiding question'))
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        topics = await _topics(session, workshop.id)
        if len(topics) >= TOPICS_MAX:
            raise Invalid(N_('A workshop can have at most {n} topics.'), n=TOPICS_MAX)
        topic = Topic(workshop_id=workshop.id, number=len(topics) + 1, title=title)
        session.add(topic)
        await session.flush()
        session.add(Question(topic_id=topic.id, position=0, number=1, text=text))
        await session.flush()
        for round_ in await _rounds(session, workshop.id):
            await _add_breakout(session, workshop.id, round_, topic, moderator=None)
    await _publish(bus, workshop.id)
    return topic.id


async def rename_topic(db: Database, bus: Bus, *, lead_secret: str, topic_id: int, title: str) -> None:
    title = _title(title, N_('Topic title'))
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        topic = await _owned(session, Topic, topic_id, workshop.id)
        topic.title = title
    await _publish(bus, workshop.id)


async def delete_topic(db: Database, bus: Bus, *, lead_secret: str, topic_id: int) -> None:
    """Delete a topic, its questions and its breakouts, unless it already has ideas or participants."""
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        topic = await _owned(session, Topic, topic_id, workshop.id)
        topics = await _topics(session, workshop.id)
        if len(topics) == 1:
            raise Invalid(N_('A workshop needs at least one topic.'))
        breakout_ids = list((await session.exec(select(Breakout.id).where(Breakout.topic_id == topic.id))).all())
        if await _count_ideas(session, breakout_ids):
            raise Invalid(N_('This topic already has ideas and cannot be deleted.'))
        if await _count_attendance(session, breakout_ids):
            raise Invalid(N_('Participants have already joined rooms of this topic; it cannot be deleted.'))
        await _delete_breakouts(session, breakout_ids)
        question_ids = list((await session.exec(select(Question.id).where(Question.topic_id == topic.id))).all())
        if question_ids:
            await session.exec(delete(BreakoutQuestion).where(col(BreakoutQuestion.question_id).in_(question_ids)))
            await session.exec(delete(Question).where(col(Question.id).in_(question_ids)))
        old_number = topic.number
        await session.delete(topic)
        await session.flush()
        for number, other in enumerate((t for t in topics if t.id != topic.id), start=1):
            other.number = number
        if workshop.summary_topic == old_number:
            workshop.summary_topic = None
        elif workshop.summary_topic is not None and workshop.summary_topic > old_number:
            workshop.summary_topic -= 1
        await _relabel(session, workshop.id)
    await _publish(bus, workshop.id)


# --- breakouts ---------------------------------------------------------------------------------------

async def update_breakout(db: Database, bus: Bus, *, lead_secret: str, breakout_id: int,
                          moderator_name: str | None, moderator_organisation: str | None,
                          co_moderators: list[tuple[str | None, str | None]] | None = None) -> None:
    """The room's moderator and, when ``co_moderators`` is given, its further moderators as (name, organisation)
    pairs (rows with neither are dropped; ``None`` leaves them as they are)."""
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)  # who asks first: a stranger learns nothing
        name = clean_optional(moderator_name, max_length=TITLE_MAX, field=N_('Moderator name'))
        organisation = clean_optional(moderator_organisation, max_length=TITLE_MAX, field=N_('Organisation'))
        others = _co_moderators(co_moderators) if co_moderators is not None else None
        breakout = await session.get(Breakout, breakout_id)
        if breakout is None or breakout.workshop_id != workshop.id:
            raise NotFound(N_('This breakout does not exist.'))
        breakout.moderator_name = name
        breakout.moderator_organisation = organisation
        if others is not None:
            breakout.co_moderators = others
    await _publish(bus, workshop.id)


def _co_moderators(rows: list[tuple[str | None, str | None]]) -> list[dict[str, str | None]]:
    people = []
    for row_name, row_organisation in rows:
        name = clean_optional(row_name, max_length=TITLE_MAX, field=N_('Moderator name'))
        organisation = clean_optional(row_organisation, max_length=TITLE_MAX, field=N_('Organisation'))
        if name or organisation:
            people.append({'name': name, 'organisation': organisation})
    if len(people) > CO_MODERATORS_MAX:
        raise Invalid(NP_('A room can have at most one further moderator.',
                          'A room can have at most {n} further moderators.'), n=CO_MODERATORS_MAX)
    return people


# --- helpers -----------------------------------------------------------------------------------------------

async def _add_breakout(session: AsyncSession, workshop_id: int, round_: Round, topic: Topic, *,
                        moderator: tuple[str | None, str | None] | None) -> Breakout:
    first = (await session.exec(select(Question.id).where(Question.topic_id == topic.id)
                                .order_by(col(Question.position)))).first()
    name, organisation = moderator or (None, None)
    breakout = Breakout(workshop_id=workshop_id, round_id=round_.id, topic_id=topic.id,
                        label=LABEL_PATTERN.format(round=round_.number, topic=topic.number),
                        moderator_name=name, moderator_organisation=organisation, moderator_secret=new_secret(),
                        current_question_id=first)
    session.add(breakout)
    await session.flush()
    return breakout


async def _delete_breakouts(session: AsyncSession, breakout_ids: list[int]) -> None:
    if breakout_ids:
        await session.exec(delete(BreakoutQuestion).where(col(BreakoutQuestion.breakout_id).in_(breakout_ids)))
        await session.exec(delete(Breakout).where(col(Breakout.id).in_(breakout_ids)))


async def _count_ideas(session: AsyncSession, breakout_ids: list[int]) -> int:
    if not breakout_ids:
        return 0
    return (await session.exec(select(func.count()).select_from(Idea)
                               .where(col(Idea.breakout_id).in_(breakout_ids)))).one()


async def _count_attendance(session: AsyncSession, breakout_ids: list[int]) -> int:
    if not breakout_ids:
        return 0
    return (await session.exec(select(func.count()).select_from(Attendance)
                               .where(col(Attendance.breakout_id).in_(breakout_ids)))).one()


async def _relabel(session: AsyncSession, workshop_id: int) -> None:
    """Labels that follow the default pattern follow renumbered rounds and topics; others stay."""
    await session.flush()
    rows = (await session.exec(select(Breakout, Round.number, Topic.number)
                               .join(Round, Round.id == Breakout.round_id).join(Topic, Topic.id == Breakout.topic_id)
                               .where(Breakout.workshop_id == workshop_id))).all()
    for breakout, round_number, topic_number in rows:
        if _DEFAULT_LABEL.match(breakout.label):
            breakout.label = LABEL_PATTERN.format(round=round_number, topic=topic_number)
