"""Fixtures for real-browser tests: a live ``workshop serve`` subprocess and Debian's Chromium via Playwright.

Browser downloads are impossible here, so Playwright always launches ``/usr/bin/chromium``.
Without it (or without the ``playwright`` package) every browser test is skipped with a reason.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / 'artifacts'
SCREENSHOTS = ARTIFACTS / 'screenshots'
AXE = REPO / 'node_modules' / 'axe-core' / 'axe.min.js'
STARTUP_TIMEOUT = 90.0  # a busy CI machine: migrations, imports, first page


@dataclass
class LiveWorkshop:
    """A running server and the links ``workshop new`` printed for its workshop."""

    base_url: str
    join_code: str
    participants: str
    lead: str
    moderators: dict[str, str] = field(default_factory=dict)  # breakout label -> /m/SECRET link
    walls: dict[str, str] = field(default_factory=dict)  # breakout label -> /wall/CODE/ID link
    output: str = ''


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def child_env(data_dir: Path) -> dict[str, str]:
    """This environment without pytest's variables (NiceGUI would otherwise think it runs under test)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_')}
    env['WORKSHOP_DATA_DIR'] = str(data_dir)
    env['PYTHONUNBUFFERED'] = '1'
    env.pop('WORKSHOP_TEST_DATABASE_URL', None)
    return env


_BREAKOUT_LINE = re.compile(r'^\s+(W \d+\.\d+)\s+(http\S+)')


def parse_links(output: str, base_url: str) -> LiveWorkshop:
    def field_(name: str) -> str:
        match = re.search(rf'^\s*{name}:\s+(\S+)\s*$', output, re.MULTILINE)
        if not match:
            raise AssertionError(f'no "{name}:" line in the output of "workshop new":\n{output}')
        return match.group(1)

    links = LiveWorkshop(base_url=base_url, join_code=field_('Join code'), participants=field_('Participants'),
                         lead=field_('Lead moderator'), output=output)
    for line in output.splitlines():
        match = _BREAKOUT_LINE.match(line)
        if not match:
            continue
        label, url = match.groups()
        if '/m/' in url:
            links.moderators[label] = url
        elif '/wall/' in url:
            links.walls[label] = url
    if not links.moderators or not links.walls:
        raise AssertionError(f'no breakout links in the output of "workshop new":\n{output}')
    return links


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'workshop serve exited with {process.returncode}:\n{log.read_text(errors="replace")}')
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f'workshop serve did not answer on {url} within {STARTUP_TIMEOUT:.0f} s:\n'
                       f'{log.read_text(errors="replace")}')


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def serve(db: Path, base_url: str, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """``workshop serve`` on ``base_url``'s port until the block ends; its output goes to serve.log beside ``db``."""
    port = base_url.rsplit(':', 1)[1]
    log = db.parent / 'serve.log'
    with log.open('wb') as log_file:
        process = subprocess.Popen(
            [sys.executable, '-m', 'workshop', 'serve', '--db', str(db), '--host', '127.0.0.1', '--port', port,
             '--public-url', base_url],
            cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(f'{base_url}/', process, log)
        yield process
    finally:
        _stop(process)


def new_workshop(template: str, db: Path, base_url: str, env: dict[str, str]) -> LiveWorkshop:
    """``workshop new TEMPLATE`` on ``db`` (also while a server runs on it); the links it printed."""
    created = subprocess.run(
        [sys.executable, '-m', 'workshop', 'new', template, '--db', str(db), '--public-url', base_url],
        cwd=REPO, env=env, capture_output=True, text=True, encoding='utf-8', timeout=60, check=False)
    if created.returncode != 0:
        raise RuntimeError(f'workshop new failed ({created.returncode}):\n{created.stdout}\n{created.stderr}')
    return parse_links(created.stdout, base_url)


@pytest.fixture(scope='module')
def live_workshop() -> Iterator[LiveWorkshop]:
    """``workshop new cluster-workshop`` in a fresh SQLite file, then ``workshop serve`` on a free port."""
    tmp = Path(tempfile.mkdtemp(prefix='workshop-e2e-'))
    base_url = f'http://127.0.0.1:{free_port()}'
    db = tmp / 'e2e.sqlite3'
    env = child_env(tmp)
    links = new_workshop('cluster-workshop', db, base_url, env)
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
        return new_workshop(template, self.db, self.base_url, self.env)


@pytest.fixture(scope='module')
def live_server() -> Iterator[LiveServer]:
    """``workshop serve`` on a fresh SQLite file and a free port, its admin secret set by WORKSHOP_ADMIN_SECRET."""
    tmp = Path(tempfile.mkdtemp(prefix='workshop-e2e-'))
    base_url = f'http://127.0.0.1:{free_port()}'
    env = child_env(tmp)
    env['WORKSHOP_ADMIN_SECRET'] = admin_secret = secrets.token_urlsafe(16)
    db = tmp / 'e2e.sqlite3'
    try:
        with serve(db, base_url, env):
            yield LiveServer(base_url=base_url, admin=f'{base_url}/admin/{admin_secret}', db=db, env=env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope='module')
def chromium():  # noqa: ANN201 - a playwright Browser
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


class Axe:
    """Runs axe-core on a page and keeps every result, so that one run reports all pages at once."""

    def __init__(self) -> None:
        self.results: dict[str, list[dict]] = {}

    def check(self, page, name: str) -> list[dict]:  # noqa: ANN001 - a playwright Page
        """All WCAG 2.1 A/AA violations on ``page`` now, remembered under ``name``."""
        if not page.evaluate('() => typeof window.axe !== "undefined"'):
            page.add_script_tag(path=str(AXE))
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
