"""Database access: one async engine per process, sessions per unit of work.

SQLite (a file, WAL mode) is the default; PostgreSQL is used by giving a
``postgresql://`` URL. Schema creation runs synchronously before the server
starts, so no request can arrive before the tables exist.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from . import models  # noqa: F401  # registers the tables on SQLModel.metadata
from .protocol import models as _protocol_models  # noqa: F401

DEFAULT_SQLITE = 'workshop.sqlite3'


class DatabaseURLError(ValueError):
    pass


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
        return (_render(parsed.set(drivername='postgresql+psycopg')), _render(parsed.set(drivername='postgresql+psycopg')))
    raise DatabaseURLError(f'unsupported database {backend!r}: use sqlite:///FILE or postgresql://…')


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    # SQLAlchemy, not the driver, starts transactions (see _sqlite_begin)
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')  # readers never block the writer
    cursor.execute('PRAGMA synchronous=NORMAL')  # durable at commit in WAL mode across process crashes
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=10000')
    cursor.close()


def _sqlite_begin(connection) -> None:  # noqa: ANN001
    """Write transactions take SQLite's write lock first (BEGIN IMMEDIATE).

    A deferred transaction that reads, then writes, fails at once when another
    connection committed in between, and two of them can both pass a check
    (a dot budget) before either writes. Taking the lock first makes each
    write transaction see and change the latest state, one after the other.
    """
    immediate = connection.get_execution_options().get('sqlite_immediate', False)
    connection.exec_driver_sql('BEGIN IMMEDIATE' if immediate else 'BEGIN')


class Database:
    """Holds the engine; ``session()`` for reads, ``transaction()`` for writes."""

    def __init__(self, url: str) -> None:
        self.async_url, self.sync_url = normalise_url(url)
        self.is_sqlite = self.async_url.startswith('sqlite')
        kwargs = {} if self.is_sqlite else {'pool_size': 10, 'max_overflow': 20, 'pool_pre_ping': True}
        self.engine: AsyncEngine = create_async_engine(self.async_url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, 'connect', _sqlite_pragmas)
            event.listen(self.engine.sync_engine, 'begin', _sqlite_begin)
        self._sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_immediate=True) if self.is_sqlite else self.engine
        self._write_sessions = async_sessionmaker(writer, class_=AsyncSession, expire_on_commit=False)

    def create_schema(self) -> None:
        """Create missing tables (synchronously, before serving)."""
        if self.is_sqlite:
            database = make_url(self.sync_url).database
            if database and database != ':memory:':
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(self.sync_url)
        if self.is_sqlite:
            event.listen(engine, 'connect', _sqlite_pragmas)
        try:
            SQLModel.metadata.create_all(engine)
        finally:
            engine.dispose()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits on success, rolls back on any error."""
        async with self._write_sessions() as session:
            async with session.begin():
                yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
