"""Two app instances sharing PostgreSQL and Redis, as in production: ``workshop serve`` subprocesses on two
loopback ports (optionally behind the example nginx), driven by Debian's Chromium through Playwright.

Needs PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379), Chromium and Playwright; each missing piece
skips the tests with the reason (a failure under WORKSHOP_FORBID_SKIPS=1, as on CI).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .. import servers
from ..e2e import conftest as e2e

REDIS_DB = 11
chromium = e2e.chromium  # the same Debian Chromium fixture as the browser tests


@dataclass
class Cluster:
    """Two instances, their shared database and broker, and the links of one workshop."""

    a: servers.AppProcess
    b: servers.AppProcess
    database_url: str
    redis_url: str
    prefix: str
    env: dict[str, str]
    b_redis_user: str = ''  # instance B reaches Redis as this ACL user: switching it off cuts B alone
    join_code: str = ''
    lead: str = ''  # paths, to be put after an instance's URL
    moderators: dict[str, str] = field(default_factory=dict)
    walls: dict[str, str] = field(default_factory=dict)


def start_instance(name: str, port: int, env: dict[str, str], public_url: str, tmp: Path,
                   **extra_env: str) -> servers.AppProcess:
    """``workshop serve`` as instance ``name``, not waited for."""
    data = tmp / name
    data.mkdir(exist_ok=True)
    return servers.spawn_app(['serve', '--public-url', public_url], env={**env, 'WORKSHOP_DATA_DIR': str(data),
                                                                      **extra_env},
                             log=tmp / f'{name}.log', port=port)


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
    env = servers.child_env(tmp, WORKSHOP_DATABASE_URL=database_url, WORKSHOP_BROKER_URL=redis_url,
                            WORKSHOP_BROKER_PREFIX=prefix, WORKSHOP_STORAGE_SECRET=secrets.token_urlsafe(24),
                            WORKSHOP_ADMIN_SECRET=secrets.token_urlsafe(12))
    port_a, port_b = servers.free_port(), servers.free_port()
    public = f'http://127.0.0.1:{port_a}'
    try:
        created = servers.new_workshop('cluster-workshop', env=env, public_url=public)
    except RuntimeError:
        pg.drop_database(database_url)
        raise
    user, password = f'workshop-test-{secrets.token_hex(4)}', secrets.token_hex(16)
    redis_acl('SETUSER', user, 'on', f'>{password}', '~*', '&*', '+@all')
    b_url = redis_url.replace('redis://', f'redis://{user}:{password}@', 1)
    started: list[servers.AppProcess] = []
    try:
        started.append(start_instance('a', port_a, env, public, tmp))
        started.append(start_instance('b', port_b, env, public, tmp, WORKSHOP_BROKER_URL=b_url))
        for instance in started:  # started together, waited for one after the other
            instance.wait_until_answers(ready_when='subscribed to Redis')
        yield Cluster(a=started[0], b=started[1], database_url=database_url, redis_url=redis_url, prefix=prefix,
                      env=env, b_redis_user=user, join_code=created.join_code, lead=_path(created.lead),
                      moderators={label: _path(url) for label, url in created.moderators.items()},
                      walls={label: _path(url) for label, url in created.walls.items()})
    finally:
        for instance in started:
            instance.stop()
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

    def __init__(self, chromium) -> None:
        self.chromium = chromium
        self.contexts = []

    def context(self, kind: dict | None = None):
        context = self.chromium.new_context(**(kind or self.PHONE))
        context.set_default_timeout(30000)
        self.contexts.append(context)
        return context

    def page(self, kind: dict | None = None):
        return self.context(kind).new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(chromium) -> Iterator[Browsers]:
    found = Browsers(chromium)
    yield found
    found.close()
