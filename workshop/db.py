"""Database access: one async engine per process, sessions per unit of work, schema by migrations.

SQLite (a file, WAL mode) is the default; PostgreSQL is used by giving a
``postgresql://`` URL (driver: psycopg 3). The schema is managed by Alembic
(``workshop/migrations``): ``Database.upgrade_schema`` runs synchronously before
the server starts, so no request can arrive before the tables are there.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from . import models  # noqa: F401 - registers the tables on SQLModel.metadata
from .protocol import models as _protocol_models  # noqa: F401 - registers the protocol tables

log = logging.getLogger(__name__)

DEFAULT_SQLITE = 'workshop.sqlite3'
MIGRATIONS = Path(__file__).resolve().parent / 'migrations'
# the schema of the last release before migrations (its databases have no alembic_version table)
INITIAL_REVISION = '0001'
INITIAL_TABLES = frozenset({'workshop', 'agenda_item', 'round', 'topic', 'question', 'breakout', 'breakout_question',
                            'conclusion', 'participant', 'attendance', 'idea', 'vote', 'protocol_version',
                            'protocol_settings'})
PG_MIGRATION_LOCK = 7_311_042_117  # pg_advisory_xact_lock key: one instance migrates at a time
PG_CONNECT_ARGS = {'options': '-c TimeZone=UTC'}  # naive timestamps are UTC, whatever the server's zone


class DatabaseURLError(ValueError):
    pass


class SchemaError(RuntimeError):
    """The database's schema cannot be used or upgraded by this version of the app."""


def normalise_url(url: str) -> tuple[str, str]:
    """Return (async URL, sync URL) for a user-given database URL or SQLite path."""
    if '://' not in url:  # a plain file path
        url = f'sqlite:///{Path(url).expanduser().resolve()}'
    try:
        parsed = make_url(url)
    except Exception as e:  # sqlalchemy raises ArgumentError with a terse message
        raise DatabaseURLError(f'not a database URL: {url!r}') from e
    backend = parsed.get_backend_name()
    if backend == 'sqlite':
        return (_render(parsed.set(drivername='sqlite+aiosqlite')), _render(parsed.set(drivername='sqlite')))
    if backend == 'postgresql':
        return (_render(parsed.set(drivername='postgresql+psycopg')),
                _render(parsed.set(drivername='postgresql+psycopg')))
    raise DatabaseURLError(f'unsupported database {backend!r}: use sqlite:///FILE or postgresql://…')


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a plain path
        return url


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


T = TypeVar('T')
BUSY_TIMEOUT_MS = 10_000
MIGRATION_BUSY_TIMEOUT_MS = 600_000


def _switch_to_wal(cursor: DBAPICursor) -> None:
    """Switching a new file to WAL needs an exclusive lock, and SQLite reports a competing
    connection (another instance creating the same file) at once instead of calling the busy
    handler: try again until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            cursor.execute('PRAGMA journal_mode=WAL')
            return
        except Exception as e:  # sqlite3's or the async driver's OperationalError
            if 'locked' not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(delay)  # only while connecting, which runs in a worker thread or at startup
            delay = min(delay * 2, 0.2)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # SQLAlchemy, not the driver, starts transactions (see _sqlite_begin)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f'PRAGMA busy_timeout={BUSY_TIMEOUT_MS}')
    _switch_to_wal(cursor)  # readers never block the writer
    cursor.execute('PRAGMA synchronous=NORMAL')  # durable at commit in WAL mode across process crashes
    cursor.execute('PRAGMA foreign_keys=ON')
    # erased personal data is overwritten, not left in freed space (some builds default to off)
    cursor.execute('PRAGMA secure_delete=ON')
    cursor.close()


def _sqlite_migration_pragmas(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    # batch migrations copy and drop tables; foreign keys are checked once afterwards instead
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.execute('PRAGMA foreign_keys=OFF')
    # an instance starting while another migrates waits for it, however long the migration takes
    dbapi_connection.execute(f'PRAGMA busy_timeout={MIGRATION_BUSY_TIMEOUT_MS}')


def _sqlite_begin(connection: Connection) -> None:
    """Write transactions take SQLite's write lock first (BEGIN IMMEDIATE).

    A deferred transaction that reads, then writes, fails at once when another
    connection committed in between, and two of them can both pass a check
    (a dot budget) before either writes. Taking the lock first makes each
    write transaction see and change the latest state, one after the other.
    """
    immediate = connection.get_execution_options().get('sqlite_immediate', False)
    connection.exec_driver_sql('BEGIN IMMEDIATE' if immediate else 'BEGIN')


def migration_engine(sync_url: str, **kwargs) -> Engine:
    """A synchronous engine for migrations: one transaction holds the schema (SQLite: its write lock)."""
    if sync_url.startswith('sqlite'):
        engine = create_engine(sync_url, **kwargs)
        event.listen(engine, 'connect', _sqlite_migration_pragmas)
        event.listen(engine, 'begin', _sqlite_begin)
        return engine.execution_options(sqlite_immediate=True)
    return create_engine(sync_url, connect_args=PG_CONNECT_ARGS, **kwargs)


def alembic_config(sync_url: str | None = None):  # noqa: ANN201 - alembic.config.Config
    from alembic.config import Config
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    if sync_url:
        config.set_main_option('sqlalchemy.url', sync_url.replace('%', '%%'))
    return config


@functools.cache
def _scripts():  # noqa: ANN202 - alembic.script.ScriptDirectory, read once per process
    _quiet_alembic()
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config())


def _quiet_alembic() -> None:
    """Alembic's chatter (plugins, context) stays out of the log; our own line says what changed."""
    alembic_log = logging.getLogger('alembic')
    if alembic_log.level == logging.NOTSET:
        alembic_log.setLevel(logging.WARNING)


def head_revision() -> str:
    return _scripts().get_current_head()


@dataclass(frozen=True)
class SchemaUpgrade:
    before: str | None  # revision found (None: empty database)
    after: str
    adopted: bool = False  # a database of the release before migrations, stamped and upgraded

    @property
    def changed(self) -> bool:
        return self.before != self.after


class Database:
    """Holds the engine; ``session()`` for reads, ``transaction()`` for writes."""

    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 20) -> None:
        self.async_url, self.sync_url = normalise_url(url)
        self.is_sqlite = self.async_url.startswith('sqlite')
        kwargs = {} if self.is_sqlite else {'pool_size': pool_size, 'max_overflow': max_overflow,
                                            'pool_pre_ping': True, 'connect_args': PG_CONNECT_ARGS}
        self.engine: AsyncEngine = create_async_engine(self.async_url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, 'connect', _sqlite_pragmas)
            event.listen(self.engine.sync_engine, 'begin', _sqlite_begin)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._write_sessions = async_sessionmaker(writer, class_=AsyncSession, expire_on_commit=False)
        # SQLite has one writer: this process's write transactions queue here, in order, instead of
        # in SQLite's busy handler, which polls with sleeps of up to 100 ms (a vote burst took 7 s)
        # what lives per event loop (tests run several): the write lock, the services' write combiners
        self._loop_locals: dict[tuple[asyncio.AbstractEventLoop, Hashable], Any] = {}
        self._read_engine: Engine | None = None  # SQLite: reads in the event loop (read_session)

    # --- schema -------------------------------------------------------------------------------------

    def create_schema(self) -> SchemaUpgrade:
        """Bring the schema to the newest revision (synchronously, before serving)."""
        return self.upgrade_schema('head')

    def upgrade_schema(self, revision: str = 'head', *, run_all_migrations: bool = False) -> SchemaUpgrade:
        """Apply the migrations up to ``revision``, in one transaction that holds the migration lock.

        An empty database gets the newest schema at once (``create_all`` and a stamp, as
        Alembic recommends; ``run_all_migrations`` runs every revision instead). A database
        made by the release before migrations (workshop tables, no ``alembic_version``) is
        stamped with the initial revision first, so that the later revisions apply to it and
        its data is kept. Several instances starting at once migrate one after the other
        (PostgreSQL: an advisory lock; SQLite: the write lock, BEGIN IMMEDIATE); the later
        ones find the schema up to date.
        """
        _quiet_alembic()
        from alembic.runtime.migration import MigrationContext
        self._make_sqlite_folder()
        self._protect_sqlite_files()
        script = _scripts()
        target = script.get_current_head() if revision == 'head' else revision
        engine = migration_engine(self.sync_url)
        adopted = False
        try:
            with engine.begin() as connection:
                if not self.is_sqlite:
                    connection.execute(text('SELECT pg_advisory_xact_lock(:key)'), {'key': PG_MIGRATION_LOCK})
                context = MigrationContext.configure(connection)
                before = after = context.get_current_revision()
                if before == target:
                    return SchemaUpgrade(before=before, after=after)
                if before is not None and before not in {s.revision for s in script.walk_revisions()}:
                    raise SchemaError(f'the database is at schema revision {before}, which this version of the app '
                                      f'does not know (newest here: {script.get_current_head()}): a newer version '
                                      'upgraded it; run that version, or restore the backup made before the upgrade')
                tables = set(inspect(connection).get_table_names()) if before is None else set()
                if before is None and 'workshop' in tables:  # made by create_all of the release before migrations
                    missing = INITIAL_TABLES - tables
                    if missing:
                        raise SchemaError('the database has workshop tables but no migration history and lacks '
                                          f'{", ".join(sorted(missing))}: it is not a workshop database that this '
                                          'version can upgrade')
                    context.stamp(script, INITIAL_REVISION)
                    before, adopted = INITIAL_REVISION, True
                if before is None and target == script.get_current_head() and not run_all_migrations:
                    SQLModel.metadata.create_all(connection)
                    context.stamp(script, target)
                else:
                    self._run_migrations(connection, target)
                if self.is_sqlite:
                    problems = connection.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
                    if problems:
                        raise SchemaError(f'the migration left rows with broken references: {problems[:5]}')
                after = MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()
        result = SchemaUpgrade(before=None if adopted else before, after=after, adopted=adopted)
        log.info('database schema: %s → %s%s', result.before or 'empty', after,
                 ' (a database of the release before migrations, kept and upgraded)' if adopted else '')
        return result

    def _make_sqlite_folder(self) -> None:
        """SQLite creates the file, not its folder (``workshop-data/`` on a fresh checkout)."""
        if self.is_sqlite:
            database = make_url(self.sync_url).database
            if database and database != ':memory:' and not database.startswith('file:'):
                Path(database).parent.mkdir(parents=True, exist_ok=True)

    def _protect_sqlite_files(self) -> None:
        """The database file readable by its owner only, like the secrets next to it: created 0600
        before SQLite opens it (SQLite gives its -wal and -shm the main file's mode); a file made
        by an earlier version is tightened, with its -wal and -shm."""
        database = make_url(self.sync_url).database if self.is_sqlite else None
        if not database or database == ':memory:' or database.startswith('file:'):
            return
        path = Path(database)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except FileNotFoundError:  # no folder (yet): SQLite reports it when it opens the file
            return
        for file in (path, path.with_name(path.name + '-wal'), path.with_name(path.name + '-shm')):
            try:
                if file.stat().st_mode & 0o077:
                    file.chmod(0o600)
            except FileNotFoundError:
                continue
            except OSError as e:  # not ours (another user's file): say so, keep working
                log.warning('cannot make %s readable by its owner only: %s', file, e)

    def _run_migrations(self, connection: Connection, target: str) -> None:
        from alembic import command
        from alembic.util import CommandError
        config = alembic_config(self.sync_url)
        config.attributes['connection'] = connection  # env.py runs in this transaction, under this lock
        try:
            command.upgrade(config, target)
        except CommandError as e:
            raise SchemaError(str(e)) from e

    def schema_revision(self) -> str | None:
        """The revision the database is at (None: no migration history)."""
        _quiet_alembic()
        from alembic.runtime.migration import MigrationContext
        self._protect_sqlite_files()
        engine = migration_engine(self.sync_url)
        try:
            with engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()

    # --- units of work ------------------------------------------------------------------------------

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session for a few quick reads of a page being built (a phone's room page).

        On SQLite the reads run right here in the event loop on a connection of their own: each
        statement through aiosqlite hops to its thread and back several times (cursor, execute,
        fetch), which costs four times the CPU of the read itself (docs/performance.md); a read in
        WAL mode never waits for a writer, so nothing blocks. Elsewhere: ``session()``.
        """
        if not self.is_sqlite:
            async with self.session() as session:
                yield session
            return
        if self._read_engine is None:
            self._read_engine = create_engine(self.sync_url)
            event.listen(self._read_engine, 'connect', _sqlite_pragmas)
            event.listen(self._read_engine, 'begin', _sqlite_begin)  # one snapshot for all reads of the page
        with Session(self._read_engine, expire_on_commit=False) as session:
            yield InLoopSession(session)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error."""
        if not self.is_sqlite:
            async with self._write_sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock():
            async with self._write_sessions() as session, session.begin():
                yield session

    def _write_lock(self) -> asyncio.Lock:
        return self.loop_local('write lock', asyncio.Lock)

    def loop_local(self, key: Hashable, make: Callable[[], T]) -> T:
        """The object kept under ``key`` for the running event loop, made by ``make`` the first time
        (the objects of closed loops are dropped then)."""
        loop = asyncio.get_running_loop()
        found = self._loop_locals.get((loop, key))
        if found is None:
            for old in [k for k in self._loop_locals if k[0].is_closed()]:
                del self._loop_locals[old]
            found = self._loop_locals[(loop, key)] = make()
        return found

    async def reclaim_erased(self, tables: Iterable[str]) -> None:
        """After personal data was erased, remove the copies the database's files still hold.

        SQLite: every connection deletes securely (freed space is zeroed), but the WAL file still
        holds the pages as they were; a TRUNCATE checkpoint writes the new pages back and empties it.
        PostgreSQL: old row versions stay in the tables' files until VACUUM, which makes their space
        reusable but does not zero it (docs/security.md). Runs outside any transaction, awaited
        (never blocking the event loop); a failure is logged, the erasure itself stands.
        """
        try:
            if self.is_sqlite:
                async with self._write_lock(), self.engine.connect() as connection:
                    # the driver's own connection: SQLAlchemy would wrap the pragma in a transaction
                    raw = (await connection.get_raw_connection()).driver_connection
                    cursor = await raw.execute('PRAGMA wal_checkpoint(TRUNCATE)')
                    busy = (await cursor.fetchone())[0]
                    await cursor.close()
                if busy:
                    log.warning('the WAL file keeps erased data until the next checkpoint: '
                                'another connection held it')
            else:
                async with self.engine.connect() as connection:
                    connection = await connection.execution_options(isolation_level='AUTOCOMMIT')
                    await connection.exec_driver_sql('VACUUM ' + ', '.join(f'"{t}"' for t in tables))
        except Exception as e:  # noqa: BLE001 - the data is erased; only the files' copies may remain
            log.warning('erased data may remain in the database files for a while: %s', e)

    async def now(self) -> dt.datetime:
        """The database server's clock (UTC), the one time all app instances share."""
        async with self.session() as session:
            return await server_now(session)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._read_engine is not None:
            self._read_engine.dispose()


class InLoopSession:
    """A synchronous session behind the awaitable methods the services use for reads."""

    def __init__(self, session: Session) -> None:
        self.sync_session = session

    async def exec(self, statement, **kwargs):  # noqa: ANN001, ANN201 - as AsyncSession.exec
        return self.sync_session.exec(statement, **kwargs)

    async def get(self, entity, ident, **kwargs):  # noqa: ANN001, ANN201 - as AsyncSession.get
        return self.sync_session.get(entity, ident, **kwargs)

    async def execute(self, statement, *args, **kwargs):  # noqa: ANN001, ANN201 - as AsyncSession.execute
        return self.sync_session.execute(statement, *args, **kwargs)


async def server_now(session: AsyncSession) -> dt.datetime:
    """The database's current time, timezone-aware UTC: timers started on any instance end at the same moment."""
    connection = await session.connection()
    if connection.dialect.name == 'sqlite':
        value = (await connection.exec_driver_sql("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    value = (await connection.execute(text('SELECT clock_timestamp()'))).scalar_one()
    return value.astimezone(dt.UTC)
