"""The servers some tests need: PostgreSQL and Redis on 127.0.0.1, and the app itself as a subprocess.

Addresses come from ``WORKSHOP_TEST_POSTGRES_URL`` (default: the ``test`` database as
``postgres`` on 127.0.0.1:5432) and ``WORKSHOP_TEST_REDIS_URL`` (default 127.0.0.1:6379).
A test that needs a server which does not answer is skipped with the reason; with
``WORKSHOP_FORBID_SKIPS=1`` (CI) that skip is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from workshop.db import Database

from .waiting import wait_until

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

    def _connect(self):
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
        import psycopg  # noqa: F401 - only: is it installed?
    except ImportError:
        pytest.skip('PostgreSQL tests need psycopg: pip install -e ".[test,postgres]"')
    try:
        with server._connect() as connection:
            connection.execute('SELECT 1')
    except Exception as e:  # any failure to connect means: not reachable
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
            connection.execute('SELECT setval(pg_get_serial_sequence(t, \'id\'), 1, false) '
                               'FROM unnest(%s::text[]) AS t', [[f'"{t}"' for t in tables]])


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
    except Exception as e:
        pytest.skip(f'Redis not reachable at {_where(REDIS_URL)}: {e}')
    return url


# --- the app itself as a subprocess ----------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 90.0  # a busy CI machine: migrations, imports, first page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def child_env(data_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of an app subprocess: none of pytest's variables (NiceGUI would think it runs under
    test), no WORKSHOP_ or NICEGUI_ settings of this shell, the app of this checkout; ``extra`` on top.

    ``data_dir`` None: the app's default data folder (``workshop-data/`` in its working directory)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('PYTEST_', 'WORKSHOP_', 'NICEGUI_')) and k != 'PYTHONPATH'}
    env.update(PYTHONPATH=str(REPO), PYTHONUNBUFFERED='1')
    if data_dir is not None:
        env['WORKSHOP_DATA_DIR'] = str(data_dir)
    env.update(extra)
    return env


@dataclass
class AppProcess:
    """A running ``python -m workshop …`` on 127.0.0.1; its output goes to ``log``."""

    process: subprocess.Popen
    url: str
    log: Path
    first_answer: httpx.Response | None = None  # the home page's, when it first answered

    def output(self) -> str:
        return self.log.read_text(errors='replace') if self.log.exists() else ''

    def wait_until_answers(self, *, ready_when: str | None = None, timeout: float = STARTUP_TIMEOUT) -> AppProcess:
        """Until the home page answers (and ``ready_when``, if given, is in the output); exiting or not answering
        in time is a failure that shows the output, and stops the process."""
        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f'it exited with {self.process.returncode}')
            if ready_when is not None and ready_when not in self.output():
                return False
            try:
                self.first_answer = httpx.get(f'{self.url}/', timeout=2)
            except httpx.TransportError:
                return False
            return True
        try:
            wait_until(answers, timeout, what=f'an answer on {self.url}/')
        except AssertionError as e:
            self.stop()
            raise AssertionError(f'{" ".join(map(str, self.process.args))}: {e}\n{self.output()[-3000:]}') from None
        return self

    def stop(self) -> None:
        """SIGTERM, as an operator would stop it; killed if it does not end in time."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def spawn_app(args: list[str], *, env: dict[str, str], log: Path, cwd: Path = REPO,
              port: int | None = None) -> AppProcess:
    """``python -m workshop ARGS --host 127.0.0.1 --port PORT`` (a free port unless given), not waited for."""
    port = port or free_port()
    with log.open('wb') as log_file:
        process = subprocess.Popen(
            [sys.executable, '-m', 'workshop', *args, '--host', '127.0.0.1', '--port', str(port)],
            cwd=cwd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    return AppProcess(process=process, url=f'http://127.0.0.1:{port}', log=log)


def start_app(args: list[str], *, ready_when: str | None = None, timeout: float = STARTUP_TIMEOUT,
              **spawn_options) -> AppProcess:  # spawn_app's
    """``spawn_app``, returned once it answers."""
    return spawn_app(args, **spawn_options).wait_until_answers(ready_when=ready_when, timeout=timeout)


@contextlib.contextmanager
def app_process(args: list[str], **options) -> Iterator[AppProcess]:  # start_app's
    """``start_app`` for a ``with`` block: stopped at its end."""
    app = start_app(args, **options)
    try:
        yield app
    finally:
        app.stop()


@dataclass
class NewWorkshop:
    """The links ``workshop new --json`` printed (full URLs)."""

    join_code: str
    participants: str  # the join link
    plenary_wall: str
    lead: str
    moderators: dict[str, str] = field(default_factory=dict)  # breakout label ('W 1.1') -> /m/SECRET link
    walls: dict[str, str] = field(default_factory=dict)  # breakout label -> /wall/CODE/ID link


def new_workshop(template: str, *, env: dict[str, str], public_url: str, db: Path | str | None = None,
                 cwd: Path = REPO) -> NewWorkshop:
    """``workshop new TEMPLATE --json`` (on ``db``, or the database ``env`` names; also while a server runs on it)."""
    command = [sys.executable, '-m', 'workshop', 'new', template, '--public-url', public_url, '--json']
    if db is not None:
        command += ['--db', str(db)]
    created = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, encoding='utf-8',
                             timeout=120, check=False)
    if created.returncode != 0:
        raise RuntimeError(f'workshop new failed ({created.returncode}):\n{created.stdout}\n{created.stderr}')
    data = json.loads(created.stdout.strip().splitlines()[-1])
    return NewWorkshop(join_code=data['join_code'], participants=data['join'], plenary_wall=data['plenary_wall'],
                       lead=data['lead'], moderators={b['label']: b['moderator'] for b in data['breakouts']},
                       walls={b['label']: b['wall'] for b in data['breakouts']})
