"""Correctness across instances at the database: two ``Database`` objects (two engines, two connection
pools — as two app processes have) working on one database at once, on SQLite and on PostgreSQL.

Nothing here may rely on memory shared between the two: budgets and merges hold by transactions and
row locks alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import func, select

from workshop.bus import InProcessBus
from workshop.db import Database
from workshop.models import Idea, Vote
from workshop.services import curation, facilitation, votes
from workshop.services.errors import Invalid, NotFound, ServiceError

from ..services.helpers import member, post


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """The same database as seen by a second app instance."""
    second = Database(db.sync_url)
    yield second
    await second.dispose()


async def _voting_room(db, bus, cluster, n_ideas: int):  # noqa: ANN001, ANN202
    token, breakout_id = await member(db, bus, cluster)
    ids = [await post(db, bus, token, breakout_id, f'Idee {i}') for i in range(n_ideas)]
    await facilitation.set_phase(db, bus, secret=cluster.breakouts[0].moderator_secret, phase='vote')
    return token, breakout_id, ids


async def test_one_participants_dots_through_two_instances_never_exceed_the_budget(db, other, cluster):
    a, b = InProcessBus(), InProcessBus()  # each instance publishes to its own pages
    token, _breakout_id, ids = await _voting_room(db, a, cluster, n_ideas=6)
    attempts = [votes.cast_dot(db if n % 2 else other, a if n % 2 else b, token=token, idea_id=ids[n % 6])
                for n in range(40)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, Invalid)]
    assert unexpected == []
    assert sum(1 for r in results if not isinstance(r, BaseException)) == 3
    async with db.session() as s:
        assert (await s.exec(select(func.sum(Vote.dots)))).one() == 3
        assert max(n for _i, n in (await s.exec(select(Vote.idea_id, Vote.dots))).all()) == 1  # one per idea


async def test_dots_while_the_idea_is_merged_on_the_other_instance(db, other, cluster):
    """Votes on a duplicate race with its merge: every dot ends on the kept idea or was refused."""
    a, b = InProcessBus(), InProcessBus()
    _token, breakout_id, (keep, duplicate) = await _voting_room(db, a, cluster, n_ideas=2)
    voters = [(await member(db, a, cluster))[0] for _ in range(8)]
    secret = cluster.breakouts[0].moderator_secret
    dots = [votes.cast_dot(other if n % 2 else db, a, token=t, idea_id=duplicate) for n, t in enumerate(voters)]
    merge = curation.merge_ideas(db, b, secret=secret, keep_id=keep, merge_id=duplicate)
    results = await asyncio.gather(*dots[:4], merge, *dots[4:], return_exceptions=True)
    assert not isinstance(results[4], BaseException), results[4]
    cast = [r for n, r in enumerate(results) if n != 4 and not isinstance(r, BaseException)]
    refused = [r for n, r in enumerate(results) if n != 4 and isinstance(r, BaseException)]
    assert all(isinstance(r, NotFound) for r in refused), refused
    async with db.session() as s:
        assert (await s.exec(select(func.count()).select_from(Vote).where(Vote.idea_id == duplicate))).one() == 0
        assert await votes.tallies(s, breakout_id=breakout_id) == ({keep: len(cast)} if cast else {})
        assert (await s.get(Idea, duplicate)).merged_into_id == keep


async def test_crossed_merges_on_two_instances_make_no_cycle(db, other, cluster):
    bus = InProcessBus()
    token, _breakout_id, (first, second) = await _voting_room(db, bus, cluster, n_ideas=2)
    secret = cluster.breakouts[0].moderator_secret
    results = await asyncio.gather(curation.merge_ideas(db, bus, secret=secret, keep_id=first, merge_id=second),
                                   curation.merge_ideas(other, bus, secret=secret, keep_id=second, merge_id=first),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ['NotFound', 'int'], results
    async with db.session() as s:
        merged = [(await s.get(Idea, i)).merged_into_id for i in (first, second)]
    assert merged.count(None) == 1  # exactly one idea stays


async def test_phase_and_question_changes_from_two_instances_end_in_one_state(db, other, cluster):
    bus = InProcessBus()
    secret = cluster.breakouts[0].moderator_secret
    changes = [facilitation.set_phase(db if n % 2 else other, bus, secret=secret, phase=phase)
               for n, phase in enumerate(['vote', 'discuss', 'collect', 'vote', 'closed', 'discuss'] * 3)]
    results = await asyncio.gather(*changes, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    async with db.session() as s:
        breakout = await s.get(facilitation.Breakout, cluster.breakouts[0].breakout_id)
        rows = (await s.exec(select(facilitation.BreakoutQuestion).where(
            facilitation.BreakoutQuestion.breakout_id == breakout.id))).all()
    assert len(rows) == 1  # one state row, not one per instance


async def test_timers_started_on_two_instances_use_the_database_clock(db, other, cluster):
    bus = InProcessBus()
    secret = cluster.breakouts[0].moderator_secret
    before = await db.now()
    ends_a = await facilitation.start_timer(db, bus, secret=secret, seconds=300)
    ends_b = await facilitation.start_timer(other, bus, secret=secret, seconds=300)
    after = await other.now()
    for ends in (ends_a, ends_b):
        assert ends.tzinfo is not None
        assert before.timestamp() + 300 - 0.01 <= ends.timestamp() <= after.timestamp() + 300 + 0.01


def test_service_errors_are_what_pages_expect():
    assert issubclass(NotFound, ServiceError) and issubclass(Invalid, ServiceError)
