import datetime as dt

import pytest

from workshop.events import PhaseChanged, TimerChanged
from workshop.models import Phase, utcnow
from workshop.services import facilitation, ideas, moderation, votes
from workshop.services.errors import Forbidden, Invalid

from .helpers import member, post


async def test_phases_gate_posting_and_voting(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Idee')
    with pytest.raises(Invalid):  # collecting: no voting yet
        await votes.cast_dot(db, bus, token=token, idea_id=idea_id)

    bus.published.clear()
    assert await facilitation.set_phase(db, bus, secret=secret, phase='vote') == Phase.vote
    assert isinstance(bus.published[0], PhaseChanged) and bus.published[0].phase == 'vote'
    with pytest.raises(Invalid) as e:  # voting: posting is closed
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zu spät', client_id='late')
    assert 'closed' in str(e.value)
    await votes.cast_dot(db, bus, token=token, idea_id=idea_id)

    for phase in (Phase.discuss, Phase.closed):
        await facilitation.set_phase(db, bus, secret=secret, phase=phase)
        with pytest.raises(Invalid):
            await votes.cast_dot(db, bus, token=token, idea_id=idea_id)
        with pytest.raises(Invalid):
            await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='x', client_id=f'x-{phase}')

    # phases are per question: the next question starts collecting
    await moderation.step_question(db, bus, secret=secret, step=1)
    await post(db, bus, token, breakout_id, 'Zweite Frage')
    async with db.session() as s:
        assert await facilitation.phase_of(s, breakout_id, None) == Phase.closed  # no question
    # and going back keeps the first question's phase
    await moderation.step_question(db, bus, secret=secret, step=-1)
    with pytest.raises(Invalid):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='x', client_id='back')


async def test_phase_permissions(db, bus, cluster):
    token, _ = await member(db, bus, cluster)
    with pytest.raises(Forbidden):  # a participant's token is not a moderator secret
        await facilitation.set_phase(db, bus, secret=token, phase='vote')
    with pytest.raises(Forbidden):
        await facilitation.set_phase(db, bus, secret=cluster.lead_secret, phase='vote')
    with pytest.raises(Invalid):
        await facilitation.set_phase(db, bus, secret=cluster.breakouts[0].moderator_secret, phase='dance')


async def test_timer_end_is_decided_by_the_server(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    before = utcnow()
    ends_at = await facilitation.start_timer(db, bus, secret=secret, seconds=600)
    assert dt.timedelta(seconds=599) < ends_at - before < dt.timedelta(seconds=601)
    event = bus.published[-1]
    assert isinstance(event, TimerChanged) and event.ends_at == ends_at and event.seconds == 600
    assert 595 <= facilitation.remaining_seconds(ends_at) <= 600
    await facilitation.stop_timer(db, bus, secret=secret)
    assert bus.published[-1].ends_at is None
    with pytest.raises(Invalid):
        await facilitation.start_timer(db, bus, secret=secret, seconds=3)
    with pytest.raises(Invalid):
        await facilitation.start_timer(db, bus, secret=secret, seconds=10 * 3600)


async def test_lead_starts_a_timer_for_every_room_of_the_round(db, bus, cluster):
    assert await facilitation.start_timer_everywhere(db, bus, lead_secret=cluster.lead_secret, seconds=300) == 3
    timers = [e for e in bus.published if isinstance(e, TimerChanged)]
    assert {e.breakout_id for e in timers} == {b.breakout_id for b in cluster.breakouts[:3]}
    assert len({e.ends_at for e in timers}) == 1  # all rooms end together
    with pytest.raises(Forbidden):
        await facilitation.start_timer_everywhere(db, bus, lead_secret=cluster.breakouts[0].moderator_secret,
                                                  seconds=300)
    async with db.session() as s:
        from workshop.models import Breakout
        stored = await s.get(Breakout, cluster.breakouts[0].breakout_id)
    assert facilitation.remaining_seconds(stored.timer_ends_at) > 290


# --- timers that close collection (#16) ------------------------------------------------------------------

async def _run_out(db, breakout_id: int) -> None:
    """The room's timer ends now (database time), as if its minutes had passed."""
    from sqlalchemy import update

    from workshop.db import server_now
    from workshop.models import Breakout
    async with db.transaction() as s:
        now = await server_now(s)
        await s.exec(update(Breakout).where(Breakout.id == breakout_id).values(
            timer_ends_at=now - dt.timedelta(seconds=1)))


async def _phase(db, breakout_id: int) -> Phase:
    from workshop.models import Breakout
    async with db.session() as s:
        breakout = await s.get(Breakout, breakout_id)
        return await facilitation.phase_of(s, breakout_id, breakout.current_question_id)


async def test_a_timer_that_closes_collection_moves_the_question_to_voting_once(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    await post(db, bus, token, breakout_id, 'Idee')
    await facilitation.start_timer(db, bus, secret=secret, seconds=600, close_collection=True)
    assert bus.published[-1].closes is True
    assert await facilitation.close_due_collections(db, bus) == []  # not yet
    assert await _phase(db, breakout_id) == Phase.collect

    await _run_out(db, breakout_id)
    bus.published.clear()
    done = await facilitation.close_due_collections(db, bus)
    assert [(e.breakout_id, e.phase) for e in done] == [(breakout_id, 'vote')]
    assert [e for e in bus.published if isinstance(e, PhaseChanged)] == done  # phones see it as any phase change
    assert isinstance(bus.published[-1], TimerChanged) and not bus.published[-1].closes  # the timer is done closing
    assert await _phase(db, breakout_id) == Phase.vote
    with pytest.raises(Invalid):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zu spät', client_id='late')
    # once: the moderator may go back to collecting, the ended timer does not close it again
    await facilitation.set_phase(db, bus, secret=secret, phase='collect')
    assert await facilitation.close_due_collections(db, bus) == []


async def test_without_the_tick_or_once_stopped_a_timer_closes_nothing(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    breakout_id = cluster.breakouts[0].breakout_id
    await facilitation.start_timer(db, bus, secret=secret, seconds=600)
    assert bus.published[-1].closes is False
    await _run_out(db, breakout_id)
    assert await facilitation.close_due_collections(db, bus) == []
    await facilitation.start_timer(db, bus, secret=secret, seconds=600, close_collection=True)
    await facilitation.stop_timer(db, bus, secret=secret)
    await _run_out(db, breakout_id)
    assert await facilitation.close_due_collections(db, bus) == []
    # a new timer without the tick replaces one with it
    await facilitation.start_timer(db, bus, secret=secret, seconds=600, close_collection=True)
    await facilitation.start_timer(db, bus, secret=secret, seconds=600)
    await _run_out(db, breakout_id)
    assert await facilitation.close_due_collections(db, bus) == []


async def test_the_leads_timer_closes_collection_in_every_room_still_collecting(db, bus, cluster):
    rooms = [b.breakout_id for b in cluster.breakouts[:3]]
    await facilitation.set_phase(db, bus, secret=cluster.breakouts[1].moderator_secret, phase='discuss')
    await facilitation.start_timer_everywhere(db, bus, lead_secret=cluster.lead_secret, seconds=600,
                                              close_collection=True)
    for breakout_id in rooms:
        await _run_out(db, breakout_id)
    done = await facilitation.close_due_collections(db, bus)
    assert sorted(e.breakout_id for e in done) == [rooms[0], rooms[2]]  # the room discussing stays
    assert [await _phase(db, b) for b in rooms] == [Phase.vote, Phase.discuss, Phase.vote]
    # a question left collecting (the moderator went on to the next one) closes, too
    secret = cluster.breakouts[0].moderator_secret
    await facilitation.set_phase(db, bus, secret=secret, phase='collect')
    await moderation.step_question(db, bus, secret=secret, step=1)
    await facilitation.start_timer(db, bus, secret=secret, seconds=600, close_collection=True)
    await _run_out(db, rooms[0])
    done = await facilitation.close_due_collections(db, bus)
    assert len(done) == 2 and {e.phase for e in done} == {'vote'} and len({e.question_id for e in done}) == 2


async def test_the_server_closes_collection_when_the_time_is_up_and_after_a_restart(db, bus, cluster, monkeypatch):
    from workshop.timer_closer import TimerCloser

    from ..waiting import until
    monkeypatch.setattr(facilitation, 'TIMER_MIN_SECONDS', 1)
    secret = cluster.breakouts[0].moderator_secret
    closer = TimerCloser(db, bus, poll=600)  # no polls: the wake-up at the timer's end does it
    bus.hub.observe(closer.observe)
    await closer.start()
    try:
        await facilitation.start_timer(db, bus, secret=secret, seconds=1, close_collection=True)

        def voting() -> bool:
            return any(isinstance(e, PhaseChanged) and e.phase == 'vote' for e in bus.published)
        await until(voting, timeout=5, what='collection closed at the end of the timer')
    finally:
        await closer.stop()

    # overdue while no instance ran: the sweep at start-up does it
    second = cluster.breakouts[1]
    await facilitation.start_timer(db, bus, secret=second.moderator_secret, seconds=600, close_collection=True)
    await _run_out(db, second.breakout_id)
    bus.published.clear()
    restarted = TimerCloser(db, bus, poll=600)
    await restarted.start()
    try:
        await until(lambda: [e.breakout_id for e in bus.published if isinstance(e, PhaseChanged)]
                    == [second.breakout_id], timeout=5, what='the overdue room closed at start-up')
    finally:
        await restarted.stop()


async def test_questions_open_next_to_the_current_one_close_with_it(db, bus, cluster):
    from sqlmodel import col, select

    from workshop.events import OpenQuestionsChanged
    from workshop.models import Breakout, Question
    secret, breakout_id = cluster.breakouts[0].moderator_secret, cluster.breakouts[0].breakout_id
    async with db.session() as s:
        breakout = await s.get(Breakout, breakout_id)
        first = breakout.current_question_id
        second = (await s.exec(select(Question.id).where(Question.topic_id == breakout.topic_id, Question.id != first)
                               .order_by(col(Question.position)))).first()
    assert await facilitation.open_alongside(db, bus, secret=secret, question_id=second) == (second,)
    await facilitation.start_timer(db, bus, secret=secret, seconds=600, close_collection=True)
    await _run_out(db, breakout_id)
    bus.published.clear()
    done = await facilitation.close_due_collections(db, bus)
    assert sorted(e.question_id for e in done) == sorted([first, second])
    assert [e for e in bus.published if isinstance(e, OpenQuestionsChanged)][-1].question_ids == ()  # tabs go
