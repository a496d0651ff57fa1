"""A room's live state: what every screen of a breakout shows, as plain data kept current by events.

One ``RoomState`` per room and app process (``pages.rooms.RoomStates`` holds them): the current
guiding question and its phase, the dot budget, the timer, the counters, the current question's
ideas with their dots, the key results. ``load_rooms`` builds the states of any number of rooms
from a fixed handful of queries; ``RoomState.apply`` keeps one current from the events, which
carry complete data (a question change carries the new question's phase and budget). Pages
render a state and never query on events. Nothing here touches the UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import tuple_
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..events import (
    ClustersChanged,
    CommentChanged,
    Event,
    GalleryDotsChanged,
    GallerySwitched,
    IdeaChanged,
    IdeaPosted,
    KeyResultsChanged,
    MembersChanged,
    OpenQuestionsChanged,
    PhaseChanged,
    PresenceChanged,
    QuestionChanged,
    TalliesChanged,
    TimerChanged,
    WallPinned,
)
from ..models import (
    Attendance,
    Breakout,
    BreakoutPublic,
    BreakoutQuestion,
    Cluster,
    Idea,
    IdeaPublic,
    Phase,
    Question,
    QuestionPublic,
    Round,
    Topic,
    Vote,
    Workshop,
)
from ..services import facilitation, gallery, ideas as idea_service, votes, workshops

# workshop changes after which a room's state is read afresh (budgets, hidden tallies, questions)
RELOADING = frozenset({'voting', 'structure', 'questions'})


@dataclass(eq=False)
class RoomState:
    workshop: Workshop  # the workshop's row as last loaded (settings, notice), shared by its rooms' states
    breakout: BreakoutPublic
    moderator_secret: str
    questions: dict[int, QuestionPublic]  # the topic's guiding questions, in order
    budgets: dict[int, int]  # each question's dots per participant
    question_id: int | None
    phase: Phase
    ends_at: dt.datetime | None
    members: int  # participants who chose this room
    online: int  # participant pages connected now (all instances)
    dots_cast: int  # in the whole room
    idea_total: int  # the room's ideas over all questions (not merged ones)
    ideas: dict[int, IdeaPublic]  # the current question's ideas, hidden ones included, with their dots
    key_results: tuple[str, ...]  # the room's overall key results
    question_results: dict[int, tuple[str, ...]]  # key results per question
    # the current question's clusters in order: (id, title, colour, position) each
    clusters: tuple[tuple[int, str, str, int], ...] = ()
    # the current question's dots per participant, when loaded for a question change: each phone of the
    # room takes its own from here instead of asking the database
    dots_by_participant: dict[int, dict[int, int]] | None = None
    # the cluster the moderator keeps on the wall: live only, not stored (a fresh read starts without)
    wall_pin: int | None = None
    # questions the moderator opened next to the current one that collect (facilitation.open_alongside), in order,
    # with their ideas (hidden ones included, newest first): phones show them with the current one as tabs
    alongside: tuple[int, ...] = ()
    alongside_ideas: dict[int, dict[int, IdeaPublic]] = field(default_factory=dict)
    topic_secret: str = ''  # the topic's moderator link, which follows the rounds (the lead's cockpit lists it)
    # a later round's gallery walk (services/gallery.py): switched on, the room's gallery dots per earlier idea,
    # each participant's (participant id -> idea id -> dots), the comments written in the room by id
    gallery_walk: bool = False
    gallery_dots: dict[int, int] = field(default_factory=dict)
    gallery_mine: dict[int, dict[int, int]] = field(default_factory=dict)
    comments: dict[int, gallery.GalleryComment] = field(default_factory=dict)
    timer_closes: bool = False  # the running timer closes collection when it runs out
    version: int = 0  # counts the changes applied

    @property
    def breakout_id(self) -> int:
        return self.breakout.id

    @property
    def workshop_id(self) -> int:
        return self.breakout.workshop_id

    @property
    def tabs(self) -> list[int]:
        """The questions a phone shows as tabs: the current one and those open next to it, in order (none while
        only the current one is open)."""
        if self.question_id is None or not any(q != self.question_id for q in self.alongside):
            return []
        return [q for q in self.questions if q == self.question_id or q in self.alongside]

    @property
    def current(self) -> QuestionPublic | None:
        return self.questions.get(self.question_id) if self.question_id is not None else None

    @property
    def dots_budget(self) -> int:
        return self.budgets.get(self.question_id, self.workshop.dots_per_question) if self.question_id else 0

    @property
    def hide_tallies(self) -> bool:
        return self.workshop.hide_tallies

    def shown_ideas(self, *, include_hidden: bool) -> list[IdeaPublic]:
        """The current question's ideas, newest first."""
        return [i for i in self.ideas.values() if include_hidden or not i.hidden]

    def dots_of(self, participant_id: int) -> dict[int, int] | None:
        """A participant's dots on the current question, if they were loaded with it."""
        if self.dots_by_participant is None:
            return None
        return dict(self.dots_by_participant.get(participant_id, {}))

    def apply(self, event: Event) -> bool:
        """Take in one of this room's events; whether it changed anything the screens show."""
        changed = self._apply(event)
        if changed:
            self.version += 1
        return changed

    def _apply(self, event: Event) -> bool:
        on_current = getattr(event, 'question_id', None) == self.question_id
        side = self.alongside_ideas.get(getattr(event, 'question_id', None)) if not on_current else None
        if isinstance(event, IdeaPosted):
            if event.idea_id in self.ideas or (side is not None and event.idea_id in side):
                return False  # loaded with its question already
            self.idea_total += 1
            if side is not None:  # a question open next to the current one
                self.alongside_ideas[event.question_id] = {event.idea_id: IdeaPublic(
                    id=event.idea_id, breakout_id=event.breakout_id, question_id=event.question_id,
                    participant_id=event.participant_id, text=event.text, created_at=event.created_at,
                    group=event.group), **side}
            if on_current:  # the newest first
                self.ideas = {event.idea_id: IdeaPublic(
                    id=event.idea_id, breakout_id=event.breakout_id, question_id=event.question_id,
                    participant_id=event.participant_id, text=event.text, created_at=event.created_at,
                    group=event.group), **self.ideas}
            return True
        if isinstance(event, IdeaChanged):
            if side is not None and event.idea_id in side:  # of a question open next to the current one
                if event.merged_into_id is not None:
                    self.idea_total -= 1
                    side.pop(event.idea_id)
                else:
                    idea = side[event.idea_id]
                    side[event.idea_id] = idea.model_copy(update={
                        'text': event.text, 'hidden': event.hidden, 'group': event.group, 'marked': event.marked,
                        'edited': idea.edited or idea.text != event.text, 'merges': event.merges})
                return True
            if event.merged_into_id is not None:
                self.idea_total -= 1
                self.ideas.pop(event.idea_id, None)
                return True
            idea = self.ideas.get(event.idea_id)
            if idea is not None:
                self.ideas[event.idea_id] = idea.model_copy(update={
                    'text': event.text, 'hidden': event.hidden, 'group': event.group, 'marked': event.marked,
                    'edited': idea.edited or idea.text != event.text, 'merges': event.merges})
            return on_current
        if isinstance(event, TalliesChanged):
            self.dots_cast = event.dots_cast
            if on_current:
                for idea_id, dots in event.tallies:
                    if idea_id in self.ideas:
                        self.ideas[idea_id].dots = dots
            return True
        if isinstance(event, ClustersChanged):
            if not on_current:
                return False
            self.clusters = tuple(event.clusters)
            if self.wall_pin is not None and all(c[0] != self.wall_pin for c in self.clusters):
                self.wall_pin = None  # dissolved
            return True
        if isinstance(event, WallPinned):
            if not on_current:
                return False
            self.wall_pin = event.cluster_id
            return True
        if isinstance(event, OpenQuestionsChanged):  # the ideas of newly opened ones are loaded by the holder
            self.alongside = tuple(event.question_ids)
            self.alongside_ideas = {q: i for q, i in self.alongside_ideas.items() if q in self.alongside}
            return True
        if isinstance(event, PhaseChanged):
            if event.question_id in self.alongside and event.phase != Phase.collect.value:
                self.alongside = tuple(q for q in self.alongside if q != event.question_id)  # no longer collects
                self.alongside_ideas.pop(event.question_id, None)
                if not on_current:
                    return True
            if not on_current:
                return False
            self.phase = Phase(event.phase)
            return True
        if isinstance(event, QuestionChanged):  # the ideas of the new question are loaded by the holder
            self.question_id = event.question_id
            self.phase = Phase(event.phase)
            if event.question_id is not None:
                self.budgets[event.question_id] = event.dots_budget
            self.ideas = {}
            self.clusters = ()
            self.wall_pin = None
            self.dots_by_participant = None
            return True
        if isinstance(event, TimerChanged):
            self.ends_at = event.ends_at
            self.timer_closes = event.closes
            return True
        if isinstance(event, PresenceChanged):
            self.online = event.online
            return True
        if isinstance(event, MembersChanged):
            self.members = event.members
            return True
        if isinstance(event, GallerySwitched):
            self.gallery_walk = event.on
            return True
        if isinstance(event, GalleryDotsChanged):
            self.gallery_dots[event.idea_id] = event.total
            self.gallery_mine.setdefault(event.participant_id, {})[event.idea_id] = event.mine
            return True
        if isinstance(event, CommentChanged):
            self.comments[event.comment_id] = gallery.GalleryComment(
                id=event.comment_id, idea_id=event.idea_id, breakout_id=event.breakout_id,
                participant_id=event.participant_id, text=event.text, created_at=event.created_at,
                hidden=event.hidden)
            return True
        if isinstance(event, KeyResultsChanged):
            if event.question_id is None:
                self.key_results = tuple(event.key_results)
            else:
                self.question_results[event.question_id] = tuple(event.key_results)
            return True
        return False

    def take_question(self, ideas: list[IdeaPublic], dots_by_participant: dict[int, dict[int, int]] | None) -> None:
        """The current question's ideas (and the participants' dots on them), loaded after a question change."""
        self.ideas = {i.id: i for i in ideas}
        self.dots_by_participant = dots_by_participant
        self.version += 1


async def alongside_ideas(session: AsyncSession, side: list[tuple[int, int]], current: list[tuple[int, int]]
                          ) -> dict[int, dict[int, dict[int, IdeaPublic]]]:
    """Per room, the ideas of each question open next to its current one (one query, none without such)."""
    found: dict[int, dict[int, dict[int, IdeaPublic]]] = {}
    for breakout_id, question_id in side:
        if (breakout_id, question_id) not in current:
            found.setdefault(breakout_id, {})[question_id] = {}
    pairs = [(b, q) for b, questions in found.items() for q in questions]
    if pairs:
        into = aliased(Idea)
        merges = select(func.count(into.id)).where(into.merged_into_id == Idea.id).scalar_subquery()
        for idea, m in (await session.exec(
                select(Idea, merges).where(tuple_(Idea.breakout_id, Idea.question_id).in_(pairs),
                                           col(Idea.merged_into_id).is_(None))
                .order_by(col(Idea.created_at).desc(), col(Idea.id).desc()))).all():
            found[idea.breakout_id][idea.question_id][idea.id] = \
                idea_service.to_public(idea).model_copy(update={'merges': int(m)})
    return found


async def load_rooms(session: AsyncSession, breakout_ids: Iterable[int], *, online: dict[int, int] | None = None,
                     with_dots: bool = False) -> dict[int, RoomState]:
    """The live states of these rooms (those that exist), from the same few queries for any number of rooms;
    ``with_dots``: with every participant's dots on each room's current question."""
    ids = sorted(set(breakout_ids))
    if not ids:
        return {}
    rows = (await session.exec(
        select(Breakout, Round, Topic, BreakoutQuestion.phase).join(Round, Round.id == Breakout.round_id)
        .join(Topic, Topic.id == Breakout.topic_id)
        .outerjoin(BreakoutQuestion, (BreakoutQuestion.breakout_id == Breakout.id)
                   & (BreakoutQuestion.question_id == Breakout.current_question_id))
        .where(col(Breakout.id).in_(ids)))).all()
    if not rows:
        return {}
    ids = [b.id for b, *_ in rows]
    workshop = await session.get(Workshop, rows[0][0].workshop_id)
    question_rows = (await session.exec(select(Question).where(
        col(Question.topic_id).in_({b.topic_id for b, *_ in rows})).order_by(col(Question.position)))).all()
    current = [(b.id, b.current_question_id) for b, *_ in rows if b.current_question_id is not None]
    ideas: dict[int, list[IdeaPublic]] = {i: [] for i in ids}
    mine: dict[int, dict[int, dict[int, int]]] = {i: {} for i in ids}
    clusters: dict[int, list[tuple[int, str, str, int]]] = {i: [] for i in ids}
    if current:
        dots = select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.idea_id == Idea.id).scalar_subquery()
        into = aliased(Idea)
        merges = select(func.count(into.id)).where(into.merged_into_id == Idea.id).scalar_subquery()
        for idea, n, m in (await session.exec(
                select(Idea, dots, merges).where(tuple_(Idea.breakout_id, Idea.question_id).in_(current),
                                                 col(Idea.merged_into_id).is_(None))
                .order_by(col(Idea.created_at).desc(), col(Idea.id).desc()))).all():
            ideas[idea.breakout_id].append(idea_service.to_public(idea, int(n)).model_copy(update={'merges': int(m)}))
        for c in (await session.exec(select(Cluster).where(tuple_(Cluster.breakout_id, Cluster.question_id)
                                                           .in_(current)).order_by(col(Cluster.position),
                                                                                   col(Cluster.id)))).all():
            clusters[c.breakout_id].append((c.id, c.title, c.colour, c.position))
        if with_dots:
            for breakout_id, participant_id, idea_id, n in (await session.exec(
                    select(Idea.breakout_id, Vote.participant_id, Vote.idea_id, Vote.dots)
                    .join(Idea, Idea.id == Vote.idea_id)
                    .where(tuple_(Idea.breakout_id, Idea.question_id).in_(current)))).all():
                mine[breakout_id].setdefault(participant_id, {})[idea_id] = n
    members = dict((await session.exec(select(Attendance.breakout_id, func.count()).where(
        col(Attendance.breakout_id).in_(ids)).group_by(Attendance.breakout_id))).all())
    totals = dict((await session.exec(select(Idea.breakout_id, func.count()).where(
        col(Idea.breakout_id).in_(ids), col(Idea.merged_into_id).is_(None)).group_by(Idea.breakout_id))).all())
    cast = dict((await session.exec(select(Idea.breakout_id, func.sum(Vote.dots)).join(Vote, Vote.idea_id == Idea.id)
                                    .where(col(Idea.breakout_id).in_(ids)).group_by(Idea.breakout_id))).all())
    key_results_of: dict[int, dict[int, tuple[str, ...]]] = {i: {} for i in ids}
    side: list[tuple[int, int]] = []  # (room, question) open next to the room's current question
    for breakout_id, question_id, key_results, alongside, phase in (await session.exec(
            select(BreakoutQuestion.breakout_id, BreakoutQuestion.question_id, BreakoutQuestion.key_results,
                   BreakoutQuestion.alongside, BreakoutQuestion.phase)
            .where(col(BreakoutQuestion.breakout_id).in_(ids)))).all():
        if key_results:
            key_results_of[breakout_id][question_id] = tuple(key_results)
        if alongside and Phase(phase) == Phase.collect:
            side.append((breakout_id, question_id))
    side_ideas = await alongside_ideas(session, side, current)
    opened = set(side)
    # the gallery walks of rooms of later rounds (one query, whatever the rooms)
    walks = await gallery.of_rooms(session, [b.id for b, round_, *_ in rows if round_.number > 1])
    states = {}
    for breakout, round_, topic, stored in rows:
        questions = {q.id: workshops.question_public(q) for q in question_rows if q.topic_id == breakout.topic_id}
        states[breakout.id] = RoomState(
            workshop=workshop, breakout=workshops.breakout_public(breakout, round_, topic),
            moderator_secret=breakout.moderator_secret, topic_secret=topic.moderator_secret, questions=questions,
            budgets={q.id: votes.budget_for(workshop, q) for q in question_rows if q.topic_id == breakout.topic_id},
            question_id=breakout.current_question_id,
            phase=facilitation.stored_phase(breakout.current_question_id, stored), ends_at=breakout.timer_ends_at,
            timer_closes=breakout.timer_closes,
            members=int(members.get(breakout.id, 0)), online=(online or {}).get(breakout.id, 0),
            dots_cast=int(cast.get(breakout.id) or 0), idea_total=int(totals.get(breakout.id, 0)),
            ideas={i.id: i for i in ideas[breakout.id]}, key_results=tuple(breakout.key_results),
            question_results=key_results_of[breakout.id], clusters=tuple(clusters[breakout.id]),
            dots_by_participant=mine[breakout.id] if with_dots else None, gallery_walk=breakout.gallery_walk)
        states[breakout.id].alongside = tuple(q for q in questions if (breakout.id, q) in opened)
        states[breakout.id].alongside_ideas = side_ideas.get(breakout.id, {})
        if breakout.id in walks:
            walk = walks[breakout.id]
            state = states[breakout.id]
            state.gallery_dots, state.gallery_mine, state.comments = walk.totals, walk.mine, walk.comments
    return states
