"""Correctness across instances at the database: two ``Database`` objects (two engines, two connection
pools — as two app processes have) working on one database at once, on SQLite and on PostgreSQL.

Nothing here may rely on memory shared between the two: budgets and merges hold by transactions and
row locks alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import col, func, select

from workshop.bus import Hub, InProcessBus
from workshop.db import Database
from workshop.events import TalliesChanged, VoteChanged
from workshop.models import Idea, Vote
from workshop.services import curation, facilitation, votes
from workshop.services.errors import Invalid, NotFound, ServiceError

from ..conftest import RecordingBus
from ..services.helpers import member, post
from ..waiting import until


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """The same database as seen by a second app instance."""
    second = Database(db.sync_url)
    yield second
    await second.dispose()


async def _voting_room(db, bus, cluster, n_ideas: int):
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
    _token, _breakout_id, (first, second) = await _voting_room(db, bus, cluster, n_ideas=2)
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


async def test_tallies_of_concurrent_batches_on_two_instances_settle_on_the_database_totals(db, other, cluster):
    """Two instances write vote batches in one room at once; their events reach an instance's pages in
    any order (Redis orders by publish time, not by commit). Whatever the order, the tallies and the
    room's dot count that pages end with are the database's (issue: 60 of 100 dots on every screen)."""
    a, b = RecordingBus(), RecordingBus()  # each instance's writer publishes to its own bus
    _token, breakout_id, ids = await _voting_room(db, a, cluster, n_ideas=4)
    voters = [(await member(db, a, cluster))[0] for _ in range(24)]
    a.published.clear()
    for turn in range(3):  # three bursts; in each, both instances write one batch of 12 votes on all ideas
        await asyncio.gather(*[votes.cast_dot(db if n % 2 else other, a if n % 2 else b, token=t,
                                              idea_id=ids[(n + turn) % 4]) for n, t in enumerate(voters)])
    from_a = [e for e in a.published if isinstance(e, VoteChanged)]
    from_b = [e for e in b.published if isinstance(e, VoteChanged)]
    assert from_a and from_b
    async with db.session() as s:
        expected = await votes.tallies(s, breakout_id=breakout_id)
        expected_dots = await votes.dots_cast(s, breakout_id=breakout_id)
    assert sum(expected.values()) == expected_dots == 72
    interleaved = [e for pair in zip(from_a, from_b, strict=False) for e in pair[::-1]]
    for arrival in (from_a + from_b, from_b + from_a, interleaved):
        hub = Hub(tally_window=0)
        shown: dict[int, int] = {}
        counts: list[int] = []

        def page(event, shown=shown, counts=counts) -> None:  # a page's tally handler
            if isinstance(event, TalliesChanged):
                shown.update(event.tallies)
                counts.append(event.dots_cast)
        hub.subscribe(cluster.workshop_id, page)
        for event in arrival:  # each event on its own: every intermediate state reaches the page
            hub.deliver(event)
            hub.flush_tallies()
        assert shown == expected
        assert counts[-1] == expected_dots


@pytest.mark.redis
async def test_vote_bursts_through_two_instances_and_redis_end_in_the_database_totals(db, other, cluster):
    """The same with the real Redis bus between the two instances: each instance's pages end with the
    database's tallies and dot count after bursts written by both at once."""
    import secrets as _secrets

    from workshop.bus import RedisBus

    from .. import servers
    prefix = f'test-{_secrets.token_hex(4)}:'
    a, b = (RedisBus(servers.redis_url(db=9), prefix=prefix, hub=Hub(tally_window=0.05)) for _ in range(2))
    try:
        assert await a.start() and await b.start()
        _token, breakout_id, ids = await _voting_room(db, a, cluster, n_ideas=4)
        voters = [(await member(db, a, cluster))[0] for _ in range(40)]
        shown: dict[str, dict[int, int]] = {'a': {}, 'b': {}}
        counts: dict[str, int] = {}
        for name, bus in (('a', a), ('b', b)):
            def page(event, name=name) -> None:
                if isinstance(event, TalliesChanged):
                    shown[name].update(event.tallies)
                    counts[name] = event.dots_cast
            bus.subscribe(cluster.workshop_id, page)
        for turn in range(3):
            await asyncio.gather(*[votes.cast_dot(db if n % 2 else other, a if n % 2 else b, token=t,
                                                  idea_id=ids[(n + turn) % 4]) for n, t in enumerate(voters)])
        async with db.session() as s:
            expected = await votes.tallies(s, breakout_id=breakout_id)
        assert sum(expected.values()) == 120
        await until(lambda: all(shown[n] == expected and counts.get(n) == 120 for n in 'ab'), 5,
                    what=lambda: f'both instances show the tallies {expected}: {shown}, {counts}')
    finally:
        await a.close()
        await b.close()


async def test_two_instances_close_a_timers_collection_exactly_once(db, other, cluster):
    """Every instance wakes up when a timer that closes collection ends: they race, one switches the phase."""
    from sqlalchemy import update

    from workshop.db import server_now
    from workshop.events import PhaseChanged
    from workshop.models import Breakout
    a, b = RecordingBus(), RecordingBus()
    rooms = [r.breakout_id for r in cluster.breakouts[:3]]
    await facilitation.start_timer_everywhere(db, a, lead_secret=cluster.lead_secret, seconds=600,
                                              close_collection=True)
    async with db.transaction() as s:
        now = await server_now(s)
        await s.exec(update(Breakout).where(col(Breakout.id).in_(rooms)).values(timer_ends_at=now))
    a.published.clear()
    await asyncio.gather(*(facilitation.close_due_collections(db if n % 2 else other, a if n % 2 else b)
                           for n in range(8)))
    switched = [e for e in a.published + b.published if isinstance(e, PhaseChanged)]
    assert sorted(e.breakout_id for e in switched) == rooms  # each room once, by one instance or the other
    assert {e.phase for e in switched} == {'vote'}
