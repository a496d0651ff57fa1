"""Timers in Chromium: the countdown in the app's font with even figures, amber in its last minute, and a clear end
state (white on red, on one line) on the moderator page, the wall and a phone — the browsers' clocks are moved on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import LiveServer, LiveWorkshop
from .helpers import SOON, Browsers
from .test_cluster_board import LAPTOP_FHD

pytestmark = pytest.mark.browser

PHONE = {'viewport': {'width': 390, 'height': 844}, 'locale': 'de-DE', 'has_touch': True, 'is_mobile': True}


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


def _style(timer) -> dict:
    return timer.evaluate('e => { const s = getComputedStyle(e); return {font: s.fontFamily, wrap: s.whiteSpace, '
                          'colour: s.color, background: s.backgroundColor, lines: Math.round(e.getBoundingClientRect()'
                          '.height / parseFloat(s.lineHeight))}; }')


@pytest.mark.timeout(200)
def test_a_timer_counts_down_turns_amber_and_ends_clearly_on_every_screen(chromium, workshop: LiveWorkshop,
                                                                          screenshots: Path) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        moderator = browsers.page(LAPTOP_FHD)
        wall = browsers.page(LAPTOP_FHD)
        cockpit = browsers.page({'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'})
        moderator.goto(workshop.moderators['W 1.1'])
        wall.goto(workshop.walls['W 1.1'])
        cockpit.goto(workshop.lead)
        for page in (moderator, wall, cockpit):  # each page's clock, moved on below (the countdowns read Date)
            page.clock.install()
        moderator.get_by_role('button', name='2 Min.', exact=True).click()
        timers = [moderator.get_by_role('timer'), wall.get_by_role('timer'),
                  cockpit.get_by_role('timer').first]
        for timer in timers:
            expect(timer).to_have_text('2:00', timeout=SOON)
            style = _style(timer)
            assert 'mono' not in style['font'].lower(), style
            assert style['wrap'] == 'nowrap', style

        for page in (moderator, wall, cockpit):
            page.clock.run_for('01:30')
        for timer in timers:  # the clocks go on meanwhile: about half a minute left
            expect(timer).to_have_text(re.compile(r'^0:[0-3]\d$'))
            expect(timer).to_contain_class('ws-timer-soon')

        for page in (moderator, wall, cockpit):
            page.clock.run_for('00:31')
        for timer in timers:
            expect(timer).to_have_text('Zeit ist um')
            expect(timer).to_contain_class('ws-timer-done')
            style = _style(timer)
            assert style['background'] == 'rgb(198, 40, 40)' and style['colour'] == 'rgb(255, 255, 255)', style
            assert style['lines'] == 1, style  # "Zeit / ist um" no more
        wall.screenshot(path=str(screenshots / 'wall-time-up.png'))
        cockpit.screenshot(path=str(screenshots / 'lead-time-up.png'))
    finally:
        browsers.close()
