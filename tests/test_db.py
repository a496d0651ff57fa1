"""The schema and its migrations, on SQLite and on PostgreSQL.

Every test here runs on both databases: a fresh SQLite file, and a fresh PostgreSQL
database on the test server (skipped with the reason when it is not reachable).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, insert, text
from sqlmodel import SQLModel

from workshop.bus import InProcessBus
from workshop.cli import main
from workshop.db import INITIAL_REVISION, Database, SchemaError, head_revision, migration_engine, server_now
from workshop.models import Workshop
from workshop.services import ideas, participants, votes, workshops

from . import servers


@pytest.fixture(params=['sqlite', pytest.param('postgresql', marks=pytest.mark.postgresql)])
def empty_url(request, tmp_path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL database (dropped afterwards)."""
    if request.param == 'sqlite':
        yield f'sqlite:///{tmp_path / "empty.sqlite3"}'
        return
    server = servers.postgres_server()
    url = server.create_database('test_migrations')
    try:
        yield url
    finally:
        server.drop_database(url)


def _schema_differences(url: str) -> list:
    engine = migration_engine(Database(url).sync_url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection, opts={'compare_type': True}),
                                    SQLModel.metadata)
    finally:
        engine.dispose()


def test_the_migrations_make_exactly_the_schema_of_the_models(empty_url: str):
    """What running every revision builds is what the models declare (so create_all + stamp is the same)."""
    result = Database(empty_url).upgrade_schema(run_all_migrations=True)
    assert (result.before, result.after) == (None, head_revision())
    assert _schema_differences(empty_url) == []


def test_an_empty_database_gets_the_newest_schema_and_a_second_upgrade_does_nothing(empty_url: str):
    db = Database(empty_url)
    first = db.create_schema()
    assert (first.before, first.after, first.changed) == (None, head_revision(), True)
    again = db.create_schema()
    assert (again.before, again.after, again.changed) == (head_revision(), head_revision(), False)
    assert db.schema_revision() == head_revision()
    assert _schema_differences(empty_url) == []


# --- a database of the release before migrations -----------------------------------------------------

T0 = dt.datetime(2025, 5, 26, 9, 30, tzinfo=dt.UTC)


def _previous_release_database(url: str, *, stamped: bool) -> None:
    """The schema of the initial revision with a small running workshop in it, written with plain SQL.

    ``stamped=False``: as the release before migrations left it (create_all, no alembic_version).
    """
    db = Database(url)
    db.upgrade_schema(INITIAL_REVISION, run_all_migrations=True)
    engine = migration_engine(db.sync_url)
    try:
        with engine.begin() as c:
            if not stamped:
                c.execute(text('DROP TABLE alembic_version'))
            t = MetaData()
            t.reflect(c)
            assert 'retention_days' not in t.tables['workshop'].columns  # really the old schema
            c.execute(insert(t.tables['workshop']).values(
                id=1, title='Clusterworkshop', format='online', organiser='Ministerium', language='de', context='',
                stakeholder_groups=['Hochschulen', 'Unternehmen'], join_code='ABC234', lead_secret='lead-secret',
                status='running', current_round_id=1, created_at=T0, dots_per_question=3, max_dots_per_idea=1,
                hide_tallies=True, name_authors=False, joining_locked=False, require_new_topic=False,
                plenary=False, participation_extra={}))
            c.execute(insert(t.tables['round']).values(id=1, workshop_id=1, number=1, title='Durchlauf 1'))
            c.execute(insert(t.tables['topic']).values(id=1, workshop_id=1, number=1, title='Entstehung'))
            c.execute(insert(t.tables['question']).values(id=1, topic_id=1, position=1, number=1,
                                                          text='Wer sind die Initiatoren?'))
            c.execute(insert(t.tables['breakout']).values(
                id=1, workshop_id=1, round_id=1, topic_id=1, label='W 1.1', moderator_secret='mod-secret',
                current_question_id=1, key_results=['Hochschulen initiieren'], timer_ends_at=T0))
            c.execute(insert(t.tables['breakout_question']).values(id=1, breakout_id=1, question_id=1, phase='vote',
                                                                   key_results=[]))
            c.execute(insert(t.tables['participant']).values(id=1, workshop_id=1, token='anna-token', name='Anna',
                                                             created_at=T0, removed=False))
            c.execute(insert(t.tables['attendance']).values(id=1, participant_id=1, round_id=1, breakout_id=1,
                                                            joined_at=T0))
            c.execute(insert(t.tables['idea']).values(
                id=1, breakout_id=1, question_id=1, participant_id=1, text='Hochschulen und Kammern „vorn“',
                created_at=T0, client_id='c1', source='phone', hidden=False, marked=True, group='Wissenschaft'))
            c.execute(insert(t.tables['vote']).values(id=1, idea_id=1, participant_id=1, dots=1, created_at=T0))
            if c.dialect.name == 'postgresql':  # ids were given explicitly: move the sequences on
                for table in ('workshop', 'round', 'topic', 'question', 'breakout', 'breakout_question',
                              'participant', 'attendance', 'idea', 'vote'):
                    c.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), 1)"))
    finally:
        engine.dispose()


@pytest.mark.parametrize('stamped', [False, True], ids=['before-migrations', 'initial-revision'])
async def test_an_upgrade_from_the_previous_release_keeps_all_data(empty_url: str, stamped: bool):
    _previous_release_database(empty_url, stamped=stamped)
    db = Database(empty_url)
    result = db.create_schema()
    assert result.after == head_revision() and result.adopted is not stamped
    assert _schema_differences(empty_url) == []
    try:
        async with db.session() as s:
            workshop = await workshops.find_by_code(s, 'ABC234')
            assert (workshop.title, workshop.stakeholder_groups, workshop.retention_days) == \
                ('Clusterworkshop', ['Hochschulen', 'Unternehmen'], 30)
            assert workshop.created_at == T0
            breakout = await s.get(workshops.Breakout, 1)
            assert (breakout.key_results, breakout.timer_ends_at) == (['Hochschulen initiieren'], T0)
            [idea] = await ideas.ideas_of(s, breakout_id=1, question_id=1)
            assert (idea.text, idea.group, idea.marked, idea.created_at) == \
                ('Hochschulen und Kammern „vorn“', 'Wissenschaft', True, T0)
            assert await votes.tallies(s, breakout_id=1) == {1: 1}
            anna = await participants.participant_by_token(s, 'anna-token', workshop.id)
            assert anna.name == 'Anna'
        # and the app goes on working with it: Anna takes her dot back, a new participant joins
        status = await votes.remove_dot(db, InProcessBus(), token='anna-token', idea_id=1)
        assert (status.mine, status.left) == (0, 3)
        _p, token = await participants.join(db, code='ABC234')
        assert token
    finally:
        await db.dispose()


def test_a_database_upgraded_by_a_newer_version_is_refused(empty_url: str):
    db = Database(empty_url)
    db.create_schema()
    engine = migration_engine(db.sync_url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    engine.dispose()
    with pytest.raises(SchemaError, match='f00dfeed.*newer version'):
        db.create_schema()


def test_a_foreign_database_with_other_tables_is_not_mistaken_for_an_old_one(empty_url: str):
    engine = migration_engine(Database(empty_url).sync_url)
    with engine.begin() as c:
        c.execute(text('CREATE TABLE workshop (id INTEGER PRIMARY KEY, something TEXT)'))
    engine.dispose()
    with pytest.raises(SchemaError, match='no migration history and lacks'):
        Database(empty_url).create_schema()


def test_instances_starting_at_once_migrate_one_after_the_other(empty_url: str):
    results, errors = [], []

    def start() -> None:
        try:
            results.append(Database(empty_url).upgrade_schema(run_all_migrations=True))
        except Exception as e:
            errors.append(e)
    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(r.changed for r in results) == [False, False, False, True]
    assert _schema_differences(empty_url) == []


async def test_server_time_comes_from_the_database_as_aware_utc(empty_url: str):
    db = Database(empty_url)
    db.create_schema()
    try:
        async with db.session() as s:
            now = await server_now(s)
        assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(0)
        assert abs((now - dt.datetime.now(dt.UTC)).total_seconds()) < 5
        assert abs((await db.now() - now).total_seconds()) < 5
    finally:
        await db.dispose()


def test_cli_db_upgrade(empty_url: str, capsys):
    assert main(['db', 'upgrade', '--db', empty_url]) == 0
    out = capsys.readouterr().out
    assert f'→ {head_revision()}' in out
    assert main(['db', 'upgrade', '--db', empty_url]) == 0
    assert 'up to date' in capsys.readouterr().out
    assert main(['db', 'current', '--db', empty_url]) == 0
    assert head_revision() in capsys.readouterr().out


@pytest.mark.postgresql
async def test_postgresql_sessions_run_in_utc_whatever_the_server_zone():
    server = servers.postgres_server()
    url = server.create_database('test_zone')
    try:
        engine = migration_engine(Database(url).sync_url)
        with engine.begin() as c:
            c.execute(text(f"ALTER DATABASE \"{engine.url.database}\" SET timezone TO 'Pacific/Auckland'"))
        engine.dispose()
        db = Database(url)
        db.create_schema()
        try:
            async with db.transaction() as s:
                s.add(Workshop(title='t', join_code='ZZZ999', lead_secret='x', created_at=T0))
            async with db.session() as s:
                shown = (await s.exec(text('SELECT created_at::text FROM workshop'))).one()[0]
                zone = (await s.exec(text('SHOW timezone'))).one()[0]
            assert (shown, zone) == ('2025-05-26 09:30:00+00', 'UTC')
        finally:
            await db.dispose()
    finally:
        server.drop_database(url)


def test_a_sqlite_file_in_a_folder_that_does_not_exist_yet(tmp_path):
    """The README's demo on a fresh checkout: workshop-data/ is made with the database."""
    url = f'sqlite:///{tmp_path}/not/there/yet/workshop.sqlite3'
    assert Database(url).create_schema().after == head_revision()
    assert (tmp_path / 'not' / 'there' / 'yet' / 'workshop.sqlite3').is_file()


async def test_a_page_s_reads_in_the_event_loop_see_what_was_committed(db: Database, cluster):
    """``read_session``: on SQLite in the event loop's own thread (no hop to aiosqlite's), elsewhere the
    async session; the same answers either way, and every committed write is seen."""
    from sqlalchemy import event
    from sqlmodel import select
    bus = InProcessBus()
    threads: set[int] = set()
    engines = [db.engine.sync_engine]
    async with db.read_session() as session:
        if db.is_sqlite:
            engines.append(db._read_engine)
    listeners = [(e, lambda *a: threads.add(threading.get_ident())) for e in engines]
    for engine, listener in listeners:
        event.listen(engine, 'before_cursor_execute', listener)
    try:
        token, breakout_id = await _member(db, bus, cluster)
        async with db.read_session() as session:
            workshop, participant, seat = await participants.seat_by_code(
                session, code=cluster.join_code, tokens={str(cluster.workshop_id): token})
            _public, row, _phase = await workshops.room_of(session, breakout_id)
            assert (workshop.id, participant.token, seat, row.id) == (cluster.workshop_id, token, breakout_id,
                                                                      breakout_id)
            assert (await session.get(Workshop, cluster.workshop_id)).join_code == cluster.join_code
            assert len((await session.exec(select(Workshop))).all()) == 1
        if db.is_sqlite:
            threads.clear()
            async with db.read_session() as session:
                await workshops.room_of(session, breakout_id)
            assert threads == {threading.get_ident()}  # no thread hop
    finally:
        for engine, listener in listeners:
            event.remove(engine, 'before_cursor_execute', listener)


async def _member(db: Database, bus: InProcessBus, links) -> tuple[str, int]:
    token, _workshop_id, _code = await participants.enter_breakout(
        db, bus, code=links.join_code, tokens={}, breakout_id=links.breakouts[0].breakout_id)
    return token, links.breakouts[0].breakout_id


async def test_the_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    """The database holds names and organisations: 0600 like the secrets next to it, whatever the umask."""
    import os
    import stat

    from workshop.templates import load_template
    path = tmp_path / 'data' / 'workshop.sqlite3'
    old_umask = os.umask(0o022)
    try:
        db = Database(str(path))
        db.create_schema()
        try:
            await workshops.create_from_template(db, template=load_template('cluster-workshop'))
            async with db.session() as s:  # the files exist while a connection is open
                await s.exec(text('SELECT 1'))
                files = [path, path.with_name(path.name + '-wal'), path.with_name(path.name + '-shm')]
                assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == \
                    {f.name: '0o600' for f in files}
        finally:
            await db.dispose()
        # a database made by an earlier version (0644) is tightened when the app opens it again
        for f in path.parent.iterdir():
            f.chmod(0o644)
        Database(str(path)).create_schema()
        assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in path.parent.iterdir()} == \
            {f.name: '0o600' for f in path.parent.iterdir()}
    finally:
        os.umask(old_umask)
