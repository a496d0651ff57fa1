"""One key-results model: per question → per breakout → per topic → Resümee → protocol.

Each level is a list of texts (``key_results``) with, parallel to it, the ideas each one rests on
(``key_result_sources``: idea ids; a cluster cited is its ideas). Each level is drafted from the one
below and editable: a question's from its clusters and marked and top-voted ideas, a breakout's from its
questions', a topic's from its breakouts' (all rounds). A level left empty takes the one below as it is
(``breakout_level``, ``topic_level``): the plenary Resümee and the protocol show the same topic level,
computed by ``topic_level`` for both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import KeyResultsChanged, WorkshopChanged
from ..limits import KEY_RESULT_MAX, KEY_RESULTS_MAX
from ..models import Breakout, BreakoutQuestion, Cluster, Idea, Question, Round, Topic, Vote, Workshop
from .access import led_workshop, moderated_breakout
from .errors import N_, Invalid, NotFound
from .facilitation import breakout_question, question_of_breakout
from .text import clean_text
from .votes import ranked, tallies

DRAFT_TOP_VOTED = 3


@dataclass(frozen=True)
class KeyResult:
    text: str
    sources: tuple[int, ...] = ()  # the ids of the ideas it rests on


def _key(text: str) -> str:
    """Two key results are the same when they read the same (case and spacing ignored)."""
    return ' '.join(text.split()).casefold()


def pairs(texts: Iterable[str] | None, sources: Iterable[Iterable[int]] | None) -> list[KeyResult]:
    """A level's stored lists as key results (a missing or malformed sources entry: none)."""
    sources = list(sources or [])
    result = []
    for n, text in enumerate(texts or []):
        cited = sources[n] if n < len(sources) and isinstance(sources[n], list | tuple) else ()
        result.append(KeyResult(text, tuple(i for i in cited if isinstance(i, int) and not isinstance(i, bool))))
    return result


def merge(items: Iterable[KeyResult]) -> list[KeyResult]:
    """Repeats dropped (the first's text and place kept), their sources joined."""
    order: list[str] = []
    merged: dict[str, KeyResult] = {}
    for item in items:
        key = _key(item.text)
        if not key:
            continue
        if key not in merged:
            order.append(key)
            merged[key] = item
        else:
            known = merged[key]
            merged[key] = KeyResult(known.text, known.sources + tuple(i for i in item.sources
                                                                         if i not in known.sources))
    return [merged[k] for k in order]


def breakout_level(breakout: Breakout, states: Iterable[BreakoutQuestion]) -> list[KeyResult]:
    """A breakout's key results: its own, else its questions' (``states`` in the questions' order)."""
    own = pairs(breakout.key_results, breakout.key_result_sources)
    if own:
        return own
    return merge(kr for s in states for kr in pairs(s.key_results, s.key_result_sources))


def topic_level(topic: Topic, breakouts: Iterable[tuple[Breakout, Iterable[BreakoutQuestion]]]) -> list[KeyResult]:
    """A topic's effective key results, as the Resümee and the protocol show them: its own, else its breakouts'
    (``breakouts`` in the rounds' order, each with its question states in the questions' order), repeats merged."""
    own = pairs(topic.key_results, topic.key_result_sources)
    if own:
        return own
    return merge(kr for b, states in breakouts for kr in breakout_level(b, states))


def carry(texts: list[str], previous: list[KeyResult], candidates: Iterable[KeyResult] = ()) -> list[KeyResult]:
    """The saved texts with their sources: a text saved before keeps its sources; a text that reads like a
    candidate (a draft's bullet, a cluster's title, an idea) takes the candidate's; a line edited in place (the
    same number of lines, the old line at its place gone) keeps the old line's sources; anything else: none."""
    before = {}
    for item in previous:
        before.setdefault(_key(item.text), item)
    offered: dict[str, KeyResult] = {}
    for item in candidates:
        offered.setdefault(_key(item.text), item)
    now = {_key(t) for t in texts}
    in_place = len(texts) == len(previous)
    result = []
    for n, text in enumerate(texts):
        key = _key(text)
        if key in before:
            sources = before[key].sources
        elif key in offered:
            sources = offered[key].sources
        elif in_place and _key(previous[n].text) not in now:
            sources = previous[n].sources
        else:
            sources = ()
        result.append(KeyResult(text, sources))
    return result


def clean_bullets(items: list[str]) -> list[str]:
    bullets = []
    for item in items:
        if item and item.strip():
            bullets.append(clean_text(item, max_length=KEY_RESULT_MAX, multiline=True, field=N_('Key result')))
    if len(bullets) > KEY_RESULTS_MAX:
        raise Invalid(N_('At most {n} key results.'), n=KEY_RESULTS_MAX)
    return bullets


# --- drafting -----------------------------------------------------------------------------------------

async def _visible_ideas(session: AsyncSession, breakout_id: int, question_id: int | None) -> list[Idea]:
    query = select(Idea).where(Idea.breakout_id == breakout_id, col(Idea.hidden).is_(False),
                               col(Idea.merged_into_id).is_(None))
    if question_id is not None:
        query = query.where(Idea.question_id == question_id)
    return list((await session.exec(query.order_by(col(Idea.created_at), col(Idea.id)))).all())


async def _question_material(session: AsyncSession, breakout_id: int,
                             question_id: int) -> tuple[list[KeyResult], list[KeyResult]]:
    """(the question's draft, everything a saved line may read like: its clusters' titles and its ideas)."""
    ideas = await _visible_ideas(session, breakout_id, question_id)
    counts = await tallies(session, breakout_id=breakout_id, question_id=question_id)
    positions = {c.title: c.position for c in (await session.exec(select(Cluster).where(
        Cluster.breakout_id == breakout_id, Cluster.question_id == question_id))).all()}
    members: dict[str, list[Idea]] = {}
    for idea in ideas:
        if idea.group:
            members.setdefault(idea.group, []).append(idea)

    def by_dots(group: list[Idea]) -> tuple[int, ...]:
        return tuple(i.id for i in sorted(group, key=lambda i: -counts.get(i.id, 0)))
    order = sorted(members, key=lambda t: (-sum(counts.get(i.id, 0) for i in members[t]),
                                           positions.get(t, len(positions)), list(members).index(t)))
    clusters = [KeyResult(title, by_dots(members[title])) for title in order]
    marked = [KeyResult(i.text, (i.id,)) for i in ideas if i.marked]
    loose = sorted((i for i in ideas if not i.group and counts.get(i.id, 0) > 0), key=lambda i: -counts[i.id])
    voted = [KeyResult(i.text, (i.id,)) for i in loose[:DRAFT_TOP_VOTED]]
    draft = merge([*marked, *clusters, *voted])[:KEY_RESULTS_MAX]
    return draft, [*clusters, *(KeyResult(i.text, (i.id,)) for i in ideas)]


async def _idea_material(session: AsyncSession, breakout_ids: list[int]) -> list[KeyResult]:
    """The clusters' titles (citing their ideas) and the ideas of these breakouts, for a line that reads like one."""
    ideas = list((await session.exec(select(Idea).where(
        col(Idea.breakout_id).in_(breakout_ids or [-1]), col(Idea.hidden).is_(False),
        col(Idea.merged_into_id).is_(None)).order_by(col(Idea.created_at), col(Idea.id)))).all())
    members: dict[str, list[int]] = {}
    for idea in ideas:
        if idea.group:
            members.setdefault(idea.group, []).append(idea.id)
    return [*(KeyResult(title, tuple(ids)) for title, ids in members.items()),
            *(KeyResult(i.text, (i.id,)) for i in ideas)]


async def _questions_of(session: AsyncSession, breakout: Breakout) -> list[Question]:
    return list((await session.exec(select(Question).where(Question.topic_id == breakout.topic_id)
                                    .order_by(col(Question.position), col(Question.id)))).all())


async def _states(session: AsyncSession, breakout_ids: list[int]) -> dict[int, list[BreakoutQuestion]]:
    """Per breakout its question states in the questions' order."""
    rows = (await session.exec(select(BreakoutQuestion, Question.position)
                               .join(Question, Question.id == BreakoutQuestion.question_id)
                               .where(col(BreakoutQuestion.breakout_id).in_(breakout_ids or [-1]))
                               .order_by(col(Question.position), col(Question.id)))).all()
    states: dict[int, list[BreakoutQuestion]] = {b: [] for b in breakout_ids}
    for state, _position in rows:
        states[state.breakout_id].append(state)
    return states


async def _breakout_material(session: AsyncSession, breakout: Breakout) -> tuple[list[KeyResult], list[KeyResult]]:
    """(a breakout's draft: per question its saved key results, else its draft; what a saved line may read like)."""
    saved = {s.question_id: pairs(s.key_results, s.key_result_sources)
             for s in (await _states(session, [breakout.id]))[breakout.id]}
    drafted: list[KeyResult] = []
    offered: list[KeyResult] = []
    for question in await _questions_of(session, breakout):
        draft, material = await _question_material(session, breakout.id, question.id)
        drafted.extend(saved.get(question.id) or draft)
        offered.extend([*saved.get(question.id, []), *draft, *material])
    return merge(drafted)[:KEY_RESULTS_MAX], offered


async def _topic_rows(session: AsyncSession, topic: Topic) -> list[tuple[Breakout, list[BreakoutQuestion]]]:
    """The topic's breakouts in the rounds' order, each with its question states."""
    breakouts = list((await session.exec(select(Breakout).join(Round, Round.id == Breakout.round_id)
                                         .where(Breakout.topic_id == topic.id)
                                         .order_by(col(Round.number), col(Breakout.id)))).all())
    states = await _states(session, [b.id for b in breakouts])
    return [(b, states[b.id]) for b in breakouts]


async def draft_results(session: AsyncSession, *, breakout_id: int,
                        question_id: int | None = None) -> list[KeyResult]:
    """A question's draft: marked ideas, then the clusters (most dots first) citing their ideas, then the
    top-voted ideas outside clusters; a breakout's (``question_id=None``): its questions' key results."""
    if question_id is not None:
        return (await _question_material(session, breakout_id, question_id))[0]
    return (await _breakout_material(session, await session.get(Breakout, breakout_id)))[0]


async def draft(session: AsyncSession, *, breakout_id: int, question_id: int | None = None) -> list[str]:
    """The texts of ``draft_results``."""
    return [kr.text for kr in await draft_results(session, breakout_id=breakout_id, question_id=question_id)]


async def draft_topic(session: AsyncSession, *, topic_id: int) -> list[KeyResult]:
    """A topic's draft: its breakouts' key results over all rounds, repeats merged (what it shows while empty)."""
    topic = await session.get(Topic, topic_id)
    return merge(kr for b, states in await _topic_rows(session, topic)
                 for kr in breakout_level(b, states))[:KEY_RESULTS_MAX]


# --- saving -----------------------------------------------------------------------------------------------

def _sources(items: list[KeyResult]) -> list[list[int]]:
    return [list(kr.sources) for kr in items]


async def save(db: Database, bus: Bus, *, secret: str, items: list[str], question_id: int | None = None) -> list[str]:
    """The moderator's key results for a question, or for the whole breakout (``question_id=None``); each keeps
    the ideas it rests on (``carry``)."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)  # who asks first: a stranger learns nothing
        bullets = clean_bullets(items)
        if question_id is None:
            _draft, offered = await _breakout_material(session, breakout)
            saved = carry(bullets, pairs(breakout.key_results, breakout.key_result_sources), offered)
            breakout.key_results, breakout.key_result_sources = bullets, _sources(saved)
        else:
            question = await question_of_breakout(session, breakout, question_id)
            state = await breakout_question(session, breakout.id, question.id)
            draft_, offered = await _question_material(session, breakout.id, question.id)
            saved = carry(bullets, pairs(state.key_results, state.key_result_sources), [*draft_, *offered])
            state.key_results, state.key_result_sources = bullets, _sources(saved)
    await bus.publish(KeyResultsChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                                        question_id=question_id, key_results=tuple(bullets),
                                        sources=tuple(kr.sources for kr in saved)))
    return bullets


async def set_breakout_results(db: Database, bus: Bus, *, lead_secret: str, breakout_id: int,
                               items: list[str]) -> list[str]:
    """The lead moderator edits a breakout's key results (sources kept as ``save`` keeps them)."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        bullets = clean_bullets(items)
        breakout = await session.get(Breakout, breakout_id)
        if breakout is None or breakout.workshop_id != workshop.id:
            raise NotFound(N_('This breakout does not exist.'))
        _draft, offered = await _breakout_material(session, breakout)
        saved = carry(bullets, pairs(breakout.key_results, breakout.key_result_sources), offered)
        breakout.key_results, breakout.key_result_sources = bullets, _sources(saved)
    await bus.publish(KeyResultsChanged(workshop_id=workshop.id, breakout_id=breakout_id, question_id=None,
                                        key_results=tuple(bullets), sources=tuple(kr.sources for kr in saved)))
    return bullets


async def _topic_of(session: AsyncSession, workshop: Workshop, topic_id: int) -> Topic:
    topic = await session.get(Topic, topic_id)
    if topic is None or topic.workshop_id != workshop.id:
        raise NotFound(N_('This topic does not exist (any more).'))
    return topic


async def save_topic(db: Database, bus: Bus, *, lead_secret: str, topic_id: int, items: list[str]) -> list[str]:
    """The lead moderator's key results of a topic (the Resümee and the protocol); empty: drafted from its
    breakouts again. A line that reads like one of the breakouts' or questions' key results cites its ideas."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        bullets = clean_bullets(items)
        topic = await _topic_of(session, workshop, topic_id)
        rows = await _topic_rows(session, topic)
        offered = [kr for b, states in rows for kr in (
            *breakout_level(b, states), *(k for s in states for k in pairs(s.key_results, s.key_result_sources)))]
        offered.extend(await _idea_material(session, [b.id for b, _states in rows]))
        previous = pairs(topic.key_results, topic.key_result_sources) or topic_level(topic, rows)
        saved = carry(bullets, previous, offered)
        topic.key_results, topic.key_result_sources = bullets, _sources(saved)
    await bus.publish(WorkshopChanged(workshop_id=workshop.id, fields=('protocol', 'key_results')))
    return bullets


async def of_breakout(session: AsyncSession, breakout: Breakout) -> tuple[list[str], dict[int, list[str]]]:
    """(the breakout's key results, key results per question id)."""
    rows = (await session.exec(select(BreakoutQuestion).where(BreakoutQuestion.breakout_id == breakout.id))).all()
    return list(breakout.key_results), {r.question_id: list(r.key_results) for r in rows if r.key_results}


# --- what a key result rests on -------------------------------------------------------------------------

@dataclass(frozen=True)
class Support:
    """What a key result rests on now: its cited ideas that are still shown (a merged idea counts as the one
    it was merged into), and their dots."""
    contributions: int
    dots: int


def resolve(sources: Iterable[int], ideas: dict[int, tuple[int | None, bool]]) -> tuple[int, ...]:
    """The cited ideas as shown: each merged one as the idea it went into (also in chains), hidden and unknown
    ones left out, repeats dropped. ``ideas``: id -> (merged into, hidden)."""
    result: list[int] = []
    for idea_id in sources:
        seen = set()
        while idea_id in ideas and ideas[idea_id][0] is not None and idea_id not in seen:
            seen.add(idea_id)
            idea_id = ideas[idea_id][0]
        if idea_id in ideas and not ideas[idea_id][1] and idea_id not in result:
            result.append(idea_id)
    return tuple(result)


async def support(session: AsyncSession, items: Iterable[KeyResult]) -> list[Support]:
    """``Support`` per key result, read in a few queries."""
    items = list(items)
    ideas: dict[int, tuple[int | None, bool]] = {}
    wanted = {i for kr in items for i in kr.sources}
    while wanted:
        rows = (await session.exec(select(Idea.id, Idea.merged_into_id, Idea.hidden)
                                   .where(col(Idea.id).in_(wanted)))).all()
        ideas.update({i: (m, bool(h)) for i, m, h in rows})
        wanted = {m for _i, m, _h in rows if m is not None and m not in ideas}
    shown = [resolve(kr.sources, ideas) for kr in items]
    every = {i for ids in shown for i in ids}
    dots = dict((await session.exec(select(Vote.idea_id, func.sum(Vote.dots)).where(col(Vote.idea_id).in_(every))
                                    .group_by(Vote.idea_id))).all()) if every else {}
    return [Support(len(ids), sum(int(dots.get(i) or 0) for i in ids)) for ids in shown]


async def question_results(session: AsyncSession, *, breakout_id: int,
                           question_id: int | None) -> list[tuple[KeyResult, Support]]:
    """A breakout's saved key results of a question (``None``: of the breakout) with what they rest on."""
    if question_id is None:
        breakout = await session.get(Breakout, breakout_id)
        items = pairs(breakout.key_results, breakout.key_result_sources) if breakout else []
    else:
        state = (await session.exec(select(BreakoutQuestion).where(
            BreakoutQuestion.breakout_id == breakout_id, BreakoutQuestion.question_id == question_id))).first()
        items = pairs(state.key_results, state.key_result_sources) if state else []
    return list(zip(items, await support(session, items), strict=True))


async def topic_results(session: AsyncSession, topic: Topic) -> list[KeyResult]:
    """The topic's effective key results (``topic_level``), as the protocol prints them."""
    return topic_level(topic, await _topic_rows(session, topic))


@dataclass(frozen=True)
class EarlierRoom:
    """What an earlier round's breakout of the same topic produced for one question (read-only)."""
    label: str
    round_number: int
    key_results: list[str]
    ideas: list[tuple[str, int]]  # text, dots — best first
    idea_ids: tuple[int, ...] = ()  # the ideas' ids, in the same order (a gallery walk's dots and comments)


async def earlier_rounds(session: AsyncSession, *, breakout_id: int, question_id: int | None) -> list[EarlierRoom]:
    breakout = await session.get(Breakout, breakout_id)
    this_round = await session.get(Round, breakout.round_id)
    rows = (await session.exec(select(Breakout, Round).join(Round, Round.id == Breakout.round_id).where(
        Breakout.topic_id == breakout.topic_id, Round.number < this_round.number).order_by(Round.number))).all()
    rooms = []
    for other, round_ in rows:
        key_results: list[str] = []
        ideas: list[tuple[str, int]] = []
        idea_ids: tuple[int, ...] = ()
        if question_id is not None:
            state = (await session.exec(select(BreakoutQuestion).where(
                BreakoutQuestion.breakout_id == other.id, BreakoutQuestion.question_id == question_id))).first()
            key_results = list(state.key_results) if state else []
            best = await ranked(session, breakout_id=other.id, question_id=question_id)
            ideas = [(idea.text, dots) for idea, dots in best]
            idea_ids = tuple(idea.id for idea, _dots in best)
        rooms.append(EarlierRoom(other.label, round_.number, key_results, ideas, idea_ids))
    return rooms


@dataclass(frozen=True)
class TopicSummary:
    """A topic's results over all its rounds, for the plenary summary ("Resümee")."""
    number: int
    title: str
    rooms: list[tuple[str, str | None]]  # label, moderator
    key_results: list[str]  # the topic level, exactly as the protocol prints it
    top_ideas: list[tuple[str, int]]  # text, dots — best first
    support: list[Support] | None = None  # per key result
    show_dots: bool = True  # the protocol's option: dots shown


async def topic_summary(session: AsyncSession, *, workshop_id: int, topic_number: int,
                        top: int = 5) -> TopicSummary | None:
    topic = (await session.exec(select(Topic).where(Topic.workshop_id == workshop_id,
                                                    Topic.number == topic_number))).first()
    if topic is None:
        return None
    workshop = await session.get(Workshop, workshop_id)
    rows = (await session.exec(select(Breakout, Round).join(Round, Round.id == Breakout.round_id)
                               .where(Breakout.topic_id == topic.id).order_by(Round.number))).all()
    key_results = await topic_results(session, topic)
    ideas: list[tuple[str, int]] = []
    for breakout, _round in rows:
        counts = await tallies(session, breakout_id=breakout.id)
        visible = (await session.exec(select(Idea).where(Idea.breakout_id == breakout.id, col(Idea.hidden).is_(False),
                                                         col(Idea.merged_into_id).is_(None)))).all()
        ideas.extend((i.text, counts.get(i.id, 0)) for i in visible)
    best = sorted((pair for pair in ideas if pair[1] > 0), key=lambda pair: -pair[1])[:top]
    return TopicSummary(topic.number, topic.title, [(b.label, b.moderator_name) for b, _r in rows],
                        [kr.text for kr in key_results], best, await support(session, key_results),
                        show_dots=workshop.protocol_dots)
