"""The moderator's box for contributions on someone's behalf, in Chromium: Shift+Enter starts a new line (for
"- " sub-points), Enter adds the contribution; the counter shows the moderation's limit."""

from __future__ import annotations

import pytest

from workshop.limits import IDEA_MODERATION_MAX

from .conftest import Axe, LiveServer, LiveWorkshop
from .helpers import SOON, Browsers
from .test_cluster_board import LAPTOP_FHD, _card


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


def test_shift_enter_is_a_new_line_and_enter_adds(chromium, workshop: LiveWorkshop, axe: Axe) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        page = browsers.page(LAPTOP_FHD)
        page.goto(workshop.moderators['W 1.3'])
        box = page.get_by_label('Beitrag', exact=True)
        box.click()
        page.keyboard.type('Aus dem Chat:')
        for point in ('- Wasserstoff', '- Kreislaufwirtschaft'):
            page.keyboard.press('Shift+Enter')
            page.keyboard.type(point)
        expect(box).to_have_value('Aus dem Chat:\n- Wasserstoff\n- Kreislaufwirtschaft', timeout=SOON)
        expect(page.get_by_text(f'49 / {IDEA_MODERATION_MAX}')).to_be_visible()  # Quasar's counter
        found = [v for v in axe.check(page, 'moderator: a long contribution typed') if v['impact'] in
                 ('serious', 'critical')]
        assert not found, axe.details({'moderator': found})  # the counter and the hint are legible
        page.keyboard.press('Enter')
        expect(box).to_have_value('', timeout=SOON)  # emptied once the server has stored it, no new line typed
        expect(_card(page, 'Aus dem Chat: - Wasserstoff - Kreislaufwirtschaft')).to_be_visible(timeout=SOON)
    finally:
        browsers.close()
