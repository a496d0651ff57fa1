"""Timers in Chromium: the countdown in the app's font with even figures, amber in its last minute, and a clear end
state (white on red, on one line) on the moderator page, the wall and a phone — the browsers' clocks are moved on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import LiveServer, LiveWorkshop
from .helpers import SOON, Browsers, end_timer_soon
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


@pytest.mark.timeout(200)
def test_a_timer_that_closes_collection_and_the_walls_gong(chromium, live_server: LiveServer, workshop: LiveWorkshop,
                                                           screenshots: Path) -> None:
    """With "Sammeln bei Zeitende beenden" the server moves the room on when the time is up: the phone's box goes,
    the dot voting shows. With the lead's gong on, the wall asks once for sound and rings at 0:00."""
    from playwright.sync_api import expect

    from .helpers import join

    browsers = Browsers(chromium)
    try:
        cockpit = browsers.page({'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'})
        wall = browsers.page(LAPTOP_FHD)
        moderator = browsers.page(LAPTOP_FHD)
        phone = browsers.page(PHONE)
        cockpit.goto(workshop.lead)
        wall.goto(workshop.walls['W 1.2'])
        expect(wall.get_by_role('button', name='Ton aktivieren')).to_have_count(0)  # the gong is off
        cockpit.get_by_role('switch', name='Gong bei Zeitende auf der Wand').click()
        unlock = wall.get_by_role('button', name='Ton aktivieren')
        expect(unlock).to_be_visible(timeout=SOON)
        wall.screenshot(path=str(screenshots / 'wall-gong-unlock.png'))
        cockpit.screenshot(path=str(screenshots / 'lead-gong-and-timer-closes.png'), full_page=True)
        unlock.click()  # the click browsers want before a page plays sound
        expect(unlock).to_have_count(0)
        wall.clock.install()

        join(phone, workshop.participants, 'W 1.2')
        expect(phone.get_by_label('Ihre Idee')).to_be_visible()
        expect(phone.get_by_role('button', name='Ton aktivieren')).to_have_count(0)  # never on phones
        moderator.goto(workshop.moderators['W 1.2'])
        moderator.get_by_role('checkbox', name='Sammeln bei Zeitende beenden').click()
        moderator.get_by_role('button', name='2 Min.', exact=True).click()
        expect(wall.get_by_role('timer')).to_have_text(re.compile(r'^[12]:\d\d$'), timeout=SOON)
        expect(phone.get_by_role('timer')).to_have_text(re.compile(r'^[12]:\d\d$'), timeout=SOON)

        end_timer_soon(live_server, 'W 1.2', 1)
        expect(phone.get_by_label('Ihre Idee')).to_be_hidden(timeout=25000)  # the server closed collection
        expect(phone.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)
        expect(moderator.get_by_role('button', name='Punktabfrage', exact=True)) \
            .to_have_attribute('aria-pressed', 'true', timeout=SOON)

        wall.clock.run_for('02:01')  # the wall's countdown reaches 0:00: its gong rings, once
        expect(wall.get_by_role('timer')).to_have_text('Zeit ist um')
        expect(wall.locator('body')).to_have_attribute('data-gong-rung', '1')
        phone.screenshot(path=str(screenshots / 'room-collection-closed-by-timer-phone.png'))
    finally:
        browsers.close()


BANNER_PAGE = '''<body>
  <div id="popup" aria-hidden="true">Verbindung verloren</div>
  <div class="ws-banner ws-banner-1 hidden" id="plenary">Plenum</div>
  <div class="ws-banner ws-banner-2 hidden" id="round">Durchlauf 2</div>
  <div class="ws-banner ws-banner-3" id="notice">Hinweis</div>
  <div class="ws-banner ws-banner-4" id="reload">Neu laden</div>
</body>'''


def test_style_shows_one_banner_at_a_time(chromium) -> None:
    """The stylesheet's ranks in Chromium: only the most important banner shows, the next when it goes; the lost
    connection and the deleted workshop hide them all."""
    from .conftest import REPO

    page = chromium.new_page()
    try:
        page.set_content(BANNER_PAGE)
        page.add_style_tag(content='.hidden { display: none; }')  # what Quasar's class does on the pages
        page.add_style_tag(path=str(REPO / 'assets' / 'style.css'))

        def shown() -> list[str]:
            return page.evaluate('() => [...document.querySelectorAll(".ws-banner")]'
                                 '.filter(e => getComputedStyle(e).display !== "none").map(e => e.id)')

        def toggle(element: str, hidden: bool) -> None:
            page.evaluate('([id, hidden]) => document.getElementById(id).classList.toggle("hidden", hidden)',
                          [element, hidden])
        assert shown() == ['notice']  # the reload prompt waits
        toggle('round', False)
        assert shown() == ['round']
        toggle('plenary', False)
        assert shown() == ['plenary']
        toggle('plenary', True)
        toggle('round', True)
        page.evaluate('() => document.getElementById("notice").remove()')  # a notice whose time is over
        assert shown() == ['reload']
        page.evaluate('() => document.getElementById("popup").setAttribute("aria-hidden", "false")')
        assert shown() == []  # offline: NiceGUI's "connection lost" is the one message
        page.evaluate('() => document.getElementById("popup").setAttribute("aria-hidden", "true")')
        assert shown() == ['reload']
        page.evaluate('() => document.body.insertAdjacentHTML("beforeend", \'<div class="ws-gone">weg</div>\')')
        assert shown() == []
        assert page.evaluate('() => getComputedStyle(document.getElementById("popup")).display') == 'none'
    finally:
        page.close()


@pytest.mark.timeout(200)
def test_a_phone_shows_one_banner_and_a_notice_leaves_on_time(chromium, workshop: LiveWorkshop) -> None:
    """A notice "für 5 Min." leaves the phone by itself after five minutes (its clock moved on); the prompt of a
    new round hides a notice sent after it. (Runs last here: it opens round 2.)"""
    from playwright.sync_api import expect

    from .helpers import join

    browsers = Browsers(chromium)
    try:
        cockpit = browsers.page({'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'})
        phone = browsers.page(PHONE)
        cockpit.goto(workshop.lead)
        join(phone, workshop.participants, 'W 1.3')
        phone.clock.install()

        def send(text: str, duration: str) -> None:
            cockpit.get_by_label('Hinweis an alle Handys und Wände').fill(text)
            cockpit.get_by_role('combobox', name='Dauer').click()
            cockpit.get_by_role('option', name=duration, exact=True).click()
            cockpit.get_by_role('button', name='Senden').click()

        send('Kaffee steht im Foyer', 'für 5 Min.')
        notice = phone.get_by_text('Kaffee steht im Foyer')
        expect(notice).to_be_visible(timeout=SOON)
        phone.clock.run_for('04:50')
        expect(notice).to_be_visible()
        phone.clock.run_for('00:15')
        expect(notice).to_have_count(0)  # gone by itself, without the server

        cockpit.get_by_role('button', name='Durchlauf 2', exact=True).click()
        cockpit.get_by_role('dialog').get_by_role('button', name='Durchlauf 2 öffnen').click()
        prompt = phone.get_by_text('Durchlauf 2 hat begonnen', exact=False)
        expect(prompt).to_be_visible(timeout=SOON)
        send('Bitte wählen Sie jetzt', 'bis ich ihn lösche')
        later = phone.get_by_text('Bitte wählen Sie jetzt')
        expect(later).to_have_count(1, timeout=SOON)  # on the page, behind the more important prompt
        expect(later).to_be_hidden()
        expect(prompt).to_be_visible()
    finally:
        browsers.close()
