"""Editing a workshop in the browser (lead moderator's secret link): its details, agenda, rounds,
topics, breakouts and guiding questions.

Guiding questions of a topic are a sequence ordered by ``position``. A run of neighbouring
questions with the same ``block`` is one themed block: one number, sub-questions a., b., …;
every other question has its own number. After every change the topic is renumbered from
that sequence, exactly as ``create_from_template`` numbers a template. Nothing that already
holds ideas (a question, a topic, a round) or that participants already joined (a topic's or
a round's rooms) can be deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import QuestionChanged, RoundChanged, WorkshopChanged
from ..i18n import LANGUAGES
from ..models import (AgendaItem, AgendaKind, Attendance, Breakout, BreakoutQuestion, Idea, Question, Round, Topic,
                      Workshop, WorkshopFormat)
from .access import led_workshop
from .codes import new_secret
from .errors import N_, Invalid, NotFound
from .text import clean_optional, clean_text

LABEL_PATTERN = 'W {round}.{topic}'
_DEFAULT_LABEL = re.compile(r'^W \d+\.\d+$')
_DEFAULT_ROUND_TITLE = re.compile(r'^(Durchlauf|Round) \d+$')
_TIME = re.compile(r'^([01]?\d|2[0-3]):([0-5]\d)$')

TITLE_MAX = 300
QUESTION_MAX = 1000
CONTEXT_MAX = 20_000
GROUPS_MAX = 30
AGENDA_MAX = 100
ROUNDS_MAX = 20
TOPICS_MAX = 50
QUESTIONS_MAX = 100
SUBS_MAX = 26  # a. … z.
DOTS_MIN, DOTS_MAX = 1, 20


class _Keep:
    def __repr__(self) -> str:
        return 'KEEP'


KEEP: Any = _Keep()  # "leave this field as it is" in partial updates


# --- reading ---------------------------------------------------------------------------------------

@dataclass
class Structure:
    """Everything the edit page shows, read in one go."""
    workshop: Workshop
    agenda: list[AgendaItem]
    rounds: list[Round]
    topics: list[Topic]
    breakouts: list[Breakout]  # by round number, then topic number
    questions: dict[int, list[Question]]  # topic id -> questions in order
    ideas_per_question: dict[int, int]


async def load(db: Database, *, lead_secret: str) -> Structure:
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        agenda = list((await session.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop.id)
                                          .order_by(col(AgendaItem.position)))).all())
        rounds = await _rounds(session, workshop.id)
        topics = await _topics(session, workshop.id)
        breakouts = list((await session.exec(
            select(Breakout).join(Round, Round.id == Breakout.round_id).join(Topic, Topic.id == Breakout.topic_id)
            .where(Breakout.workshop_id == workshop.id).order_by(col(Round.number), col(Topic.number)))).all())
        questions = {t.id: await _questions(session, t.id) for t in topics}
        counts = (await session.exec(
            select(Idea.question_id, func.count()).join(Question, Question.id == Idea.question_id)
            .join(Topic, Topic.id == Question.topic_id).where(Topic.workshop_id == workshop.id)
            .group_by(Idea.question_id))).all()
    return Structure(workshop, agenda, rounds, topics, breakouts, questions, dict(counts))


# --- validation --------------------------------------------------------------------------------------

def clean_time(value: str | None, *, field: str = N_('Time')) -> str | None:
    """'9:05' -> '09:05'; empty gives None."""
    if value is None or not str(value).strip():
        return None
    match = _TIME.match(str(value).strip())
    if not match:
        raise Invalid(N_('{field} must be a time like 14:30.'), field=field)
    return f'{int(match.group(1)):02d}:{match.group(2)}'


def clean_date(value: dt.date | str | None) -> dt.date | None:
    """A date, or text as 2026-05-26 or 26.05.2026; empty gives None."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ('%Y-%m-%d', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(N_('The date must look like 2026-05-26 or 26.05.2026.'))


def clean_format(value: WorkshopFormat | str) -> WorkshopFormat:
    try:
        return WorkshopFormat(value)
    except ValueError as e:
        raise Invalid(N_('Unknown workshop format.')) from e


def clean_language(value: str) -> str:
    if value not in LANGUAGES:
        raise Invalid(N_('Unknown language.'))
    return value


def clean_kind(value: AgendaKind | str) -> AgendaKind:
    try:
        return AgendaKind(value)
    except ValueError as e:
        raise Invalid(N_('Unknown kind of agenda item.')) from e


def clean_groups(values: Sequence[str] | None) -> list[str]:
    groups: list[str] = []
    seen: set[str] = set()
    for value in values or []:
        if value is None or not value.strip():
            continue
        group = clean_text(value, max_length=TITLE_MAX, field=N_('Stakeholder group'))
        if group.casefold() in seen:
            raise Invalid(N_('The stakeholder group "{group}" is listed twice.'), group=group)
        seen.add(group.casefold())
        groups.append(group)
    if len(groups) > GROUPS_MAX:
        raise Invalid(N_('At most {n} stakeholder groups are possible.'), n=GROUPS_MAX)
    return groups


def clean_dots(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not DOTS_MIN <= value <= DOTS_MAX:
        raise Invalid(N_('The dots per person must be a number between {min} and {max}.'), min=DOTS_MIN, max=DOTS_MAX)
    return value


def _title(value: str | None, field: str) -> str:
    return clean_text(value, max_length=TITLE_MAX, field=field)


def _block(value: str | None) -> str | None:
    return clean_optional(value, max_length=TITLE_MAX, field=N_('Block'))


# --- workshop details --------------------------------------------------------------------------------

async def update_details(db: Database, bus: Bus, *, lead_secret: str, title: str = KEEP, subtitle: str | None = KEEP,
                         date: dt.date | str | None = KEEP, start_time: str | None = KEEP,
                         end_time: str | None = KEEP, format: WorkshopFormat | str = KEEP,  # noqa: A002
                         organiser: str | None = KEEP, language: str = KEEP, context: str | None = KEEP,
                         stakeholder_groups: Sequence[str] = KEEP) -> Workshop:
    """Change the workshop's details; fields left at ``KEEP`` stay as they are."""
    changes: dict[str, Any] = {}
    if title is not KEEP:
        changes['title'] = _title(title, N_('Title'))
    if subtitle is not KEEP:
        changes['subtitle'] = clean_optional(subtitle, max_length=TITLE_MAX, field=N_('Subtitle'))
    if date is not KEEP:
        changes['date'] = clean_date(date)
    if start_time is not KEEP:
        changes['start_time'] = clean_time(start_time, field=N_('Start time'))
    if end_time is not KEEP:
        changes['end_time'] = clean_time(end_time, field=N_('End time'))
    if format is not KEEP:
        changes['format'] = clean_format(format)
    if organiser is not KEEP:
        changes['organiser'] = clean_optional(organiser, max_length=TITLE_MAX, field=N_('Organiser')) or ''
    if language is not KEEP:
        changes['language'] = clean_language(language)
    if context is not KEEP:
        changes['context'] = '' if not (context or '').strip() else \
            clean_text(context, max_length=CONTEXT_MAX, multiline=True, field=N_('Context'))
    if stakeholder_groups is not KEEP:
        changes['stakeholder_groups'] = clean_groups(stakeholder_groups)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        start = changes.get('start_time', workshop.start_time)
        end = changes.get('end_time', workshop.end_time)
        if start and end and end <= start:
            raise Invalid(N_('The end time must be after the start time.'))
        for name, value in changes.items():
            setattr(workshop, name, value)
    await _publish(bus, workshop.id)
    return workshop


# --- agenda --------------------------------------------------------------------------------------------

async def add_agenda_item(db: Database, bus: Bus, *, lead_secret: str, title: str, time: str | None = None,
                          speaker: str | None = None, kind: AgendaKind | str = AgendaKind.plenary,
                          round_id: int | None = None) -> int:
    """Append an item to the agenda."""
    values = _agenda_values(title=title, time=time, speaker=speaker, kind=kind, round_id=round_id)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        await _check_round(session, workshop.id, values['round_id'])
        items = await _agenda(session, workshop.id)
        if len(items) >= AGENDA_MAX:
            raise Invalid(N_('The agenda can hold at most {n} items.'), n=AGENDA_MAX)
        item = AgendaItem(workshop_id=workshop.id, position=len(items), **values)
        session.add(item)
        await session.flush()
    await _publish(bus, workshop.id)
    return item.id


async def update_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int, title: str,
                             time: str | None = None, speaker: str | None = None,
                             kind: AgendaKind | str = AgendaKind.plenary, round_id: int | None = None) -> None:
    values = _agenda_values(title=title, time=time, speaker=speaker, kind=kind, round_id=round_id)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        item = await _agenda_item(session, workshop.id, item_id)
        await _check_round(session, workshop.id, values['round_id'])
        for name, value in values.items():
            setattr(item, name, value)
    await _publish(bus, workshop.id)


async def delete_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int) -> None:
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        item = await _agenda_item(session, workshop.id, item_id)
        if workshop.current_agenda_item_id == item.id:
            workshop.current_agenda_item_id = None
        await session.delete(item)
        await session.flush()
        for position, other in enumerate(await _agenda(session, workshop.id)):
            other.position = position
    await _publish(bus, workshop.id)


async def move_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int, step: int) -> bool:
    """Move an item up (-1) or down (+1); False if it is already at that end."""
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        item = await _agenda_item(session, workshop.id, item_id)
        items = await _agenda(session, workshop.id)
        moved = _move(items, items.index(item), step)
        for position, other in enumerate(items):
            other.position = position
    if moved:
        await _publish(bus, workshop.id)
    return moved


def _agenda_values(*, title: str, time: str | None, speaker: str | None, kind: AgendaKind | str,
                   round_id: int | None) -> dict[str, Any]:
    kind = clean_kind(kind)
    if round_id is not None and kind != AgendaKind.breakout_round:
        raise Invalid(N_('Only an agenda item of the kind "breakout round" can name a round.'))
    return {'title': _title(title, N_('Title')), 'time': clean_time(time),
            'speaker': clean_optional(speaker, max_length=TITLE_MAX, field=N_('Speaker')), 'kind': kind,
            'round_id': round_id}


async def _check_round(session: AsyncSession, workshop_id: int, round_id: int | None) -> None:
    if round_id is not None:
        await _owned(session, Round, round_id, workshop_id)


async def _agenda_item(session: AsyncSession, workshop_id: int, item_id: int) -> AgendaItem:
    item = await session.get(AgendaItem, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise NotFound(N_('This agenda item does not exist (any more).'))
    return item


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
            await _add_breakout(session, workshop.id, round_, topic,
                                moderator=(like.moderator_name, like.moderator_organisation) if like else None)
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
                          moderator_name: str | None, moderator_organisation: str | None) -> None:
    name = clean_optional(moderator_name, max_length=TITLE_MAX, field=N_('Moderator name'))
    organisation = clean_optional(moderator_organisation, max_length=TITLE_MAX, field=N_('Organisation'))
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        breakout = await session.get(Breakout, breakout_id)
        if breakout is None or breakout.workshop_id != workshop.id:
            raise NotFound(N_('This breakout does not exist.'))
        breakout.moderator_name = name
        breakout.moderator_organisation = organisation
    await _publish(bus, workshop.id)


# --- guiding questions ----------------------------------------------------------------------------------

async def add_question(db: Database, bus: Bus, *, lead_secret: str, topic_id: int, text: str,
                       block: str | None = None, dots_budget: int | None = None) -> int:
    """Append a question to the topic; with a block it goes to the end of that block (a new one if
    no block of the topic has this title)."""
    text = clean_text(text, max_length=QUESTION_MAX, field=N_('Guiding question'))
    block = _block(block)
    dots_budget = clean_dots(dots_budget)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        topic = await _owned(session, Topic, topic_id, workshop.id)
        questions = await _questions(session, topic.id)
        if len(questions) >= QUESTIONS_MAX:
            raise Invalid(N_('A topic can have at most {n} guiding questions.'), n=QUESTIONS_MAX)
        question = Question(topic_id=topic.id, position=len(questions), number=0, block=block, text=text,
                            dots_budget=dots_budget)
        _insert_into_block(questions, question)
        _renumber(questions)
        session.add(question)
        await session.flush()
        for breakout in (await session.exec(select(Breakout).where(Breakout.topic_id == topic.id))).all():
            if breakout.current_question_id is None:
                breakout.current_question_id = question.id
    await _publish(bus, workshop.id)
    return question.id


async def update_question(db: Database, bus: Bus, *, lead_secret: str, question_id: int, text: str = KEEP,
                          block: str | None = KEEP, dots_budget: int | None = KEEP) -> None:
    """Change a question's text, its dots budget (None: the workshop's), or its block: into another
    block it goes to that block's end; out of a block it goes right after it."""
    text = clean_text(text, max_length=QUESTION_MAX, field=N_('Guiding question')) if text is not KEEP else KEEP
    block = _block(block) if block is not KEEP else KEEP
    dots_budget = clean_dots(dots_budget) if dots_budget is not KEEP else KEEP
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        question = await _question(session, workshop.id, question_id)
        if text is not KEEP:
            question.text = text
        if dots_budget is not KEEP:
            question.dots_budget = dots_budget
        if block is not KEEP and block != question.block:
            questions = await _questions(session, question.topic_id)
            index = questions.index(question)
            old_unit = next(u for u in units(questions) if question in u)
            old_block = question.block
            questions.remove(question)
            question.block = block
            if block is not None and any(q.block == block for q in questions):
                _insert_into_block(questions, question)  # joins that block, at its end
            elif old_block is not None and len(old_unit) > 1:
                # leaves its block: right after the rest of it, so that the block stays in one piece
                rest = [q for q in old_unit if q is not question]
                questions.insert(questions.index(rest[-1]) + 1, question)
            else:  # stays where it is, as a question of its own or a new block
                questions.insert(index, question)
            _renumber(questions)
    await _publish(bus, workshop.id)


async def rename_block(db: Database, bus: Bus, *, lead_secret: str, question_id: int, block: str | None) -> None:
    """Rename the themed block the question belongs to; an empty title dissolves the block
    (its sub-questions become numbered questions)."""
    block = _block(block)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        question = await _question(session, workshop.id, question_id)
        if question.block is None:
            raise Invalid(N_('This guiding question is not part of a block.'))
        questions = await _questions(session, question.topic_id)
        unit = next(u for u in units(questions) if question in u)
        if block is not None and any(q.block == block for q in questions if q not in unit):
            raise Invalid(N_('This topic already has a block with this title.'))
        for q in unit:
            q.block = block
        _renumber(questions)
    await _publish(bus, workshop.id)


async def move_question(db: Database, bus: Bus, *, lead_secret: str, question_id: int, step: int) -> bool:
    """Move a question up (-1) or down (+1): a sub-question within its block, any other question past
    the neighbouring question or block. False if it is already at that end."""
    return await _move_question(db, bus, lead_secret=lead_secret, question_id=question_id, step=step, whole_block=False)


async def move_block(db: Database, bus: Bus, *, lead_secret: str, question_id: int, step: int) -> bool:
    """Move the whole block (or single question) that holds this question past its neighbour."""
    return await _move_question(db, bus, lead_secret=lead_secret, question_id=question_id, step=step, whole_block=True)


async def _move_question(db: Database, bus: Bus, *, lead_secret: str, question_id: int, step: int,
                         whole_block: bool) -> bool:
    if step not in (-1, 1):
        raise Invalid(N_('Items move one place up or down.'))
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        question = await _question(session, workshop.id, question_id)
        questions = await _questions(session, question.topic_id)
        items = units(questions)
        index = next(i for i, u in enumerate(items) if question in u)
        if question.block is not None and not whole_block:
            moved = _move(items[index], items[index].index(question), step)
        else:
            moved = _move(items, index, step)
        _renumber([q for u in items for q in u])
    if moved:
        await _publish(bus, workshop.id)
    return moved


async def delete_question(db: Database, bus: Bus, *, lead_secret: str, question_id: int) -> None:
    """Delete a question without ideas; breakouts showing it move on to the next one."""
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        question = await _question(session, workshop.id, question_id)
        if (await session.exec(select(func.count()).select_from(Idea).where(Idea.question_id == question.id))).one():
            raise Invalid(N_('This guiding question already has ideas and cannot be deleted.'))
        questions = await _questions(session, question.topic_id)
        if len(questions) == 1:
            raise Invalid(N_('A topic needs at least one guiding question.'))
        index = questions.index(question)
        questions.remove(question)
        replacement = questions[min(index, len(questions) - 1)]
        showing = list((await session.exec(select(Breakout).where(Breakout.current_question_id == question.id))).all())
        for breakout in showing:
            breakout.current_question_id = replacement.id
        await session.flush()
        await session.exec(delete(BreakoutQuestion).where(col(BreakoutQuestion.question_id) == question.id))
        await session.delete(question)
        await session.flush()
        _renumber(questions)
    for breakout in showing:
        await bus.publish(QuestionChanged(workshop_id=workshop.id, breakout_id=breakout.id,
                                          question_id=replacement.id))
    await _publish(bus, workshop.id)


def units(questions: list[Question]) -> list[list[Question]]:
    """Top-level items: a run of neighbouring questions of one block, or a single question."""
    units: list[list[Question]] = []
    for q in questions:
        if units and q.block is not None and units[-1][-1].block == q.block:
            units[-1].append(q)
        else:
            units.append([q])
    return units


def _insert_into_block(questions: list[Question], question: Question) -> None:
    """At the end of the first block with the question's title, else at the end."""
    if question.block is not None:
        for unit in units(questions):
            if unit[0].block == question.block:
                if len(unit) >= SUBS_MAX:
                    raise Invalid(N_('A block can hold at most {n} sub-questions.'), n=SUBS_MAX)
                questions.insert(questions.index(unit[-1]) + 1, question)
                return
    questions.append(question)


def _renumber(questions: list[Question]) -> None:
    """Positions 0…, numbers 1… per top-level item, sub-questions a., b., … inside a block."""
    for number, unit in enumerate(units(questions), start=1):
        if unit[0].block is not None and len(unit) > SUBS_MAX:
            raise Invalid(N_('A block can hold at most {n} sub-questions.'), n=SUBS_MAX)
        for i, q in enumerate(unit):
            q.number = number
            q.sub = chr(ord('a') + i) if q.block is not None else None
    for position, q in enumerate(questions):
        q.position = position


async def _question(session: AsyncSession, workshop_id: int, question_id: int) -> Question:
    question = await session.get(Question, question_id)
    topic = await session.get(Topic, question.topic_id) if question is not None else None
    if question is None or topic is None or topic.workshop_id != workshop_id:
        raise NotFound(N_('This guiding question does not exist (any more).'))
    return question


# --- helpers -----------------------------------------------------------------------------------------------

async def _led(session: AsyncSession, lead_secret: str) -> Workshop:
    """The lead moderator's workshop, locked on PostgreSQL so that structure edits run one at a time
    (SQLite's write transactions already do)."""
    workshop = await led_workshop(session, lead_secret)
    if not session.bind.dialect.name == 'sqlite':
        await session.exec(select(Workshop.id).where(Workshop.id == workshop.id).with_for_update())
    return workshop


async def _owned(session: AsyncSession, model: type[Round] | type[Topic], item_id: int, workshop_id: int):  # noqa: ANN202
    item = await session.get(model, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise NotFound(N_('This round does not exist (any more).') if model is Round else
                       N_('This topic does not exist (any more).'))
    return item


async def _agenda(session: AsyncSession, workshop_id: int) -> list[AgendaItem]:
    return list((await session.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop_id)
                                    .order_by(col(AgendaItem.position), col(AgendaItem.id)))).all())


async def _rounds(session: AsyncSession, workshop_id: int) -> list[Round]:
    return list((await session.exec(select(Round).where(Round.workshop_id == workshop_id)
                                    .order_by(col(Round.number)))).all())


async def _topics(session: AsyncSession, workshop_id: int) -> list[Topic]:
    return list((await session.exec(select(Topic).where(Topic.workshop_id == workshop_id)
                                    .order_by(col(Topic.number)))).all())


async def _questions(session: AsyncSession, topic_id: int) -> list[Question]:
    return list((await session.exec(select(Question).where(Question.topic_id == topic_id)
                                    .order_by(col(Question.position), col(Question.id)))).all())


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


def _move(items: list, index: int, step: int) -> bool:
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    return True


async def _publish(bus: Bus, workshop_id: int) -> None:
    await bus.publish(WorkshopChanged(workshop_id=workshop_id, fields=('structure',)))
