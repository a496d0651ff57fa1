"""Guiding questions of a topic: adding, changing, moving and deleting them, themed blocks, and
renumbering after every change."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ...bus import Bus
from ...db import Database
from ...limits import QUESTION_MAX, QUESTIONS_MAX, SUBS_MAX
from ...models import Breakout, BreakoutQuestion, Idea, Question, Topic
from ..errors import N_, Invalid, NotFound
from ..facilitation import question_changed
from ..text import clean_text
from .common import KEEP, _led, _move, _owned, _publish, _questions
from .validation import _block, clean_dots

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
    await _publish(bus, workshop.id, 'questions')
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
    await _publish(bus, workshop.id, 'questions')


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
    await _publish(bus, workshop.id, 'questions')


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
        await _publish(bus, workshop.id, 'questions')
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
        events = [await question_changed(session, breakout, replacement) for breakout in showing]
    for event in events:
        await bus.publish(event)
    await _publish(bus, workshop.id, 'questions')


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
