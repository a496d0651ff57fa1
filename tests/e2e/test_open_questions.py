"""Several questions collecting at once, in Chromium: the moderator opens a second one, a phone shows a tab for
each with its own box and ideas, the sticky bar names the chosen one (#16); and the moderator's phase switch fits
a tablet held upright (820×1180)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import LiveServer, LiveWorkshop
from .helpers import LAPTOP, PHONE, SOON, Browsers, idea, join, post, shoot

pytestmark = pytest.mark.browser

TABLET_PORTRAIT = {'viewport': {'width': 820, 'height': 1180}, 'has_touch': True, 'locale': 'de-DE'}


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


@pytest.mark.timeout(300)
def test_a_phone_writes_into_two_open_questions(chromium, workshop: LiveWorkshop, screenshots: Path) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        moderator = browsers.page(LAPTOP)
        moderator.goto(workshop.moderators['W 1.1'])
        anna, ben = browsers.page(PHONE), browsers.page(PHONE)
        for phone in (anna, ben):
            join(phone, workshop.participants, 'W 1.1')
        post(anna, 'Eine Idee zur ersten Frage')
        expect(anna.get_by_role('group', name='Offene Fragen')).to_be_hidden()

        moderator.get_by_role('switch', name='Frage 3. für Beiträge öffnen').click()
        tabs = anna.get_by_role('group', name='Offene Fragen')
        expect(tabs.get_by_role('button', name='Frage 3.')).to_be_visible(timeout=SOON)
        expect(tabs.get_by_role('button', name='Frage 1.')).to_have_attribute('aria-pressed', 'true')
        bar = anna.locator('.ws-sticky-bar')
        expect(bar.get_by_text('Frage 1.')).to_be_visible()

        tabs.get_by_role('button', name='Frage 3.').tap()
        expect(tabs.get_by_role('button', name='Frage 3.')).to_have_attribute('aria-pressed', 'true')
        expect(bar.get_by_text('Frage 3.')).to_be_visible()
        expect(anna.get_by_text('Was macht erfolgreiche Netzwerkkonstrukte aus')).to_be_visible()
        expect(idea(anna, 'Eine Idee zur ersten Frage')).to_be_hidden()  # the first question's list is away
        post(anna, 'Eine Idee zur dritten Frage')
        shoot(anna, screenshots / 'room-two-questions-phone.png')

        # the other phone: the idea in the third question's tab, not in the first's
        expect(idea(ben, 'Eine Idee zur ersten Frage')).to_be_visible(timeout=SOON)
        expect(idea(ben, 'Eine Idee zur dritten Frage')).to_be_hidden()
        ben.get_by_role('group', name='Offene Fragen').get_by_role('button', name='Frage 3.').tap()
        expect(idea(ben, 'Eine Idee zur dritten Frage')).to_be_visible(timeout=SOON)
        expect(idea(ben, 'Eine Idee zur ersten Frage')).to_be_hidden()

        # a new idea to the third question reaches a phone on that tab live
        post(anna, 'Noch eine zur dritten')
        expect(idea(ben, 'Noch eine zur dritten')).to_be_visible(timeout=SOON)

        # closed again: the tabs go, the phone is back at the current question
        moderator.get_by_role('switch', name='Frage 3. für Beiträge öffnen').click()
        expect(ben.get_by_role('group', name='Offene Fragen')).to_be_hidden(timeout=SOON)
        expect(idea(ben, 'Eine Idee zur ersten Frage')).to_be_visible()
    finally:
        browsers.close()


@pytest.mark.timeout(300)
def test_the_phase_switch_fits_a_tablet_held_upright(chromium, workshop: LiveWorkshop, screenshots: Path) -> None:
    """Each phase's label on one line and inside the screen: upright (820×1180) and a little wider, where the
    switch would share its line with the question buttons."""
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        for width in (820, 960, 1280, 390):
            tablet = browsers.page({**TABLET_PORTRAIT, 'viewport': {'width': width, 'height': 1180}})
            tablet.goto(workshop.moderators['W 1.2'])
            expect(tablet.get_by_role('button', name='Abgeschlossen', exact=True)).to_be_visible()
            shoot(tablet, screenshots / ('moderator-tablet-portrait.png' if width == 820 else f'moderator-{width}.png'))
            toggle = tablet.get_by_role('button', name='Ideen sammeln', exact=True).bounding_box()
            previous = tablet.get_by_role('button', name='Vorherige Frage').bounding_box()
            if width == 1280:  # a laptop: one line with the question buttons, the board starts high up
                assert toggle['y'] < previous['y'] + previous['height'], (toggle, previous)
            assert tablet.evaluate('document.documentElement.scrollWidth') <= width  # nothing sticks out sideways
            for phase in ('Ideen sammeln', 'Punktabfrage', 'Diskussion', 'Abgeschlossen'):
                button = tablet.get_by_role('button', name=phase, exact=True)
                box = button.bounding_box()
                assert box and box['x'] >= 0 and box['x'] + box['width'] <= width, (width, phase, box)
                lines = button.evaluate("""b => { const label = b.querySelector('.q-btn__content .block');
                    return label.offsetHeight / parseFloat(getComputedStyle(label).lineHeight); }""")
                assert lines < 1.5, f'{width} px: "{phase}" breaks onto {lines:.1f} lines'
                fits = button.evaluate('b => [...b.querySelectorAll("*")].every(e => e.scrollWidth <= e.clientWidth+1)')
                assert fits, f'{width} px: "{phase}" is cut'
    finally:
        browsers.close()
