"""Floods of ideas, with simulated users: a phone posting too fast is told so and keeps its text; the lead
moderator removes a participant and hides all of their ideas at once."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.models import Idea
from workshop.runtime import runtime
from workshop.services.post_limits import PostLimits
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..joining import join
from ..waiting import until


def _board(user: User):
    return next(iter(user.find(marker='ideas').elements))


async def _post(user: User, text: str) -> None:
    user.find(marker='idea-input').type(text)
    user.find(marker='post').click()


async def test_a_phone_posting_too_fast_is_told_so_and_keeps_its_text(user: User):
    rt = runtime()
    assert isinstance(rt.post_limits, PostLimits)  # the app limits posting
    rt.post_limits = PostLimits(per_participant='2/minute')
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    await join(user, links.join_code, 'W 1.1')
    await user.should_see('W 1.1', retries=20)
    for n in range(2):
        await _post(user, f'Idee {n}')
        await until(lambda n=n: len(_board(user).items) == n + 1)
    await _post(user, 'Die dritte Idee, zu schnell')
    await user.should_see('Sie haben in kurzer Zeit viele Beiträge gesendet', retries=20)
    box = user.find(marker='idea-input').elements.pop()
    assert box.value == 'Die dritte Idee, zu schnell'  # nothing typed is lost
    assert len(_board(user).items) == 2


async def test_lead_removes_a_participant_and_hides_all_their_ideas(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    lead, spammer, other, wall = user, create_user(), create_user(), create_user()
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    for phone in (spammer, other):
        await join(phone, links.join_code, 'W 1.1')
        await phone.should_see('W 1.1', retries=20)
    await _post(other, 'Eine ernsthafte Idee')
    await until(lambda: len(_board(wall).items) == 1)
    for n in range(3):
        await _post(spammer, f'Kaufen Sie Uhren {n}')
        await until(lambda n=n: len(_board(wall).items) == n + 2)

    await lead.open(f'/lead/{links.lead_secret}')
    await lead.should_see(marker='participant-controls', retries=20)
    lead.find(marker='participant-controls').elements.pop().set_value(True)  # opening the section reads the list
    await lead.should_see('Anonym · 3 Beiträge', retries=20)  # the flood at the top, its newest idea shown
    await lead.should_see('Kaufen Sie Uhren 2')
    spam_id = next(i['id'] for i in _board(spammer).items.values() if i['text'].startswith('Kaufen'))
    async with rt.db.session() as s:
        spammer_id = (await s.get(Idea, spam_id)).participant_id
    lead.find(marker=f'remove-participant-{spammer_id}').click()
    await lead.should_see("Auch alle Beiträge dieser Person ausblenden")
    lead.find(marker='hide-ideas').click()
    lead.find(marker='remove-confirm').click()
    await lead.should_see('Person entfernt; 3 Beiträge ausgeblendet.', retries=20)
    await lead.should_see(marker=f'removed-{spammer_id}', retries=20)
    # gone from the wall and the other phone at once; the serious idea stays
    await until(lambda: [i['text'] for i in _board(wall).items.values()] == ['Eine ernsthafte Idee'])
    await until(lambda: [i['text'] for i in _board(other).items.values()] == ['Eine ernsthafte Idee'])
