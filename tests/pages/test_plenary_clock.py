"""The plenary wall tells the room where the day stands: the agenda item now and the countdown all rooms share."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import facilitation
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .test_facilitation_flow import WAIT, _element


async def test_the_plenary_wall_shows_the_agenda_item_and_the_break(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    wall, lead = user, create_user()
    await wall.open(f'/wall/{links.join_code}')
    await wall.should_not_see(marker='plenary-clock')  # nothing to say yet

    await facilitation.start_timer_everywhere(rt.db, rt.bus, lead_secret=links.lead_secret, seconds=600)
    await wall.should_see(marker='plenary-clock', retries=WAIT)
    await wall.should_see('Zeit für alle Räume')
    assert _element(wall, 'wall-timer').ends_at_ms is not None

    # one room's own timer: the rooms no longer share one, the wall shows none
    await facilitation.start_timer(rt.db, rt.bus, secret=links.breakouts[0].moderator_secret, seconds=120)
    await wall.should_not_see(marker='plenary-clock', retries=WAIT)

    await lead.open(f'/lead/{links.lead_secret}')
    lead.find(marker='agenda-next').click()
    await wall.should_see('Jetzt: 13:00 Einwahl in das Online-System', retries=WAIT)
    assert _element(wall, 'wall-timer').ends_at_ms is None
    await wall.should_not_see('Zeit für alle Räume')
