import asyncio
import time

import pytest

from workshop.events import IdeaPosted
from workshop.services import curation, facilitation, ideas, moderation, participants, workshops
from workshop.services.errors import Forbidden, Invalid
from workshop.services.post_limits import PER_PARTICIPANT, PER_ROOM, PostLimits, TooManyPosts
from workshop.services.rate_storage import LocalStorage


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
        other_breakout = await workshops.get_breakout(s, cluster.breakouts[1].breakout_id)
        other_topic = await workshops.questions_of(s, other_breakout.topic_id)
    secret = cluster.breakouts[0].moderator_secret
    await moderation.set_question(db, bus, secret=secret, question_id=questions[1].id)
    # the phone still showed question 1 when it sent (it was under way, or waited offline): it belongs there
    late = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='spät', client_id='l',
                                 question_id=questions[0].id)
    assert late.question_id == questions[0].id
    # a question of another topic is not accepted: the current one is used
    odd = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='fremd', client_id='o',
                                question_id=other_topic[0].id)
    assert odd.question_id == questions[1].id


# --- only a question the moderator opened takes ideas -----------------------------------------------

async def test_a_question_the_moderator_has_not_opened_refuses_ideas(db, bus, cluster):
    token, breakout_id = await _member(db, bus, cluster)
    secret = cluster.breakouts[0].moderator_secret
    async with db.session() as s:
        breakout = await workshops.get_breakout(s, breakout_id)
        questions = await workshops.questions_of(s, breakout.topic_id)
    first, later = questions[0], questions[1]
    assert breakout.current_question_id == first.id and len(questions) > 2
    bus.published.clear()
    for question in questions[1:]:  # never made current by the moderator: nothing goes there
        with pytest.raises(Invalid) as e:
            await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='vorab',
                                  client_id=f'v{question.id}', question_id=question.id)
        assert 'not open for ideas' in str(e.value)
    async with db.session() as s:
        assert await ideas.ideas_of(s, breakout_id=breakout_id, include_hidden=True) == []
    assert bus.published == []
    # once the moderator opens it, it takes ideas; so does the earlier one while still collecting (a phone's
    # idea written for it arrives late), but not once its collection is closed
    await moderation.set_question(db, bus, secret=secret, question_id=later.id)
    idea = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='jetzt', client_id='n1',
                                 question_id=later.id)
    assert idea.question_id == later.id
    late = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='unterwegs', client_id='n2',
                                 question_id=first.id)
    assert late.question_id == first.id
    await facilitation.set_phase(db, bus, secret=secret, phase='closed', question_id=first.id)
    with pytest.raises(Invalid):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zurück', client_id='n4',
                              question_id=first.id)
    for question in questions[2:]:  # the others are still not open
        with pytest.raises(Invalid):
            await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='vorab',
                                  client_id=f'w{question.id}', question_id=question.id)
    # the current question, but its collection closed: refused too
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    with pytest.raises(Invalid):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zu spät', client_id='n3',
                              question_id=later.id)
    # the moderator may still add a paper card to any of the topic's questions
    added = await curation.add_idea(db, bus, secret=secret, text='Karte', question_id=questions[2].id)
    assert added.question_id == questions[2].id


# --- rate limits for posting ------------------------------------------------------------------------

async def test_posts_are_limited_per_participant_with_a_clear_message(db, bus, cluster):
    limits = PostLimits(per_participant='3/minute', per_room='100/minute')
    token, breakout_id = await _member(db, bus, cluster)
    other, _ = await _member(db, bus, cluster)
    for n in range(3):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=f'Idee {n}', client_id=f'a{n}',
                              limits=limits)
    bus.published.clear()
    for n in range(3, 10):  # a script with fresh client ids: nothing stored, nothing pushed to the screens
        with pytest.raises(TooManyPosts) as e:
            await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=f'Idee {n}',
                                  client_id=f'a{n}', limits=limits)
        assert 'many ideas in a short time' in str(e.value)
    assert bus.published == []
    async with db.session() as s:
        assert len(await ideas.ideas_of(s, breakout_id=breakout_id)) == 3
    # somebody else in the room is not affected
    await ideas.post_idea(db, bus, token=other, breakout_id=breakout_id, text='Andere', client_id='b0', limits=limits)


async def test_a_resend_is_answered_and_not_counted(db, bus, cluster):
    limits = PostLimits(per_participant='2/minute', per_room='100/minute')
    token, breakout_id = await _member(db, bus, cluster)
    first = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Eins', client_id='r1',
                                  limits=limits)
    for _ in range(5):  # the phone's outbox resends it: answered each time, counted never
        again = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Eins', client_id='r1',
                                      limits=limits)
        assert again.id == first.id
    await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Zwei', client_id='r2', limits=limits)
    # the limit is reached now, and a resend of a stored idea is still answered
    assert (await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Zwei', client_id='r2',
                                  limits=limits)).text == 'Zwei'
    with pytest.raises(TooManyPosts):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Drei', client_id='r3', limits=limits)


async def test_posts_are_limited_per_room(db, bus, cluster):
    limits = PostLimits(per_participant='100/minute', per_room='4/minute')
    people = [await _member(db, bus, cluster) for _ in range(3)]
    elsewhere, w12 = await _member(db, bus, cluster, index=1)
    for n in range(4):
        token, breakout_id = people[n % 3]
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=f'Idee {n}', client_id=f'p{n}',
                              limits=limits)
    token, breakout_id = people[0]
    with pytest.raises(TooManyPosts) as e:
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='zu viel', client_id='p9',
                              limits=limits)
    assert 'this room' in str(e.value)
    await ideas.post_idea(db, bus, token=elsewhere, breakout_id=w12, text='anderer Raum', client_id='q0',
                          limits=limits)


async def test_a_refused_post_uses_up_nothing():
    """A participant refused because the room is busy keeps their own allowance, and a flooder's refused
    attempts do not fill the room."""
    limits = PostLimits(per_participant='2/minute', per_room='3/minute')
    await limits.count(participant_id=1, breakout_id=7)
    await limits.count(participant_id=1, breakout_id=7)
    for _ in range(50):  # participant 1 hammers on
        with pytest.raises(TooManyPosts):
            await limits.count(participant_id=1, breakout_id=7)
    await limits.count(participant_id=2, breakout_id=7)  # the room still has room for one
    for _ in range(5):  # now it is full: participant 3 is refused, but not charged
        with pytest.raises(TooManyPosts):
            await limits.count(participant_id=3, breakout_id=7)
    await limits.count(participant_id=3, breakout_id=8)
    await limits.count(participant_id=3, breakout_id=8)


async def test_default_limits_let_people_through_and_stop_floods():
    now = [1_000_000.0]
    limits = PostLimits(LocalStorage(clock=lambda: now[0]), per_participant=PER_PARTICIPANT, per_room=PER_ROOM)
    # a room of 100 where everybody posts at the same moment
    for person in range(100):
        await limits.count(participant_id=person, breakout_id=1)
    # a very fast participant: a burst of 5 (typed while offline), then one idea every 10 s for 30 minutes
    for _ in range(5):
        await limits.count(participant_id=1000, breakout_id=2)
    for _ in range(180):
        now[0] += 10
        await limits.count(participant_id=1000, breakout_id=2)
    # a script: 300 ideas in 4 s gets 5 through
    accepted = 0
    for _n in range(300):
        now[0] += 4 / 300
        try:
            await limits.count(participant_id=2000, breakout_id=3)
            accepted += 1
        except TooManyPosts:
            pass
    assert accepted == 5
    # and keeps getting at most 20 a minute, 200 an hour
    accepted = 0
    for _ in range(3600):
        now[0] += 1
        try:
            await limits.count(participant_id=2000, breakout_id=3)
            accepted += 1
        except TooManyPosts:
            pass
    assert accepted <= 200


async def test_local_storage_forgets_idle_windows():
    now = [5_000.0]
    storage = LocalStorage(clock=lambda: now[0])
    limits = PostLimits(storage, per_participant='5/10 seconds', per_room='10000/minute')
    for person in range(1000):
        await limits.count(participant_id=person, breakout_id=1)
    assert len(storage.windows) == 1001
    now[0] += LocalStorage.SWEEP_EVERY + 61
    await limits.count(participant_id=1, breakout_id=2)
    assert len(storage.windows) == 2  # the two just used


def test_post_limits_from_the_environment(monkeypatch):
    monkeypatch.delenv('WORKSHOP_BROKER_URL', raising=False)
    monkeypatch.setenv('WORKSHOP_POST_LIMIT', '3/minute')
    monkeypatch.setenv('WORKSHOP_ROOM_POST_LIMIT', '')
    limits = PostLimits.from_env()
    assert [(i.amount, i.get_expiry()) for i in limits.per_participant] == [(3, 60)]
    assert [(i.amount, i.get_expiry()) for i in limits.per_room] == [(150, 10), (600, 60)]  # the default
    assert isinstance(limits.storage, LocalStorage)
    monkeypatch.setenv('WORKSHOP_ROOM_POST_LIMIT', 'lots')
    with pytest.raises(ValueError, match='WORKSHOP_ROOM_POST_LIMIT'):
        PostLimits.from_env()


@pytest.mark.redis
async def test_instances_sharing_redis_share_the_post_limits(monkeypatch):
    import secrets

    from .. import servers
    url, run = servers.redis_url(db=9), secrets.token_hex(4)
    monkeypatch.setenv('WORKSHOP_BROKER_URL', url)
    monkeypatch.setenv('WORKSHOP_BROKER_PREFIX', f'test-{run}:')
    monkeypatch.setenv('WORKSHOP_POST_LIMIT', '3/minute')
    a, b = PostLimits.from_env(), PostLimits.from_env()
    try:
        for n in range(3):  # a phone's posts reach either instance (a load balancer)
            await (a, b)[n % 2].count(participant_id=1, breakout_id=1)
        for limits in (a, b):
            with pytest.raises(TooManyPosts):
                await limits.count(participant_id=1, breakout_id=1)
        await a.count(participant_id=2, breakout_id=1)
    finally:
        await a.reset()


async def test_posting_goes_on_when_the_limits_cannot_be_counted(caplog):
    """Redis away or hanging: the app takes ideas without Redis, so the limits let them through (one warning)."""
    class Hanging(LocalStorage):
        async def get_moving_window(self, key, limit, expiry):
            await asyncio.sleep(30)  # on purpose: a storage that hangs

    class Broken(LocalStorage):
        async def get_moving_window(self, key, limit, expiry):
            raise ConnectionError('Redis is away')

    for storage in (Hanging(), Broken()):
        limits = PostLimits(storage, per_participant='1/minute')
        started = time.monotonic()
        for _ in range(3):
            await limits.count(participant_id=1, breakout_id=1)
        assert time.monotonic() - started < 2
    warnings = [r for r in caplog.records if 'posting limits not checked' in r.getMessage()]
    assert len(warnings) == 2  # one per limiter, not one per idea


async def test_the_plenary_pauses_posting_and_the_rooms_continue_after_it(db, bus, cluster):
    from workshop.services import lead
    token, breakout_id = await _member(db, bus, cluster)
    await lead.set_summary_topic(db, bus, lead_secret=cluster.lead_secret, topic_number=1)
    with pytest.raises(Invalid, match='plenary is on'):
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Während des Resümees',
                              client_id='c-plenary')
    await lead.set_plenary(db, bus, lead_secret=cluster.lead_secret, plenary=False)
    posted = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='Während des Resümees',
                                   client_id='c-plenary')  # the same idea, sent again once the rooms continue
    assert posted.text == 'Während des Resümees'
