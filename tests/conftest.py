from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from workshop.bus import InProcessBus
from workshop.db import Database
from workshop.events import Event
from workshop.services.workshops import WorkshopLinks, create_from_template
from workshop.templates import load_template

from . import servers


@pytest.fixture(autouse=True)
def database_url(tmp_path, monkeypatch) -> str:
    """Every test gets its own SQLite file (also the app started by the ``user`` fixture)."""
    url = f'sqlite:///{tmp_path / "test.sqlite3"}'
    monkeypatch.setenv('WORKSHOP_TEST_DATABASE_URL', url)
    return url


@pytest.fixture(scope='session')
def postgres_test_url() -> Iterator[str]:
    """One PostgreSQL database for the session, its schema made by the migrations; dropped at the end."""
    server = servers.postgres_server()  # skips with the reason when PostgreSQL is not reachable
    url = servers.migrated_postgres_database(server, 'test_workshop')
    yield url
    server.drop_database(url)


@pytest.fixture(params=['sqlite', pytest.param('postgresql', marks=pytest.mark.postgresql)])
async def db(request, database_url: str) -> AsyncIterator[Database]:
    """The database of service tests, once on SQLite (a fresh file) and once on PostgreSQL (emptied tables)."""
    if request.param == 'postgresql':
        url = request.getfixturevalue('postgres_test_url')
        servers.truncate_all(url)
    else:
        url = database_url
    database = Database(url)
    database.create_schema()
    yield database
    await database.dispose()


class RecordingBus(InProcessBus):
    """The in-process bus, remembering what was published."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    async def publish(self, event: Event) -> None:
        self.published.append(event)
        await super().publish(event)


@pytest.fixture
def bus() -> RecordingBus:
    return RecordingBus()


@pytest.fixture
async def cluster(db: Database) -> WorkshopLinks:
    return await create_from_template(db, template=load_template('cluster-workshop'), template_name='cluster-workshop')


# --- several simulated users ------------------------------------------------------------------------
# NiceGUI's User points the global ``ui.navigate``/``ui.notify`` at whichever User object was touched
# last, and the simulation touches a User whenever that user's page sends an update. With several
# users, a handler that awaits (a database write, a bus event updating other pages) may then navigate
# somebody else's page. Route both by the client whose handler is running instead.

from nicegui import ui
from nicegui.functions.navigate import Navigate
from nicegui.testing.user import User


class _UserOfContext:
    def __init__(self, users: list[User]) -> None:
        self.users = users

    def __call__(self) -> User:
        client = ui.context.client
        for user in self.users:
            if object.__getattribute__(user, 'client') is client:
                return user
        raise RuntimeError('no simulated user owns the current client')


class _ContextNavigate(Navigate):
    def __init__(self, user_of_context: _UserOfContext) -> None:
        super().__init__()
        self.user_of_context = user_of_context

    def to(self, target, new_tab: bool = False) -> None:
        object.__getattribute__(self.user_of_context(), 'navigate').to(target, new_tab)

    def back(self) -> None:
        object.__getattribute__(self.user_of_context(), 'navigate').back()

    def forward(self) -> None:
        object.__getattribute__(self.user_of_context(), 'navigate').forward()

    def reload(self) -> None:
        object.__getattribute__(self.user_of_context(), 'navigate').reload()


class _ContextNotify:
    def __init__(self, user_of_context: _UserOfContext) -> None:
        self.user_of_context = user_of_context

    def __call__(self, *args, **kwargs) -> None:
        object.__getattribute__(self.user_of_context(), 'notify')(*args, **kwargs)


@pytest.fixture(autouse=True)
def _route_navigation_by_client(monkeypatch):
    users: list[User] = []
    user_of_context = _UserOfContext(users)
    navigate, notify = _ContextNavigate(user_of_context), _ContextNotify(user_of_context)
    original_init = User.__init__

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        users.append(self)

    def getattribute(self, name: str):
        ui.navigate = navigate
        ui.notify = notify
        ui.download = object.__getattribute__(self, 'download')
        return object.__getattribute__(self, name)

    monkeypatch.setattr(User, '__init__', init)
    monkeypatch.setattr(User, '__getattribute__', getattribute)


# --- no silent skips in CI ------------------------------------------------------------------------------
# Browser and database-server tests skip on a newcomer's machine without them; with
# WORKSHOP_FORBID_SKIPS=1 (set by .ci/run) a skip is a failure, so CI always runs them.

import os


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get('WORKSHOP_FORBID_SKIPS') == '1' and not hasattr(report, 'wasxfail'):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = 'failed'
        report.longrepr = f'skipped, but WORKSHOP_FORBID_SKIPS=1 forbids skips: {reason}'
