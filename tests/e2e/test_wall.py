"""The breakout wall on a 1920×1080 projector, and phones after voting, with many ideas in clusters.

The wall shows every idea: all at once in large type when they fit, else in a page-through that is read
here from the page over time, page by page, until its cycle is through. A new idea appears without moving
what people read; a pinned cluster stays on every page. Phones in the discussion see the ideas grouped by
cluster. axe-core checks each; the screenshots go to the README (WORKSHOP_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from . import wall_data
from .conftest import Axe, LiveServer
from .helpers import PHONE, PROJECTOR, SOON, Browsers, join, post, shoot

pytestmark = pytest.mark.browser

PACE = 3  # seconds per page (?pace=): a cycle through 200 ideas in well under a minute

_VISIBLE_CARDS = """() => {
    const inside = (r) => r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5
                          && r.right <= innerWidth + 0.5;
    const cards = [...document.querySelectorAll('.ws-wall-page [role=listitem]')];
    return {page: document.querySelector('.ws-wall-pace-text')?.textContent || null,
            texts: cards.filter((c) => inside(c.getBoundingClientRect()))
                        .map((c) => c.querySelector('.ws-idea-text').textContent),
            hidden: cards.filter((c) => !inside(c.getBoundingClientRect())).length,
            font: parseFloat(getComputedStyle(document.querySelector('.ws-wall-board')).fontSize),
            scrolls: document.documentElement.scrollHeight > innerHeight};
}"""

_CARD_BOXES = """() => Object.fromEntries([...document.querySelectorAll('.ws-wall-page [role=listitem]')].map((c) => {
    const r = c.getBoundingClientRect();
    return [c.querySelector('.ws-idea-text').textContent, [Math.round(r.left), Math.round(r.top)]];
}))"""


def _room(live_server: LiveServer, count: int, *, phase: str | None = None, voters: int = 0):
    links = live_server.new('cluster-workshop')
    wall_data.seed(live_server.db, links.moderators['W 1.1'], count, phase=phase, voters=voters)
    return links


def _read_cycle(wall, *, pages_at_most: int = 40) -> tuple[dict[str, set[str]], str]:
    """The cards fully on the screen, per page of the page-through, read until its cycle begins again."""
    from playwright.sync_api import expect

    expect(wall.locator('.ws-wall-pace-text')).to_have_text(re.compile(r'^Seite 1 von \d+$'), timeout=SOON)
    seen: dict[str, set[str]] = {}
    last = None
    deadline = time.monotonic() + pages_at_most * (PACE + 2)
    while time.monotonic() < deadline:
        now = wall.evaluate(_VISIBLE_CARDS)
        assert not now['scrolls'] and now['hidden'] == 0, now  # what the page shows is on the screen
        assert now['font'] >= 18, now  # never smaller than 18 px at 1080 px
        seen.setdefault(now['page'], set()).update(now['texts'])
        if last is not None and now['page'] != last and now['page'].startswith('Seite 1 '):
            return seen, last  # through: the first page again
        last = now['page']
        wall.wait_for_timeout(400)
    raise AssertionError(f'the page-through did not come round within {pages_at_most} pages: {sorted(seen)}')


@pytest.mark.timeout(300)
def test_a_wall_of_200_ideas_shows_every_one_in_a_steady_page_through(chromium, live_server: LiveServer,
                                                                        screenshots: Path, axe: Axe) -> None:
    from playwright.sync_api import expect

    links = _room(live_server, 200)
    texts = {text for text, _group in wall_data.ideas(200)}
    browsers = Browsers(chromium)
    try:
        wall = browsers.page(PROJECTOR)
        wall.goto(f'{links.walls["W 1.1"]}?pace={PACE}')
        expect(wall.get_by_text('200 Beiträge', exact=True)).to_be_visible()  # the true number
        expect(wall.get_by_role('heading', level=2, name='Förderung und Finanzierung').first).to_be_visible()
        seen, last = _read_cycle(wall)
        pages = int(last.rsplit(' ', 1)[1])
        assert last == f'Seite {pages} von {pages}' and len(seen) == pages >= 2, sorted(seen)
        shown = set().union(*seen.values())
        assert shown == texts, f'never on the screen: {sorted(texts - shown)[:5]}'
        assert not any(seen[a] & seen[b] for a in seen for b in seen if a < b), 'an idea on two pages of a cycle'
        found = axe.check(wall, 'wall: 200 ideas')
        assert not [v for v in found if v['impact'] in ('serious', 'critical')], axe.details({'wall': found})
        wall.wait_for_timeout(300)
        shoot(wall, screenshots / 'wall-200-desktop.png')

        # the moderator pins a cluster: it stays on every page while the others page through
        moderator = browsers.page({'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'})
        moderator.goto(links.moderators['W 1.1'])
        moderator.get_by_label('Cluster auf der Wand anheften').click()
        moderator.locator('.q-menu').get_by_role('option', name='Fachkräfte und Bildung').click()
        pinned = wall.locator('.ws-wall-page section').first.get_by_role('heading', level=2)
        expect(pinned).to_contain_text('Fachkräfte und Bildung', timeout=SOON)
        expect(pinned).to_contain_text('Von der Moderation angeheftet')
        for _ in range(2):  # the next pages too
            page = wall.locator('.ws-wall-pace-text').text_content()
            expect(wall.locator('.ws-wall-pace-text')).not_to_have_text(page, timeout=(PACE + 3) * 1000)
            expect(pinned).to_contain_text('Fachkräfte und Bildung')
    finally:
        browsers.close()


@pytest.mark.timeout(200)
def test_a_wall_of_30_ideas_fits_and_a_new_one_moves_nothing(chromium, live_server: LiveServer,
                                                              screenshots: Path, axe: Axe) -> None:
    from playwright.sync_api import expect

    links = _room(live_server, 30)
    browsers = Browsers(chromium)
    try:
        wall = browsers.page(PROJECTOR)
        wall.goto(links.walls['W 1.1'])
        expect(wall.get_by_text('30 Beiträge', exact=True)).to_be_visible()
        expect(wall.locator('.ws-wall-page [role=listitem]')).to_have_count(30, timeout=SOON)
        now = wall.evaluate(_VISIBLE_CARDS)
        assert now['page'] is None and len(now['texts']) == 30 and now['hidden'] == 0 and not now['scrolls'], now
        for title in wall_data.THEMES:  # a column per cluster, with its title as a heading
            expect(wall.get_by_role('heading', level=2, name=title).first).to_be_visible()
        found = axe.check(wall, 'wall: 30 ideas')
        assert not [v for v in found if v['impact'] in ('serious', 'critical')], axe.details({'wall': found})

        # a new idea: the other cards stay where they are; the new one is marked for a moment
        before = wall.evaluate(_CARD_BOXES)
        phone = browsers.page(PHONE)
        join(phone, links.participants, 'W 1.1')
        post(phone, 'Ein Kümmerer für das Netzwerk im Landratsamt')
        card = wall.get_by_role('listitem').filter(has_text='Ein Kümmerer für das Netzwerk im Landratsamt')
        expect(card).to_be_visible(timeout=SOON)
        expect(card.get_by_text('Neu', exact=True)).to_be_visible()
        wall.wait_for_timeout(500)  # the layout's debounce
        after = wall.evaluate(_CARD_BOXES)
        assert {text: after[text] for text in before} == before, 'a card moved when a new one came'
        shoot(wall, screenshots / 'wall-30-desktop.png')  # with the new one marked
    finally:
        browsers.close()


@pytest.mark.timeout(200)
def test_a_phone_in_the_discussion_sees_the_ideas_by_cluster(chromium, live_server: LiveServer,
                                                               screenshots: Path, axe: Axe) -> None:
    from playwright.sync_api import expect

    links = _room(live_server, 30, phase='discuss', voters=12)
    browsers = Browsers(chromium)
    try:
        phone = browsers.page(PHONE)
        join(phone, links.participants, 'W 1.1')
        expect(phone.get_by_role('heading', name='Ergebnis: Beiträge nach Punkten')).to_be_visible()
        sections = phone.get_by_role('heading', level=3)
        expect(sections).to_have_count(7)  # six clusters and the ideas in none, in the clusters' order
        assert [t.split('\n')[0].strip() for t in sections.all_inner_texts()] == [*wall_data.THEMES, 'Ohne Cluster']
        first = phone.get_by_role('button', name=re.compile('^Förderung und Finanzierung'))
        expect(first).to_have_attribute('aria-expanded', 'false')  # collapsed: an overview first
        expect(phone.get_by_text('Förderlotsen, die Programme von Land, Bund und EU übersetzen')).to_be_hidden()
        first.tap()
        expect(first).to_have_attribute('aria-expanded', 'true')
        ideas = phone.get_by_role('list', name='Beiträge: Förderung und Finanzierung').get_by_role('listitem')
        expect(ideas).to_have_count(5)
        dots = [int(d) for d in ideas.locator('.q-badge').all_inner_texts() if d.strip().isdigit()]
        assert dots == sorted(dots, reverse=True) and dots, dots  # ranked by dots
        found = axe.check(phone, 'room: discuss by cluster')
        assert not [v for v in found if v['impact'] in ('serious', 'critical')], axe.details({'phone': found})
        shoot(phone, screenshots / 'room-clusters-phone.png')
    finally:
        browsers.close()
