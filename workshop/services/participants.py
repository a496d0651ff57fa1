"""Joining a workshop and choosing a breakout."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import MembersChanged
from ..limits import NAME_MAX, ORGANISATION_MAX
from ..models import Attendance, Breakout, Participant, ParticipantPublic, Workshop, WorkshopStatus
from .access import acting_participant
from .codes import new_secret, normalise_join_code
from .errors import N_, Forbidden, Invalid, NotFound
from .text import clean_optional
from .throttle import JoinThrottle, find_code
from .workshops import unknown_code


async def join(db: Database, *, code: str, name: str | None = None, organisation: str | None = None,
               stakeholder_group: str | None = None, address: str | None = None,
               throttle: JoinThrottle | None = None) -> tuple[ParticipantPublic, str]:
    """Register an (anonymous by default) participant; returns it and its secret token.

    With a ``throttle``, wrong codes and new participants are counted per client ``address``.
    """
    async with db.transaction() as session:
        workshop = await find_code(session, code, address=address, throttle=throttle)
        participant = await _new_participant(session, workshop, name=name, organisation=organisation,
                                             stakeholder_group=stakeholder_group, address=address, throttle=throttle)
        return _public(participant), participant.token


async def _new_participant(session: AsyncSession, workshop: Workshop, *, name: str | None, organisation: str | None,
                           stakeholder_group: str | None, address: str | None,
                           throttle: JoinThrottle | None) -> Participant:
    if workshop.status == WorkshopStatus.ended:
        raise Forbidden(N_('This workshop has ended; joining is no longer possible.'))
    if workshop.joining_locked:
        raise Forbidden(N_('Joining is closed for this workshop. Please speak to the moderation.'))
    name = clean_optional(name, max_length=NAME_MAX, field=N_('Name'))
    organisation = clean_optional(organisation, max_length=ORGANISATION_MAX, field=N_('Organisation'))
    group = clean_optional(stakeholder_group, max_length=300, field=N_('Stakeholder group'))
    if group is not None and workshop.stakeholder_groups and group not in workshop.stakeholder_groups:
        raise Invalid(N_('Please choose a stakeholder group from the list.'))
    if throttle is not None:
        await throttle.new_participant(address)
    participant = Participant(workshop_id=workshop.id, token=new_secret(), name=name,
                              organisation=organisation, stakeholder_group=group)
    session.add(participant)
    await session.flush()
    return participant


async def enter_breakout(db: Database, bus: Bus, *, code: str, tokens: Mapping[str, str], breakout_id: int,
                         name: str | None = None, organisation: str | None = None,
                         stakeholder_group: str | None = None, address: str | None = None,
                         throttle: JoinThrottle | None = None) -> tuple[str, int, str]:
    """What the join page's form does, in one transaction: join (unless one of the browser's ``tokens``
    — workshop id → token — is this workshop's participant already) and choose the breakout.
    Returns the participant's token, the workshop id and its (canonical) join code."""
    async with db.transaction() as session:
        workshop = await find_code(session, code, address=address, throttle=throttle, tokens=tokens)
        participant = await participant_by_token(session, tokens.get(str(workshop.id)), workshop.id)
        new = participant is None
        if new:
            participant = await _new_participant(session, workshop, name=name, organisation=organisation,
                                                 stakeholder_group=stakeholder_group, address=address,
                                                 throttle=None)
        elif participant.removed:
            raise Forbidden(N_('The moderation has removed you from this workshop.'))
        members = await _choose(session, participant, workshop, breakout_id, new=new)
        if new and throttle is not None:  # counted once the join is sure: a refused room earns no allowance
            await throttle.new_participant(address)
    await _announce_members(bus, workshop.id, members)
    return participant.token, workshop.id, workshop.join_code


async def participant_by_token(session: AsyncSession, token: str | None, workshop_id: int) -> Participant | None:
    if not token:
        return None
    participant = (await session.exec(select(Participant).where(Participant.token == token))).first()
    if participant is None or participant.workshop_id != workshop_id:
        return None
    return participant


async def choose_breakout(db: Database, bus: Bus, *, token: str, workshop_id: int, breakout_id: int) -> int:
    """Put the participant into a breakout of the workshop's current round; returns the breakout id."""
    async with db.transaction() as session:
        participant = await acting_participant(session, token, workshop_id=workshop_id)
        workshop = await session.get(Workshop, workshop_id)
        members = await _choose(session, participant, workshop, breakout_id)
    await _announce_members(bus, workshop_id, members)
    return breakout_id


async def _choose(session: AsyncSession, participant: Participant, workshop: Workshop,
                  breakout_id: int, *, new: bool = False) -> dict[int, int]:
    """Attend the breakout in the current round; the member counts of the breakouts that changed.
    (A ``new`` participant, made in this transaction, has attended nothing yet.)"""
    breakout = await session.get(Breakout, breakout_id)
    if breakout is None or breakout.workshop_id != workshop.id:
        raise NotFound(N_('This breakout does not exist.'))
    if breakout.round_id != workshop.current_round_id:
        raise Invalid(N_('This room is not part of the current round.'))
    if not new and workshop.require_new_topic and \
            breakout.topic_id in await _earlier_topics(session, participant.id, breakout.round_id):
        raise Invalid(N_('You already worked on this topic in an earlier round. Please choose another one.'))
    attendance = None if new else (await session.exec(select(Attendance).where(
        Attendance.participant_id == participant.id, Attendance.round_id == breakout.round_id))).first()
    previous = attendance.breakout_id if attendance else None
    if attendance is None:
        session.add(Attendance(participant_id=participant.id, round_id=breakout.round_id, breakout_id=breakout.id))
    else:
        attendance.breakout_id = breakout.id
    await session.flush()
    changed = [b for b in (previous, breakout.id) if b is not None] if previous != breakout.id else []
    return {b: await _members(session, b) for b in changed}


async def _announce_members(bus: Bus, workshop_id: int, members: dict[int, int]) -> None:
    for b, n in members.items():
        await bus.publish(MembersChanged(workshop_id=workshop_id, breakout_id=b, members=n))


async def _earlier_topics(session: AsyncSession, participant_id: int, round_id: int) -> set[int]:
    rows = await session.exec(select(Breakout.topic_id).join(Attendance, Attendance.breakout_id == Breakout.id)
                              .where(Attendance.participant_id == participant_id, Attendance.round_id != round_id))
    return set(rows.all())


async def topics_attended(session: AsyncSession, *, participant_id: int) -> dict[int, int]:
    """Topic id -> round id for every breakout the participant chose."""
    rows = await session.exec(select(Breakout.topic_id, Attendance.round_id)
                              .join(Attendance, Attendance.breakout_id == Breakout.id)
                              .where(Attendance.participant_id == participant_id))
    return dict(rows.all())


async def _members(session: AsyncSession, breakout_id: int) -> int:
    return (await session.exec(select(func.count()).select_from(Attendance)
                               .where(Attendance.breakout_id == breakout_id))).one()


async def seat(session: AsyncSession, *, token: str | None,
               workshop: Workshop) -> tuple[Participant | None, int | None]:
    """The participant behind this token in this workshop, and its breakout of the current round (one query)."""
    if not token:
        return None, None
    row = (await session.exec(
        select(Participant, Attendance.breakout_id)
        .outerjoin(Attendance, (Attendance.participant_id == Participant.id)
                   & (Attendance.round_id == (workshop.current_round_id or -1)))
        .where(Participant.token == token))).first()
    if row is None or row[0].workshop_id != workshop.id:
        return None, None
    return row[0], row[1]


async def seat_by_code(session: AsyncSession, *, code: str,
                       tokens: Mapping[str, str]) -> tuple[Workshop, Participant | None, int | None]:
    """The workshop of this join code, the browser's participant in it (``tokens``: workshop id → token)
    and its breakout of the current round — in one query (a phone's room page)."""
    known = [t for t in tokens.values() if t] or ['']
    rows = (await session.exec(
        select(Workshop, Participant, Attendance.breakout_id)
        .outerjoin(Participant, (Participant.workshop_id == Workshop.id) & col(Participant.token).in_(known))
        .outerjoin(Attendance, (Attendance.participant_id == Participant.id)
                   & (Attendance.round_id == Workshop.current_round_id))
        .where(Workshop.join_code == normalise_join_code(code)))).all()
    if not rows:
        raise unknown_code(code)
    workshop = rows[0][0]
    mine = tokens.get(str(workshop.id))  # only the token this browser keeps for this workshop counts
    return next(((workshop, participant, breakout_id) for _w, participant, breakout_id in rows
                 if participant is not None and participant.token == mine), (workshop, None, None))


def _public(p: Participant) -> ParticipantPublic:
    return ParticipantPublic(id=p.id, workshop_id=p.workshop_id, name=p.name, organisation=p.organisation,
                             stakeholder_group=p.stakeholder_group)
