"""What the browser tests do again and again: open browsers of a kind, join, post, vote, take screenshots.

Selectors go by what a person sees or a screen reader announces (role, accessible name, visible text),
not by the DOM structure, so that the pages can change inside without breaking the tests.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from .conftest import REPO

LIVE = 3000  # ms: how fast an idea or a question change must reach the other screens
SOON = 20000  # ms: patience for changes in the long scenarios, so that a busy CI machine does not fail them
PAGE_LOAD = 30000  # ms: generous for the first page load of a cold server on a busy machine

PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True,
         'device_scale_factor': 2, 'locale': 'de-DE'}
LAPTOP = {'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'}
PROJECTOR = {'viewport': {'width': 1920, 'height': 1080}, 'locale': 'de-DE'}

DOCS_SCREENSHOTS = REPO / 'docs' / 'screenshots'
# WORKSHOP_UPDATE_SCREENSHOTS=1 also copies the screenshots into docs/screenshots (the README's gallery)
UPDATE_DOCS = os.environ.get('WORKSHOP_UPDATE_SCREENSHOTS') == '1'


class Browsers:
    """Browser contexts (separate cookies: separate people) that are all closed at the end."""

    def __init__(self, chromium) -> None:  # a playwright Browser
        self.chromium = chromium
        self.contexts = []

    def page(self, kind: dict, **options):  # a playwright Page
        context = self.chromium.new_context(**{**kind, **options})
        context.set_default_timeout(PAGE_LOAD)
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def shoot(page, path: Path) -> None:
    """A full-page screenshot once images are loaded and Quasar's fade-in of them is over.

    Lands in artifacts/screenshots/ (git-ignored); with WORKSHOP_UPDATE_SCREENSHOTS=1 also in docs/screenshots/.
    """
    page.wait_for_function('Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)')
    page.wait_for_timeout(400)  # Quasar's fade-in of the images sends no event to wait for
    page.screenshot(path=str(path), full_page=True)
    if UPDATE_DOCS:
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)


def join(page, join_link: str, room: str, *, name: str | None = None, organisation: str | None = None) -> None:
    """Open the join link on a phone, optionally give name and organisation, tap the room; wait for the room."""
    from playwright.sync_api import expect

    page.goto(join_link)
    button = page.get_by_role('button', name=re.compile(re.escape(room) + ' ·'))
    expect(button).to_be_visible()
    if name or organisation:
        page.get_by_text('Name und Organisation angeben (freiwillig)').tap()
        if name:
            page.get_by_label('Name', exact=True).fill(name)
        if organisation:
            page.get_by_label('Organisation', exact=True).fill(organisation)
    button.tap()
    wait_for_room(page, room)


def wait_for_room(page, room: str) -> None:
    from playwright.sync_api import expect

    page.wait_for_url(re.compile(r'/j/[A-Z0-9]+/room$'))
    expect(page.get_by_role('heading', level=1, name=re.compile(re.escape(room) + ' ·'))).to_be_visible()


def post(page, text: str) -> None:
    """Type an idea on a phone and send it; wait for the emptied box and the idea in the phone's own list."""
    from playwright.sync_api import expect

    box = page.get_by_label('Ihre Idee')
    box.tap()
    box.fill(text)
    page.get_by_role('button', name='Senden').tap()
    expect(box).to_have_value('', timeout=SOON)  # emptied once the server has stored it
    expect(idea(page, text)).to_be_visible(timeout=SOON)


def idea(page, text: str):  # a playwright Locator
    """An idea in the page's list of ideas (not the same text elsewhere, e.g. in the phone's outbox)."""
    return page.get_by_role('list', name='Beiträge').get_by_text(text, exact=True)


def idea_card(page, text: str):  # a playwright Locator
    """The smallest part of the page that holds the idea's text and its dot buttons."""
    return idea(page, text).locator('xpath=ancestor::*[.//button[@aria-label="Punkt vergeben"]][1]')


def give_dot(page, text: str, *, left: int, budget: int = 3) -> None:
    """Tap "give a dot" on the idea; wait until the phone says how many dots are left."""
    from playwright.sync_api import expect

    idea_card(page, text).get_by_role('button', name='Punkt vergeben').tap()
    expect(page.get_by_text(f'Sie haben noch {left} von {budget} Punkten.')).to_be_visible(timeout=SOON)


def set_phase(moderator, phase: str) -> None:
    """The moderator picks a phase ("Ideen sammeln", "Punktabfrage", "Diskussion", "Abgeschlossen")."""
    from playwright.sync_api import expect

    button = moderator.get_by_role('button', name=phase, exact=True)
    button.click()
    expect(button).to_have_attribute('aria-pressed', 'true')


def pdf_text(content: bytes) -> str:
    """The text of a PDF (pypdf), for checking what a downloaded protocol says."""
    import io

    from pypdf import PdfReader
    assert content.startswith(b'%PDF'), content[:40]
    return '\n'.join(page.extract_text() or '' for page in PdfReader(io.BytesIO(content)).pages)


def squash(text: str) -> str:
    """Text without line breaks and hyphenation at line ends, for searching in a PDF's text."""
    return re.sub(r'\s+', ' ', re.sub(r'-\n(?=[a-zäöüß])', '', text))


def end_timer_soon(live_server, label: str, seconds: float) -> None:
    """The room's timer ends in ``seconds`` in the database (as if its minutes had nearly passed): the server's
    closer finds it at its next look (at most every 10 s)."""
    import datetime as dt
    import sqlite3
    ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).strftime('%Y-%m-%d %H:%M:%S.%f')
    with sqlite3.connect(live_server.db) as connection:
        assert connection.execute('UPDATE breakout SET timer_ends_at = ? WHERE label = ? AND timer_closes',
                                  (ends, label)).rowcount == 1
