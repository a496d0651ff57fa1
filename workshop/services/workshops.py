"""Creating workshops and reading their structure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..db import Database
from ..models import (
    AgendaItem,
    Breakout,
    BreakoutPublic,
    BreakoutQuestion,
    Phase,
    Question,
    QuestionPublic,
    Round,
    Topic,
    Workshop,
)
from ..templates import QuestionBlockSpec, WorkshopTemplate
from .access import INVALID_MODERATOR_LINK
from .codes import new_join_code, new_secret, normalise_join_code
from .errors import N_, NotFound
from .facilitation import stored_phase


@dataclass(frozen=True)
class BreakoutLinks:
    breakout_id: int
    label: str
    topic: str
    moderator_name: str | None
    moderator_secret: str


@dataclass(frozen=True)
class TopicLinks:
    """A topic's moderator link, which opens its breakout of the current round: one link for the day."""
    number: int
    title: str
    moderator_secret: str


@dataclass(frozen=True)
class WorkshopLinks:
    workshop_id: int
    title: str
    join_code: str
    lead_secret: str
    breakouts: list[BreakoutLinks]
    topics: list[TopicLinks] = field(default_factory=list)


async def create_from_template(db: Database, *, template: WorkshopTemplate, template_name: str | None = None,
                               date: dt.date | None = None) -> WorkshopLinks:
    """Create a running workshop with its agenda, rounds, topics, questions and breakouts."""
    for _attempt in range(5):  # a join code collision is unlikely; retry with a new one
        try:
            async with db.transaction() as session:
                return await _create(session, template=template, template_name=template_name, date=date)
        except IntegrityError:
            continue
    raise RuntimeError('could not allocate a unique join code')


async def _create(session: AsyncSession, *, template: WorkshopTemplate, template_name: str | None,
                  date: dt.date | None) -> WorkshopLinks:
    workshop = Workshop(
        title=template.title, subtitle=template.subtitle, date=date or template.date or dt.date.today(),
        start_time=template.start, end_time=template.end, format=template.format, organiser=template.organiser,
        language=template.language, context=template.context, stakeholder_groups=list(template.stakeholder_groups),
        join_code=new_join_code(), lead_secret=new_secret(), template=template_name,
    )
    session.add(workshop)
    await session.flush()

    rounds = []
    for number, spec in enumerate(template.rounds, start=1):
        default_title = f'Durchlauf {number}' if template.language == 'de' else f'Round {number}'
        rounds.append(Round(workshop_id=workshop.id, number=number, title=spec.title or default_title))
    session.add_all(rounds)

    topics = [Topic(workshop_id=workshop.id, number=n, title=spec.title)
              for n, spec in enumerate(template.topics, start=1)]
    session.add_all(topics)
    await session.flush()

    first_question: dict[int, int] = {}
    for topic, spec in zip(topics, template.topics, strict=True):
        questions = list(_questions(topic.id, spec.questions))
        session.add_all(questions)
        await session.flush()
        first_question[topic.number] = questions[0].id

    links = []
    for index, (round_, round_spec) in enumerate(zip(rounds, template.rounds, strict=True)):
        for topic_number in template.round_topics(index):
            topic_spec = template.topics[topic_number - 1]
            moderator = round_spec.moderators.get(topic_number) or topic_spec.moderator
            breakout = Breakout(
                workshop_id=workshop.id, round_id=round_.id, topic_id=topics[topic_number - 1].id,
                label=template.breakout_label.format(round=round_.number, topic=topic_number),
                moderator_name=moderator.name if moderator else None,
                moderator_organisation=moderator.organisation if moderator else None,
                moderator_secret=new_secret(), current_question_id=first_question[topic_number],
            )
            session.add(breakout)
            await session.flush()
            links.append(BreakoutLinks(breakout.id, breakout.label, topic_spec.title, breakout.moderator_name,
                                       breakout.moderator_secret))

    for position, item in enumerate(template.agenda):
        session.add(AgendaItem(workshop_id=workshop.id, position=position, time=item.time, title=item.title,
                               speaker=item.speaker, kind=item.kind,
                               round_id=rounds[item.round - 1].id if item.round else None))
    workshop.current_round_id = rounds[0].id
    await session.flush()
    return WorkshopLinks(workshop.id, workshop.title, workshop.join_code, workshop.lead_secret, links,
                         [TopicLinks(t.number, t.title, t.moderator_secret) for t in topics])


def _questions(topic_id: int, specs: list) -> list[Question]:
    questions = []
    for number, spec in enumerate(specs, start=1):
        if isinstance(spec, QuestionBlockSpec):
            if not spec.questions:  # a themed block without sub-questions is itself the question
                questions.append(Question(topic_id=topic_id, position=len(questions), number=number, text=spec.block))
            for i, text in enumerate(spec.questions):
                questions.append(Question(topic_id=topic_id, position=len(questions), number=number,
                                          block=spec.block, sub=chr(ord('a') + i), text=text))
        else:
            questions.append(Question(topic_id=topic_id, position=len(questions), number=number, text=spec))
    return questions


# --- reading ----------------------------------------------------------------------------------------

class UnknownCode(NotFound):
    """No workshop has this join code."""


def unknown_code(code: str) -> UnknownCode:
    return UnknownCode(N_('There is no workshop with the code {code}. Please check the code on the screen.'),
                       code=normalise_join_code(code) or code)


async def find_by_code(session: AsyncSession, code: str) -> Workshop:
    workshop = (await session.exec(select(Workshop).where(Workshop.join_code == normalise_join_code(code)))).first()
    if workshop is None:
        raise unknown_code(code)
    return workshop


async def find_by_lead_secret(session: AsyncSession, secret: str) -> Workshop:
    workshop = (await session.exec(select(Workshop).where(Workshop.lead_secret == secret))).first()
    if workshop is None:
        raise NotFound(INVALID_MODERATOR_LINK)
    return workshop


async def list_workshops(session: AsyncSession) -> list[Workshop]:
    return list((await session.exec(select(Workshop).order_by(col(Workshop.id).desc()))).all())


async def breakouts_of(session: AsyncSession, workshop_id: int, round_id: int | None = None) -> list[BreakoutPublic]:
    query = select(Breakout, Round, Topic).join(Round, Round.id == Breakout.round_id) \
        .join(Topic, Topic.id == Breakout.topic_id).where(Breakout.workshop_id == workshop_id)
    if round_id is not None:
        query = query.where(Breakout.round_id == round_id)
    rows = (await session.exec(query.order_by(Round.number, Topic.number))).all()
    return [breakout_public(b, r, t) for b, r, t in rows]


@dataclass(frozen=True)
class WallPlace:
    breakout_id: int
    follows_round: bool  # a topic's wall ("w1"): the topic's room of whichever round is current


TOPIC_WALL = re.compile(r'^w(\d+)$', re.IGNORECASE)


async def wall_place(session: AsyncSession, workshop: Workshop, key: str) -> WallPlace:
    """Which room a breakout wall's address means: ``w1`` is topic 1 in the current round, ``W1.2`` the room
    of that label, a number the room's id (the links of earlier versions keep working)."""
    key = key.strip()
    if key.isdigit():
        return WallPlace(int(key), follows_round=False)
    rooms = await breakouts_of(session, workshop.id)
    topic = TOPIC_WALL.match(key)
    if topic:
        found = [b for b in rooms if b.topic_number == int(topic.group(1)) and b.round_id == workshop.current_round_id]
        if found:
            return WallPlace(found[0].id, follows_round=True)
    found = [b for b in rooms if ''.join(b.label.split()).casefold() == ''.join(key.split()).casefold()]
    if found:
        return WallPlace(found[0].id, follows_round=False)
    raise NotFound(N_('This breakout does not exist.'))


def wall_path(join_code: str, topic_number: int) -> str:
    """The wall of a topic's room, following the rounds: the one link a moderator needs for the day."""
    return f'/wall/{join_code}/w{topic_number}'


async def breakout_ids_of(session: AsyncSession, workshop_id: int) -> list[int]:
    """The workshop's breakouts, by round and topic."""
    return list((await session.exec(
        select(Breakout.id).join(Round, Round.id == Breakout.round_id).join(Topic, Topic.id == Breakout.topic_id)
        .where(Breakout.workshop_id == workshop_id).order_by(Round.number, Topic.number))).all())


def breakout_public(breakout: Breakout, round_: Round, topic: Topic) -> BreakoutPublic:
    return BreakoutPublic(
        id=breakout.id, workshop_id=breakout.workshop_id, round_id=round_.id, round_number=round_.number,
        topic_id=topic.id, topic_number=topic.number, topic_title=topic.title, label=breakout.label,
        moderator_name=breakout.moderator_name, moderator_organisation=breakout.moderator_organisation,
        current_question_id=breakout.current_question_id,
        co_moderators=[', '.join(p for p in (c.get('name'), c.get('organisation')) if p)
                       for c in (breakout.co_moderators or []) if isinstance(c, dict)],
    )


async def get_breakout(session: AsyncSession, breakout_id: int) -> BreakoutPublic:
    return (await room_of(session, breakout_id))[0]


async def room_of(session: AsyncSession, breakout_id: int) -> tuple[BreakoutPublic, Breakout, Phase]:
    """A breakout (public form and row) and the phase of its current question, in one query."""
    row = (await session.exec(
        select(Breakout, Round, Topic, BreakoutQuestion.phase).join(Round, Round.id == Breakout.round_id)
        .join(Topic, Topic.id == Breakout.topic_id)
        .outerjoin(BreakoutQuestion, (BreakoutQuestion.breakout_id == Breakout.id)
                   & (BreakoutQuestion.question_id == Breakout.current_question_id))
        .where(Breakout.id == breakout_id))).first()
    if row is None:
        raise NotFound(N_('This breakout does not exist.'))
    breakout, round_, topic, phase = row
    phase = stored_phase(breakout.current_question_id, phase)
    return breakout_public(breakout, round_, topic), breakout, phase


async def questions_of(session: AsyncSession, topic_id: int) -> list[QuestionPublic]:
    return [question_public(q) for q in await question_rows(session, topic_id)]


async def question_rows(session: AsyncSession, topic_id: int) -> list[Question]:
    return list((await session.exec(select(Question).where(Question.topic_id == topic_id)
                                    .order_by(col(Question.position)))).all())


def question_public(q: Question) -> QuestionPublic:
    return QuestionPublic(id=q.id, position=q.position, number=q.number, block=q.block, sub=q.sub, text=q.text,
                          label=q.label)


async def agenda_of(session: AsyncSession, workshop_id: int) -> list[AgendaItem]:
    return list((await session.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop_id)
                                    .order_by(col(AgendaItem.position)))).all())


@dataclass(frozen=True)
class PlenaryClock:
    """What the plenary wall says about the time: the agenda item now, and the countdown every room of the
    current round shares (the lead's "timer for all rooms": a break, a last call), if they do."""
    agenda: AgendaItem | None
    ends_at: dt.datetime | None


async def plenary_clock(session: AsyncSession, workshop: Workshop) -> PlenaryClock:
    agenda = await session.get(AgendaItem, workshop.current_agenda_item_id) \
        if workshop.current_agenda_item_id is not None else None
    ends = set((await session.exec(select(Breakout.timer_ends_at).where(
        Breakout.workshop_id == workshop.id, Breakout.round_id == workshop.current_round_id))).all())
    return PlenaryClock(agenda=agenda, ends_at=ends.pop() if len(ends) == 1 else None)


async def rounds_of(session: AsyncSession, workshop_id: int) -> list[Round]:
    return list((await session.exec(select(Round).where(Round.workshop_id == workshop_id)
                                    .order_by(col(Round.number)))).all())
