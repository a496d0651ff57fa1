"""Privacy (GDPR): ending a workshop, retention, anonymising and deleting.

Personal data of a workshop are the participants' names and organisations and the
links between a participant and what they wrote or voted for. They are kept while
the workshop runs and for ``Workshop.retention_days`` (default 30) after its end;
then ``purge_expired`` — run periodically by the app and by ``workshop purge`` —
anonymises the workshop. The lead moderator can anonymise or delete a workshop at
any time.

Anonymising keeps what the minutes need and nothing that points to a person:

* participants lose name, organisation and their token (the phone's cookie no longer
  resolves to them); their stakeholder group stays, so the participation counts per
  group stay right, and so do their room choices (the head count per room);
* ideas lose their author (``participant_id``), and so do the comments of a gallery walk;
* votes are summed per idea and held by one placeholder participant per workshop
  (marked removed, so it is no person in any count and can never act): the dots per
  idea stay, who gave them is gone; a gallery walk's dots likewise, per idea and room;
* frozen protocol versions: their stored archive is scrubbed the same way (names,
  organisations and authors removed, votes summed) and its checksum recomputed.

Deleting removes every row that belongs to the workshop, in every table (found
through the foreign keys, so tables added later are covered too).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, or_, select as sa_select, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import WorkshopChanged
from ..limits import RETENTION_MAX_DAYS
from ..models import Breakout, Comment, GalleryDot, Idea, Participant, Vote, Workshop, WorkshopStatus, utcnow
from .access import led_workshop
from .codes import new_secret
from .errors import N_, Invalid, NotFound

DEFAULT_RETENTION_DAYS = 30
PURGE_INTERVAL = 3600.0  # seconds between two runs of the app's retention task


@dataclass(frozen=True)
class AnonymiseReport:
    workshop_id: int
    participants: int  # participant records stripped of personal data
    ideas_unlinked: int  # ideas that lost their author
    votes_merged: int  # vote records summed into the placeholder's
    versions_scrubbed: int  # frozen protocol versions whose archive was scrubbed


# --- the lead moderator's actions ---------------------------------------------------------------------

async def end_workshop(db: Database, bus: Bus, *, lead_secret: str, now: dt.datetime | None = None) -> dt.datetime:
    """Mark the workshop ended: joining stops, and the retention period starts."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        if workshop.ended_at is None:
            workshop.ended_at = now or utcnow()
        workshop.status = WorkshopStatus.ended
        ended = workshop.ended_at
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('status',)))
    return ended


async def set_retention(db: Database, bus: Bus, *, lead_secret: str, days: int) -> int:
    """Days after the end after which personal data is anonymised (0: right at the next purge)."""
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= RETENTION_MAX_DAYS:
        raise Invalid(N_('The retention period must be a whole number of days between 0 and {max}.'),
                      max=RETENTION_MAX_DAYS)
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.retention_days = days
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('retention',)))
    return days


async def anonymise_workshop(db: Database, bus: Bus, *, lead_secret: str,
                             now: dt.datetime | None = None) -> AnonymiseReport:
    """The lead moderator anonymises the workshop now (see the module's description)."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        report = await _anonymise(session, workshop, now or utcnow())
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('participants', 'structure')))
    await _reclaim(db)
    return report


async def delete_workshop(db: Database, bus: Bus, *, lead_secret: str) -> int:
    """The lead moderator deletes the whole workshop; returns the number of rows deleted."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop_id = workshop.id
        rows = await delete_rows(session, workshop_id)
    await bus.publish(WorkshopChanged(workshop_id=workshop_id, fields=('deleted', 'structure')))
    await _reclaim(db)
    return rows


# --- retention ----------------------------------------------------------------------------------------

def end_of(workshop: Workshop) -> dt.datetime:
    """When the workshop ended: ``ended_at``; for one never ended, the end of its day, but not before its
    creation (a workshop made from a template with an old date is not over at once)."""
    if workshop.ended_at is not None:
        return _aware(workshop.ended_at)
    created = _aware(workshop.created_at)
    if workshop.date is not None:
        return max(created, dt.datetime.combine(workshop.date + dt.timedelta(days=1), dt.time(),
                                                tzinfo=dt.UTC))
    return created


def due_at(workshop: Workshop) -> dt.datetime:
    """When the retention period of the workshop is over."""
    return end_of(workshop) + dt.timedelta(days=workshop.retention_days
                                           if workshop.retention_days is not None else DEFAULT_RETENTION_DAYS)


async def purge_expired(db: Database, bus: Bus | None = None, *, now: dt.datetime | None = None) -> list[int]:
    """Anonymise every workshop whose retention period is over; returns their ids.

    A workshop that still runs is only anonymised once it is over by date: a forgotten
    "end" does not keep personal data for ever.
    """
    now = now or utcnow()
    async with db.session() as session:
        candidates = list((await session.exec(select(Workshop).where(col(Workshop.anonymised_at).is_(None)))).all())
    done = []
    for candidate in candidates:
        if due_at(candidate) > now:
            continue
        async with db.transaction() as session:
            workshop = await session.get(Workshop, candidate.id)
            if workshop is None or workshop.anonymised_at is not None:
                continue
            await _anonymise(session, workshop, now)
        done.append(candidate.id)
        if bus is not None:
            await bus.publish(WorkshopChanged(workshop_id=candidate.id, fields=('participants', 'structure')))
    if done:
        await _reclaim(db)
    return done


# --- the work -----------------------------------------------------------------------------------------

async def _anonymise(session: AsyncSession, workshop: Workshop, now: dt.datetime) -> AnonymiseReport:
    participant_ids = list((await session.exec(select(Participant.id).where(
        Participant.workshop_id == workshop.id))).all())
    holder_id = (await session.exec(select(Participant.id).where(
        Participant.workshop_id == workshop.id,
        col(Participant.token).startswith(_placeholder_prefix(workshop.id))))).first()
    people = [p for p in participant_ids if p != holder_id]

    # votes: one row per idea, held by the placeholder, with the sum of the dots
    totals = dict((await session.exec(
        select(Vote.idea_id, func.sum(Vote.dots)).where(col(Vote.participant_id).in_(people or [-1]))
        .group_by(Vote.idea_id))).all())
    merged = (await session.exec(select(func.count()).select_from(Vote)
                                 .where(col(Vote.participant_id).in_(people or [-1])))).one()
    if totals:
        placeholder = await _placeholder(session, workshop.id)
        existing = {v.idea_id: v for v in (await session.exec(select(Vote).where(
            Vote.participant_id == placeholder.id))).all()}
        await session.exec(delete(Vote).where(col(Vote.participant_id).in_(people)))
        for idea_id, dots in totals.items():
            if idea_id in existing:
                existing[idea_id].dots += int(dots)
            else:
                session.add(Vote(idea_id=idea_id, participant_id=placeholder.id, dots=int(dots), created_at=now))

    # a gallery walk's dots: likewise, one row per idea and room
    gallery_totals = (await session.exec(
        select(GalleryDot.idea_id, GalleryDot.breakout_id, func.sum(GalleryDot.dots))
        .where(col(GalleryDot.participant_id).in_(people or [-1]))
        .group_by(GalleryDot.idea_id, GalleryDot.breakout_id))).all()
    if gallery_totals:
        placeholder = await _placeholder(session, workshop.id)
        existing_dots = {(d.idea_id, d.breakout_id): d for d in (await session.exec(select(GalleryDot).where(
            GalleryDot.participant_id == placeholder.id))).all()}
        await session.exec(delete(GalleryDot).where(col(GalleryDot.participant_id).in_(people)))
        for idea_id, breakout_id, dots in gallery_totals:
            if (idea_id, breakout_id) in existing_dots:
                existing_dots[(idea_id, breakout_id)].dots += int(dots)
            else:
                session.add(GalleryDot(idea_id=idea_id, breakout_id=breakout_id, participant_id=placeholder.id,
                                       dots=int(dots), created_at=now))

    # ideas and comments: no author
    unlinked = (await session.exec(update(Idea).where(col(Idea.participant_id).in_(participant_ids or [-1]))
                                   .values(participant_id=None))).rowcount or 0
    await session.exec(update(Comment).where(col(Comment.participant_id).in_(participant_ids or [-1]))
                       .values(participant_id=None))

    # participants: no name, no organisation, no token anybody holds
    for participant in (await session.exec(select(Participant).where(col(Participant.id).in_(people or [-1])))).all():
        participant.name = None
        participant.organisation = None
        participant.token = new_secret()

    scrubbed = await _scrub_versions(session, workshop.id)
    workshop.anonymised_at = now
    await session.flush()
    return AnonymiseReport(workshop_id=workshop.id, participants=len(people), ideas_unlinked=unlinked,
                           votes_merged=int(merged), versions_scrubbed=scrubbed)


async def _reclaim(db: Database) -> None:
    """Erased rows leave copies in the database's files (SQLite's WAL, PostgreSQL's dead tuples): remove them."""
    await db.reclaim_erased(t.name for t in _workshop_tables())


def _placeholder_prefix(workshop_id: int) -> str:
    return f'anonymised-votes-{workshop_id}-'


async def _placeholder(session: AsyncSession, workshop_id: int) -> Participant:
    """The workshop's "anonymised votes" holder: removed, so it never counts as a person nor acts."""
    prefix = _placeholder_prefix(workshop_id)
    found = (await session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, col(Participant.token).startswith(prefix)))).first()
    if found is None:
        found = Participant(workshop_id=workshop_id, token=prefix + new_secret(), removed=True)
        session.add(found)
        await session.flush()
    return found


async def _scrub_versions(session: AsyncSession, workshop_id: int) -> int:
    from ..protocol import archive
    from ..protocol.models import ProtocolVersion
    versions = (await session.exec(select(ProtocolVersion).where(ProtocolVersion.workshop_id == workshop_id))).all()
    for version in versions:
        data = json.loads(version.archive)
        scrub_archive(data)
        version.archive = archive.dumps(data)
        version.checksum = archive.checksum(data)
    return len(versions)


def scrub_archive(data: dict[str, Any]) -> dict[str, Any]:
    """Remove personal data from archive data in place (as ``_anonymise`` does in the database)."""
    workshop = data.get('workshop', {})
    people = workshop.get('participants', [])
    for person in people:
        person['name'] = None
        person['organisation'] = None
    ideas = [idea for round_ in workshop.get('rounds', []) for breakout in round_.get('breakouts', [])
             for question in breakout.get('questions', []) for idea in question.get('ideas', [])]
    holder = None

    def holder_id(created_at: str) -> int:
        nonlocal holder
        if holder is None:
            holder = max((p['id'] for p in people), default=0) + 1
            people.append({'id': holder, 'name': None, 'organisation': None, 'group': None,
                           'created_at': created_at, 'removed': True, 'attendance': []})
        return holder

    for idea in ideas:
        idea['author'] = None
        if idea.get('votes'):
            holder_id(min(v['created_at'] for v in idea['votes']))
            idea['votes'] = [{'participant': holder, 'dots': sum(int(v['dots']) for v in idea['votes']),
                              'created_at': min(v['created_at'] for v in idea['votes'])}]
        for comment in idea.get('comments', []):  # a gallery walk's (#16)
            comment['author'] = None
        if idea.get('gallery'):  # a gallery walk's dots: summed per room
            rooms: dict[int, list[dict[str, Any]]] = {}
            for dot in idea['gallery']:
                rooms.setdefault(dot['breakout'], []).append(dot)
            holder_id(min(d['created_at'] for d in idea['gallery']))
            idea['gallery'] = [{'breakout': room, 'participant': holder, 'dots': sum(int(d['dots']) for d in dots),
                                'created_at': min(d['created_at'] for d in dots)}
                               for room, dots in sorted(rooms.items())]
    return data


def _workshop_tables() -> list[Table]:
    """Every table holding rows of a workshop, children before parents."""
    tables = SQLModel.metadata.sorted_tables
    owned = {'workshop'}
    changed = True
    while changed:
        changed = False
        for table in tables:
            if table.name in owned:
                continue
            if any(fk.column.table.name in owned for fk in table.foreign_keys):
                owned.add(table.name)
                changed = True
    return [t for t in reversed(tables) if t.name in owned]


def _belongs(table: Table, workshop_id: int, owned: set[str], depth: int = 0) -> ColumnElement[bool]:
    """A WHERE clause: the row of ``table`` belongs to the workshop (through any of its foreign keys)."""
    if table.name == 'workshop':
        return table.c.id == workshop_id
    if depth > 8:
        raise RuntimeError(f'foreign keys too deep at {table.name}')
    conditions = []
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent is table:
            continue
        if parent.name == 'workshop':
            conditions.append(fk.parent == workshop_id)
        elif parent.name in owned:
            conditions.append(fk.parent.in_(sa_select(fk.column).where(_belongs(parent, workshop_id, owned,
                                                                                  depth + 1))))
    return or_(*conditions)


async def delete_rows(session: AsyncSession, workshop_id: int) -> int:
    """Delete every row of the workshop in every table; returns how many."""
    if await session.get(Workshop, workshop_id) is None:
        raise NotFound(N_('This workshop does not exist.'))
    tables = _workshop_tables()
    owned = {t.name for t in tables}
    # references between rows of the workshop that are not ownership (current question, merged idea) first
    await session.exec(update(Breakout).where(Breakout.workshop_id == workshop_id).values(current_question_id=None))
    await session.exec(update(Idea).where(col(Idea.breakout_id).in_(
        select(Breakout.id).where(Breakout.workshop_id == workshop_id))).values(merged_into_id=None))
    count = 0
    for table in tables:
        result = await session.exec(delete(table).where(_belongs(table, workshop_id, owned)))
        count += result.rowcount or 0
    session.expunge_all()
    return count


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
