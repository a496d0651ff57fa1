"""Two app instances sharing PostgreSQL and Redis, as in production: ``workshop serve`` subprocesses on two
loopback ports (optionally behind the example nginx), driven by Debian's Chromium through Playwright.

Needs PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379), Chromium and Playwright; each missing piece
skips the tests with the reason (a failure under WORKSHOP_FORBID_SKIPS=1, as on CI).
"""

from __future__ import annotations

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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .. import servers
from ..e2e.conftest import chromium  # noqa: F401  # the same Debian Chromium fixture as the browser tests

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60.0
REDIS_DB = 11


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@dataclass
class Instance:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors='replace')


@dataclass
class Cluster:
    """Two instances, their shared database and broker, and the links of one workshop."""

    a: Instance
    b: Instance
    database_url: str
    redis_url: str
    prefix: str
    env: dict[str, str]
    b_redis_user: str = ''  # instance B reaches Redis as this ACL user: switching it off cuts B alone
    join_code: str = ''
    lead: str = ''  # paths, to be put after an instance's URL
    moderators: dict[str, str] = field(default_factory=dict)
    walls: dict[str, str] = field(default_factory=dict)


def child_env(data_dir: Path) -> dict[str, str]:
    """This environment without pytest's variables (NiceGUI would otherwise think it runs under test)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_')}
    env.pop('WORKSHOP_TEST_DATABASE_URL', None)
    env.update(WORKSHOP_DATA_DIR=str(data_dir), PYTHONUNBUFFERED='1')
    return env


def _wait_until_up(instance: Instance) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f'{instance.name} exited with {instance.process.returncode}:\n{instance.output()}')
        try:
            with urllib.request.urlopen(f'{instance.url}/', timeout=2) as response:
                if response.status < 500 and 'subscribed to Redis' in instance.output():
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500 and 'subscribed to Redis' in instance.output():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f'{instance.name} not up within {STARTUP_TIMEOUT:.0f} s:\n{instance.output()}')


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def start_instance(name: str, port: int, env: dict[str, str], public_url: str, tmp: Path,
                   **extra_env: str) -> Instance:
    log = tmp / f'{name}.log'
    data = tmp / name
    data.mkdir(exist_ok=True)
    with log.open('wb') as log_file:
        process = subprocess.Popen(
            [sys.executable, '-m', 'workshop', 'serve', '--host', '127.0.0.1', '--port', str(port),
             '--public-url', public_url],
            cwd=REPO, env={**env, 'WORKSHOP_DATA_DIR': str(data), **extra_env}, stdout=log_file,
            stderr=subprocess.STDOUT)
    return Instance(name=name, url=f'http://127.0.0.1:{port}', process=process, log=log)


def _path(url: str) -> str:
    return '/' + url.split('://', 1)[1].split('/', 1)[1]


@pytest.fixture(scope='package')
def instances() -> Iterator[Cluster]:
    """``workshop new`` in a fresh PostgreSQL database, then two ``workshop serve`` sharing it and Redis."""
    pg = servers.postgres_server()
    redis_url = servers.redis_url(REDIS_DB)
    tmp = Path(tempfile.mkdtemp(prefix='workshop-multi-'))
    database_url = pg.create_database('test_multi')
    prefix = f'test-multi-{secrets.token_hex(4)}:'
    env = child_env(tmp)
    env.update(WORKSHOP_DATABASE_URL=database_url, WORKSHOP_BROKER_URL=redis_url, WORKSHOP_BROKER_PREFIX=prefix,
               WORKSHOP_STORAGE_SECRET=secrets.token_urlsafe(24), WORKSHOP_ADMIN_SECRET=secrets.token_urlsafe(12))
    port_a, port_b = free_port(), free_port()
    public = f'http://127.0.0.1:{port_a}'
    created = subprocess.run([sys.executable, '-m', 'workshop', 'new', 'cluster-workshop', '--public-url', public],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    if created.returncode != 0:
        pg.drop_database(database_url)
        raise RuntimeError(f'workshop new failed:\n{created.stdout}\n{created.stderr}')
    user, password = f'workshop-test-{secrets.token_hex(4)}', secrets.token_hex(16)
    redis_acl('SETUSER', user, 'on', f'>{password}', '~*', '&*', '+@all')
    b_url = redis_url.replace('redis://', f'redis://{user}:{password}@', 1)
    a = start_instance('a', port_a, env, public, tmp)
    b = start_instance('b', port_b, env, public, tmp, WORKSHOP_BROKER_URL=b_url)
    found = Cluster(a=a, b=b, database_url=database_url, redis_url=redis_url, prefix=prefix, env=env,
                    b_redis_user=user)
    out = created.stdout
    found.join_code = re.search(r'Join code:\s+(\S+)', out).group(1)
    found.lead = _path(re.search(r'Lead moderator:\s+(\S+)', out).group(1))
    for label, url in re.findall(r'^\s+(W \d+\.\d+)\s+(http\S+)', out, re.MULTILINE):
        (found.moderators if '/m/' in url else found.walls)[label] = _path(url)
    try:
        _wait_until_up(a)
        _wait_until_up(b)
        yield found
    finally:
        stop(a.process)
        stop(b.process)
        pg.drop_database(database_url)
        redis_acl('DELUSER', user)
        _forget_redis_keys(redis_url, prefix)
        shutil.rmtree(tmp, ignore_errors=True)


def redis_acl(*args: str) -> object:
    import redis
    client = redis.Redis.from_url(servers.redis_url(REDIS_DB))
    try:
        return client.execute_command('ACL', *args)
    finally:
        client.close()


def _forget_redis_keys(url: str, prefix: str) -> None:
    import redis
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(f'{prefix}*'))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class Browsers:
    """Browser contexts (separate cookies: separate people), all closed at the end of a test."""

    PHONE = {'viewport': {'width': 390, 'height': 844}, 'is_mobile': True, 'has_touch': True, 'locale': 'de-DE'}
    LAPTOP = {'viewport': {'width': 1280, 'height': 800}, 'locale': 'de-DE'}

    def __init__(self, chromium) -> None:  # noqa: ANN001
        self.chromium = chromium
        self.contexts = []

    def context(self, kind: dict | None = None):  # noqa: ANN201
        context = self.chromium.new_context(**(kind or self.PHONE))
        context.set_default_timeout(30000)
        self.contexts.append(context)
        return context

    def page(self, kind: dict | None = None):  # noqa: ANN201
        return self.context(kind).new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(chromium) -> Iterator[Browsers]:  # noqa: ANN001
    found = Browsers(chromium)
    yield found
    found.close()
