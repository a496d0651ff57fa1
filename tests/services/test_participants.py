import pytest
from sqlmodel import select

from workshop.events import MembersChanged
from workshop.models import Attendance, Participant
from workshop.services import participants
from workshop.services.errors import Forbidden, Invalid, NotFound


async def test_join_is_anonymous_by_default(db, cluster):
    public, token = await participants.join(db, code=cluster.join_code)
    assert public.name is None and public.organisation is None and public.stakeholder_group is None
    assert len(token) >= 22
    async with db.session() as s:
        stored = (await s.exec(select(Participant))).one()
    assert stored.token == token and stored.workshop_id == cluster.workshop_id


async def test_join_with_profile_cleans_and_checks_it(db, cluster):
    public, _ = await participants.join(db, code=cluster.join_code, name='  Anna\u200b Müller ',
                                        organisation='Hochschule Süd', stakeholder_group='Hochschulen')
    assert (public.name, public.organisation, public.stakeholder_group) == ('Anna Müller', 'Hochschule Süd',
                                                                            'Hochschulen')
    with pytest.raises(Invalid):
        await participants.join(db, code=cluster.join_code, stakeholder_group='Piraten')
    with pytest.raises(Invalid) as e:
        await participants.join(db, code=cluster.join_code, name='x' * 121)
    assert 'too long' in str(e.value)
    with pytest.raises(NotFound):
        await participants.join(db, code='ZZZZZZ')


async def test_choose_breakout_publishes_members_and_allows_switching(db, bus, cluster):
    w11, w12 = cluster.breakouts[0].breakout_id, cluster.breakouts[1].breakout_id
    _, token = await participants.join(db, code=cluster.join_code)
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=w11)
    assert bus.published == [MembersChanged(workshop_id=cluster.workshop_id, breakout_id=w11, members=1)]
    # choosing the same room again changes nothing
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=w11)
    assert len(bus.published) == 1
    # switching leaves the old room and enters the new one
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=w12)
    assert bus.published[1:] == [MembersChanged(workshop_id=cluster.workshop_id, breakout_id=w11, members=0),
                                 MembersChanged(workshop_id=cluster.workshop_id, breakout_id=w12, members=1)]
    async with db.session() as s:
        assert len((await s.exec(select(Attendance))).all()) == 1


async def test_choose_breakout_refuses_other_rounds_strangers_and_other_workshops(db, bus, cluster):
    from workshop.services.workshops import create_from_template
    from workshop.templates import load_template
    w21 = cluster.breakouts[3].breakout_id  # round 2 is not open yet
    _, token = await participants.join(db, code=cluster.join_code)
    with pytest.raises(Invalid):
        await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=w21)
    with pytest.raises(Forbidden):
        await participants.choose_breakout(db, bus, token='forged', workshop_id=cluster.workshop_id,
                                           breakout_id=cluster.breakouts[0].breakout_id)
    other = await create_from_template(db, template=load_template('cluster-strategy'))
    with pytest.raises(NotFound):
        await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id,
                                           breakout_id=other.breakouts[0].breakout_id)
    with pytest.raises(Forbidden):  # a token of one workshop is nobody in another
        await participants.choose_breakout(db, bus, token=token, workshop_id=other.workshop_id,
                                           breakout_id=other.breakouts[0].breakout_id)
    assert bus.published == []


async def test_enter_breakout_joins_and_chooses_in_one_step(db, bus, cluster):
    w11, w12 = cluster.breakouts[0].breakout_id, cluster.breakouts[1].breakout_id
    token, workshop_id, code = await participants.enter_breakout(
        db, bus, code=cluster.join_code.lower(), tokens={}, breakout_id=w11, name=' Anna ',
        stakeholder_group='Hochschulen')
    assert (workshop_id, code) == (cluster.workshop_id, cluster.join_code)
    assert bus.published == [MembersChanged(workshop_id=workshop_id, breakout_id=w11, members=1)]
    # the same browser again (its token for this workshop): moved, not joined twice
    again, _, _ = await participants.enter_breakout(db, bus, code=code, tokens={str(workshop_id): token},
                                                    breakout_id=w12, name='ignored')
    assert again == token
    async with db.session() as s:
        [anna] = (await s.exec(select(Participant))).all()
        [seat] = (await s.exec(select(Attendance))).all()
        assert (anna.name, anna.stakeholder_group, seat.breakout_id) == ('Anna', 'Hochschulen', w12)
        assert await participants.seat(s, token=token, workshop=await s.get(participants.Workshop, workshop_id)) \
            == (anna, w12)


async def test_enter_breakout_refuses_without_leaving_anything_behind(db, bus, cluster):
    from workshop.services.workshops import UnknownCode, create_from_template
    from workshop.templates import load_template
    w11, w21 = cluster.breakouts[0].breakout_id, cluster.breakouts[3].breakout_id
    other = await create_from_template(db, template=load_template('cluster-strategy'))
    with pytest.raises(UnknownCode):
        await participants.enter_breakout(db, bus, code='ZZZZZZ', tokens={}, breakout_id=w11)
    with pytest.raises(Invalid):  # round 2 is not open: no participant is created for nothing
        await participants.enter_breakout(db, bus, code=cluster.join_code, tokens={}, breakout_id=w21)
    with pytest.raises(NotFound):  # another workshop's room
        await participants.enter_breakout(db, bus, code=cluster.join_code, tokens={},
                                          breakout_id=other.breakouts[0].breakout_id)
    with pytest.raises(Invalid):
        await participants.enter_breakout(db, bus, code=cluster.join_code, tokens={}, breakout_id=w11,
                                          stakeholder_group='Piraten')
    async with db.session() as s:
        assert (await s.exec(select(Participant))).all() == []
    # a token of another workshop is nobody here: a new participant
    token, _, _ = await participants.enter_breakout(db, bus, code=other.join_code, tokens={},
                                                    breakout_id=other.breakouts[0].breakout_id)
    mine, _, _ = await participants.enter_breakout(db, bus, code=cluster.join_code,
                                                   tokens={str(cluster.workshop_id): token}, breakout_id=w11)
    assert mine != token
    assert bus.published == [MembersChanged(workshop_id=other.workshop_id, breakout_id=other.breakouts[0].breakout_id,
                                            members=1),
                             MembersChanged(workshop_id=cluster.workshop_id, breakout_id=w11, members=1)]


async def test_a_removed_participant_cannot_enter_again(db, bus, cluster):
    from workshop.services import lead
    w11 = cluster.breakouts[0].breakout_id
    token, workshop_id, _ = await participants.enter_breakout(db, bus, code=cluster.join_code, tokens={},
                                                              breakout_id=w11)
    async with db.session() as s:
        participant_id = (await s.exec(select(Participant.id))).one()
    await lead.remove_participant(db, bus, lead_secret=cluster.lead_secret, participant_id=participant_id)
    with pytest.raises(Forbidden):
        await participants.enter_breakout(db, bus, code=cluster.join_code, tokens={str(workshop_id): token},
                                          breakout_id=cluster.breakouts[1].breakout_id)


async def test_the_room_page_loaders_agree_with_the_single_queries(db, bus, cluster):
    """seat_by_code, room_of and ideas_with_dots: the room page's combined queries give what the
    one-thing-per-query services give."""
    from workshop.services import facilitation, ideas, votes, workshops
    from workshop.services.workshops import UnknownCode

    from .helpers import member, post
    b = cluster.breakouts[0]
    token, breakout_id = await member(db, bus, cluster)
    other, _ = await member(db, bus, cluster)
    first = await post(db, bus, token, breakout_id, 'Erste Idee')
    second = await post(db, bus, token, breakout_id, 'Zweite Idee')
    await facilitation.set_phase(db, bus, secret=b.moderator_secret, phase='vote')
    await votes.cast_dot(db, bus, token=other, idea_id=second)
    await votes.cast_dot(db, bus, token=token, idea_id=second)
    async with db.session() as s:
        workshop, participant, seat = await participants.seat_by_code(
            s, code=cluster.join_code.lower(), tokens={'999': other, str(cluster.workshop_id): token})
        assert (workshop.id, participant.token, seat) == (cluster.workshop_id, token, breakout_id)
        assert (await participants.seat_by_code(s, code=cluster.join_code, tokens={}))[1:] == (None, None)
        assert (await participants.seat_by_code(s, code=cluster.join_code, tokens={'999': token}))[1:] == (None, None)
        with pytest.raises(UnknownCode):
            await participants.seat_by_code(s, code='ZZZZZZ', tokens={})
        public, row, phase = await workshops.room_of(s, breakout_id)
        assert public == await workshops.get_breakout(s, breakout_id) and row.id == breakout_id
        assert phase == await facilitation.phase_of(s, breakout_id, row.current_question_id) == 'vote'
        combined = await ideas.ideas_with_dots(s, breakout_id=breakout_id, question_id=row.current_question_id)
        single = await ideas.ideas_of(s, breakout_id=breakout_id, question_id=row.current_question_id)
        counts = await votes.tallies(s, breakout_id=breakout_id, question_id=row.current_question_id)
        assert combined == [i.model_copy(update={'dots': counts.get(i.id, 0)}) for i in single]
        assert [(i.id, i.dots) for i in combined] == [(second, 2), (first, 0)]
