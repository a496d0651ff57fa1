"""Property-based tests (hypothesis) of the service layer's inputs: whatever a phone sends, the
services either refuse it with a readable message or store something clean — and budgets hold."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import select

from workshop.models import Idea, Participant, Vote
from workshop.services import facilitation, ideas, participants, votes
from workshop.services.errors import Invalid, ServiceError
from workshop.services.text import _INVISIBLE, clean_optional, clean_text

from .helpers import member

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# any text, with extra weight on what makes trouble: controls, invisibles, bidi overrides, joiners, emoji, RTL
TROUBLE = st.sampled_from(['\x00', '\x07', '\x1b', '\r', '\n', '\t', '\u200b', '\u200c', '\u200d', '\u202e',
                           '\u2066', '\ufeff', '\u00ad', '\U000e0041', '👩', '💻', '\ufe0f', '🏽', 'ש', 'م', 'é',
                           'e\u0301', '<', '>', '&', '"', '=', ' ', '\u00a0', '\u2028'])
TEXT = st.lists(st.one_of(st.characters(), TROUBLE), max_size=80).map(''.join)


def _allowed_invisible(text: str) -> bool:
    return not _INVISIBLE.search(text)


@given(value=TEXT, multiline=st.booleans(), max_length=st.integers(1, 60))
@settings(max_examples=400, deadline=None)
def test_clean_text_gives_clean_text_or_a_message(value: str, multiline: bool, max_length: int):
    try:
        cleaned = clean_text(value, max_length=max_length, multiline=multiline)
    except Invalid as e:
        assert e.message in ('{field} must not be empty.',
                             '{field} is too long: {length} characters, at most {max} are allowed.')
        return
    assert 1 <= len(cleaned) <= max_length
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized('NFC', cleaned)
    assert all(c == '\n' or unicodedata.category(c) != 'Cc' for c in cleaned)
    assert multiline or '\n' not in cleaned
    assert _allowed_invisible(cleaned)
    for i, c in enumerate(cleaned):  # a joiner is only kept between two visible characters
        if c in '\u200c\u200d':
            assert 0 < i < len(cleaned) - 1 and not cleaned[i - 1].isspace() and not cleaned[i + 1].isspace()
    assert clean_text(cleaned, max_length=max_length, multiline=multiline) == cleaned  # idempotent


@given(value=st.one_of(st.none(), TEXT))
@settings(max_examples=200, deadline=None)
def test_clean_optional_is_none_or_clean(value):
    try:
        cleaned = clean_optional(value, max_length=40, field='Name')
    except Invalid:
        return
    assert cleaned is None or (cleaned and _allowed_invisible(cleaned) and len(cleaned) <= 40)


@pytest.fixture
def db(request):  # these properties run on SQLite only: many examples, each a few writes
    return request.getfixturevalue('sqlite_db')


@pytest.fixture
async def sqlite_db(database_url):
    from workshop.db import Database
    database = Database(database_url)
    database.create_schema()
    yield database
    await database.dispose()


@given(name=st.one_of(st.none(), TEXT), organisation=st.one_of(st.none(), TEXT),
       group=st.one_of(st.none(), st.sampled_from(['Unternehmen', 'Hochschulen', 'Erfunden', '']), TEXT),
       code=st.one_of(st.just('valid'), st.just('lower'), TEXT))
@SETTINGS
async def test_join_accepts_or_refuses_with_a_message(db, cluster, name, organisation, group, code):
    typed = {'valid': cluster.join_code, 'lower': f' {cluster.join_code.lower()[:3]}-{cluster.join_code[3:]} '} \
        .get(code, code)
    try:
        public, token = await participants.join(db, code=typed, name=name, organisation=organisation,
                                                stakeholder_group=group)
    except ServiceError as e:
        assert e.message and str(e)
        return
    assert len(token) >= 22
    async with db.session() as s:
        stored = await s.get(Participant, public.id)
    for value in (stored.name, stored.organisation):
        assert value is None or (value == value.strip() and _allowed_invisible(value) and '\n' not in value)
    assert stored.name is None or len(stored.name) <= participants.NAME_MAX
    assert stored.stakeholder_group in (None, 'Unternehmen', 'Hochschulen')


@given(posts=st.lists(st.tuples(TEXT, st.sampled_from(['a', 'b', 'c', 'd', '', ' ', 'x' * 65])), max_size=8))
@SETTINGS
async def test_posting_is_idempotent_and_clean(db, bus, cluster, posts):
    token, breakout_id = await member(db, bus, cluster)
    prefix = ideas.new_client_id()[:8]
    accepted: dict[str, int] = {}
    for text, suffix in posts:
        client_id = f'{prefix}{suffix}' if suffix.strip() and len(suffix) < 60 else suffix
        try:
            idea = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=text, client_id=client_id)
        except ServiceError as e:
            assert e.message
            continue
        if client_id in accepted:
            assert idea.id == accepted[client_id]  # a resend returns the stored idea
        accepted[client_id] = idea.id
        assert 1 <= len(idea.text) <= ideas.IDEA_MAX and _allowed_invisible(idea.text)
    async with db.session() as s:
        stored = (await s.exec(select(Idea).where(Idea.breakout_id == breakout_id,
                                                  Idea.client_id.startswith(prefix)))).all()
    assert sorted(i.id for i in stored) == sorted(accepted.values())


@given(ops=st.lists(st.tuples(st.sampled_from([1, -1]), st.integers(0, 3)), min_size=1, max_size=20),
       per_idea=st.integers(1, 3))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
async def test_dots_never_exceed_budget_or_cap(db, bus, cluster, ops, per_idea):
    from workshop.services import lead
    await lead.update_voting(db, bus, lead_secret=cluster.lead_secret, max_dots_per_idea=per_idea)
    secret = cluster.breakouts[0].moderator_secret
    await facilitation.set_phase(db, bus, secret=secret, phase='collect')
    token, breakout_id = await member(db, bus, cluster)
    ids = [(await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=f'Idee {n}',
                                  client_id=ideas.new_client_id())).id for n in range(4)]
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    model = {i: 0 for i in ids}
    for delta, index in ops:
        idea_id = ids[index]
        try:
            status = await (votes.cast_dot if delta > 0 else votes.remove_dot)(db, bus, token=token, idea_id=idea_id)
        except Invalid:
            assert (delta > 0 and (sum(model.values()) >= 3 or model[idea_id] >= per_idea)) or \
                (delta < 0 and model[idea_id] == 0)
            continue
        model[idea_id] += delta
        assert status.mine == model[idea_id] and status.left == 3 - sum(model.values())
    async with db.session() as s:
        stored = {v.idea_id: v.dots for v in (await s.exec(select(Vote).where(Vote.idea_id.in_(ids)))).all()}
    assert stored == {i: n for i, n in model.items() if n}
    assert sum(stored.values()) <= 3 and all(n <= per_idea for n in stored.values())
