"""An edit of the guiding questions reaches every open page of the rooms at once, without asking to reload."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import editing
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .test_facilitation_flow import WAIT
from .test_live_loop import _join


async def test_a_question_edited_during_collection_reaches_every_page(user: User,
                                                                      create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    room = links.breakouts[0]
    moderator, phone, wall, lead = user, create_user(), create_user(), create_user()
    await moderator.open(f'/m/{room.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{room.breakout_id}')
    await lead.open(f'/lead/{links.lead_secret}')
    await _join(phone, links.join_code, 'W 1.1')
    structure = await editing.load(rt.db, lead_secret=links.lead_secret)
    first = structure.questions[structure.breakouts[0].topic_id][0]

    await editing.update_question(rt.db, rt.bus, lead_secret=links.lead_secret, question_id=first.id,
                                  text='Wer hat Ihr Netzwerk gegründet, und wer trägt es heute?')
    for page in (phone, wall, moderator):
        await page.should_see('Wer hat Ihr Netzwerk gegründet, und wer trägt es heute?', retries=WAIT)
    await lead.should_see('Jetzt: 1. Wer hat Ihr Netzwerk gegründet, und wer trägt es heute?', retries=WAIT)
    await moderator.should_see(marker=f'question-{first.id}', content='Wer hat Ihr Netzwerk gegründet')
    await phone.should_see(marker='idea-input')  # still collecting, what was typed stays
    for page in (phone, moderator):
        await page.should_not_see(marker='reload-prompt')
