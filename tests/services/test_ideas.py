import pytest

from workshop.events import IdeaPosted
from workshop.services import ideas, moderation, participants, workshops
from workshop.services.errors import Forbidden, Invalid


async def _member(db, bus, cluster, index=0):
    _, token = await participants.join(db, code=cluster.join_code)
    breakout_id = cluster.breakouts[index].breakout_id
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=breakout_id)
    return token, breakout_id


async def test_post_idea_stores_and_publishes(db, bus, cluster):
    token, breakout_id = await _member(db, bus, cluster)
    bus.published.clear()
    idea = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='  Gemeinsame Plattform für KMU  ',
                                 client_id='c-1')
    assert idea.text == 'Gemeinsame Plattform für KMU'
    async with db.session() as s:
        breakout = await workshops.get_breakout(s, breakout_id)
        stored = await ideas.ideas_of(s, breakout_id=breakout_id)
    assert idea.question_id == breakout.current_question_id
    assert [i.id for i in stored] == [idea.id]
    assert bus.published == [IdeaPosted(workshop_id=cluster.workshop_id, breakout_id=breakout_id,
                                        question_id=idea.question_id, idea_id=idea.id,
                                        participant_id=idea.participant_id, text=idea.text,
                                        created_at=idea.created_at)]


async def test_resend_with_same_client_id_is_harmless(db, bus, cluster):
    token, breakout_id = await _member(db, bus, cluster)
    bus.published.clear()
    first = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Idee', client_id='same')
    again = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Idee', client_id='same')
    assert first.id == again.id
    assert len(bus.published) == 1
    async with db.session() as s:
        assert len(await ideas.ideas_of(s, breakout_id=breakout_id)) == 1


async def test_a_resend_is_answered_only_to_the_phone_that_posted(db, bus, cluster):
    token, breakout_id = await _member(db, bus, cluster)
    other, _ = await _member(db, bus, cluster)
    await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Meine Idee', client_id='mine')
    for stranger in (other, 'forged', ''):  # another phone guessing the id learns nothing and changes nothing
        with pytest.raises(Forbidden):
            await ideas.post_idea(db, bus, token=stranger, breakout_id=breakout_id, text='x', client_id='mine')
    async with db.session() as s:
        assert [i.text for i in await ideas.ideas_of(s, breakout_id=breakout_id)] == ['Meine Idee']


@pytest.mark.parametrize('text, expected', [
    ('', 'must not be empty'),
    ('   \n\t ', 'must not be empty'),
    ('\u200b\u200b', 'must not be empty'),
    ('x' * 501, 'too long: 501 characters'),
])
async def test_bad_text_is_refused_with_a_message(db, bus, cluster, text, expected):
    token, breakout_id = await _member(db, bus, cluster)
    with pytest.raises(Invalid) as e:
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=text, client_id='c')
    assert expected in str(e.value)


async def test_limits_and_cleaning(db, bus, cluster):
    token, breakout_id = await _member(db, bus, cluster)
    longest = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='ä' * 500, client_id='a')
    assert len(longest.text) == 500
    cleaned = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id,
                                    text='<b>fett</b>\x00\u202e  😀 text', client_id='b')
    assert cleaned.text == '<b>fett</b> 😀 text'  # stored as typed (shown as text), controls removed


async def test_only_members_of_the_breakout_may_post(db, bus, cluster):
    token, _w11 = await _member(db, bus, cluster, index=0)
    w12 = cluster.breakouts[1].breakout_id
    with pytest.raises(Forbidden):
        await ideas.post_idea(db, bus, token=token, breakout_id=w12, text='falscher Raum', client_id='x1')
    with pytest.raises(Forbidden):
        await ideas.post_idea(db, bus, token='not-a-participant', breakout_id=w12, text='Hallo', client_id='x2')
    _, stranger = await participants.join(db, code=cluster.join_code)  # joined but chose no room
    with pytest.raises(Forbidden):
        await ideas.post_idea(db, bus, token=stranger, breakout_id=w12, text='Hallo', client_id='x3')


async def test_idea_goes_to_the_question_the_phone_showed(db, bus, cluster):
    token, breakout_id = await _member(db, bus, cluster)
    async with db.session() as s:
        breakout = await workshops.get_breakout(s, breakout_id)
        questions = await workshops.questions_of(s, breakout.topic_id)
        other_topic = await workshops.questions_of(s, (await workshops.get_breakout(s, cluster.breakouts[1].breakout_id)).topic_id)
    secret = cluster.breakouts[0].moderator_secret
    await moderation.set_question(db, bus, secret=secret, question_id=questions[1].id)
    # the phone still showed question 1 when it sent: the idea belongs there
    late = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='spät', client_id='l',
                                 question_id=questions[0].id)
    assert late.question_id == questions[0].id
    # a question of another topic is not accepted: the current one is used
    odd = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='fremd', client_id='o',
                                question_id=other_topic[0].id)
    assert odd.question_id == questions[1].id
