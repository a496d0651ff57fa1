"""End to end in a real browser: phones join a breakout, post, and see each other's ideas live.

Two phones in W 1.1 and one in W 1.2 (separate browser contexts, so separate cookies), the W 1.1 wall on a
projector-sized screen and the W 1.1 moderator on a laptop: every update must arrive within three seconds.
The whole workshop, accessibility and screenshots: test_full_workshop.py.

Run: .venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from .conftest import LiveWorkshop

pytestmark = pytest.mark.browser

LIVE = 3000  # ms: how fast an idea or a question change must reach the other screens
PAGE_LOAD = 30000  # ms: generous for the first page load of a cold server on a busy machine

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True,
         'device_scale_factor': 2, 'locale': 'de-DE'}
LAPTOP = {'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'}
PROJECTOR = {'viewport': {'width': 1920, 'height': 1080}, 'locale': 'de-DE'}

IDEA = 'Gemeinsame Plattform für Kooperationen'
LONG_IDEA = ('Regelmäßige Matchmaking-Formate zwischen Hochschulen, Forschungseinrichtungen und KMU – '
             'mit einer Ansprechperson pro Cluster, die Förderaufrufe übersetzt und Partner zusammenbringt.')
SECOND_QUESTION = 'Bestanden bereits vor der Gründung'


def _join(page, links: LiveWorkshop, label: str) -> None:
    """Open the join link on a phone and tap the breakout's button; wait for the room."""
    from playwright.sync_api import expect

    page.goto(links.participants)
    button = page.get_by_role('button', name=re.compile(re.escape(label)))
    expect(button).to_be_visible(timeout=PAGE_LOAD)
    button.tap()
    page.wait_for_url(re.compile(r'/j/[A-Z0-9]+/room$'), timeout=PAGE_LOAD)
    expect(page.get_by_role('heading', name=re.compile(re.escape(label)))).to_be_visible(timeout=PAGE_LOAD)
    expect(page.get_by_label('Ihre Idee')).to_be_visible(timeout=PAGE_LOAD)


def _idea(page, text: str):
    """The idea in the page's list of ideas (a phone also lists its own sent ideas elsewhere)."""
    return page.get_by_role('list', name='Beiträge').get_by_text(text, exact=True)


def _post(page, text: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_label('Ihre Idee')
    box.tap()
    box.fill(text)
    page.get_by_role('button', name='Senden').tap()
    expect(box).to_have_value('', timeout=LIVE)  # emptied once the server has stored it
    expect(_idea(page, text)).to_be_visible(timeout=LIVE)


def test_phones_post_and_see_ideas_live(chromium, live_workshop: LiveWorkshop) -> None:
    from playwright.sync_api import expect

    links = live_workshop
    contexts = []

    def context(**options):
        ctx = chromium.new_context(**options)
        ctx.set_default_timeout(PAGE_LOAD)
        contexts.append(ctx)
        return ctx.new_page()

    try:
        phone_a, phone_b, phone_c = context(**PHONE), context(**PHONE), context(**PHONE)
        wall = context(**PROJECTOR)
        moderator = context(**LAPTOP)
        lead = context(**LAPTOP)

        # The projector and the moderator are already up when people post: ideas must arrive live.
        wall.goto(links.walls['W 1.1'])
        expect(wall.get_by_role('heading', name=re.compile('W 1.1'))).to_be_visible()
        moderator.goto(links.moderators['W 1.1'])
        expect(moderator.get_by_role('button', name='Nächste Frage')).to_be_visible()

        _join(phone_a, links, 'W 1.1')
        _join(phone_b, links, 'W 1.1')
        _join(phone_c, links, 'W 1.2')
        expect(phone_c.get_by_role('heading', name=re.compile('W 1.2'))).to_be_visible()

        # Phone A posts; phone B and the W 1.1 wall show it within 3 s.
        _post(phone_a, IDEA)
        expect(_idea(phone_b, IDEA)).to_be_visible(timeout=LIVE)
        expect(_idea(wall, IDEA)).to_be_visible(timeout=LIVE)
        expect(_idea(phone_a, IDEA)).to_be_visible(timeout=LIVE)
        expect(_idea(moderator, IDEA)).to_be_visible(timeout=LIVE)

        # A second, longer idea from phone B.
        _post(phone_b, LONG_IDEA)
        expect(_idea(phone_a, LONG_IDEA)).to_be_visible(timeout=LIVE)
        expect(_idea(wall, LONG_IDEA)).to_be_visible(timeout=LIVE)

        # ... and nothing of it in W 1.2 (the events had ample time to arrive by now).
        phone_c.wait_for_timeout(500)  # on purpose: time in which the ideas must not arrive
        expect(phone_c.get_by_text(IDEA)).to_have_count(0)
        expect(phone_c.get_by_text(LONG_IDEA)).to_have_count(0)
        expect(phone_c.get_by_text('Noch keine Beiträge')).to_be_visible()

        # The moderator moves on: both W 1.1 phones show the second question within 3 s.
        moderator.get_by_role('button', name='Nächste Frage').click()
        for phone in (phone_a, phone_b):
            expect(phone.get_by_text(re.compile(re.escape(SECOND_QUESTION)))).to_be_visible(timeout=LIVE)
        expect(wall.get_by_text(re.compile(re.escape(SECOND_QUESTION)))).to_be_visible(timeout=LIVE)
        expect(phone_c.get_by_text(re.compile(re.escape(SECOND_QUESTION)))).to_have_count(0)

        lead.goto(links.lead)
        expect(lead.get_by_role('heading', level=1)).to_be_visible()
        expect(lead.get_by_text(re.compile(re.escape(SECOND_QUESTION))).first).to_be_visible()
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_secret_link_from_another_site_opens_the_page_without_the_secret_in_the_address(
        chromium, live_workshop: LiveWorkshop) -> None:
    """The moderator's link, clicked in a mail or a chat on another site, is exchanged for a cookie: the address
    bar (and so the history) ends without the secret, the page works, a reload too; another browser gets nothing."""
    from playwright.sync_api import expect

    links = live_workshop
    link = links.moderators['W 1.1']
    secret = link.rsplit('/', 1)[1]
    ctx, stranger = chromium.new_context(**LAPTOP), chromium.new_context(**LAPTOP)
    try:
        ctx.set_default_timeout(PAGE_LOAD)
        page = ctx.new_page()
        page.set_content(f'<p>Ihr Moderationslink: <a href="{link}">öffnen</a></p>')  # another site: cross-site
        page.get_by_role('link', name='öffnen').click()
        expect(page.get_by_role('button', name='Nächste Frage')).to_be_visible()
        assert secret not in page.url and re.search(rf'/m/~/{links.join_code}/\d+$', page.url), page.url
        (cookie,) = [c for c in ctx.cookies() if c['name'].startswith('ws_')]
        assert cookie['httpOnly'] and cookie['sameSite'] == 'Lax' and cookie['path'] == urlsplit(page.url).path
        page.reload()
        expect(page.get_by_role('button', name='Nächste Frage')).to_be_visible()
        # "Copy my link" shows the link itself, to bookmark or pass on
        page.get_by_role('button', name='Meinen Link kopieren').click()
        expect(page.get_by_label('Link', exact=True)).to_have_value(link)
        # the address alone opens nothing
        other = stranger.new_page()
        other.goto(page.url)
        expect(other.get_by_text('Moderationslink ist nicht (mehr) gültig')).to_be_visible(timeout=PAGE_LOAD)
    finally:
        ctx.close()
        stranger.close()
