"""The gallery walk (#16) in Chromium: round 2 builds on round 1. The round-2 moderator switches it on, a round-2
phone gives a dot to a round-1 idea and comments on it, the moderator sees both, and the protocol's Markdown lists
them under the idea, marked as from the gallery walk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import LiveServer, LiveWorkshop
from .helpers import LAPTOP, PHONE, SOON, Browsers, join, post, shoot

pytestmark = pytest.mark.browser

IDEA = 'Regionale Netzwerke brauchen eine feste Ansprechperson'
COMMENT = 'Wer bezahlt diese Stelle auf Dauer?'


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


@pytest.mark.timeout(300)
def test_a_round_two_phone_walks_the_gallery_of_round_one(chromium, workshop: LiveWorkshop,
                                                          screenshots: Path) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        anna = browsers.page(PHONE)
        join(anna, workshop.participants, 'W 1.1')
        post(anna, IDEA)

        lead = browsers.page(LAPTOP)
        lead.goto(workshop.lead)
        lead.get_by_role('button', name='Durchlauf 2', exact=True).click()
        lead.get_by_role('dialog').get_by_role('button', name='Durchlauf 2 öffnen').click()
        expect(anna.get_by_text('Durchlauf 2 hat begonnen', exact=False)).to_be_visible(timeout=SOON)

        ben = browsers.page(PHONE)
        join(ben, workshop.participants, 'W 2.1')
        earlier = ben.locator('.ws-earlier')
        expect(earlier.get_by_text(IDEA)).to_be_visible(timeout=SOON)
        expect(earlier.get_by_role('button', name='Kommentieren')).to_have_count(0)  # read only until switched on

        moderator = browsers.page(LAPTOP)
        moderator.goto(workshop.moderators['W 2.1'])
        expect(moderator.get_by_role('heading', level=1, name=re.compile('^W 2.1 ·'))).to_be_visible()
        moderator.get_by_role('switch', name=re.compile('^Galerie-Rundgang')).click()

        ben.get_by_role('button', name='Punkt', exact=True).tap()
        expect(ben.get_by_text('Galerie-Rundgang: Sie haben noch 2 von 3 Punkten für diese Ergebnisse.')) \
            .to_be_visible(timeout=SOON)
        expect(moderator.locator('.ws-earlier').get_by_text('+1', exact=True)).to_be_visible(timeout=SOON)

        ben.get_by_role('button', name='Kommentieren').tap()
        ben.get_by_label('Ihr Kommentar').fill(COMMENT)
        ben.get_by_role('dialog').get_by_role('button', name='Senden').tap()
        expect(ben.get_by_text('Kommentar gespeichert ✓')).to_be_visible(timeout=SOON)
        expect(moderator.locator('.ws-earlier').get_by_text(COMMENT)).to_be_visible(timeout=SOON)
        expect(ben.locator('.ws-earlier').get_by_text(COMMENT)).to_be_visible(timeout=SOON)
        shoot(ben, screenshots / 'gallery-walk-phone.png')
        shoot(moderator, screenshots / 'gallery-walk-moderator-desktop.png')

        lead.get_by_role('link', name='Protokoll').click()
        expect(lead.get_by_role('heading', level=1, name='Protokoll')).to_be_visible()
        with lead.expect_download() as download:
            lead.get_by_role('link', name='Markdown').click()
        markdown = Path(download.value.path()).read_text(encoding='utf-8')
        lines = markdown.splitlines()
        n = next(i for i, line in enumerate(lines) if line.startswith(f'- {IDEA}'))
        assert lines[n + 1:n + 3] == ['  - *+1 Punkt im Galerie-Rundgang (Durchlauf 2)*',
                                      f'  - *Kommentar im Galerie-Rundgang (Durchlauf 2): {COMMENT}*'], lines[n:n + 4]
    finally:
        browsers.close()
