"""Fixtures for real-browser tests: a live ``workshop serve`` subprocess and Debian's Chromium via Playwright.

Browser downloads are impossible here, so Playwright always launches ``/usr/bin/chromium``.
Without it (or without the ``playwright`` package) every browser test is skipped with a reason.
"""

from __future__ import annotations

import os
import re
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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path('/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / 'artifacts' / 'screenshots'
STARTUP_TIMEOUT = 30.0


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


@pytest.fixture(scope='module')
def live_workshop() -> Iterator[LiveWorkshop]:
    """``workshop new cluster-workshop`` in a fresh SQLite file, then ``workshop serve`` on a free port."""
    tmp = Path(tempfile.mkdtemp(prefix='workshop-e2e-'))
    port = free_port()
    base_url = f'http://127.0.0.1:{port}'
    db = tmp / 'e2e.sqlite3'
    env = child_env(tmp)
    created = subprocess.run(
        [sys.executable, '-m', 'workshop', 'new', 'cluster-workshop', '--db', str(db), '--public-url', base_url],
        cwd=REPO, env=env, capture_output=True, text=True, encoding='utf-8', timeout=60, check=False)
    if created.returncode != 0:
        raise RuntimeError(f'workshop new failed ({created.returncode}):\n{created.stdout}\n{created.stderr}')
    links = parse_links(created.stdout, base_url)

    log = tmp / 'serve.log'
    with log.open('wb') as log_file:
        process = subprocess.Popen(
            [sys.executable, '-m', 'workshop', 'serve', '--db', str(db), '--host', '127.0.0.1', '--port', str(port),
             '--public-url', base_url],
            cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(f'{base_url}/', process, log)
        yield links
    finally:
        _stop(process)
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
