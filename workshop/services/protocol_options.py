"""How the protocol is written, set by the lead moderator on the protocol page: the options for public
administration (dots and charts, questions nobody answered, participation in prose) and a summary per guiding
question, printed above its contributions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import WorkshopChanged
from ..limits import QUESTION_SUMMARY_MAX
from ..models import Question, Topic
from .access import led_workshop, moderated_breakout
from .errors import N_, NotFound
from .facilitation import question_of_breakout
from .text import clean_text


@dataclass(frozen=True)
class ProtocolOptions:
    dots: bool = True  # the dots and charts of the voting
    omit_unanswered: bool = True  # questions without contributions are left out
    participation_prose: bool = True  # "rund 40 Vertreterinnen und Vertreter aus …" instead of a table
    citations: bool = False  # each topic key result refers to its contributions in the appendix


def _changed(workshop_id: int) -> WorkshopChanged:
    return WorkshopChanged(workshop_id=workshop_id, fields=('protocol',))


async def set_options(db: Database, bus: Bus, *, lead_secret: str, dots: bool | None = None,
                      omit_unanswered: bool | None = None, participation_prose: bool | None = None,
                      citations: bool | None = None) -> ProtocolOptions:
    """Change the options given (``None`` leaves one as it is); returns all of them."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        if dots is not None:
            workshop.protocol_dots = bool(dots)
        if omit_unanswered is not None:
            workshop.protocol_omit_unanswered = bool(omit_unanswered)
        if participation_prose is not None:
            workshop.protocol_participation_prose = bool(participation_prose)
        if citations is not None:
            workshop.protocol_citations = bool(citations)
        options = ProtocolOptions(workshop.protocol_dots, workshop.protocol_omit_unanswered,
                                  workshop.protocol_participation_prose, workshop.protocol_citations)
    await bus.publish(_changed(workshop.id))
    return options


async def set_question_summary(db: Database, bus: Bus, *, lead_secret: str, question_id: int,
                               text: str | None) -> str:
    """The summary of the answers to a guiding question (all rounds of its topic); blank: none. A blank line starts
    a new paragraph, "- " a bullet. Returns the text as saved."""
    text = clean_text(text, max_length=QUESTION_SUMMARY_MAX, min_length=0, multiline=True,
                      field=N_('Summary of the answers'))
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        question = await session.get(Question, question_id)
        topic = await session.get(Topic, question.topic_id) if question is not None else None
        if topic is None or topic.workshop_id != workshop.id:
            raise NotFound(N_('This guiding question does not exist (any more).'))
        question.summary = text
    await bus.publish(_changed(workshop.id))
    return text


async def set_question_summary_by_moderator(db: Database, bus: Bus, *, secret: str, question_id: int,
                                            text: str | None) -> str:
    """``set_question_summary`` by a moderator of the question's topic (any round: the summary is the topic's),
    next to the question's key results on the moderator page."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)  # who asks first: a stranger learns nothing
        text = clean_text(text, max_length=QUESTION_SUMMARY_MAX, min_length=0, multiline=True,
                          field=N_('Summary of the answers'))
        question = await question_of_breakout(session, breakout, question_id)
        question.summary = text
    await bus.publish(_changed(breakout.workshop_id))
    return text


async def questions_of(session: AsyncSession, workshop_id: int) -> list[tuple[Topic, Question]]:
    """The guiding questions of a workshop with their topics, in order (for the summaries on the protocol page)."""
    rows = await session.exec(select(Topic, Question).join(Question, Question.topic_id == Topic.id)
                              .where(Topic.workshop_id == workshop_id)
                              .order_by(col(Topic.number), col(Question.position), col(Question.id)))
    return list(rows.all())
