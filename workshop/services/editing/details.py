"""The workshop as a whole: its structure read for the edit page, and its details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from ...bus import Bus
from ...db import Database
from ...limits import CONTEXT_MAX, TITLE_MAX
from ...models import AgendaItem, Breakout, Idea, Question, Round, Topic, Workshop, WorkshopFormat
from ..access import led_workshop
from ..errors import N_, Invalid
from ..text import clean_optional, clean_text
from .common import KEEP, _led, _publish, _questions, _rounds, _topics
from .validation import _title, clean_date, clean_format, clean_groups, clean_language, clean_time


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


# --- workshop details --------------------------------------------------------------------------------

async def update_details(db: Database, bus: Bus, *, lead_secret: str, title: str = KEEP, subtitle: str | None = KEEP,
                         date: dt.date | str | None = KEEP, start_time: str | None = KEEP,
                         end_time: str | None = KEEP, format: WorkshopFormat | str = KEEP,
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
