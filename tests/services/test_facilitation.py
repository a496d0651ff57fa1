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
