"""Several questions collecting at once on the phone, and a topic's moderator link that follows the rounds (#16)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from workshop.models import Breakout, Question, Topic
from workshop.runtime import runtime
from workshop.services import lead
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_live_loop import _join, _post

WAIT = 20
INVALID = 'Moderationslink ist nicht (mehr) gültig'


def _element(user: User, marker: str) -> ui.element:
    return next(iter(user.find(marker=marker).elements))


def _texts(user: User, marker: str) -> list[str]:
    """The ideas of a board, also of one on a tab not chosen (hidden)."""
    board = next((e for e in list(user.client.elements.values()) if marker in e._markers), None)
    return sorted(i['text'] for i in board.items.values()) if board is not None else []


async def test_a_phone_writes_into_each_question_the_moderator_opened(user: User, create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, anna, ben = user, create_user(), create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await _join(anna, links.join_code, 'W 1.1')
    await _join(ben, links.join_code, 'W 1.1')
    await _post(anna, 'Zur ersten Frage')
    await anna.should_not_see(marker='question-tabs')  # one question: no tabs

    async with runtime().db.session() as s:
        q1, q2, q3, *_ = (await s.exec(select(Question.id).join(Breakout, Breakout.topic_id == Question.topic_id)
                                       .where(Breakout.id == w11.breakout_id).order_by(Question.position))).all()
    assert _element(moderator, f'open-question-{q1}').value and not _element(moderator, f'open-question-{q1}').enabled
    _element(moderator, f'open-question-{q3}').set_value(True)
    await anna.should_see(marker=f'question-tab-{q3}', retries=WAIT)
    await anna.should_see(marker=f'question-tab-{q1}')
    await anna.should_see(marker='chosen-question', content='Frage 1.', retries=WAIT)

    # the third question's tab: its heading, its box; the idea lands there, on every phone's tab of it
    anna.find(marker=f'question-tab-{q3}').click()
    await anna.should_see(marker='chosen-question', content='Frage 3.', retries=WAIT)
    await anna.should_not_see(marker='ideas')
    await anna.should_see(marker=f'ideas-{q3}')
    await anna.should_see(marker='question', content='Was macht erfolgreiche')
    await _post(anna, 'Zur dritten Frage')
    await until(lambda: _texts(ben, f'ideas-{q3}') == ['Zur dritten Frage'])
    assert _texts(ben, 'ideas') == ['Zur ersten Frage'] and _texts(moderator, 'ideas') == ['Zur ersten Frage']
    # back on the first tab, the box writes to the first question again
    anna.find(marker=f'question-tab-{q1}').click()
    await _post(anna, 'Wieder zur ersten')
    await until(lambda: _texts(ben, 'ideas') == ['Wieder zur ersten', 'Zur ersten Frage'])
    assert _texts(ben, f'ideas-{q3}') == ['Zur dritten Frage']

    # a phone that opens the room now sees the tabs and the ideas of each
    carl = create_user()
    await _join(carl, links.join_code, 'W 1.1')
    await carl.should_see(marker=f'question-tab-{q3}', retries=WAIT)
    assert _texts(carl, f'ideas-{q3}') == ['Zur dritten Frage']

    # closed again: the tabs go
    _element(moderator, f'open-question-{q3}').set_value(False)
    await anna.should_not_see(marker='question-tabs', retries=WAIT)
    assert not _element(moderator, f'open-question-{q2}').value
    # opened again: its ideas so far are read once for the room and reach the phones with its tab
    _element(moderator, f'open-question-{q3}').set_value(True)
    await ben.should_see(marker=f'question-tab-{q3}', retries=WAIT)
    await until(lambda: _texts(ben, f'ideas-{q3}') == ['Zur dritten Frage'])


async def test_a_topic_link_opens_the_current_rounds_breakout_and_follows(user: User,
                                                                          create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    topic = links.topics[0]
    code = links.join_code
    final = await user.http_client.get(f'/m/{topic.moderator_secret}', follow_redirects=True)
    assert final.status_code == 200 and final.url.path == f'/m/~/{code}/t/1'
    assert topic.moderator_secret not in final.text
    await user.open(f'/m/{topic.moderator_secret}')
    await user.should_see(marker='breakout', content='W 1.1')
    user.find(marker='next-question').click()  # it acts on W 1.1
    await user.should_see(marker='question-list', retries=WAIT)
    await user.should_not_see(marker='next-round')

    await lead.open_round(runtime().db, runtime().bus, lead_secret=links.lead_secret, round_number=2)
    await user.should_see('Durchlauf 2 ist eröffnet.', retries=WAIT)
    await user.should_see(marker='follow-round', content='Zu W 2.1', retries=WAIT)
    assert _element(user, 'follow-round').props['href'] == f'/m/~/{code}/t/1'
    await user.open(f'/m/~/{code}/t/1')  # as the button does: the same address, now round 2's room
    await user.should_see(marker='breakout', content='W 2.1')

    # the lead's cockpit lists the topic's link; replacing it closes the old one
    lead_user = create_user()
    await lead_user.open(f'/lead/{links.lead_secret}')
    await lead_user.should_see(marker='topic-link-1', retries=WAIT)
    await lead_user.should_see(marker='rotate-topic-1', retries=WAIT)
    lead_user.find(marker='rotate-topic-1').click()  # "Privacy and secret links": a new link for topic 1
    await lead_user.should_see('Neuer Moderationslink für Thema 1 (alle Durchläufe)', retries=WAIT)
    async with runtime().db.session() as session:
        new = (await session.exec(select(Topic.moderator_secret).where(Topic.workshop_id == links.workshop_id,
                                                                       Topic.number == 1))).one()
    assert new != topic.moderator_secret
    await lead_user.should_see(f'/m/{new}')
    user.find(marker='next-question').click()  # the page opened with the old link: refused at its next action
    await user.should_see(INVALID, retries=WAIT)
    other = create_user()
    await other.open(f'/m/{topic.moderator_secret}')
    await other.should_see(INVALID)
    await other.open(f'/m/{links.breakouts[3].moderator_secret}')  # the breakout's own link keeps working
    await other.should_see(marker='breakout', content='W 2.1')
