"""The gallery walk ("Galerie-Rundgang", #16): a later round builds on the earlier ones.

The moderator of a room of round 2 (or later) switches it on for the room (``Breakout.gallery_walk``). Then
the room's participants may give dots to the ideas the earlier rounds of the same topic produced, and write
short comments on them. Gallery dots (``GalleryDot``) are kept apart from the votes of the idea's own round,
so its tallies and rankings stay as they were; each participant has the question's dot budget per earlier
question in the room, and at most the workshop's dots per idea. Comments are text only (like ideas), counted
by the posting limits (``post_limits``), and the room's moderator may hide one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, literal, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import CommentChanged, GalleryDotsChanged, GallerySwitched
from ..limits import COMMENT_MAX
from ..models import Attendance, Breakout, Comment, GalleryDot, Idea, Participant, Question, Round, Workshop
from .access import acting_participant, moderated_breakout
from .errors import N_, NP_, Forbidden, Invalid, NotFound
from .post_limits import PostLimits
from .text import clean_text
from .votes import budget_for


@dataclass(frozen=True)
class GalleryStatus:
    idea_id: int
    mine: int  # the participant's gallery dots on this idea
    left: int  # gallery dots the participant has left for the idea's question in this room
    budget: int
    total: int  # the room's gallery dots on this idea


@dataclass(frozen=True)
class GalleryComment:
    """A comment as pages show it (and the room's live state keeps it)."""
    id: int
    idea_id: int
    breakout_id: int  # the room of the gallery walk
    participant_id: int | None
    text: str
    created_at: dt.datetime
    hidden: bool = False


def comment_public(c: Comment) -> GalleryComment:
    return GalleryComment(id=c.id, idea_id=c.idea_id, breakout_id=c.breakout_id, participant_id=c.participant_id,
                          text=c.text, created_at=c.created_at, hidden=c.hidden)


# --- the moderator ---------------------------------------------------------------------------------------

async def switch(db: Database, bus: Bus, *, secret: str, on: bool) -> bool:
    """The room's moderator switches its gallery walk on or off (only a room of round 2 or later)."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        if on and await _round_number(session, breakout) < 2:
            raise Invalid(N_('A gallery walk needs an earlier round: it is for rooms of round 2 or later.'))
        changed = breakout.gallery_walk != on
        breakout.gallery_walk = on
    if changed:
        await bus.publish(GallerySwitched(workshop_id=breakout.workshop_id, breakout_id=breakout.id, on=on))
    return on


async def hide_comment(db: Database, bus: Bus, *, secret: str, comment_id: int, hidden: bool = True) -> GalleryComment:
    """The room's moderator hides a comment written in the room (or shows it again)."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        comment = await session.get(Comment, comment_id)
        if comment is None or comment.breakout_id != breakout.id:
            raise NotFound(N_('This comment does not exist (any more).'))
        comment.hidden = hidden
        await session.flush()
        public = comment_public(comment)
    await bus.publish(_comment_event(breakout.workshop_id, public))
    return public


# --- the phones ------------------------------------------------------------------------------------------

async def cast_dot(db: Database, bus: Bus, *, token: str, breakout_id: int, idea_id: int) -> GalleryStatus:
    return await _dot(db, bus, token=token, breakout_id=breakout_id, idea_id=idea_id, delta=1)


async def remove_dot(db: Database, bus: Bus, *, token: str, breakout_id: int, idea_id: int) -> GalleryStatus:
    return await _dot(db, bus, token=token, breakout_id=breakout_id, idea_id=idea_id, delta=-1)


async def _dot(db: Database, bus: Bus, *, token: str, breakout_id: int, idea_id: int, delta: int) -> GalleryStatus:
    async with db.transaction() as session:
        workshop, breakout, participant, idea = await _walker(session, token, breakout_id, idea_id)
        budget = budget_for(workshop, await session.get(Question, idea.question_id))
        row = (await session.exec(select(GalleryDot).where(
            GalleryDot.idea_id == idea.id, GalleryDot.participant_id == participant.id,
            GalleryDot.breakout_id == breakout.id))).first()
        mine = row.dots if row else 0
        spent = int((await session.exec(
            select(func.coalesce(func.sum(GalleryDot.dots), 0)).join(Idea, Idea.id == GalleryDot.idea_id).where(
                GalleryDot.participant_id == participant.id, GalleryDot.breakout_id == breakout.id,
                Idea.question_id == idea.question_id))).one())
        if delta > 0:
            if spent >= budget:
                raise Invalid(NP_('You have used your dot of the gallery walk for this question.',
                                  'You have used all your {n} dots of the gallery walk for this question.'), n=budget)
            if mine >= workshop.max_dots_per_idea:
                raise Invalid(NP_('Only one dot per idea.', 'At most {n} dots per idea.'), n=workshop.max_dots_per_idea)
        elif mine == 0:
            raise Invalid(N_('You have no dot on this idea.'))
        mine += delta
        if row is None:
            session.add(GalleryDot(idea_id=idea.id, participant_id=participant.id, breakout_id=breakout.id, dots=mine))
        elif mine == 0:
            await session.delete(row)
        else:
            row.dots = mine
        await session.flush()
        total = int((await session.exec(select(func.coalesce(func.sum(GalleryDot.dots), 0)).where(
            GalleryDot.idea_id == idea.id, GalleryDot.breakout_id == breakout.id))).one())
    await bus.publish(GalleryDotsChanged(workshop_id=workshop.id, breakout_id=breakout.id, idea_id=idea.id,
                                         participant_id=participant.id, mine=mine, total=total))
    return GalleryStatus(idea_id=idea.id, mine=mine, left=budget - (spent + delta), budget=budget, total=total)


async def comment(db: Database, bus: Bus, *, token: str, breakout_id: int, idea_id: int, text: str,
                  limits: PostLimits | None = None) -> GalleryComment:
    """A participant comments on an earlier round's idea in their room's gallery walk (text only, ≤ 500)."""
    text = clean_text(text, max_length=COMMENT_MAX, field=N_('Your comment'))
    async with db.transaction() as session:
        workshop, breakout, participant, idea = await _walker(session, token, breakout_id, idea_id, lock=False)
        if limits is not None:  # counted with the participant's ideas: every comment goes to every screen too
            await limits.count(participant_id=participant.id, breakout_id=breakout.id)
        row = Comment(idea_id=idea.id, participant_id=participant.id, breakout_id=breakout.id, text=text)
        session.add(row)
        await session.flush()
        public = comment_public(row)
    await bus.publish(_comment_event(workshop.id, public))
    return public


async def _walker(session: AsyncSession, token: str, breakout_id: int, idea_id: int,
                  *, lock: bool = True) -> tuple[Workshop, Breakout, Participant, Idea]:
    """Authorise a phone's step of the gallery walk: a participant of this room in the current round, the room's
    gallery walk on, the idea a visible one of an earlier round of the room's topic. ``lock``: the participant's
    row (PostgreSQL), so that two dots at once cannot both take the last one of the budget."""
    breakout = await session.get(Breakout, breakout_id)
    if breakout is None:
        raise NotFound(N_('This breakout does not exist.'))
    workshop = await session.get(Workshop, breakout.workshop_id)
    participant = await acting_participant(session, token, workshop_id=breakout.workshop_id, lock=lock)
    attending = (await session.exec(select(Attendance.id).where(
        Attendance.participant_id == participant.id, Attendance.breakout_id == breakout.id))).first()
    if attending is None or breakout.round_id != workshop.current_round_id:
        raise Forbidden(N_('You can only take part in the gallery walk of the breakout you joined in the current '
                           'round.'))
    if not breakout.gallery_walk:
        raise Invalid(N_('The gallery walk is not open in this room.'))
    idea = await session.get(Idea, idea_id)
    source = await session.get(Breakout, idea.breakout_id) if idea is not None else None
    if idea is None or source is None or idea.hidden or idea.merged_into_id is not None \
            or source.topic_id != breakout.topic_id \
            or await _round_number(session, source) >= await _round_number(session, breakout):
        raise NotFound(N_("This idea is not part of this room's gallery walk."))
    return workshop, breakout, participant, idea


async def _round_number(session: AsyncSession, breakout: Breakout) -> int:
    return (await session.exec(select(Round.number).where(Round.id == breakout.round_id))).one()


def _comment_event(workshop_id: int, c: GalleryComment) -> CommentChanged:
    return CommentChanged(workshop_id=workshop_id, breakout_id=c.breakout_id, comment_id=c.id, idea_id=c.idea_id,
                          participant_id=c.participant_id, text=c.text, created_at=c.created_at, hidden=c.hidden)


# --- reading ---------------------------------------------------------------------------------------------

@dataclass
class RoomGallery:
    """What a room's gallery walk holds: the room's gallery dots per idea, each participant's, the comments."""
    totals: dict[int, int]
    mine: dict[int, dict[int, int]]  # participant id -> idea id -> dots
    comments: dict[int, GalleryComment]  # by id, oldest first


async def of_rooms(session: AsyncSession, breakout_ids: list[int]) -> dict[int, RoomGallery]:
    """The gallery walks of these rooms, from one query whatever their number (the rooms' live state is read
    from a fixed handful: the comments and the dots as the rows of one union)."""
    rooms = {i: RoomGallery({}, {}, {}) for i in breakout_ids}
    comments = select(literal(0).label('kind'), Comment.id, Comment.idea_id, Comment.breakout_id,
                      Comment.participant_id, literal(0).label('dots'), Comment.text, Comment.created_at,
                      Comment.hidden).where(col(Comment.breakout_id).in_(breakout_ids or [-1]))
    dots = select(literal(1).label('kind'), GalleryDot.id, GalleryDot.idea_id, GalleryDot.breakout_id,
                  GalleryDot.participant_id, GalleryDot.dots, literal(''), GalleryDot.created_at,
                  literal(False)).where(col(GalleryDot.breakout_id).in_(breakout_ids or [-1]))
    both = union_all(comments, dots).subquery()
    for kind, ident, idea_id, breakout_id, participant_id, n, text, created_at, hidden in (await session.exec(
            select(*both.c).order_by(both.c.kind, both.c.created_at, both.c.id))).all():
        room = rooms[breakout_id]
        if kind:
            room.totals[idea_id] = room.totals.get(idea_id, 0) + n
            room.mine.setdefault(participant_id, {})[idea_id] = n
        else:
            room.comments[ident] = GalleryComment(id=ident, idea_id=idea_id, breakout_id=breakout_id,
                                                  participant_id=participant_id, text=text, created_at=created_at,
                                                  hidden=bool(hidden))
    return rooms
