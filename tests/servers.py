"""The database and broker servers some tests need: PostgreSQL and Redis on 127.0.0.1.

Addresses come from ``WORKSHOP_TEST_POSTGRES_URL`` (default: the ``test`` database as
``postgres`` on 127.0.0.1:5432) and ``WORKSHOP_TEST_REDIS_URL`` (default 127.0.0.1:6379).
A test that needs a server which does not answer is skipped with the reason; with
``WORKSHOP_FORBID_SKIPS=1`` (CI) that skip is a failure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from workshop.db import Database

POSTGRES_URL = os.environ.get('WORKSHOP_TEST_POSTGRES_URL', 'postgresql://postgres@127.0.0.1:5432/test')
REDIS_URL = os.environ.get('WORKSHOP_TEST_REDIS_URL', 'redis://127.0.0.1:6379')


def _where(url: str) -> str:
    parsed = make_url(url) if '://' in url and not url.startswith('redis') else None
    if parsed is not None:
        return f'{parsed.host or "localhost"}:{parsed.port or 5432}'
    return url.split('://', 1)[1].split('/', 1)[0]


@dataclass
class PostgresServer:
    """Creates throwaway databases on the test server (trust authentication, as on CI)."""

    url: str  # a database to connect to for CREATE/DROP DATABASE

    def _connect(self):  # noqa: ANN202
        import psycopg
        parsed = make_url(self.url)
        return psycopg.connect(host=parsed.host or '127.0.0.1', port=parsed.port or 5432,
                               user=parsed.username or 'postgres', password=parsed.password,
                               dbname=parsed.database or 'postgres', autocommit=True, connect_timeout=3)

    def create_database(self, prefix: str = 'test') -> str:
        name = f'{prefix}_{secrets.token_hex(6)}'
        with self._connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self._connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_server() -> PostgresServer:
    """The server, or a skip saying why it cannot be used."""
    server = PostgresServer(POSTGRES_URL)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip('PostgreSQL tests need psycopg: pip install -e ".[test,postgres]"')
    try:
        with server._connect() as connection:
            connection.execute('SELECT 1')
    except Exception as e:  # noqa: BLE001 - any failure to connect means: not reachable
        pytest.skip(f'PostgreSQL not reachable at {_where(POSTGRES_URL)}: {str(e).strip().splitlines()[0]}')
    return server


def truncate_all(url: str) -> None:
    """Empty every table of the app and restart the ids, keeping the schema and its migration stamp.

    DELETE, not TRUNCATE: on the few rows a test leaves it is many times faster.
    """
    import psycopg
    parsed = make_url(url)
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with psycopg.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username,
                         password=parsed.password, dbname=parsed.database, autocommit=True) as connection:
        with connection.transaction():
            connection.execute("SET LOCAL lock_timeout = '10s'")
            for table in tables:
                connection.execute(f'DELETE FROM "{table}"')
            connection.execute('SELECT setval(pg_get_serial_sequence(t, \'id\'), 1, false) FROM unnest(%s::text[]) AS t',
                               [[f'"{t}"' for t in tables]])


def migrated_postgres_database(server: PostgresServer, prefix: str = 'test') -> str:
    """A new database with the schema made by running every migration (not create_all)."""
    url = server.create_database(prefix)
    Database(url).upgrade_schema(run_all_migrations=True)
    return url


def redis_url(db: int) -> str:
    """The test Redis with database number ``db``, or a skip saying why it cannot be used."""
    try:
        import redis
    except ImportError:
        pytest.skip('Redis tests need the redis package: pip install -e ".[test,redis]"')
    url = f'{REDIS_URL.rstrip("/")}/{db}'
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except Exception as e:  # noqa: BLE001
        pytest.skip(f'Redis not reachable at {_where(REDIS_URL)}: {e}')
    return url


@contextlib.contextmanager
def app_process(args: list[str], *, cwd: Path, data_dir: Path | None):  # noqa: ANN201 - yields (process, first answer)
    """``python -m workshop ARGS --port P --host 127.0.0.1`` in ``cwd`` until its home page answers; stopped after.

    ``data_dir`` None: the app's default data folder (``workshop-data/`` in ``cwd``)."""
    import subprocess
    import sys
    import time

    import httpx
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('PYTEST_', 'WORKSHOP_', 'NICEGUI_')) and k != 'PYTHONPATH'}
    env['PYTHONPATH'] = str(root)
    if data_dir is not None:
        env['WORKSHOP_DATA_DIR'] = str(data_dir)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    log = cwd / 'server.log'
    process = subprocess.Popen([sys.executable, '-m', 'workshop', *args, '--port', str(port), '--host', '127.0.0.1'],
                               env=env, cwd=cwd, stdout=log.open('w'), stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                response = httpx.get(f'http://127.0.0.1:{port}/', timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, log.read_text()[-3000:]
                time.sleep(0.1)
        else:
            raise AssertionError(f'the app did not answer: {log.read_text()[-3000:]}')
        yield process, response
    finally:
        process.terminate()
        process.wait(timeout=20)
