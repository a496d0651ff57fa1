"""A phone while voting, in Chromium: each phone lists the ideas in an order of its own (the same after a reload),
the phase, the dots left and the time stay in sight while the list scrolls, and a phase switch brings the phone
back to the top; "Raum wechseln" is a finger's size; a web address in an idea is a link."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import LiveServer, LiveWorkshop
from .helpers import PHONE, SOON, Browsers, give_dot, join, set_phase
from .test_cluster_board import LAPTOP_FHD, THEMES, _add_ideas

pytestmark = pytest.mark.browser

LINK = 'https://www.foerderdatenbank.de/FDB/DE/Home/home.html'
IDEAS = [text for texts in THEMES.values() for text in texts[:5]] + [f'Förderprogramme finden: {LINK}']  # 31


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


def _order(phone) -> list[str]:
    return phone.get_by_role('list', name='Beiträge').locator('.ws-idea').all_inner_texts()


@pytest.mark.timeout(300)
def test_phones_vote_in_their_own_order_with_the_budget_in_sight(chromium, workshop: LiveWorkshop,
                                                                 screenshots: Path) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        moderator = browsers.page(LAPTOP_FHD)
        moderator.goto(workshop.moderators['W 1.1'])
        _add_ideas(moderator, IDEAS)
        anna, ben = browsers.page(PHONE), browsers.page(PHONE)
        for phone in (anna, ben):
            join(phone, workshop.participants, 'W 1.1')
            ideas = phone.get_by_role('list', name='Beiträge').locator('.ws-idea')
            expect(ideas).to_have_count(len(IDEAS), timeout=SOON)
        link = anna.get_by_role('list', name='Beiträge').get_by_role('link', name=LINK)  # an address is a link
        expect(link).to_have_attribute('href', LINK)
        expect(link).to_have_attribute('rel', 'noopener noreferrer nofollow')
        box = anna.get_by_role('link', name='Raum wechseln').bounding_box()
        assert box and box['height'] >= 44, box

        set_phase(moderator, 'Punktabfrage')
        for phone in (anna, ben):
            expect(phone.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)
        orders = {name: _order(phone) for name, phone in (('anna', anna), ('ben', ben))}
        assert sorted(orders['anna']) == sorted(orders['ben']) == sorted(IDEAS)
        assert orders['anna'] != orders['ben'], 'two phones in the same order: the first ideas would be favoured'
        anna.reload()
        expect(anna.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)
        assert _order(anna) == orders['anna'], 'the order changed on a reload'

        # far down the list, the budget is still on the screen; a dot there updates it in sight
        last = orders['anna'][-1]
        anna.get_by_role('list', name='Beiträge').get_by_text(last, exact=True).scroll_into_view_if_needed()
        assert anna.evaluate('window.scrollY') > 1000
        give_dot(anna, last, left=2)
        bar = anna.locator('.ws-sticky-bar')
        top = bar.bounding_box()
        assert top and top['y'] <= 1, top  # stuck to the top of the screen
        expect(bar.get_by_text('Sie haben noch 2 von 3 Punkten.')).to_be_in_viewport()
        anna.screenshot(path=str(screenshots / 'room-vote-scrolled-phone.png'))  # the screen, not the page

        set_phase(moderator, 'Diskussion')
        expect(anna.get_by_text('Ergebnis: Beiträge nach Punkten')).to_be_in_viewport(timeout=SOON)
        anna.wait_for_function('window.scrollY < 5')
    finally:
        browsers.close()
