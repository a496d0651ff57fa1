"""Privacy: retention, anonymising and deleting a workshop (personal data goes, ideas and counts stay)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select as sa_select
from sqlmodel import SQLModel, col, select

from workshop.models import Attendance, Idea, Participant, Vote, Workshop, WorkshopStatus
from workshop.protocol import archive
from workshop.protocol.document import load_document
from workshop.protocol.models import ProtocolVersion
from workshop.services import facilitation, participants, privacy, protocol, votes, workshops
from workshop.services.errors import Forbidden, Invalid
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .helpers import post

NAMES = ('Anna Amsel', 'Ben Bussard', 'Cara Columba')
ORGS = ('Amt für Alles', 'Bund Beispiel', 'Cluster Club')


async def _busy_workshop(db, bus, links):
    """Three named participants in W 1.1 (two groups), ideas and dots; returns their tokens and idea ids."""
    async with db.session() as s:
        groups = (await s.get(Workshop, links.workshop_id)).stakeholder_groups
    breakout_id = links.breakouts[0].breakout_id
    tokens = []
    for i, (name, org) in enumerate(zip(NAMES, ORGS, strict=True)):
        _, token = await participants.join(db, code=links.join_code, name=name, organisation=org,
                                           stakeholder_group=groups[i % 2] if groups else None)
        await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id,
                                           breakout_id=breakout_id)
        tokens.append(token)
    ids = [await post(db, bus, token, breakout_id, f'Idee {n}') for n, token in enumerate(tokens)]
    await facilitation.set_phase(db, bus, secret=links.breakouts[0].moderator_secret, phase='vote')
    for token in tokens:
        for idea_id in ids[:2]:
            await votes.cast_dot(db, bus, token=token, idea_id=idea_id)
    return tokens, ids


async def _counts(db, workshop_id: int):
    async with db.session() as s:
        document = await load_document(s, workshop_id)
        breakout_ids = [b.id for b in await workshops.breakouts_of(s, workshop_id)]
        tallies = {}
        for b in breakout_ids:
            tallies.update(await votes.tallies(s, breakout_id=b))
        ideas = (await s.exec(select(func.count()).select_from(Idea).where(col(Idea.breakout_id).in_(breakout_ids))
                              )).one()
    participation = [(r.group, r.total) for r in document.participation]
    members = [(b.label, b.members) for t in document.topics for b in getattr(t, 'breakouts', [])]
    return participation, members, tallies, ideas


def _personal_data_in(text: str) -> list[str]:
    return [s for s in NAMES + ORGS if s in text]


async def test_anonymising_removes_personal_data_and_keeps_ideas_and_counts(db, bus, cluster):
    tokens, ids = await _busy_workshop(db, bus, cluster)
    before = await _counts(db, cluster.workshop_id)
    assert before[2] == {ids[0]: 3, ids[1]: 3}

    report = await privacy.anonymise_workshop(db, bus, lead_secret=cluster.lead_secret)
    assert (report.participants, report.ideas_unlinked, report.votes_merged) == (3, 3, 6)

    assert await _counts(db, cluster.workshop_id) == before  # ideas, dots, rooms, groups: all still there
    async with db.session() as s:
        people = (await s.exec(select(Participant).where(Participant.workshop_id == cluster.workshop_id))).all()
        assert all(p.name is None and p.organisation is None for p in people)
        assert not {p.token for p in people} & set(tokens)
        ideas = (await s.exec(select(Idea).where(col(Idea.id).in_(ids)))).all()
        assert [i.participant_id for i in ideas] == [None, None, None]
        holders = set((await s.exec(select(Vote.participant_id).join(Idea, Idea.id == Vote.idea_id)
                                    .where(col(Idea.id).in_(ids)))).all())
        assert len(holders) == 1  # who gave which dot is gone
        assert (await s.get(Participant, holders.pop())).removed
        assert (await s.get(Workshop, cluster.workshop_id)).anonymised_at is not None
        exported = archive.dumps(await archive.export_archive(s, cluster.workshop_id))
    assert _personal_data_in(exported) == []
    # the old phones can no longer act as anyone
    with pytest.raises(Forbidden):
        await votes.remove_dot(db, bus, token=tokens[0], idea_id=ids[0])
    async with db.session() as s:
        assert await participants.participant_by_token(s, tokens[0], cluster.workshop_id) is None

    # anonymising again changes nothing
    await privacy.anonymise_workshop(db, bus, lead_secret=cluster.lead_secret)
    assert await _counts(db, cluster.workshop_id) == before


async def test_anonymising_scrubs_frozen_protocol_versions(db, bus, cluster):
    await _busy_workshop(db, bus, cluster)
    await protocol.set_name_authors(db, bus, lead_secret=cluster.lead_secret, name_authors=True)
    await protocol.mark_final(db, bus, lead_secret=cluster.lead_secret)
    async with db.session() as s:
        version = (await s.exec(select(ProtocolVersion))).one()
    assert _personal_data_in(version.archive)

    report = await privacy.anonymise_workshop(db, bus, lead_secret=cluster.lead_secret)
    assert report.versions_scrubbed == 1
    async with db.session() as s:
        version = (await s.exec(select(ProtocolVersion))).one()
    assert _personal_data_in(version.archive) == []
    data = json.loads(version.archive)
    archive.validate_archive(data)  # still a valid archive
    assert version.checksum == archive.checksum(data)
    dots = [sum(v['dots'] for v in idea['votes']) for r in data['workshop']['rounds'] for b in r['breakouts']
            for q in b['questions'] for idea in q['ideas']]
    assert sorted(d for d in dots if d) == [3, 3]


async def test_retention_anonymises_after_the_period_and_not_before(db, bus, cluster):
    await _busy_workshop(db, bus, cluster)
    other = await create_from_template(db, template=load_template('cluster-workshop'))
    _, other_token = await participants.join(db, code=other.join_code, name='Dora Dohle')
    ended = dt.datetime(2030, 5, 4, 16, 0, tzinfo=dt.UTC)
    await privacy.end_workshop(db, bus, lead_secret=cluster.lead_secret, now=ended)
    async with db.session() as s:
        workshop = await s.get(Workshop, cluster.workshop_id)
        assert workshop.status == WorkshopStatus.ended
        assert workshop.retention_days == 30  # the default
    with pytest.raises(Forbidden):  # an ended workshop takes nobody new
        await participants.join(db, code=cluster.join_code)

    # the other workshop runs on (dated far ahead): it is never due before its date
    async with db.transaction() as s:
        (await s.get(Workshop, other.workshop_id)).date = dt.date(2031, 1, 1)

    assert await privacy.purge_expired(db, bus, now=ended + dt.timedelta(days=29, hours=23)) == []
    async with db.session() as s:
        assert set((await s.exec(select(Participant.name).where(Participant.workshop_id == cluster.workshop_id)
                                 )).all()) == set(NAMES)
    assert await privacy.purge_expired(db, bus, now=ended + dt.timedelta(days=30, minutes=1)) == [cluster.workshop_id]
    assert await privacy.purge_expired(db, bus, now=ended + dt.timedelta(days=31)) == []  # done once
    async with db.session() as s:
        names = set((await s.exec(select(Participant.name).where(Participant.workshop_id == cluster.workshop_id)
                                  )).all())
        assert names == {None}
        assert await participants.participant_by_token(s, other_token, other.workshop_id) is not None


async def test_retention_period_is_per_workshop_and_checked(db, bus, cluster):
    await _busy_workshop(db, bus, cluster)
    with pytest.raises(Invalid):
        await privacy.set_retention(db, bus, lead_secret=cluster.lead_secret, days=-1)
    with pytest.raises(Invalid):
        await privacy.set_retention(db, bus, lead_secret=cluster.lead_secret, days=10_000)
    with pytest.raises(Forbidden):
        await privacy.set_retention(db, bus, lead_secret=cluster.breakouts[0].moderator_secret, days=1)
    await privacy.set_retention(db, bus, lead_secret=cluster.lead_secret, days=7)
    ended = dt.datetime(2030, 5, 4, 16, 0, tzinfo=dt.UTC)
    await privacy.end_workshop(db, bus, lead_secret=cluster.lead_secret, now=ended)
    assert await privacy.purge_expired(db, now=ended + dt.timedelta(days=6)) == []
    assert await privacy.purge_expired(db, now=ended + dt.timedelta(days=7, seconds=1)) == [cluster.workshop_id]


async def test_a_workshop_never_ended_is_anonymised_after_its_date(db, bus, cluster):
    await _busy_workshop(db, bus, cluster)
    async with db.transaction() as s:
        (await s.get(Workshop, cluster.workshop_id)).date = dt.date(2030, 5, 4)
    day_after = dt.datetime(2030, 5, 5, tzinfo=dt.UTC)
    assert await privacy.purge_expired(db, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=31)) == []
    assert await privacy.purge_expired(db, now=day_after + dt.timedelta(days=29)) == []
    assert await privacy.purge_expired(db, now=day_after + dt.timedelta(days=30, seconds=1)) == [cluster.workshop_id]


async def test_a_workshop_made_from_an_old_template_is_not_anonymised_at_once(db, bus, cluster):
    await _busy_workshop(db, bus, cluster)
    async with db.transaction() as s:
        (await s.get(Workshop, cluster.workshop_id)).date = dt.date(2001, 1, 1)
    now = dt.datetime.now(dt.UTC)
    assert await privacy.purge_expired(db, now=now + dt.timedelta(days=29)) == []
    assert await privacy.purge_expired(db, now=now + dt.timedelta(days=31)) == [cluster.workshop_id]


async def _row_counts(db) -> dict[str, int]:
    async with db.session() as s:
        return {t.name: (await s.exec(sa_select(func.count()).select_from(t))).one()[0]
                for t in SQLModel.metadata.sorted_tables}


async def test_deleting_removes_every_row_of_the_workshop_and_nothing_else(db, bus, cluster):
    bare_cluster = await _row_counts(db)  # the fixture's workshop, as created
    other = await create_from_template(db, template=load_template('cluster-workshop'))
    await _busy_workshop(db, bus, other)
    only_other = {name: n - bare_cluster[name] for name, n in (await _row_counts(db)).items()}
    await _busy_workshop(db, bus, cluster)
    await protocol.mark_final(db, bus, lead_secret=cluster.lead_secret)
    await protocol.add_conclusion(db, bus, lead_secret=cluster.lead_secret, title='Schluss')
    await privacy.anonymise_workshop(db, bus, lead_secret=cluster.lead_secret)  # the placeholder goes too

    with pytest.raises(Forbidden):
        await privacy.delete_workshop(db, bus, lead_secret=cluster.breakouts[0].moderator_secret)
    deleted = await privacy.delete_workshop(db, bus, lead_secret=cluster.lead_secret)
    assert deleted > 0
    assert await _row_counts(db) == only_other  # every table, including ones added later
    async with db.session() as s:
        assert await s.get(Workshop, cluster.workshop_id) is None
        assert (await s.get(Workshop, other.workshop_id)) is not None
    await privacy.delete_workshop(db, bus, lead_secret=other.lead_secret)
    assert set((await _row_counts(db)).values()) == {0}


async def test_only_the_lead_moderator_anonymises_or_deletes(db, bus, cluster):
    tokens, _ = await _busy_workshop(db, bus, cluster)
    for secret in (tokens[0], cluster.breakouts[0].moderator_secret, '', 'x' * 22):
        with pytest.raises(Forbidden):
            await privacy.anonymise_workshop(db, bus, lead_secret=secret)
        with pytest.raises(Forbidden):
            await privacy.delete_workshop(db, bus, lead_secret=secret)
        with pytest.raises(Forbidden):
            await privacy.end_workshop(db, bus, lead_secret=secret)
    async with db.session() as s:
        assert (await s.exec(select(func.count()).select_from(Attendance))).one() == 3


def test_scrub_archive_leaves_no_names():
    data = {'workshop': {'participants': [{'id': 1, 'name': 'Anna Amsel', 'organisation': 'Amt für Alles',
                                           'group': 'Wirtschaft', 'created_at': '2030-01-01T00:00:00+00:00',
                                           'removed': False, 'attendance': []}],
                         'rounds': [{'breakouts': [{'questions': [{'ideas': [
                             {'author': 1, 'votes': [{'participant': 1, 'dots': 2,
                                                      'created_at': '2030-01-01T00:00:00+00:00'}]}]}]}]}]}}
    privacy.scrub_archive(data)
    assert _personal_data_in(json.dumps(data)) == []
    idea = data['workshop']['rounds'][0]['breakouts'][0]['questions'][0]['ideas'][0]
    assert idea['author'] is None and idea['votes'][0]['dots'] == 2 and idea['votes'][0]['participant'] == 2
    assert data['workshop']['participants'][0]['group'] == 'Wirtschaft'


def test_purge_command_anonymises_what_is_due(tmp_path, capsys):
    import sqlite3

    from workshop.cli import main
    db = tmp_path / 'purge.sqlite3'
    assert main(['new', 'cluster-workshop', '--db', str(db), '--date', '2026-05-26']) == 0
    assert main(['purge', '--db', str(db)]) == 0
    with sqlite3.connect(db) as con:
        con.execute("insert into participant (workshop_id, token, name, organisation, created_at, removed) "
                    "values (1, 'tok', 'Anna Amsel', 'Amt', '2026-05-26 10:00:00', 0)")
        con.execute("update workshop set ended_at = '2026-05-26 16:00:00', created_at = '2026-05-01 10:00:00'")
    capsys.readouterr()
    assert main(['purge', '--db', str(db)]) == 0  # today is more than 30 days after 2026-05-26
    assert 'anonymised 1 workshop(s): 1' in capsys.readouterr().out
    with sqlite3.connect(db) as con:
        assert con.execute('select name, organisation from participant').fetchall() == [(None, None)]
        assert con.execute('select anonymised_at is not null from workshop').fetchone() == (1,)


# --- erased means gone from the files too (docs/security.md) --------------------------------------------

def _files_holding(path, needle: bytes) -> list[str]:
    """Which of the SQLite files (main, -wal, -shm) hold ``needle`` anywhere in their bytes."""
    files = [path, path.with_name(path.name + '-wal'), path.with_name(path.name + '-shm')]
    return [f.name for f in files if f.exists() and needle in f.read_bytes()]


async def test_erased_names_are_gone_from_the_sqlite_files(tmp_path, bus):
    from workshop.db import Database
    path = tmp_path / 'erase.sqlite3'
    db = Database(str(path))
    db.create_schema()
    try:
        links = await create_from_template(db, template=load_template('cluster-workshop'))
        _, token = await participants.join(db, code=links.join_code, name='Zyxwvuts Quorkel',
                                           organisation='Quorkel Organisation')
        breakout_id = links.breakouts[0].breakout_id
        await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id,
                                           breakout_id=breakout_id)
        await post(db, bus, token, breakout_id, 'Eine Idee')
        await protocol.mark_final(db, bus, lead_secret=links.lead_secret)  # a frozen archive names them too
        assert _files_holding(path, b'Zyxwvuts Quorkel')  # the test finds it where it is

        await privacy.anonymise_workshop(db, bus, lead_secret=links.lead_secret)
        for needle in (b'Zyxwvuts Quorkel', b'Quorkel Organisation', token.encode()):
            assert _files_holding(path, needle) == [], needle
        await privacy.delete_workshop(db, bus, lead_secret=links.lead_secret)
        for needle in (b'Zyxwvuts Quorkel', b'Quorkel Organisation', b'Eine Idee', links.join_code.encode()):
            assert _files_holding(path, needle) == [], needle
    finally:
        await db.dispose()


def test_every_sqlite_connection_deletes_securely():
    """Where SQLite was built without SECURE_DELETE, freed pages would keep erased names."""
    import sqlite3

    from workshop.db import _sqlite_pragmas
    connection = sqlite3.connect(':memory:')
    connection.execute('PRAGMA secure_delete=OFF')  # what such a build starts with
    _sqlite_pragmas(connection, None)
    assert connection.execute('PRAGMA secure_delete').fetchone() == (1,)
    connection.close()


@pytest.mark.postgresql
async def test_erasing_on_postgresql_vacuums_the_workshop_tables(postgres_test_url, bus):
    """Dead row versions keep erased names in the table files until VACUUM (docs/security.md)."""
    from tests import servers
    from workshop.db import Database
    servers.truncate_all(postgres_test_url)
    db = Database(postgres_test_url)

    async def vacuums() -> dict[str, int]:
        async with db.engine.connect() as connection:
            rows = (await connection.exec_driver_sql('SELECT relname, vacuum_count FROM pg_stat_user_tables')).all()
        return dict(rows)
    try:
        links = await create_from_template(db, template=load_template('cluster-workshop'))
        await participants.join(db, code=links.join_code, name='Zyxwvuts Quorkel')
        before = await vacuums()
        await privacy.anonymise_workshop(db, bus, lead_secret=links.lead_secret)
        after_anonymising = await vacuums()
        assert after_anonymising['participant'] > before['participant']
        await privacy.delete_workshop(db, bus, lead_secret=links.lead_secret)
        after_deleting = await vacuums()
        assert all(after_deleting[t] > after_anonymising[t] for t in ('workshop', 'participant', 'idea', 'vote'))
    finally:
        await db.dispose()
