"""Delivery of a room's state to its pages: one subscription per workshop, one read per room where the state must
be read afresh, and the phones' dots for another question from that read."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.rooms import delivery
from workshop.runtime import runtime
from workshop.services import facilitation, moderation
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..pages.test_facilitation_flow import WAIT, _board, _vote
from ..pages.test_live_loop import _join, _post
from ..waiting import until


async def test_a_room_is_read_once_for_all_its_pages_and_a_question_change_once_more(
        user: User, create_user: Callable[[], User], monkeypatch):
    rt = runtime()
    reads: list[list[int]] = []
    load_rooms = delivery.load_rooms

    async def counted(session, breakout_ids, **kwargs):
        reads.append(list(breakout_ids))
        return await load_rooms(session, breakout_ids, **kwargs)
    monkeypatch.setattr(delivery, 'load_rooms', counted)

    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, phones = user, [create_user() for _ in range(3)]
    await moderator.open(f'/m/{w11.moderator_secret}')
    subscriptions = rt.bus.hub.subscriber_count(links.workshop_id)
    for phone in phones:
        await _join(phone, links.join_code, 'W 1.1')
    assert reads == [[w11.breakout_id]]  # the moderator's page read the room; the phones take it from there
    assert rt.bus.hub.subscriber_count(links.workshop_id) == subscriptions  # phones add no subscriptions

    await _post(phones[0], 'Eine Idee zur ersten Frage')
    await facilitation.set_phase(rt.db, rt.bus, secret=w11.moderator_secret, phase='vote')
    await _vote(phones[0], 'Eine Idee zur ersten Frage', 1)
    await phones[0].should_see('Sie haben noch 2 von 3 Punkten.', retries=WAIT)

    reads.clear()
    first = _board(moderator).question_id
    await moderation.step_question(rt.db, rt.bus, secret=w11.moderator_secret, step=1)
    await until(lambda: all(_board(p).question_id not in (None, first) for p in phones), what='the next question')
    await moderation.step_question(rt.db, rt.bus, secret=w11.moderator_secret, step=-1)
    await until(lambda: all(_board(p).question_id == first for p in phones), what='back again')
    assert reads == [[w11.breakout_id]] * 2  # once per change for the room (with all its dots), not per phone
    await phones[0].should_see('Sie haben noch 2 von 3 Punkten.', retries=WAIT)  # its dot, from the room's read
    await phones[1].should_see('Sie haben noch 3 von 3 Punkten.', retries=WAIT)
    assert list(_board(phones[0]).my_dots.values()) == [1] and _board(phones[1]).my_dots == {}


async def test_events_during_a_rooms_reading_follow_after_it(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    anna, ben = user, create_user()
    await _join(anna, links.join_code, 'W 1.1')
    await _join(ben, links.join_code, 'W 1.1')
    # the question changes and, right after, an idea for the new question arrives while the room is being read
    await moderation.step_question(rt.db, rt.bus, secret=w11.moderator_secret, step=1)
    await _post(anna, 'Gleich nach dem Wechsel')
    await until(lambda: [i['text'] for i in _board(ben).items.values()] == ['Gleich nach dem Wechsel'],
                what=lambda: f'the idea once on the other phone: {list(_board(ben).items.values())}')
    assert _board(ben).state.idea_total == 1


async def test_a_rooms_state_goes_with_its_last_page(user: User):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    await user.open(f'/m/{w11.moderator_secret}')
    assert w11.breakout_id in rt.rooms.rooms
    before = rt.bus.hub.subscriber_count(links.workshop_id)
    _board(user).client.delete()
    assert w11.breakout_id not in rt.rooms.rooms
    assert rt.bus.hub.subscriber_count(links.workshop_id) == before - 1  # the workshop's subscription is closed
