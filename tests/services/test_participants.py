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
