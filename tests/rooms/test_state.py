"""A room's live state: read for any number of rooms from the same few queries, kept current by events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from workshop.events import IdeaChanged, IdeaPosted, PhaseChanged, QuestionChanged, TalliesChanged
from workshop.models import Phase
from workshop.rooms.state import load_rooms
from workshop.services import facilitation, moderation, votes

from ..services.helpers import member, post


class Statements:
    def __init__(self, db) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, 'before_cursor_execute', self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


async def test_rooms_are_read_from_the_same_few_queries_whatever_their_number(db, bus, cluster):
    token, first = await member(db, bus, cluster, 0)
    await post(db, bus, token, first, 'Eine Idee')
    statements = Statements(db)
    async with db.session() as session:
        one = await load_rooms(session, [first], with_dots=True)
    for_one, statements.count = statements.count, 0
    async with db.session() as session:
        every = await load_rooms(session, [b.breakout_id for b in cluster.breakouts], with_dots=True)
    assert len(every) == len(cluster.breakouts) > 4
    assert statements.count == for_one <= 12  # not a few per room (the lead page read four per room)
    assert [i.text for i in one[first].ideas.values()] == ['Eine Idee'] == \
        [i.text for i in every[first].ideas.values()]
    assert one[first].members == 1 and one[first].idea_total == 1 and one[first].phase == Phase.collect


async def test_a_room_is_read_with_every_participants_dots_on_its_current_question(db, bus, cluster):
    anna, room = await member(db, bus, cluster, 0)
    ben, _ = await member(db, bus, cluster, 0)
    idea = await post(db, bus, anna, room, 'Punkte bitte')
    other = await post(db, bus, anna, room, 'Noch eine')
    secret = cluster.breakouts[0].moderator_secret
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    await votes.cast_dot(db, bus, token=anna, idea_id=idea)
    await votes.cast_dot(db, bus, token=ben, idea_id=idea)
    await votes.cast_dot(db, bus, token=ben, idea_id=other)
    async with db.session() as session:
        state = (await load_rooms(session, [room], with_dots=True))[room]
        without = (await load_rooms(session, [room]))[room]
    dots = sorted(state.dots_by_participant.values(), key=len)
    assert dots == [{idea: 1}, {idea: 1, other: 1}] and state.dots_cast == 3 and state.ideas[idea].dots == 2
    assert without.dots_of(1) is None  # not read: a phone asks itself
    assert state.phase == Phase.vote and state.dots_budget == state.workshop.dots_per_question


async def test_events_keep_a_state_current(db, bus, cluster):
    token, room = await member(db, bus, cluster, 0)
    first = await post(db, bus, token, room, 'Erste')
    async with db.session() as session:
        state = (await load_rooms(session, [room]))[room]
    w, q = state.workshop_id, state.question_id
    now = dt.datetime.now(dt.UTC)
    posted = IdeaPosted(workshop_id=w, breakout_id=room, question_id=q, idea_id=first + 1, participant_id=None,
                        text='Zweite', created_at=now)
    assert state.apply(posted) and not state.apply(posted)  # once, however often it arrives
    assert [i.text for i in state.ideas.values()] == ['Zweite', 'Erste'] and state.idea_total == 2
    state.apply(TalliesChanged(workshop_id=w, breakout_id=room, question_id=q, tallies=((first, 4),), dots_cast=4))
    assert state.ideas[first].dots == 4 and state.dots_cast == 4
    state.apply(IdeaChanged(workshop_id=w, breakout_id=room, question_id=q, idea_id=first + 1, text='Zweite!',
                            hidden=True, group='Cluster', marked=True))
    assert state.ideas[first + 1].hidden and state.ideas[first + 1].edited and len(state.shown_ideas(
        include_hidden=False)) == 1
    state.apply(IdeaChanged(workshop_id=w, breakout_id=room, question_id=q, idea_id=first + 1, text='Zweite!',
                            hidden=False, group=None, marked=False, merged_into_id=first))
    assert list(state.ideas) == [first] and state.idea_total == 1
    assert not state.apply(PhaseChanged(workshop_id=w, breakout_id=room, question_id=q + 1, phase='vote'))
    assert state.phase == Phase.collect  # another question's phase is not this room's
    version = state.version
    state.apply(QuestionChanged(workshop_id=w, breakout_id=room, question_id=q + 1, phase='discuss', dots_budget=7))
    assert state.version == version + 1 and state.phase == Phase.discuss and state.dots_budget == 7
    assert state.ideas == {} and state.current.id == q + 1  # the new question's ideas are read by the holder


async def test_a_question_change_reads_the_new_questions_ideas(db, bus, cluster):
    token, room = await member(db, bus, cluster, 0)
    secret = cluster.breakouts[0].moderator_secret
    await post(db, bus, token, room, 'Zur ersten Frage')
    await moderation.step_question(db, bus, secret=secret, step=1)
    await post(db, bus, token, room, 'Zur zweiten Frage')
    async with db.session() as session:
        state = (await load_rooms(session, [room]))[room]
    assert [i.text for i in state.ideas.values()] == ['Zur zweiten Frage'] and state.idea_total == 2
