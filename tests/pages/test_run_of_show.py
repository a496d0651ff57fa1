"""Running the day (#16): a timer that closes collection, the walls' gong, notices that expire, one banner at a time,
the Resümee pausing the rooms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from nicegui.testing import User
from sqlalchemy import update

from workshop.db import server_now
from workshop.models import Breakout, Workshop
from workshop.runtime import runtime
from workshop.services import facilitation, lead
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..joining import choose
from ..waiting import until
from .test_facilitation_flow import WAIT, _element
from .test_live_loop import _join, _post

NOTICE = 'Die Pause endet in 5 Minuten'
PLENARY_HINT = 'Plenum: Bitte folgen Sie dem Hauptbildschirm.'


async def _workshop():
    return await create_from_template(runtime().db, template=load_template('cluster-workshop'))


async def _time_passes(model, row_id: int, column: str) -> None:
    """A timer's or a notice's end is now over (database time), as if the minutes had passed."""
    async with runtime().db.transaction() as s:
        now = await server_now(s)
        await s.exec(update(model).where(model.id == row_id).values({column: now - dt.timedelta(seconds=1)}))


def _classes(user: User, marker: str) -> list[str]:
    return _element(user, marker).classes


async def test_a_timer_with_the_tick_ends_collection_on_the_phones(user: User, create_user: Callable[[], User]):
    links = await _workshop()
    w11 = links.breakouts[0]
    moderator, anna = user, create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await _join(anna, links.join_code, 'W 1.1')
    await _post(anna, 'Gemeinsame Datenplattform')
    moderator.find(marker='timer-closes').click()  # "Sammeln bei Zeitende beenden"
    moderator.find(marker='timer-5').click()
    await until(lambda: _element(anna, 'timer').ends_at_ms is not None, timeout=WAIT)
    async with runtime().db.session() as s:
        assert (await s.get(Breakout, w11.breakout_id)).timer_closes
    await moderator.should_see('Das Sammeln endet mit diesem Timer.', retries=WAIT)

    await _time_passes(Breakout, w11.breakout_id, 'timer_ends_at')
    await facilitation.start_timer(runtime().db, runtime().bus, secret=links.breakouts[1].moderator_secret,
                                   seconds=600)  # any timer change wakes the server's closer up at once
    await anna.should_not_see(marker='idea-input', retries=WAIT)  # the server moved the room to the voting
    await anna.should_see('Sie haben noch 3 von 3 Punkten.', retries=WAIT)
    await until(lambda: _element(moderator, 'phase-toggle').value == 'vote', timeout=WAIT)
    await moderator.should_not_see('Das Sammeln endet mit diesem Timer.', retries=WAIT)  # done


async def test_the_gong_is_on_walls_only_and_follows_the_leads_switch(user: User, create_user: Callable[[], User]):
    links = await _workshop()
    w11 = links.breakouts[0]
    cockpit, wall, plenary_wall, anna = user, create_user(), create_user(), create_user()
    await cockpit.open(f'/lead/{links.lead_secret}')
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await plenary_wall.open(f'/wall/{links.join_code}')
    await _join(anna, links.join_code, 'W 1.1')
    assert not _element(wall, 'gong').enabled and not _element(plenary_wall, 'gong').enabled

    _element(cockpit, 'gong').set_value(True)  # "Gong bei Zeitende auf der Wand"
    for screen in (wall, plenary_wall):
        await until(lambda screen=screen: _element(screen, 'gong').enabled, timeout=WAIT)
        assert _element(screen, 'gong').props['label'] == 'Ton aktivieren'
    await anna.should_not_see(marker='gong')  # never on phones
    async with runtime().db.session() as s:
        assert (await s.get(Workshop, links.workshop_id)).gong


async def test_a_notice_for_some_minutes_leaves_every_screen(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await _workshop()
    cockpit, anna, ben, wall = user, create_user(), create_user(), create_user()
    await cockpit.open(f'/lead/{links.lead_secret}')
    await wall.open(f'/wall/{links.join_code}/{links.breakouts[0].breakout_id}')
    await _join(anna, links.join_code, 'W 1.1')
    cockpit.find(marker='notice-input').type(NOTICE)
    _element(cockpit, 'notice-minutes').set_value(10)  # "für 10 Min."
    cockpit.find(marker='send-notice').click()
    await anna.should_see(NOTICE, retries=WAIT)
    await wall.should_see(NOTICE, retries=WAIT)
    async with rt.db.session() as s:
        ends = (await s.get(Workshop, links.workshop_id)).notice_until
    assert ends is not None
    # the browser takes it away at that moment by itself (expiring.js), told when
    assert _element(anna, 'notice').parent_slot.parent.props['until'] == int(lead.aware(ends).timestamp() * 1000)

    await _time_passes(Workshop, links.workshop_id, 'notice_until')
    await _join(ben, links.join_code, 'W 1.1')  # a page loaded now does not show it, cleared or not
    await ben.should_see(marker='idea-input', retries=WAIT)
    await ben.should_not_see(NOTICE)
    await lead.clear_expired_notices(rt.db, rt.bus)  # the server's sweep (unless the app's own came first)
    assert await lead.clear_expired_notices(rt.db, rt.bus) == []  # once
    async with rt.db.session() as s:
        assert (await s.get(Workshop, links.workshop_id)).notice is None
    await anna.should_not_see(NOTICE, retries=WAIT)
    await wall.should_not_see(NOTICE, retries=WAIT)
    await until(lambda: _element(cockpit, 'notice-input').value == '', timeout=WAIT)  # the cockpit's box, too


async def test_one_banner_at_a_time_and_the_summary_pauses_the_rooms(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await _workshop()
    anna, ben = user, create_user()
    await _join(anna, links.join_code, 'W 1.1')
    await lead.send_notice(rt.db, rt.bus, lead_secret=links.lead_secret, text=NOTICE)
    await anna.should_see(NOTICE, retries=WAIT)
    assert 'ws-banner-3' in _element(anna, 'notice').parent_slot.parent.classes

    # the Resümee: the plenary hint replaces the notice, and the room's box goes
    await lead.set_summary_topic(rt.db, rt.bus, lead_secret=links.lead_secret, topic_number=1)
    await anna.should_see(PLENARY_HINT, retries=WAIT)
    await anna.should_not_see(NOTICE, retries=WAIT)
    await anna.should_not_see(marker='idea-input', retries=WAIT)
    assert 'ws-banner-1' in _classes(anna, 'plenary-hint')
    assert await choose(ben, links.join_code, 'W 1.1') is None  # a phone arriving during the Resümee: no box either
    await ben.should_see(PLENARY_HINT, retries=WAIT)
    await ben.should_not_see(marker='idea-input')
    await ben.should_not_see(NOTICE)

    # back to the rooms: the notice comes back, the box too
    await lead.set_plenary(rt.db, rt.bus, lead_secret=links.lead_secret, plenary=False)
    await anna.should_see(NOTICE, retries=WAIT)
    await anna.should_not_see(PLENARY_HINT, retries=WAIT)
    await anna.should_see(marker='idea-input', retries=WAIT)
    await ben.should_see(marker='idea-input', retries=WAIT)


def test_every_banner_has_its_rank():
    """style.css shows the most important banner only: the ranks it knows are the ones the pages use."""
    from pathlib import Path

    from workshop.pages.live import BANNERS, banner
    css = (Path(__file__).resolve().parents[2] / 'assets' / 'style.css').read_text('utf-8')
    assert [banner(k) for k in ('plenary', 'round', 'notice', 'reload')] == \
        [f'ws-banner ws-banner-{n}' for n in (1, 2, 3, 4)]
    for rank in range(1, max(BANNERS.values())):
        assert f'body:has(.ws-banner-{rank}:not(.hidden))' in css
    assert 'body:has(.ws-gone) .ws-banner' in css and 'body:has(#popup[aria-hidden="false"]) .ws-banner' in css
