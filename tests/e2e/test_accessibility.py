"""Accessibility and languages in a real browser: keyboard only, visible focus, page language, the phone's
language switch, live regions that speak politely and sparingly.

axe-core's checks of every page kind run in test_full_workshop.py, along the real course of a workshop.
"""

from __future__ import annotations

import re
import time

import pytest

from .conftest import LiveServer, LiveWorkshop
from .helpers import LAPTOP, PHONE, PROJECTOR, SOON, Browsers, idea, join, pdf_text, post, squash

pytestmark = pytest.mark.browser

ANNOUNCE_INTERVAL = 8  # s: at most one announcement of new ideas per interval (ANNOUNCE_MS in board_channel.js)


@pytest.fixture(scope='module')
def german(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


@pytest.fixture(scope='module')
def english(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('stakeholder-workshop-en')


def _tab_to(page, target, *, limit: int = 40) -> None:
    """Press Tab until ``target`` (a locator) has the focus."""
    for _ in range(limit):
        page.keyboard.press('Tab')
        if target.evaluate('e => e === document.activeElement || e.contains(document.activeElement)'):
            return
    raise AssertionError(f'{target} not reached with {limit} presses of Tab')


def _focus_indicator(page) -> dict:
    """How the focused element shows its focus: outline and box-shadow (computed)."""
    return page.evaluate('''() => {
        const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0,
                colour: s.outlineColor, shadow: s.boxShadow, visible: e.matches(':focus-visible')};
    }''')


def _assert_focus_visible(page) -> None:
    style = _focus_indicator(page)
    assert style['visible'], f'focus is not :focus-visible after keyboard use: {style}'
    assert (style['outline'] != 'none' and style['width'] >= 2) or style['shadow'] != 'none', \
        f'no visible focus indicator: {style}'


def test_participant_by_keyboard_only(chromium, german: LiveWorkshop) -> None:
    """Join a room, write and send an idea, give a dot — with Tab, typing, Enter and Space only."""
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        page = browsers.page(LAPTOP)
        page.goto(german.participants)
        room = page.get_by_role('button', name=re.compile('^W 1.3 ·'))
        expect(room).to_be_visible()
        _tab_to(page, room)
        _assert_focus_visible(page)
        page.keyboard.press('Enter')
        page.wait_for_url(re.compile(r'/room$'))

        box = page.get_by_label('Ihre Idee')
        expect(box).to_be_visible()
        _tab_to(page, box)
        page.keyboard.type('Per Tastatur: Förderlotsen für kleine Unternehmen')
        send = page.get_by_role('button', name='Senden')
        _tab_to(page, send, limit=3)
        _assert_focus_visible(page)
        page.keyboard.press('Enter')
        expect(box).to_have_value('', timeout=SOON)
        expect(page.get_by_role('list', name='Beiträge')
               .get_by_text('Per Tastatur: Förderlotsen für kleine Unternehmen', exact=True)) \
            .to_be_visible(timeout=SOON)
    finally:
        browsers.close()


def test_moderator_by_keyboard_only(chromium, german: LiveWorkshop) -> None:
    """Phase and question changes with the keyboard reach a phone in the room."""
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        phone = browsers.page(PHONE)
        join(phone, german.participants, 'W 1.2')
        moderator = browsers.page(LAPTOP)
        moderator.goto(german.moderators['W 1.2'])

        vote = moderator.get_by_role('button', name='Punktabfrage', exact=True)
        expect(vote).to_be_visible()
        _tab_to(moderator, vote)
        _assert_focus_visible(moderator)
        moderator.keyboard.press('Enter')
        expect(vote).to_have_attribute('aria-pressed', 'true')
        expect(phone.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)

        collect = moderator.get_by_role('button', name='Ideen sammeln', exact=True)
        moderator.keyboard.press('Shift+Tab')  # back to the previous option of the toggle
        expect(collect).to_be_focused()
        moderator.keyboard.press('Space')
        expect(collect).to_have_attribute('aria-pressed', 'true')
        expect(phone.get_by_label('Ihre Idee')).to_be_visible(timeout=SOON)

        next_question = moderator.get_by_role('button', name='Nächste Frage')
        _tab_to(moderator, next_question, limit=60)  # once round the page: the board and its tools come first
        _assert_focus_visible(moderator)
        moderator.keyboard.press('Enter')
        expect(phone.get_by_text(re.compile('Beitrag von Clusterstrategien'))).to_be_visible(timeout=SOON)
    finally:
        browsers.close()


def test_page_language_follows_the_workshop(chromium, german: LiveWorkshop, english: LiveWorkshop) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        page = browsers.page(LAPTOP)
        for links, lang, heading in ((german, 'de', 'Steuerung des Workshops'),
                                     (english, 'en-GB', 'Workshop controls')):
            page.goto(links.lead)
            expect(page.get_by_role('heading', name=heading)).to_be_visible()
            assert page.evaluate('document.documentElement.lang') == lang
            assert page.evaluate('Quasar.lang.props.isoName') == lang  # Quasar's own texts (e.g. "no options")
        wall = browsers.page(PROJECTOR)
        wall.goto(english.walls['W 1.1'])
        expect(wall.get_by_text('Join code', exact=True)).to_be_visible()
        assert wall.evaluate('document.documentElement.lang') == 'en-GB'
        # the protocol speaks the workshop's language, too
        for links, chapters, other in ((english, ['1 Agenda', 'Key results of the workshops'], 'Ablauf'),
                                       (german, ['1 Ablauf', 'Kernergebnisse der einzelnen Workshops'], 'Agenda')):
            response = page.request.get(links.lead + '/protocol/download/pdf')
            assert response.ok, response.status
            text = squash(pdf_text(response.body()))
            assert all(c in text for c in chapters) and other not in text, text[:600]
    finally:
        browsers.close()


def test_a_phone_switches_its_own_language(chromium, german: LiveWorkshop) -> None:
    """EN on one phone: its join and room pages in English; another phone and the wall stay German."""
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        phone, other = browsers.page(PHONE), browsers.page(PHONE)
        phone.goto(german.participants)
        expect(phone.get_by_role('heading', name='Wählen Sie Ihren Workshop-Raum')).to_be_visible()
        assert phone.evaluate('document.documentElement.lang') == 'de'
        switch = phone.get_by_role('group', name='Sprache')
        switch.get_by_role('button', name='English').tap()
        expect(phone.get_by_role('heading', name='Choose your breakout room')).to_be_visible()
        assert phone.evaluate('document.documentElement.lang') == 'en-GB'
        expect(phone.get_by_role('group', name='Language').get_by_role('button', name='English')) \
            .to_have_attribute('aria-pressed', 'true')

        phone.get_by_role('button', name=re.compile('^W 1.1 ·')).tap()
        phone.wait_for_url(re.compile(r'/room$'))
        expect(phone.get_by_label('Your idea')).to_be_visible()
        assert phone.evaluate('document.documentElement.lang') == 'en-GB'

        join(other, german.participants, 'W 1.1')  # a German phone in the same room
        post(other, 'Eine Idee auf Deutsch')
        expect(phone.get_by_role('list', name='Ideas').get_by_text('Eine Idee auf Deutsch', exact=True)) \
            .to_be_visible(timeout=SOON)
        wall = browsers.page(PROJECTOR)
        wall.goto(german.walls['W 1.1'])
        expect(wall.get_by_text('Teilnahmecode', exact=True)).to_be_visible()
        assert wall.evaluate('document.documentElement.lang') == 'de'

        phone.get_by_role('group', name='Language').get_by_role('button', name='Deutsch').tap()
        expect(phone.get_by_label('Ihre Idee')).to_be_visible()
        assert phone.evaluate('document.documentElement.lang') == 'de'
    finally:
        browsers.close()


_RECORD_ANNOUNCEMENTS = '''() => {
    window.__announced = [];
    const live = '[aria-live="polite"], [aria-live="assertive"], [role="status"], [role="alert"], [role="log"]';
    new MutationObserver(records => {
        for (const r of records) {
            const node = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
            const region = node && node.closest(live);
            if (!region || region.closest('[aria-hidden="true"]')
                || region.getAttribute('aria-live') === 'off') continue;
            const politeness = region.getAttribute('aria-live') ||
                (region.getAttribute('role') === 'alert' ? 'assertive' : 'polite');
            window.__announced.push({politeness, text: region.textContent.trim().slice(0, 80)});
        }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}'''


def test_live_updates_are_announced_politely_and_sparingly(chromium, german: LiveWorkshop) -> None:
    """Ten ideas from others arrive within seconds: a screen reader on this phone hears a few polite
    summaries, not ten interruptions, and nothing assertive."""
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        listener, writers = browsers.page(PHONE), [browsers.page(PHONE), browsers.page(PHONE)]
        join(listener, german.participants, 'W 1.3')
        for writer in writers:
            join(writer, german.participants, 'W 1.3')
        listener.evaluate(_RECORD_ANNOUNCEMENTS)
        ideas = [f'Idee Nummer {n} für die Ansage' for n in range(1, 11)]
        started = time.monotonic()
        for n, text in enumerate(ideas):  # two writers: one phone may post 5 ideas within 10 s (post_limits.py)
            post(writers[n % 2], text)
        expect(idea(listener, ideas[-1])).to_be_visible(timeout=SOON)
        # on purpose: the announcements' own interval passes, so that the last batch of news is in
        listener.wait_for_timeout(ANNOUNCE_INTERVAL * 1000 + 500)
        seconds = time.monotonic() - started
        announced = listener.evaluate('window.__announced')
        assertive = [a for a in announced if a['politeness'] == 'assertive']
        assert not assertive, f'assertive announcements for others\' ideas: {assertive}'
        texts = [a['text'] for a in announced]
        distinct = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]  # one change, one announcement
        assert distinct, 'the new ideas were not announced at all'
        allowed = min(len(ideas) - 1, 1 + int(seconds / ANNOUNCE_INTERVAL))
        assert len(distinct) <= allowed, f'{len(distinct)} announcements in {seconds:.0f} s for 10 ideas: {distinct}'
    finally:
        browsers.close()
