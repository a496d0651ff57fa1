import pytest

from workshop.events import QuestionChanged
from workshop.services import moderation, workshops
from workshop.services.errors import Forbidden, Invalid


async def test_step_through_questions(db, bus, cluster):
    b = cluster.breakouts[1]  # W 1.2, five questions in blocks
    async with db.session() as s:
        questions = await workshops.questions_of(s, (await workshops.get_breakout(s, b.breakout_id)).topic_id)
    ids = [q.id for q in questions]
    assert await moderation.step_question(db, bus, secret=b.moderator_secret, step=-1) == ids[0]  # stays at start
    assert bus.published == []
    for expected in ids[1:]:
        assert await moderation.step_question(db, bus, secret=b.moderator_secret, step=1) == expected
    assert await moderation.step_question(db, bus, secret=b.moderator_secret, step=1) == ids[-1]  # stays at end
    assert [e.question_id for e in bus.published] == ids[1:]
    assert all(isinstance(e, QuestionChanged) and e.breakout_id == b.breakout_id for e in bus.published)


async def test_moderator_secret_is_checked(db, bus, cluster):
    with pytest.raises(Forbidden):
        await moderation.step_question(db, bus, secret='guess', step=1)
    with pytest.raises(Forbidden):
        await moderation.set_question(db, bus, secret='', question_id=1)
    # a moderator of W 1.1 cannot set a question of another topic
    w11, w12 = cluster.breakouts[0], cluster.breakouts[1]
    async with db.session() as s:
        foreign = (await workshops.get_breakout(s, w12.breakout_id)).current_question_id
    with pytest.raises(Invalid):
        await moderation.set_question(db, bus, secret=w11.moderator_secret, question_id=foreign)
    assert bus.published == []


async def test_a_question_change_carries_the_phase_and_the_dot_budget(db, bus, cluster):
    """Pages show a question change from the event alone (no page reads the phase or the budget again)."""
    from workshop.services import facilitation
    secret = cluster.breakouts[0].moderator_secret
    async with db.session() as s:
        breakout = await workshops.get_breakout(s, cluster.breakouts[0].breakout_id)
        first, second = (await workshops.questions_of(s, breakout.topic_id))[:2]
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')  # the first question: voting
    await moderation.set_question(db, bus, secret=secret, question_id=second.id)
    await moderation.set_question(db, bus, secret=secret, question_id=first.id)
    changes = [e for e in bus.published if isinstance(e, QuestionChanged)]
    assert [(e.question_id, e.phase, e.dots_budget) for e in changes] == [(second.id, 'collect', 3),
                                                                           (first.id, 'vote', 3)]
