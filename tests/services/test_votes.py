import asyncio

import pytest
from sqlmodel import select

from workshop.models import Vote
from workshop.services import facilitation, lead, votes
from workshop.services.errors import Forbidden, Invalid, NotFound

from ..waiting import until
from .helpers import member, post


async def _voting_room(db, bus, cluster, n_ideas=5):
    token, breakout_id = await member(db, bus, cluster)
    ids = [await post(db, bus, token, breakout_id, f'Idee {i}') for i in range(n_ideas)]
    await facilitation.set_phase(db, bus, secret=cluster.breakouts[0].moderator_secret, phase='vote')
    return token, breakout_id, ids


async def test_budget_cap_and_taking_dots_back(db, bus, cluster):
    token, breakout_id, ids = await _voting_room(db, bus, cluster)
    status = await votes.cast_dot(db, bus, token=token, idea_id=ids[0])
    assert (status.mine, status.left, status.budget) == (1, 2, 3)
    with pytest.raises(Invalid) as e:  # at most one dot per idea by default
        await votes.cast_dot(db, bus, token=token, idea_id=ids[0])
    assert str(e.value) == 'Only one dot per idea.'
    await votes.cast_dot(db, bus, token=token, idea_id=ids[1])
    assert (await votes.cast_dot(db, bus, token=token, idea_id=ids[2])).left == 0
    with pytest.raises(Invalid) as e:
        await votes.cast_dot(db, bus, token=token, idea_id=ids[3])
    assert 'all your 3 dots' in str(e.value)
    # take one back, give it elsewhere
    assert (await votes.remove_dot(db, bus, token=token, idea_id=ids[0])).left == 1
    with pytest.raises(Invalid):
        await votes.remove_dot(db, bus, token=token, idea_id=ids[0])
    assert (await votes.cast_dot(db, bus, token=token, idea_id=ids[3])).left == 0
    async with db.session() as s:
        assert await votes.tallies(s, breakout_id=breakout_id) == {ids[1]: 1, ids[2]: 1, ids[3]: 1}


async def test_budget_per_workshop_and_per_question(db, bus, cluster):
    await lead.update_voting(db, bus, lead_secret=cluster.lead_secret, dots_per_question=5, max_dots_per_idea=2)
    token, _breakout_id, ids = await _voting_room(db, bus, cluster, n_ideas=3)
    await votes.cast_dot(db, bus, token=token, idea_id=ids[0])
    status = await votes.cast_dot(db, bus, token=token, idea_id=ids[0])
    assert (status.mine, status.left, status.budget) == (2, 3, 5)
    with pytest.raises(Invalid):
        await votes.cast_dot(db, bus, token=token, idea_id=ids[0])
    # a question's own budget wins
    from workshop.models import Idea, Question
    async with db.transaction() as s:
        question = await s.get(Question, (await s.get(Idea, ids[0])).question_id)
        question.dots_budget = 2
    with pytest.raises(Invalid) as e:
        await votes.cast_dot(db, bus, token=token, idea_id=ids[1])
    assert 'all your 2 dots' in str(e.value)
    with pytest.raises(Invalid):
        await lead.update_voting(db, bus, lead_secret=cluster.lead_secret, dots_per_question=0)


async def test_fifty_concurrent_requests_cannot_overspend(db, bus, cluster):
    await lead.update_voting(db, bus, lead_secret=cluster.lead_secret, max_dots_per_idea=20)
    token, _breakout_id, ids = await _voting_room(db, bus, cluster, n_ideas=2)
    results = await asyncio.gather(*(votes.cast_dot(db, bus, token=token, idea_id=ids[i % 2]) for i in range(50)),
                                   return_exceptions=True)
    accepted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Invalid)]
    assert len(accepted) == 3 and len(refused) == 47
    async with db.session() as s:
        stored = (await s.exec(select(Vote))).all()
    assert sum(v.dots for v in stored) == 3


async def test_who_may_vote_on_what(db, bus, cluster):
    token, _breakout_id, ids = await _voting_room(db, bus, cluster)
    other, _ = await member(db, bus, cluster, index=1)  # W 1.2
    with pytest.raises(Forbidden):
        await votes.cast_dot(db, bus, token=other, idea_id=ids[0])
    with pytest.raises(Forbidden):
        await votes.cast_dot(db, bus, token='forged', idea_id=ids[0])
    with pytest.raises(NotFound):
        await votes.cast_dot(db, bus, token=token, idea_id=99999)
    from workshop.services import curation
    await curation.hide_idea(db, bus, secret=cluster.breakouts[0].moderator_secret, idea_id=ids[0])
    with pytest.raises(NotFound):
        await votes.cast_dot(db, bus, token=token, idea_id=ids[0])


async def test_votes_are_coalesced_per_room(db, bus, cluster):
    from workshop.events import TalliesChanged
    seen = []
    bus.subscribe(cluster.workshop_id, seen.append)
    tokens = [(await member(db, bus, cluster))[0] for _ in range(10)]
    _token, _breakout_id, ids = await _voting_room(db, bus, cluster, n_ideas=3)
    from workshop.bus import TALLY_WINDOW
    loop = asyncio.get_running_loop()
    started = loop.time()
    for t in tokens:
        for idea_id in ids:
            await votes.cast_dot(db, bus, token=t, idea_id=idea_id)
    elapsed = loop.time() - started
    await until(lambda: any(isinstance(e, TalliesChanged) and e.dots_cast == 30 for e in seen), what='the last tallies')
    tallies = [e for e in seen if isinstance(e, TalliesChanged)]
    # 30 votes reach the pages as at most one update per window (plus the last one)
    assert 1 <= len(tallies) <= elapsed / TALLY_WINDOW + 2 < 30
    final: dict[int, int] = {}
    for update in tallies:  # each update carries the ideas that changed in its window
        final.update(dict(update.tallies))
    assert final == {ids[0]: 10, ids[1]: 10, ids[2]: 10}
    assert tallies[-1].dots_cast == 30


async def test_a_burst_of_votes_is_written_in_few_transactions_each_vote_checked_on_its_own(db, bus, cluster):
    from sqlalchemy import event

    from workshop.events import VoteChanged
    from workshop.services import curation
    members = [(await member(db, bus, cluster))[0] for _ in range(40)]
    outsider, _ = await member(db, bus, cluster, index=1)  # W 1.2: may not vote in W 1.1
    _token, breakout_id, ids = await _voting_room(db, bus, cluster, n_ideas=4)
    await curation.hide_idea(db, bus, secret=cluster.breakouts[0].moderator_secret, idea_id=ids[3])
    transactions = []

    def count(connection) -> None:
        transactions.append(connection)
    event.listen(db.engine.sync_engine, 'begin', count)
    bus.published.clear()
    try:
        requests = [votes.cast_dot(db, bus, token=t, idea_id=ids[i % 3]) for i, t in enumerate(members)]
        requests += [votes.cast_dot(db, bus, token=members[0], idea_id=ids[0]),  # a second dot on the same idea
                     votes.cast_dot(db, bus, token=outsider, idea_id=ids[0]),
                     votes.cast_dot(db, bus, token='forged', idea_id=ids[1]),
                     votes.cast_dot(db, bus, token=members[1], idea_id=ids[3]),  # hidden
                     votes.remove_dot(db, bus, token=members[2], idea_id=ids[2]),  # given just before, in the burst
                     votes.remove_dot(db, bus, token=members[3], idea_id=ids[1])]  # has none there
        results = await asyncio.gather(*requests, return_exceptions=True)
    finally:
        event.remove(db.engine.sync_engine, 'begin', count)
    assert all(r.mine == 1 and r.left == 2 for r in results[:40])
    assert [type(r) for r in results[40:]] == [Invalid, Forbidden, Forbidden, NotFound, votes.VoteStatus, Invalid]
    assert (results[44].mine, results[44].left) == (0, 3)
    assert 'Only one dot per idea' in str(results[40])
    assert len(transactions) <= 3  # the first vote at once, the rest together (was: one transaction per vote)
    async with db.session() as s:
        assert await votes.tallies(s, breakout_id=breakout_id) == {ids[0]: 14, ids[1]: 13, ids[2]: 12}
    changes = [e for e in bus.published if isinstance(e, VoteChanged)]
    final = {e.idea_id: e.total for e in changes}  # the last event of each idea carries its final total
    assert final == {ids[0]: 14, ids[1]: 13, ids[2]: 12} and changes[-1].breakout_dots == 39
    assert len(changes) <= 2 * 3  # at most one per idea and transaction


async def test_a_failing_batch_is_written_vote_by_vote(db, bus, cluster, monkeypatch):
    members = [(await member(db, bus, cluster))[0] for _ in range(6)]
    _token, breakout_id, ids = await _voting_room(db, bus, cluster, n_ideas=2)
    real_save = votes._BatchState.save

    async def save(self, session):  # a database error in any batch of more than one vote
        if len(self.applied) > 1:
            raise RuntimeError('disk I/O error')
        return await real_save(self, session)
    monkeypatch.setattr(votes._BatchState, 'save', save)
    results = await asyncio.gather(*(votes.cast_dot(db, bus, token=t, idea_id=ids[0]) for t in members))
    assert [r.mine for r in results] == [1] * 6
    async with db.session() as s:
        assert await votes.tallies(s, breakout_id=breakout_id) == {ids[0]: 6}
