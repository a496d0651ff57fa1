"""Fixtures for real-browser tests: a live ``workshop serve`` subprocess and Debian's Chromium via Playwright.

Browser downloads are impossible here, so Playwright always launches ``/usr/bin/chromium``.
Without it (or without the ``playwright`` package) every browser test is skipped with a reason.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .. import servers

CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / 'artifacts'
SCREENSHOTS = ARTIFACTS / 'screenshots'
AXE = REPO / 'node_modules' / 'axe-core' / 'axe.min.js'

LiveWorkshop = servers.NewWorkshop  # the links of a workshop on the running server


@contextmanager
def serve(db: Path, base_url: str, env: dict[str, str]) -> Iterator[servers.AppProcess]:
    """``workshop serve`` on ``base_url``'s port until the block ends; its output goes to serve.log beside ``db``."""
    with servers.app_process(['serve', '--db', str(db), '--public-url', base_url], env=env, log=db.parent / 'serve.log',
                             port=int(base_url.rsplit(':', 1)[1])) as app:
        yield app


@pytest.fixture(scope='module')
def live_workshop() -> Iterator[LiveWorkshop]:
    """``workshop new cluster-workshop`` in a fresh SQLite file, then ``workshop serve`` on a free port."""
    tmp = Path(tempfile.mkdtemp(prefix='workshop-e2e-'))
    base_url = f'http://127.0.0.1:{servers.free_port()}'
    db = tmp / 'e2e.sqlite3'
    env = servers.child_env(tmp)
    links = servers.new_workshop('cluster-workshop', db=db, public_url=base_url, env=env)
    try:
        with serve(db, base_url, env):
            yield links
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class LiveServer:
    """A running server with an empty database; workshops are created on its admin page."""

    base_url: str
    admin: str  # the /admin/SECRET link (WORKSHOP_ADMIN_SECRET)
    db: Path
    env: dict[str, str]

    def new(self, template: str) -> LiveWorkshop:
        """A workshop made by ``workshop new TEMPLATE`` next to the running server."""
        return servers.new_workshop(template, db=self.db, public_url=self.base_url, env=self.env)


@pytest.fixture(scope='module')
def live_server() -> Iterator[LiveServer]:
    """``workshop serve`` on a fresh SQLite file and a free port, its admin secret set by WORKSHOP_ADMIN_SECRET."""
    tmp = Path(tempfile.mkdtemp(prefix='workshop-e2e-'))
    base_url = f'http://127.0.0.1:{servers.free_port()}'
    env = servers.child_env(tmp)
    env['WORKSHOP_ADMIN_SECRET'] = admin_secret = secrets.token_urlsafe(16)
    db = tmp / 'e2e.sqlite3'
    try:
        with serve(db, base_url, env):
            yield LiveServer(base_url=base_url, admin=f'{base_url}/admin/{admin_secret}', db=db, env=env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope='module')
def chromium():  # a playwright Browser
    """Debian's Chromium, driven by Playwright's sync API; skips when either is missing.

    Module scope on purpose: the sync API keeps its own event loop alive in this thread, which would break
    the asyncio tests that run after this module if it lived for the whole session.
    """
    if not CHROMIUM.exists():
        pytest.skip(f'Chromium not installed at {CHROMIUM}: apt-get install chromium')
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip('Playwright not importable: pip install -e ".[test]" (uses Debian\'s chromium, no download)')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope='module')
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# --- accessibility: axe-core (npm) injected into the page ------------------------------------------------

AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
BLOCKING = ('serious', 'critical')

_AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                              summary: (n.failureSummary || '').slice(0, 300)})),
        count: v.nodes.length}));
}"""


# short ones only: a spinner runs for ever, and a wall's page-through bar restarts with every page
_ANIMATIONS_DONE = """() => document.getAnimations().every(a => a.playState !== 'running'
    || a.effect?.getTiming().iterations === Infinity || Number(a.effect?.getTiming().duration) > 1000)"""


class Axe:
    """Runs axe-core on a page and keeps every result, so that one run reports all pages at once."""

    def __init__(self) -> None:
        self.results: dict[str, list[dict]] = {}

    def check(self, page, name: str) -> list[dict]:  # a playwright Page
        """All WCAG 2.1 A/AA violations on ``page`` now, remembered under ``name``."""
        if not page.evaluate('() => typeof window.axe !== "undefined"'):
            page.add_script_tag(path=str(AXE))
        # a toast fading in has the colours of neither its start nor its end: measure what stays on the screen
        page.wait_for_function(_ANIMATIONS_DONE)
        violations = page.evaluate(_AXE_RUN, AXE_TAGS)
        self.results.setdefault(name, []).extend(violations)
        return violations

    def blocking(self) -> dict[str, list[dict]]:
        return {name: [v for v in found if v['impact'] in BLOCKING]
                for name, found in self.results.items() if any(v['impact'] in BLOCKING for v in found)}

    def report(self) -> str:
        lines = []
        for name, found in self.results.items():
            lines.append(f'{name}: ' + (', '.join(f"{v['id']} ({v['impact']}, {v['count']}x)" for v in found)
                                        or 'no violations'))
        return '\n'.join(lines)

    def details(self, found: dict[str, list[dict]]) -> str:
        return json.dumps(found, indent=1, ensure_ascii=False)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.results, indent=1, ensure_ascii=False), encoding='utf-8')


@pytest.fixture(scope='module')
def axe() -> Axe:
    """axe-core from node_modules (``npm ci`` at the repository root); skips without it."""
    if not AXE.is_file():
        pytest.skip(f'axe-core not installed at {AXE.relative_to(REPO)}: run "npm ci" in the repository root')
    return Axe()
