"""Several guiding questions collecting at once, and one moderator link per topic that follows the rounds (#16)."""

import pytest
from sqlmodel import select

from workshop.events import OpenQuestionsChanged, PhaseChanged
from workshop.models import Breakout, Phase, Question, Topic
from workshop.rooms.state import load_rooms
from workshop.services import access, clusters, curation, facilitation, ideas, lead, moderation, rotation
from workshop.services.errors import Forbidden, Invalid

from .helpers import member, post


async def _questions(db, breakout_id: int) -> list[int]:
    async with db.session() as s:
        breakout = await s.get(Breakout, breakout_id)
        return list((await s.exec(select(Question.id).where(Question.topic_id == breakout.topic_id)
                                  .order_by(Question.position))).all())


async def test_the_moderator_opens_several_questions_and_each_idea_lands_in_its_own(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    q1, q2, q3, *_ = await _questions(db, breakout_id)
    with pytest.raises(Invalid):  # not opened yet
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zu früh', client_id='early',
                              question_id=q3)

    bus.published.clear()
    assert await facilitation.open_alongside(db, bus, secret=secret, question_id=q3) == (q3,)
    assert bus.published == [OpenQuestionsChanged(workshop_id=cluster.workshop_id, breakout_id=breakout_id,
                                                  question_ids=(q3,))]
    assert await facilitation.open_alongside(db, bus, secret=secret, question_id=q2) == (q2, q3)  # in order
    one = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zur ersten', client_id='a')
    three = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zur dritten',
                                  client_id='b', question_id=q3)
    assert (one.question_id, three.question_id) == (q1, q3)

    # the room's state: the current question's ideas, and those of the ones open next to it, as tabs
    async with db.session() as s:
        state = (await load_rooms(s, [breakout_id]))[breakout_id]
    assert state.tabs == [q1, q2, q3] and state.alongside == (q2, q3)
    assert [i.text for i in state.ideas.values()] == ['zur ersten']
    assert [i.text for i in state.alongside_ideas[q3].values()] == ['zur dritten'] and state.alongside_ideas[q2] == {}
    # events keep it current without reading: a new idea of an open question, a curation of one
    other = await post(db, bus, token, breakout_id, 'noch eine')  # the current question
    bus.published.clear()
    await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zur zweiten', client_id='c',
                          question_id=q2)
    assert state.apply(bus.published[-1])
    assert [i.text for i in state.alongside_ideas[q2].values()] == ['zur zweiten']
    await curation.hide_idea(db, bus, secret=secret, idea_id=three.id, hidden=True)
    assert state.apply(bus.published[-1]) and state.alongside_ideas[q3][three.id].hidden
    assert other not in state.alongside_ideas[q2]

    # closed again: phones no longer show it; an idea written for it meanwhile still arrives
    bus.published.clear()
    assert await facilitation.open_alongside(db, bus, secret=secret, question_id=q2, opened=False) == (q3,)
    assert state.apply(bus.published[-1]) and state.tabs == [q1, q3] and q2 not in state.alongside_ideas
    await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='unterwegs', client_id='d',
                          question_id=q2)

    # a question that stops collecting leaves the tabs (the first stays open: the moderator moved among them)
    await moderation.set_question(db, bus, secret=secret, question_id=q3)
    async with db.session() as s:
        live = (await load_rooms(s, [breakout_id]))[breakout_id]
    assert live.tabs == [q1, q3]
    await facilitation.set_phase(db, bus, secret=secret, phase=Phase.vote, question_id=q1)
    assert live.apply(bus.published[-1]) and live.tabs == [] and q1 not in live.alongside_ideas
    async with db.session() as s:
        assert await facilitation.alongside_ids(s, breakout_id) == (q3,)
        state = (await load_rooms(s, [breakout_id]))[breakout_id]
    assert state.tabs == [] and state.alongside == (q3,)  # only the current one collects


async def test_opening_a_voted_question_collects_again_and_only_its_moderator_may(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    q1, q2, *_ = await _questions(db, breakout_id)
    await facilitation.set_phase(db, bus, secret=secret, phase=Phase.vote)
    await moderation.set_question(db, bus, secret=secret, question_id=q2)
    bus.published.clear()
    assert await facilitation.open_alongside(db, bus, secret=secret, question_id=q1) == (q1,)
    assert bus.published[0] == PhaseChanged(workshop_id=cluster.workshop_id, breakout_id=breakout_id,
                                            question_id=q1, phase='collect')
    await post(db, bus, token, breakout_id, 'wieder offen')

    with pytest.raises(Forbidden):
        await facilitation.open_alongside(db, bus, secret=cluster.lead_secret, question_id=q1)
    with pytest.raises(Forbidden):
        await facilitation.open_alongside(db, bus, secret=token, question_id=q1)
    other_topic = (await _questions(db, cluster.breakouts[1].breakout_id))[0]
    with pytest.raises(Invalid):
        await facilitation.open_alongside(db, bus, secret=secret, question_id=other_topic)


async def test_a_topic_link_acts_on_exactly_its_topics_breakouts_and_follows_the_rounds(db, bus, cluster):
    topic = cluster.topics[0]
    assert [t.number for t in cluster.topics] == [1, 2, 3] and len({t.moderator_secret for t in cluster.topics}) == 3
    w11, w12, w21 = (cluster.breakouts[i].breakout_id for i in (0, 1, 3))
    async with db.session() as s:
        found = await access.moderated_topic(s, topic.moderator_secret)
        assert found.number == 1 and (await access.topic_breakout(s, found)).id == w11
        assert (await access.moderated_breakout(s, access.topic_grant(topic.moderator_secret, w11))).id == w11
        for wrong in (access.topic_grant(topic.moderator_secret, w12),  # another topic's breakout
                      access.topic_grant(cluster.topics[1].moderator_secret, w11),
                      access.topic_grant('', w11), f'{topic.moderator_secret}:', topic.moderator_secret,
                      access.topic_grant(cluster.breakouts[0].moderator_secret, w11)):
            with pytest.raises(Forbidden):
                await access.moderated_breakout(s, wrong)
    # a moderator action with the topic's grant
    await moderation.step_question(db, bus, secret=access.topic_grant(topic.moderator_secret, w11), step=1)

    await lead.open_round(db, bus, lead_secret=cluster.lead_secret, round_number=2)
    async with db.session() as s:
        assert (await access.topic_breakout(s, await access.moderated_topic(s, topic.moderator_secret))).id == w21
    await clusters.create_cluster(db, bus, secret=access.topic_grant(topic.moderator_secret, w21), title='Neu')

    # replaced: the old link and every page acting with it stop at once; the breakouts' own links keep working
    new = await rotation.rotate_topic_secret(db, bus, lead_secret=cluster.lead_secret, topic_id=found.id)
    async with db.session() as s:
        with pytest.raises(Forbidden):
            await access.moderated_topic(s, topic.moderator_secret)
        with pytest.raises(Forbidden):
            await access.moderated_breakout(s, access.topic_grant(topic.moderator_secret, w21))
        assert (await access.moderated_breakout(s, access.topic_grant(new, w21))).id == w21
        assert (await access.moderated_breakout(s, cluster.breakouts[0].moderator_secret)).id == w11
        topics = (await s.exec(select(Topic).where(Topic.workshop_id == cluster.workshop_id))).all()
    assert {t.moderator_secret for t in topics} == {new, *(t.moderator_secret for t in cluster.topics[1:])}
    with pytest.raises(Forbidden):  # only the lead replaces it
        await rotation.rotate_topic_secret(db, bus, lead_secret=new, topic_id=found.id)


async def test_moving_among_the_open_questions_keeps_them_open(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    _, breakout_id = await member(db, bus, cluster)
    q1, q2, q3, *_ = await _questions(db, breakout_id)
    await facilitation.open_alongside(db, bus, secret=secret, question_id=q3)
    bus.published.clear()
    await moderation.set_question(db, bus, secret=secret, question_id=q3)  # to see the third one's ideas
    assert bus.published[-1] == OpenQuestionsChanged(workshop_id=cluster.workshop_id, breakout_id=breakout_id,
                                                     question_ids=(q1, q3))
    async with db.session() as s:
        live = (await load_rooms(s, [breakout_id]))[breakout_id]
    assert live.tabs == [q1, q3]
    # the current one (opened next to another before) goes to the voting: the first still collects
    await facilitation.set_phase(db, bus, secret=secret, phase=Phase.vote)
    assert live.apply(bus.published[-1]) and live.phase == Phase.vote and live.tabs == [q1, q3]
    assert live.alongside == (q1,)
    # moving on the usual way (no question open next to the current one) opens nothing
    await facilitation.open_alongside(db, bus, secret=secret, question_id=q1, opened=False)
    await facilitation.open_alongside(db, bus, secret=secret, question_id=q3, opened=False)
    bus.published.clear()
    await moderation.set_question(db, bus, secret=secret, question_id=q2)
    assert not any(isinstance(e, OpenQuestionsChanged) for e in bus.published)
    async with db.session() as s:
        assert (await load_rooms(s, [breakout_id]))[breakout_id].tabs == []
