"""The lead moderator's controls: rounds, agenda, notices, joining, plenary and summary, participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database, server_now
from ..events import IdeaChanged, RoundChanged, WorkshopChanged
from ..limits import NOTICE_MAX
from ..models import AgendaItem, AgendaKind, Breakout, HideReason, Idea, Participant, Round, Topic, Workshop, utcnow
from .access import led_workshop
from .errors import N_, Invalid, NotFound
from .text import clean_optional


async def open_round(db: Database, bus: Bus, *, lead_secret: str, round_number: int) -> int:
    """Make another round current; phones then ask each participant for a room of it. The run of show follows:
    the agenda moves to the round's item (if the agenda has one), and the notice of the round before (a break
    that ends …) is cleared."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        round_ = (await session.exec(select(Round).where(Round.workshop_id == workshop.id,
                                                         Round.number == round_number))).first()
        if round_ is None:
            raise NotFound(N_('There is no round {n}.'), n=round_number)
        changed = workshop.current_round_id != round_.id
        workshop.current_round_id = round_.id
        workshop.plenary = False
        fields = []
        if changed:
            item = await _round_item(session, workshop.id, round_.id)
            if item is not None and item != workshop.current_agenda_item_id:
                workshop.current_agenda_item_id = item
                fields.append('agenda')
            if workshop.notice:
                workshop.notice, workshop.notice_at, workshop.notice_until = None, None, None
                fields.append('notice')
    if changed:
        await bus.publish(RoundChanged(workshop_id=workshop.id, round_id=round_.id, round_number=round_.number))
        if fields:
            await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=tuple(fields)))
    return round_.id


async def set_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int | None) -> int | None:
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        if item_id is not None:
            item = await session.get(AgendaItem, item_id)
            if item is None or item.workshop_id != workshop.id:
                raise NotFound(N_('This agenda item does not exist.'))
        workshop.current_agenda_item_id = item_id
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('agenda',)))
    return item_id


async def _round_item(session: AsyncSession, workshop_id: int, round_id: int | None) -> int | None:
    """The agenda's item of a round (its parallel breakouts), if the agenda has one."""
    return (await session.exec(select(AgendaItem.id).where(AgendaItem.workshop_id == workshop_id,
                                                           AgendaItem.round_id == round_id)
                               .order_by(col(AgendaItem.position)))).first()


async def next_agenda_item(db: Database, bus: Bus, *, lead_secret: str) -> int | None:
    """Advance the run-of-show by one item; if none is current, start where the workshop stands: at the top, or
    at a later round's item while that round runs."""
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        ids = list((await session.exec(select(AgendaItem.id).where(AgendaItem.workshop_id == workshop.id)
                                       .order_by(col(AgendaItem.position)))).all())
        current_round = await session.get(Round, workshop.current_round_id) if workshop.current_round_id else None
        # before the first round the day starts at the top; in a later one, at that round
        round_item = await _round_item(session, workshop.id, current_round.id) \
            if current_round is not None and current_round.number > 1 else None
    if not ids:
        raise Invalid(N_('The agenda is empty.'))
    current = workshop.current_agenda_item_id
    target = (round_item or ids[0]) if current not in ids else ids[min(ids.index(current) + 1, len(ids) - 1)]
    return await set_agenda_item(db, bus, lead_secret=lead_secret, item_id=target)


NOTICE_MINUTES = (5, 10, 15)  # what the lead page offers for a notice's lifetime (besides: until cleared)
NOTICE_MINUTES_MAX = 240


async def send_notice(db: Database, bus: Bus, *, lead_secret: str, text: str | None,
                      minutes: int | None = None) -> str | None:
    """A notice on every phone and wall ("break ends in 5 minutes"); empty clears it. With ``minutes`` it goes
    by itself after that long (database time, as timers): screens drop it then, and nobody sees it afterwards."""
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)
                                or not 1 <= minutes <= NOTICE_MINUTES_MAX):
        raise Invalid(N_('A notice can stay between 1 and {max} minutes.'), max=NOTICE_MINUTES_MAX)
    text = clean_optional(text, max_length=NOTICE_MAX, field=N_('Notice'))
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.notice = text
        workshop.notice_at = utcnow() if text else None
        workshop.notice_until = await server_now(session) + dt.timedelta(minutes=minutes) \
            if text and minutes else None
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('notice',)))
    return text


def shown_notice(workshop: Workshop, now: dt.datetime | None = None) -> str | None:
    """The notice as screens show it: none once its time is over (a page loaded later must not show it,
    whether or not the database was cleared yet)."""
    if not workshop.notice:
        return None
    until = aware(workshop.notice_until)
    return workshop.notice if until is None or until > (now or utcnow()) else None


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored moment as timezone-aware UTC (SQLite returns them naive)."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


async def clear_expired_notices(db: Database, bus: Bus) -> list[int]:
    """Clear the notices whose time is over, in the database (the lead's cockpit, the archive): once, whichever
    app instance gets here first (a conditional update). Returns the workshops whose notice was cleared."""
    async with db.session() as session:
        now = await server_now(session)
        due = list((await session.exec(select(Workshop.id, Workshop.notice_until).where(
            col(Workshop.notice_until).is_not(None), col(Workshop.notice_until) <= now))).all())
    cleared = []
    for workshop_id, until in due:
        async with db.transaction() as session:
            won = (await session.exec(update(Workshop).where(Workshop.id == workshop_id,
                                                             Workshop.notice_until == until)
                                      .values(notice=None, notice_at=None, notice_until=None))).rowcount
        if won:
            cleared.append(workshop_id)
            await bus.publish(WorkshopChanged(workshop_id=workshop_id, fields=('notice',)))
    return cleared


async def set_gong(db: Database, bus: Bus, *, lead_secret: str, gong: bool) -> None:
    """A short gong on the walls when their timer ends (never on phones)."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.gong = bool(gong)
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('gong',)))


async def set_joining_locked(db: Database, bus: Bus, *, lead_secret: str, locked: bool) -> None:
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.joining_locked = bool(locked)
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('joining',)))


async def set_plenary(db: Database, bus: Bus, *, lead_secret: str, plenary: bool) -> None:
    """Plenary mode: phones and walls show the plenary instead of the rooms."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.plenary = bool(plenary)
        if not plenary:
            workshop.summary_topic = None
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('plenary',)))


async def set_summary_topic(db: Database, bus: Bus, *, lead_secret: str, topic_number: int | None) -> int | None:
    """The plenary summary ("Resümee"): which topic the plenary wall presents (None: none). Starting it moves
    the run of show to the agenda's summary item, if it has one and is not there yet."""
    fields = ['summary']
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        if topic_number is not None:
            topic = (await session.exec(select(Topic).where(Topic.workshop_id == workshop.id,
                                                            Topic.number == topic_number))).first()
            if topic is None:
                raise NotFound(N_('There is no topic {n}.'), n=topic_number)
            workshop.plenary = True
            if workshop.summary_topic is None:
                item = (await session.exec(select(AgendaItem.id).where(
                    AgendaItem.workshop_id == workshop.id, AgendaItem.kind == AgendaKind.summary)
                    .order_by(col(AgendaItem.position)))).first()
                if item is not None and item != workshop.current_agenda_item_id:
                    workshop.current_agenda_item_id = item
                    fields.append('agenda')
        workshop.summary_topic = topic_number
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=tuple(fields)))
    return topic_number


async def step_summary(db: Database, bus: Bus, *, lead_secret: str, step: int) -> int | None:
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        numbers = list((await session.exec(select(Topic.number).where(Topic.workshop_id == workshop.id)
                                           .order_by(col(Topic.number)))).all())
    if not numbers:
        return None
    current = workshop.summary_topic
    index = (numbers.index(current) + step) if current in numbers else (0 if step > 0 else len(numbers) - 1)
    return await set_summary_topic(db, bus, lead_secret=lead_secret,
                                   topic_number=numbers[max(0, min(len(numbers) - 1, index))])


async def update_voting(db: Database, bus: Bus, *, lead_secret: str, dots_per_question: int | None = None,
                        max_dots_per_idea: int | None = None, hide_tallies: bool | None = None,
                        require_new_topic: bool | None = None) -> None:
    for value in (dots_per_question, max_dots_per_idea):
        if value is not None and not (isinstance(value, int) and 1 <= value <= 20):
            raise Invalid(N_('Dots must be a number between 1 and 20.'))
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        if dots_per_question is not None:
            workshop.dots_per_question = dots_per_question
        if max_dots_per_idea is not None:
            workshop.max_dots_per_idea = max_dots_per_idea
        if hide_tallies is not None:
            workshop.hide_tallies = hide_tallies
        if require_new_topic is not None:
            workshop.require_new_topic = require_new_topic
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('voting',)))


async def remove_participant(db: Database, bus: Bus, *, lead_secret: str, participant_id: int,
                             hide_ideas: bool = False) -> int:
    """Remove a participant (abuse): they can no longer post or vote; their ideas stay for curation,
    or (``hide_ideas``) are all hidden at once, as abuse. Returns how many ideas were hidden."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        participant = await session.get(Participant, participant_id)
        if participant is None or participant.workshop_id != workshop.id:
            raise NotFound(N_('This participant does not exist.'))
        participant.removed = True
        hidden: list[Idea] = []
        if hide_ideas:
            # row-locked (PostgreSQL), as a moderator's hide: a curation of the same idea waits for this
            hidden = list((await session.exec(select(Idea).where(
                Idea.participant_id == participant.id, col(Idea.hidden).is_(False),
                col(Idea.merged_into_id).is_(None)).order_by(col(Idea.id)).with_for_update())).all())
            for idea in hidden:
                idea.hidden = True
                idea.hidden_reason = HideReason.abuse
        # the events the pages already handle for a moderator's hide: each idea leaves phones and walls
        events = [IdeaChanged(workshop_id=workshop.id, breakout_id=i.breakout_id, question_id=i.question_id,
                              idea_id=i.id, text=i.text, hidden=True, group=i.group, marked=i.marked)
                  for i in hidden]
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('participants',)))
    for event in events:
        await bus.publish(event)
    return len(events)


@dataclass(frozen=True)
class ParticipantRow:
    """A participant as the lead moderator's list shows them (to find whom to remove)."""
    id: int
    name: str | None
    organisation: str | None
    removed: bool
    ideas: int
    hidden: int
    latest: str | None  # the text of their newest idea


PARTICIPANT_ROWS = 50


async def participant_rows(db: Database, *, lead_secret: str, limit: int = PARTICIPANT_ROWS) -> list[ParticipantRow]:
    """The workshop's participants, those with the most ideas first (a flood stands at the top)."""
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        stats = (select(Idea.participant_id, func.count(Idea.id).label('ideas'),
                        func.sum(case((col(Idea.hidden), 1), else_=0)).label('hidden'),
                        func.max(Idea.id).label('latest'))
                 .join(Breakout, col(Breakout.id) == Idea.breakout_id)
                 .where(Breakout.workshop_id == workshop.id, col(Idea.merged_into_id).is_(None))
                 .group_by(Idea.participant_id).subquery())
        rows = (await session.exec(
            select(Participant, stats.c.ideas, stats.c.hidden, stats.c.latest)
            .outerjoin(stats, stats.c.participant_id == Participant.id)
            .where(Participant.workshop_id == workshop.id)
            .order_by(func.coalesce(stats.c.ideas, 0).desc(), col(Participant.id).desc()).limit(limit))).all()
        latest_ids = [latest for *_, latest in rows if latest is not None]
        texts = dict((await session.exec(select(Idea.id, Idea.text).where(col(Idea.id).in_(latest_ids)))).all()) \
            if latest_ids else {}
    return [ParticipantRow(id=p.id, name=p.name, organisation=p.organisation, removed=p.removed,
                           ideas=int(ideas or 0), hidden=int(hidden or 0), latest=texts.get(latest))
            for p, ideas, hidden, latest in rows]
