"""The protocol's data: everything a rendering needs, read from the database into plain dataclasses.

``load_document`` is the only function that touches the database; the result is
picklable (dataclasses of str, int, datetime, bytes and lists), so that a renderer
can run in a worker process while the live rooms go on.

What the protocol shows, decided here once for every format:

* topics in their order, each with the breakouts (rounds) that worked on it merged;
* per guiding question the visible ideas of all those breakouts: hidden ideas and
  merged duplicates are left out (a kept idea counts how often it was said), nested
  under the moderators' clusters in the clusters' order (round 1's before round 2's;
  clusters of the same title in two rounds are one), headings without a cluster row
  (older data) after them in the order they first appear, ideas without a cluster
  last; within each, sorted by dots (then oldest first);
* authors only when the workshop is set to name them;
* participation per stakeholder group from the join data plus the lead's corrections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import (
    AgendaItem,
    Attendance,
    Breakout,
    BreakoutQuestion,
    Cluster,
    Comment,
    Conclusion,
    GalleryDot,
    Idea,
    Participant,
    Question,
    Round,
    Topic,
    Vote,
    Workshop,
)
from ..services import results
from ..services.stakeholders import GroupRow, by_group
from .changes import Change, compare
from .models import SERVER_LOOK_ID, ProtocolSettings, ProtocolVersion, ServerLook


@dataclass
class Person:
    name: str | None
    organisation: str | None

    @property
    def line(self) -> str:
        return ', '.join(p for p in (self.name, self.organisation) if p)


@dataclass
class BreakoutInfo:
    label: str
    round_number: int
    round_title: str
    topic_number: int
    topic_title: str
    moderator: Person | None
    members: int  # participants who chose this breakout
    co_moderators: list[Person] = field(default_factory=list)  # further moderators of the room

    @property
    def moderators(self) -> list[Person]:
        """Everyone who moderated the room, the first moderator first."""
        return [p for p in ([self.moderator] if self.moderator else []) + self.co_moderators if p.line]

    @property
    def moderation_line(self) -> str:
        """"Dr. A. Albers, Beratung; M. Feldhaus, Beratung" ('' without a moderator)."""
        return '; '.join(p.line for p in self.moderators)


@dataclass
class AgendaEntry:
    time: str | None
    title: str
    speaker: str | None
    kind: str
    breakouts: list[BreakoutInfo] = field(default_factory=list)  # the parallel breakouts of a breakout round


@dataclass
class ParticipationRow:
    group: str | None  # None: no group given
    joined: int  # from the join data
    extra: int  # the lead's correction (people without a phone, double joins)

    @property
    def total(self) -> int:
        return max(0, self.joined + self.extra)


@dataclass
class CommentItem:
    """A comment on an idea from a later round's gallery walk (hidden ones are left out)."""
    text: str
    round_number: int  # the round of the gallery walk
    created_at: dt.datetime
    author: str | None = None  # only when the workshop names authors


@dataclass
class IdeaItem:
    text: str
    dots: int
    created_at: dt.datetime
    breakout_label: str
    author: str | None = None  # only when the workshop names authors
    mentions: int = 1  # 1 + duplicates merged into it
    # later rounds' gallery walks on it: (round number, dots) per round, apart from ``dots``; their comments
    gallery: list[tuple[int, int]] = field(default_factory=list)
    comments: list[CommentItem] = field(default_factory=list)


@dataclass
class IdeaGroup:
    """A cluster of a question and its ideas, ranked by dots; the groups of a question are in the clusters' order."""
    heading: str | None  # the cluster's title; None: ideas without a cluster
    ideas: list[IdeaItem]
    colour: str | None = None  # the cluster's colour (services.clusters.COLOURS); None: no cluster row (older data)

    @property
    def dots(self) -> int:
        return sum(i.dots for i in self.ideas)


@dataclass
class QuestionSection:
    number: int
    block: str | None
    sub: str | None
    text: str
    key_results: list[str]
    groups: list[IdeaGroup]
    summary: str = ''  # the moderation's summary of the answers (blank line: paragraph; "- ": bullet)

    @property
    def label(self) -> str:
        """As printed in front of the question: "a." inside a block, else "1."."""
        return f'{self.sub}.' if self.sub else f'{self.number}.'

    @property
    def full_label(self) -> str:
        """Unambiguous outside its block: "2a.", "3."."""
        return f'{self.number}{self.sub}.' if self.sub else f'{self.number}.'

    @property
    def ideas(self) -> list[IdeaItem]:
        return [i for g in self.groups for i in g.ideas]

    @property
    def voted(self) -> bool:
        return any(i.dots for i in self.ideas)

    def top(self, n: int = 5) -> list[IdeaItem]:
        """The ideas with the most dots (only ideas that have dots)."""
        ranked = sorted((i for i in self.ideas if i.dots), key=lambda i: (-i.dots, i.created_at))
        return ranked[:n]


@dataclass
class TopicSection:
    number: int
    title: str
    breakouts: list[BreakoutInfo]
    key_results: list[str]  # the topic level (services/results.topic_level): its own, else its breakouts'
    questions: list[QuestionSection]
    by_group: list[GroupRow] = field(default_factory=list)  # contributions and dots per stakeholder group
    # per key result the appendix's questions of the contributions it rests on ("2a." …), in the questions' order
    key_result_questions: list[list[str]] = field(default_factory=list)

    @property
    def moderators(self) -> list[Person]:
        seen, people = set(), []
        for person in (p for b in self.breakouts for p in b.moderators):
            if person.line not in seen:
                seen.add(person.line)
                people.append(person)
        return people


@dataclass
class ConclusionItem:
    number: int
    title: str
    text: str


@dataclass
class IdeaRow:
    """One idea of any status, for the CSV of all ideas."""
    topic: str
    round: str
    breakout: str
    question: str
    text: str
    dots: int
    group: str | None
    status: str  # visible | hidden | merged
    hidden_reason: str | None
    created_at: dt.datetime
    author: str | None
    cluster_colour: str | None = None  # of the idea's cluster (group); None: no cluster, or no cluster row
    cluster_order: int | None = None  # 1, 2, …: its cluster's place among the question's clusters in the breakout
    gallery_dots: int = 0  # later rounds' gallery walks: their dots (apart from ``dots``) and visible comments
    comments: list[str] = field(default_factory=list)
    key_results: list[int] = field(default_factory=list)  # 1, 2, …: its topic's key results that rest on it


@dataclass
class ProtocolDocument:
    language: str
    title: str
    subtitle: str | None
    date: dt.date | None
    start_time: str | None
    end_time: str | None
    format: str  # online | hybrid | onsite
    organiser: str
    context: str
    name_authors: bool
    agenda: list[AgendaEntry]
    breakouts: list[BreakoutInfo]
    participation: list[ParticipationRow]
    topics: list[TopicSection]
    conclusions: list[ConclusionItem]
    idea_rows: list[IdeaRow]
    generated_at: dt.datetime
    logo: bytes | None = None
    logo_type: str | None = None
    # a final version carries its number, time and checksum; a draft knows the last final number
    version: int | None = None
    version_at: dt.datetime | None = None
    checksum: str | None = None
    last_version: int | None = None
    # the protocol's options (Workshop.protocol_*)
    show_dots: bool = True  # the dots and charts of the voting
    omit_unanswered: bool = True  # questions without contributions, key results or summary are left out
    participation_prose: bool = True  # "rund 40 Vertreterinnen und Vertreter aus …" instead of a table
    citations: bool = False  # each topic key result refers to its contributions in the appendix
    changes: list[Change] = field(default_factory=list)  # a draft after a final version: what changed since
    # the organisation's look: a colour for the PDF ("#1f4e79") and a Word template (.docx/.dotx) for the DOCX
    colour: str | None = None
    word_template: bytes | None = None
    # the "Verlauf": the lead's text ('' = drafted from the agenda, protocol/proceedings.py) and who represented the
    # organiser
    proceedings: str = ''
    representatives: list[str] = field(default_factory=list)

    @property
    def participants(self) -> int:
        return sum(row.total for row in self.participation)

    @property
    def final(self) -> bool:
        return self.version is not None

    @property
    def rounds(self) -> list[tuple[int, str]]:
        return sorted({(b.round_number, b.round_title) for b in self.breakouts})


def as_utc(value: dt.datetime) -> dt.datetime:
    """Databases hand back naive UTC times; make them aware."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


async def load_document(session: AsyncSession, workshop_id: int) -> ProtocolDocument:
    """Everything the protocol of a workshop shows, read in one session."""
    workshop = await session.get(Workshop, workshop_id)
    if workshop is None:
        raise LookupError(f'no workshop {workshop_id}')
    rounds = {r.id: r for r in (await session.exec(
        select(Round).where(Round.workshop_id == workshop_id).order_by(col(Round.number)))).all()}
    topics = list((await session.exec(
        select(Topic).where(Topic.workshop_id == workshop_id).order_by(col(Topic.number)))).all())
    topic_by_id = {t.id: t for t in topics}
    questions = list((await session.exec(
        select(Question).where(col(Question.topic_id).in_(list(topic_by_id) or [-1]))
        .order_by(col(Question.topic_id), col(Question.position)))).all())
    breakouts = list((await session.exec(select(Breakout).where(Breakout.workshop_id == workshop_id))).all())
    breakouts.sort(key=lambda b: (rounds[b.round_id].number, topic_by_id[b.topic_id].number, b.id))
    breakout_by_id = {b.id: b for b in breakouts}
    members = dict((await session.exec(
        select(Attendance.breakout_id, func.count())
        .where(col(Attendance.breakout_id).in_(list(breakout_by_id) or [-1]))
        .group_by(Attendance.breakout_id))).all())
    participants = {p.id: p for p in (await session.exec(
        select(Participant).where(Participant.workshop_id == workshop_id))).all()}
    ideas = list((await session.exec(
        select(Idea).join(Breakout, Breakout.id == Idea.breakout_id).where(Breakout.workshop_id == workshop_id)
        .order_by(col(Idea.created_at), col(Idea.id)))).all())
    clusters = list((await session.exec(
        select(Cluster).where(col(Cluster.breakout_id).in_(list(breakout_by_id) or [-1]))
        .order_by(col(Cluster.position), col(Cluster.id)))).all())
    dots = dict((await session.exec(
        select(Vote.idea_id, func.sum(Vote.dots)).join(Idea, Idea.id == Vote.idea_id)
        .join(Breakout, Breakout.id == Idea.breakout_id).where(Breakout.workshop_id == workshop_id)
        .group_by(Vote.idea_id))).all())
    # later rounds' gallery walks: dots per idea and round, visible comments (#16)
    gallery: dict[int, list[tuple[int, int]]] = {}
    for idea_id, round_id, n in (await session.exec(
            select(GalleryDot.idea_id, Breakout.round_id, func.sum(GalleryDot.dots))
            .join(Breakout, Breakout.id == GalleryDot.breakout_id).where(Breakout.workshop_id == workshop_id)
            .group_by(GalleryDot.idea_id, Breakout.round_id))).all():
        if n:
            gallery.setdefault(idea_id, []).append((rounds[round_id].number, int(n)))
    comments = list((await session.exec(
        select(Comment).join(Breakout, Breakout.id == Comment.breakout_id)
        .where(Breakout.workshop_id == workshop_id, col(Comment.hidden).is_(False))
        .order_by(col(Comment.created_at), col(Comment.id)))).all())
    states = list((await session.exec(
        select(BreakoutQuestion).where(col(BreakoutQuestion.breakout_id).in_(list(breakout_by_id) or [-1])))).all())
    conclusions = list((await session.exec(
        select(Conclusion).where(Conclusion.workshop_id == workshop_id)
        .order_by(col(Conclusion.position), col(Conclusion.id)))).all())
    agenda = list((await session.exec(
        select(AgendaItem).where(AgendaItem.workshop_id == workshop_id).order_by(col(AgendaItem.position)))).all())
    settings = (await session.exec(select(ProtocolSettings).where(ProtocolSettings.workshop_id == workshop_id))).first()
    server = await session.get(ServerLook, SERVER_LOOK_ID)  # the server's look for what the workshop has not set
    groups_by_topic = {t.number: t.rows for t in await by_group(session, workshop_id)}
    last_version = (await session.exec(select(func.max(ProtocolVersion.number))
                                       .where(ProtocolVersion.workshop_id == workshop_id))).one()

    def info(b: Breakout) -> BreakoutInfo:
        moderator = Person(b.moderator_name, b.moderator_organisation) \
            if (b.moderator_name or b.moderator_organisation) else None
        round_, topic = rounds[b.round_id], topic_by_id[b.topic_id]
        co_moderators = [Person(c.get('name'), c.get('organisation')) for c in (b.co_moderators or [])
                         if isinstance(c, dict) and (c.get('name') or c.get('organisation'))]
        return BreakoutInfo(label=b.label, round_number=round_.number, round_title=round_.title,
                            topic_number=topic.number, topic_title=topic.title, moderator=moderator,
                            members=int(members.get(b.id, 0)), co_moderators=co_moderators)

    infos = {b.id: info(b) for b in breakouts}

    def author(idea: Idea) -> str | None:
        participant = participants.get(idea.participant_id)
        if not workshop.name_authors or participant is None:
            return None
        return Person(participant.name, participant.organisation).line or None

    comments_on: dict[int, list[CommentItem]] = {}
    for c in comments:
        comments_on.setdefault(c.idea_id, []).append(CommentItem(
            text=c.text, round_number=rounds[breakout_by_id[c.breakout_id].round_id].number,
            created_at=as_utc(c.created_at), author=author(c)))

    # merged duplicates: each kept idea counts itself and everything merged into it (also in chains)
    merged_children: dict[int, list[int]] = {}
    for idea in ideas:
        if idea.merged_into_id is not None:
            merged_children.setdefault(idea.merged_into_id, []).append(idea.id)

    def mentions(idea_id: int) -> int:
        count, stack, seen = 1, list(merged_children.get(idea_id, ())), {idea_id}
        while stack:
            child = stack.pop()
            if child not in seen:
                seen.add(child)
                count += 1
                stack.extend(merged_children.get(child, ()))
        return count

    cluster_order = _cluster_order(clusters, ideas)
    visible: dict[tuple[int, int], list[Idea]] = {}  # (topic id, question id) -> ideas
    for idea in ideas:
        if not idea.hidden and idea.merged_into_id is None:
            breakout = breakout_by_id[idea.breakout_id]
            visible.setdefault((breakout.topic_id, idea.question_id), []).append(idea)

    question_by_id = {q.id: q for q in questions}
    position = {q.id: q.position for q in questions}
    states_of: dict[int, list[BreakoutQuestion]] = {}  # per breakout, in the questions' order
    for state in sorted(states, key=lambda s: (position.get(s.question_id, 0), s.question_id)):
        states_of.setdefault(state.breakout_id, []).append(state)
    idea_by_id = {i.id: i for i in ideas}
    idea_states = {i.id: (i.merged_into_id, bool(i.hidden)) for i in ideas}
    answered_ids = {i.question_id for i in ideas if not i.hidden and i.merged_into_id is None}
    question_results: dict[int, list[str]] = {}
    cited_by: dict[int, list[int]] = {}  # idea id -> the numbers of its topic's key results that cite it
    for state in sorted(states, key=lambda s: (rounds[breakout_by_id[s.breakout_id].round_id].number, s.breakout_id)):
        question_results.setdefault(state.question_id, []).extend(state.key_results or [])

    sections = []
    for topic in topics:
        topic_breakouts = [b for b in breakouts if b.topic_id == topic.id]
        qs = []
        for q in (q for q in questions if q.topic_id == topic.id):
            items = [IdeaItem(text=i.text, dots=int(dots.get(i.id, 0)), created_at=as_utc(i.created_at),
                              breakout_label=breakout_by_id[i.breakout_id].label, author=author(i),
                              mentions=mentions(i.id), gallery=sorted(gallery.get(i.id, [])),
                              comments=comments_on.get(i.id, []))
                     for i in visible.get((topic.id, q.id), [])]
            headings: dict[str | None, list[IdeaItem]] = {}
            for i, item in zip(visible.get((topic.id, q.id), []), items, strict=True):
                headings.setdefault(i.group, []).append(item)
            colours: dict[str, str | None] = {}  # the question's clusters in order: round 1's, then round 2's …
            for b in topic_breakouts:
                for title, colour in cluster_order.get((b.id, q.id), []):
                    if colour is not None:
                        colours.setdefault(title, colour)
            for i in visible.get((topic.id, q.id), []):  # headings without a cluster row, as they first appear
                if i.group is not None:
                    colours.setdefault(i.group, None)
            qs.append(QuestionSection(number=q.number, block=q.block, sub=q.sub, text=q.text,
                                      key_results=_unique(question_results.get(q.id, [])),
                                      groups=_groups(headings, colours), summary=q.summary or ''))
        topic_results = results.topic_level(topic, [(b, states_of.get(b.id, [])) for b in topic_breakouts])
        for number, kr in enumerate(topic_results, start=1):
            for idea_id in dict.fromkeys((*kr.sources, *results.resolve(kr.sources, idea_states))):
                cited_by.setdefault(idea_id, []).append(number)
        sections.append(TopicSection(
            number=topic.number, title=topic.title, breakouts=[infos[b.id] for b in topic_breakouts],
            key_results=[kr.text for kr in topic_results], questions=qs,
            by_group=groups_by_topic.get(topic.number, []),
            key_result_questions=[_cited_questions(results.resolve(kr.sources, idea_states), idea_by_id,
                                                   question_by_id, answered_ids) for kr in topic_results]))

    agenda_entries = []
    for item in agenda:
        round_breakouts = [infos[b.id] for b in breakouts if item.round_id is not None and b.round_id == item.round_id]
        agenda_entries.append(AgendaEntry(time=item.time, title=item.title, speaker=item.speaker,
                                          kind=_value(item.kind),
                                          breakouts=round_breakouts))

    breakout_order = {b.id: n for n, b in enumerate(breakouts)}
    keyed = []
    for idea in ideas:
        breakout, q = breakout_by_id[idea.breakout_id], question_by_id.get(idea.question_id)
        topic = topic_by_id[breakout.topic_id]
        status = 'merged' if idea.merged_into_id is not None else 'hidden' if idea.hidden else 'visible'
        reason = _value(idea.hidden_reason) if idea.hidden else None
        order = cluster_order.get((idea.breakout_id, idea.question_id), [])
        place = next((n for n, (title, _c) in enumerate(order) if title == idea.group), None)
        row = IdeaRow(topic=f'{topic.number}. {topic.title}', round=rounds[breakout.round_id].title,
                      breakout=breakout.label, question=f'{_full_label(q)} {q.text}' if q else '', text=idea.text,
                      dots=int(dots.get(idea.id, 0)), group=idea.group, status=status, hidden_reason=reason,
                      created_at=as_utc(idea.created_at), author=author(idea),
                      cluster_colour=order[place][1] if place is not None else None,
                      cluster_order=place + 1 if place is not None else None,
                      gallery_dots=sum(n for _round, n in gallery.get(idea.id, [])),
                      comments=[c.text for c in comments_on.get(idea.id, [])],
                      key_results=cited_by.get(idea.id, []))
        keyed.append(((topic.number, breakout_order[breakout.id], q.position if q else 0), row))
    keyed.sort(key=lambda pair: pair[0])  # stable: within a question, in the order they were posted

    return ProtocolDocument(
        language=workshop.language, title=workshop.title, subtitle=workshop.subtitle, date=workshop.date,
        start_time=workshop.start_time, end_time=workshop.end_time,
        format=_value(workshop.format),
        organiser=workshop.organiser or '', context=workshop.context or '', name_authors=workshop.name_authors,
        agenda=agenda_entries, breakouts=[infos[b.id] for b in breakouts],
        participation=_participation(workshop, participants.values()), topics=sections,
        conclusions=[ConclusionItem(n, c.title, c.text or '') for n, c in enumerate(conclusions, start=1)],
        idea_rows=[row for _key, row in keyed], generated_at=dt.datetime.now(dt.UTC),
        **_look(settings, server),
        last_version=last_version, show_dots=workshop.protocol_dots,
        omit_unanswered=workshop.protocol_omit_unanswered,
        participation_prose=workshop.protocol_participation_prose,
        citations=bool(getattr(workshop, 'protocol_citations', False)),
        changes=await _changes(session, workshop_id, last_version),
        proceedings=workshop.proceedings or '', representatives=list(workshop.representatives or []),
    )


def _look(settings: ProtocolSettings | None, server: ServerLook | None) -> dict[str, object]:
    """The workshop's logo, colour and Word template, each where the workshop has none the server's."""
    logo, logo_type = (settings.logo, settings.logo_type) if settings and settings.logo else \
        (server.logo, server.logo_type) if server and server.logo else (None, None)
    return {'logo': logo, 'logo_type': logo_type,
            'colour': (settings.colour if settings else None) or (server.colour if server else None),
            'word_template': (settings.word_template if settings else None)
            or (server.word_template if server else None)}


async def _changes(session: AsyncSession, workshop_id: int, last_version: int | None) -> list[Change]:
    """What changed since final version ``last_version`` (none: nothing to compare)."""
    if last_version is None:
        return []
    import json

    from .archive import export_archive
    stored = (await session.exec(select(ProtocolVersion.archive).where(
        ProtocolVersion.workshop_id == workshop_id, ProtocolVersion.number == last_version))).one()
    return compare(json.loads(stored), await export_archive(session, workshop_id))


def _unique(items: list[str]) -> list[str]:
    """Repeats dropped (case and spacing ignored), order kept: two rounds often find the same result."""
    seen, result = set(), []
    for item in items:
        key = ' '.join(item.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _cited_questions(ideas: Iterable[int], idea_by_id: dict[int, Idea], question_by_id: dict[int, Question],
                     answered: set[int]) -> list[str]:
    """The appendix's labels ("1.", "2a.") of the questions the cited ideas (as shown) answer, in order; only
    questions with contributions, which the appendix always lists."""
    found = {idea_by_id[i].question_id for i in ideas if i in idea_by_id}
    questions = sorted((question_by_id[q] for q in found if q in question_by_id and q in answered),
                       key=lambda q: (q.position, q.id))
    return [_full_label(q) for q in questions]


def _cluster_order(clusters: list[Cluster], ideas: list[Idea]) -> dict[tuple[int, int], list[tuple[str, str | None]]]:
    """Per (breakout id, question id) the cluster titles in order with their colours: the cluster rows
    (``clusters`` sorted by position), then headings ideas carry without a row (older data, colour None)
    as they first appear in ``ideas`` (sorted by time)."""
    order: dict[tuple[int, int], list[tuple[str, str | None]]] = {}
    seen: dict[tuple[int, int], set[str]] = {}
    for c in clusters:
        key = (c.breakout_id, c.question_id)
        if c.title not in seen.setdefault(key, set()):
            seen[key].add(c.title)
            order.setdefault(key, []).append((c.title, c.colour))
    for idea in ideas:
        key = (idea.breakout_id, idea.question_id)
        if idea.group is not None and idea.group not in seen.setdefault(key, set()):
            seen[key].add(idea.group)
            order.setdefault(key, []).append((idea.group, None))
    return order


def _groups(by_heading: dict[str | None, list[IdeaItem]], colours: dict[str, str | None]) -> list[IdeaGroup]:
    """The clusters that have ideas, in the order of ``colours``, then the ideas without a cluster; ideas ranked
    by dots, then oldest first."""
    def ranked(items: list[IdeaItem]) -> list[IdeaItem]:
        return sorted(items, key=lambda i: (-i.dots, i.created_at))

    groups = [IdeaGroup(heading=t, ideas=ranked(by_heading[t]), colour=c)
              for t, c in colours.items() if t in by_heading]
    if None in by_heading:
        groups.append(IdeaGroup(heading=None, ideas=ranked(by_heading[None])))
    return groups


def _value(value: object) -> str | None:
    """An enum's value (SQLite may hand back the plain string)."""
    if value is None:
        return None
    return value.value if hasattr(value, 'value') else str(value)


def _full_label(q: Question) -> str:
    return f'{q.number}{q.sub}.' if q.sub else f'{q.number}.'


def _participation(workshop: Workshop, participants: Iterable[Participant]) -> list[ParticipationRow]:
    joined: dict[str | None, int] = {}
    for p in participants:
        if not p.removed:
            joined[p.stakeholder_group or None] = joined.get(p.stakeholder_group or None, 0) + 1
    extra = {(k or None): int(v) for k, v in (workshop.participation_extra or {}).items()}
    groups: list[str | None] = list(workshop.stakeholder_groups or [])
    for group in list(joined) + list(extra):
        if group is not None and group not in groups:
            groups.append(group)
    groups.append(None)
    rows = [ParticipationRow(group=g, joined=joined.get(g, 0), extra=extra.get(g, 0)) for g in groups]
    # the listed groups always show (also with 0); "not stated" only when someone is in it
    return [r for r in rows if r.group in (workshop.stakeholder_groups or []) or r.joined or r.extra]
