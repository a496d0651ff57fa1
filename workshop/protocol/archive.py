"""The workshop archive: one JSON document holding a whole workshop, lossless and versioned.

``export_archive`` reads a workshop into the archive's plain data; ``loads`` and
``validate_archive`` read such data back and check it, and ``services.imports.import_archive``
creates a new workshop from it (with a new join code and new secret links). Export → import →
export gives the identical archive: ids in the archive are numbers local to the archive (1, 2, 3 …
in a fixed order), and what must differ between two copies of a workshop (join code, secret links,
participants' tokens, the phones' idempotency keys) is not in the archive at all.

The format is documented in ``docs/archive-format.md``; its fields, types and limits are the pydantic
models of ``archive_models``, which also generate the JSON Schema ``docs/archive.schema.json``.
Version 2 added the clusters; a version 1 archive is read by ``upgrade``, which makes its ideas'
headings clusters as migration 0004 made them in the database. The moderators' undo history is
working state and not in the archive.
Problems are reported with the place, e.g.
``workshop.rounds[0].breakouts[1].questions[2].ideas[5].votes[0].dots: must be ≥ 0``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..limits import LOGO_MAX_BYTES
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
    Phase,
    Question,
    Round,
    Topic,
    Vote,
    Workshop,
)
from . import archive_models
from .archive_models import COLOURS, FORMAT, VERSION, Archive, problem_of
from .models import ProtocolSettings


class ArchiveError(ValueError):
    """The data is not a valid workshop archive; the message names the place and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f'{path}: {problem}' if path else problem)
        self.path = path
        self.problem = problem


# --- export ---------------------------------------------------------------------------------------------

def _ts(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat()


def _v(value: Any) -> Any:
    return value.value if hasattr(value, 'value') else value


async def export_archive(session: AsyncSession, workshop_id: int) -> dict[str, Any]:
    """The whole workshop as archive data (JSON-ready: str, int, bool, None, lists, dicts)."""
    w = await session.get(Workshop, workshop_id)
    if w is None:
        raise LookupError(f'no workshop {workshop_id}')
    rounds = list((await session.exec(select(Round).where(Round.workshop_id == w.id)
                                      .order_by(col(Round.number), col(Round.id)))).all())
    topics = list((await session.exec(select(Topic).where(Topic.workshop_id == w.id)
                                      .order_by(col(Topic.number), col(Topic.id)))).all())
    topic_by_id = {t.id: t for t in topics}
    questions = list((await session.exec(select(Question).where(col(Question.topic_id).in_(list(topic_by_id) or [-1]))
                                         .order_by(col(Question.position), col(Question.id)))).all())
    breakouts = list((await session.exec(select(Breakout).where(Breakout.workshop_id == w.id))).all())
    round_number = {r.id: r.number for r in rounds}
    breakouts.sort(key=lambda b: (round_number[b.round_id], topic_by_id[b.topic_id].number, b.id))
    participants = list((await session.exec(select(Participant).where(Participant.workshop_id == w.id)
                                            .order_by(col(Participant.id)))).all())
    attendance = list((await session.exec(
        select(Attendance).join(Participant, Participant.id == Attendance.participant_id)
        .where(Participant.workshop_id == w.id))).all())
    ideas = list((await session.exec(
        select(Idea).join(Breakout, Breakout.id == Idea.breakout_id).where(Breakout.workshop_id == w.id)
        .order_by(col(Idea.created_at), col(Idea.id)))).all())
    votes = list((await session.exec(
        select(Vote).join(Idea, Idea.id == Vote.idea_id).join(Breakout, Breakout.id == Idea.breakout_id)
        .where(Breakout.workshop_id == w.id))).all())
    breakout_ids = [b.id for b in breakouts] or [-1]
    # a gallery walk's dots and comments (#16), by the earlier round's idea
    gallery_of: dict[int, list[GalleryDot]] = {}
    for d in (await session.exec(select(GalleryDot).where(col(GalleryDot.breakout_id).in_(breakout_ids)))).all():
        gallery_of.setdefault(d.idea_id, []).append(d)
    comments_of: dict[int, list[Comment]] = {}
    for c in (await session.exec(select(Comment).where(col(Comment.breakout_id).in_(breakout_ids))
                                 .order_by(col(Comment.created_at), col(Comment.id)))).all():
        comments_of.setdefault(c.idea_id, []).append(c)
    states = {(s.breakout_id, s.question_id): s for s in (await session.exec(
        select(BreakoutQuestion).where(col(BreakoutQuestion.breakout_id).in_(breakout_ids)))).all()}
    clusters_of: dict[tuple[int, int], list[Cluster]] = {}
    for c in (await session.exec(select(Cluster).where(col(Cluster.breakout_id).in_(breakout_ids))
                                 .order_by(col(Cluster.position), col(Cluster.id)))).all():
        clusters_of.setdefault((c.breakout_id, c.question_id), []).append(c)
    agenda = list((await session.exec(select(AgendaItem).where(AgendaItem.workshop_id == w.id)
                                      .order_by(col(AgendaItem.position), col(AgendaItem.id)))).all())
    conclusions = list((await session.exec(select(Conclusion).where(Conclusion.workshop_id == w.id)
                                           .order_by(col(Conclusion.position), col(Conclusion.id)))).all())
    settings = (await session.exec(select(ProtocolSettings).where(ProtocolSettings.workshop_id == w.id))).first()

    # archive-local ids, in a fixed order
    pid = {p.id: n for n, p in enumerate(participants, start=1)}
    questions_by_topic: dict[int, list[Question]] = {}
    for q in questions:
        questions_by_topic.setdefault(q.topic_id, []).append(q)
    qid = {q.id: n for n, q in enumerate((q for t in topics for q in questions_by_topic.get(t.id, [])), start=1)}
    bid = {b.id: n for n, b in enumerate(breakouts, start=1)}
    ideas_of: dict[tuple[int, int], list[Idea]] = {}
    for idea in ideas:
        ideas_of.setdefault((idea.breakout_id, idea.question_id), []).append(idea)
    iid: dict[int, int] = {}
    for b in breakouts:
        for q in questions_by_topic.get(b.topic_id, []):
            for idea in ideas_of.get((b.id, q.id), []):
                iid[idea.id] = len(iid) + 1
    votes_of: dict[int, list[Vote]] = {}
    for v in votes:
        votes_of.setdefault(v.idea_id, []).append(v)

    def question_fields(q: Question) -> dict[str, Any]:
        return {'number': q.number, 'block': q.block, 'sub': q.sub, 'text': q.text}

    def idea_data(idea: Idea) -> dict[str, Any]:
        data = {
            'id': iid[idea.id], 'text': idea.text, 'author': pid.get(idea.participant_id),
            'created_at': _ts(idea.created_at), 'source': _v(idea.source), 'original_text': idea.original_text,
            'edited_at': _ts(idea.edited_at), 'hidden': idea.hidden, 'hidden_reason': _v(idea.hidden_reason),
            'merged_into': iid.get(idea.merged_into_id) if idea.merged_into_id is not None else None,
            'group': idea.group, 'marked': idea.marked,
            'votes': [{'participant': pid[v.participant_id], 'dots': v.dots, 'created_at': _ts(v.created_at)}
                      for v in sorted(votes_of.get(idea.id, []), key=lambda v: pid[v.participant_id])],
        }
        # a later round's gallery walk on it, only when there is one: older archives stay byte for byte
        if idea.id in gallery_of:
            data['gallery'] = [{'breakout': bid[d.breakout_id], 'participant': pid[d.participant_id], 'dots': d.dots,
                                'created_at': _ts(d.created_at)}
                               for d in sorted(gallery_of[idea.id], key=lambda d: (bid[d.breakout_id],
                                                                                    pid[d.participant_id]))]
        if idea.id in comments_of:
            data['comments'] = [{'breakout': bid[c.breakout_id], 'author': pid.get(c.participant_id), 'text': c.text,
                                 'created_at': _ts(c.created_at), 'hidden': c.hidden} for c in comments_of[idea.id]]
        return data

    def sources(texts: list[str] | None, cited: list | None) -> dict[str, Any]:
        """``key_result_sources`` in archive ids, only when a key result cites an idea (older archives: as they
        were)."""
        kept = [[iid[i] for i in entry if i in iid] for entry in (cited or [])[:len(texts or [])]]
        kept += [[] for _ in range(len(texts or []) - len(kept))]
        return {'key_result_sources': kept} if any(kept) else {}

    def breakout_data(b: Breakout) -> dict[str, Any]:
        moderator = {'name': b.moderator_name, 'organisation': b.moderator_organisation} \
            if (b.moderator_name or b.moderator_organisation) else None
        timer = {'ends_at': _ts(b.timer_ends_at), 'seconds': b.timer_seconds} \
            if (b.timer_ends_at is not None or b.timer_seconds is not None) else None
        if timer is not None and getattr(b, 'timer_closes', False):  # only when set: older archives stay as they were
            timer['closes'] = True
        qs = []
        for q in questions_by_topic.get(b.topic_id, []):
            state = states.get((b.id, q.id))
            qs.append({'question': qid[q.id], **question_fields(q),
                       'phase': _v(state.phase) if state else Phase.collect.value,
                       'key_results': list(state.key_results or []) if state else [],
                       **(sources(state.key_results, state.key_result_sources) if state else {}),
                       'clusters': [{'title': c.title, 'colour': c.colour, 'position': c.position}
                                    for c in clusters_of.get((b.id, q.id), [])],
                       'ideas': [idea_data(i) for i in ideas_of.get((b.id, q.id), [])]})
        data = {'id': bid[b.id], 'label': b.label, 'topic': topic_by_id[b.topic_id].number, 'moderator': moderator,
                'key_results': list(b.key_results or []), **sources(b.key_results, b.key_result_sources),
                'current_question': qid.get(b.current_question_id) if b.current_question_id else None,
                'timer': timer, 'questions': qs}
        if b.gallery_walk:  # only when on: older archives stay byte for byte
            data['gallery_walk'] = True
        co_moderators = [{'name': c.get('name'), 'organisation': c.get('organisation')}
                         for c in (b.co_moderators or []) if isinstance(c, dict)]
        if co_moderators:  # only when there are: older archives stay byte for byte
            data['co_moderators'] = co_moderators
        return data

    attended: dict[int, list[Attendance]] = {}
    for a in attendance:
        attended.setdefault(a.participant_id, []).append(a)
    breakout_round = {b.id: round_number[b.round_id] for b in breakouts}
    agenda_index = {a.id: n for n, a in enumerate(agenda)}
    round_by_id = {r.id: r.number for r in rounds}

    workshop = {
        'title': w.title, 'subtitle': w.subtitle, 'date': w.date.isoformat() if w.date else None,
        'start_time': w.start_time, 'end_time': w.end_time, 'format': _v(w.format), 'organiser': w.organiser,
        'language': w.language, 'status': _v(w.status), 'template': w.template, 'created_at': _ts(w.created_at),
        'context': w.context,
        'settings': {'dots_per_question': w.dots_per_question, 'max_dots_per_idea': w.max_dots_per_idea,
                     'hide_tallies': w.hide_tallies, 'name_authors': w.name_authors,
                     'joining_locked': w.joining_locked, 'require_new_topic': w.require_new_topic},
        'live': {'current_round': round_by_id.get(w.current_round_id),
                 'current_agenda_item': agenda_index.get(w.current_agenda_item_id),
                 'plenary': w.plenary, 'summary_topic': w.summary_topic, 'notice': w.notice,
                 'notice_at': _ts(w.notice_at)},
        'stakeholder_groups': list(w.stakeholder_groups or []),
        'participation_extra': {k: int(v) for k, v in sorted((w.participation_extra or {}).items())},
        'logo': {'media_type': settings.logo_type, 'data': base64.b64encode(settings.logo).decode('ascii')}
        if settings and settings.logo else None,
        'agenda': [{'time': a.time, 'title': a.title, 'speaker': a.speaker, 'kind': _v(a.kind),
                    'round': round_by_id.get(a.round_id)} for a in agenda],
        'topics': [{'number': t.number, 'title': t.title,
                    'questions': [{'id': qid[q.id], **question_fields(q), 'dots_budget': q.dots_budget,
                                   'summary': q.summary} for q in questions_by_topic.get(t.id, [])],
                    **({'key_results': list(t.key_results)} if t.key_results else {}),
                    **(sources(t.key_results, t.key_result_sources) if t.key_results else {})}
                   for t in topics],
        'participants': [{
            'id': pid[p.id], 'name': p.name, 'organisation': p.organisation, 'group': p.stakeholder_group,
            'created_at': _ts(p.created_at), 'removed': p.removed,
            'attendance': [{'breakout': bid[a.breakout_id], 'joined_at': _ts(a.joined_at)}
                           for a in sorted(attended.get(p.id, []), key=lambda a: breakout_round[a.breakout_id])],
        } for p in participants],
        'rounds': [{'number': r.number, 'title': r.title,
                    'breakouts': [breakout_data(b) for b in breakouts if b.round_id == r.id]} for r in rounds],
        'conclusions': [{'title': c.title, 'text': c.text} for c in conclusions],
    }
    if hasattr(w, 'retention_days'):  # personal data is anonymised this many days after the end
        workshop['privacy'] = {'retention_days': w.retention_days, 'ended_at': _ts(getattr(w, 'ended_at', None)),
                               'anonymised_at': _ts(getattr(w, 'anonymised_at', None))}
    # the run of show's optional parts (#16), only when set: archives without them stay byte for byte
    if getattr(w, 'notice_until', None) is not None:
        workshop['live']['notice_until'] = _ts(w.notice_until)
    if getattr(w, 'gong', False):
        workshop['live']['gong'] = True
    workshop['protocol'] = {'dots': w.protocol_dots, 'omit_unanswered': w.protocol_omit_unanswered,
                            'participation_prose': w.protocol_participation_prose}
    if getattr(w, 'protocol_citations', False):  # written only when on: older archives stay as they were
        workshop['protocol']['citations'] = True
    # the protocol's Verlauf (#15), only when written: older archives stay byte for byte
    if w.proceedings:
        workshop['proceedings'] = w.proceedings
    if w.representatives:
        workshop['representatives'] = list(w.representatives)
    return {'format': FORMAT, 'version': VERSION, 'workshop': workshop}


def dumps(data: dict[str, Any]) -> str:
    """The archive as a file: UTF-8 JSON, indented, umlauts as they are."""
    return json.dumps(data, ensure_ascii=False, indent=2) + '\n'


def checksum(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces): the same content gives the same sum."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


# --- validation ----------------------------------------------------------------------------------------

def upgrade(data: Any) -> Any:
    """A version 1 archive as version 2 (a copy; anything else as it is): per breakout question the headings
    its ideas carry become clusters in the order they first appear, coloured in turn, as migration 0004 made
    them in the database. Reads what it can and leaves the rest for ``validate_archive`` to report."""
    if not (isinstance(data, dict) and data.get('format') == FORMAT and data.get('version') == 1):
        return data
    data = copy.deepcopy(data)
    data['version'] = VERSION
    workshop = data.get('workshop')
    for question in _breakout_questions(workshop if isinstance(workshop, dict) else {}):
        titles: list[str] = []
        for idea in question.get('ideas') if isinstance(question.get('ideas'), list) else []:
            group = idea.get('group') if isinstance(idea, dict) else None
            if isinstance(group, str) and group and group not in titles:
                titles.append(group)
        question.setdefault('clusters', [{'title': t, 'colour': COLOURS[n % len(COLOURS)], 'position': n}
                                         for n, t in enumerate(titles)])
    return data


def _breakout_questions(workshop: dict[str, Any]) -> list[dict[str, Any]]:
    """Every breakout question (an object) of possibly malformed archive data."""
    def objects(value: Any) -> list[dict[str, Any]]:
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
    return [q for r in objects(workshop.get('rounds')) for b in objects(r.get('breakouts'))
            for q in objects(b.get('questions'))]


def validate_archive(data: Any) -> dict[str, Any]:
    """The archive as the current version (a version 1 archive upgraded), or ``ArchiveError`` at the first
    problem: first the shape (fields, types, limits, allowed values: ``archive_models``), then what a schema
    cannot express (unique ids, references, unique cluster titles, the logo's bytes)."""
    data = upgrade(data)
    try:
        archive = Archive.model_validate(data)
    except ValidationError as e:
        raise ArchiveError(*problem_of(e)) from None
    w = archive.workshop
    if w.logo is not None:
        _check_logo(w.logo)
    questions = _check_topics(w.topics)
    people = _unique_ids('workshop.participants', 'participant', [p.id for p in w.participants])
    breakout_round = _check_rounds(w.rounds, {t.number for t in w.topics}, questions, people)
    _check_gallery(w.rounds, people)
    _check_attendance(w.participants, breakout_round)
    _check_sources(w)
    _check_agenda_and_live(w)
    return data


def _check_logo(logo: archive_models.Logo) -> None:
    try:
        raw = base64.b64decode(logo.data, validate=True)
    except ValueError:
        raise ArchiveError('workshop.logo.data', 'must be base64') from None
    if len(raw) > LOGO_MAX_BYTES:
        raise ArchiveError('workshop.logo.data', f'must be at most {LOGO_MAX_BYTES} bytes')


def _unique_ids(path: str, kind: str, ids: list[int]) -> set[int]:
    seen: set[int] = set()
    for n, ident in enumerate(ids):
        if ident in seen:
            raise ArchiveError(f'{path}[{n}].id', f'{kind} id {ident} appears twice')
        seen.add(ident)
    return seen


def _check_topics(topics: list[archive_models.Topic]) -> dict[int, tuple[int, archive_models.TopicQuestion]]:
    """Topic numbers and question ids are unique; returns each question id's topic number and question."""
    numbers: set[int] = set()
    questions: dict[int, tuple[int, archive_models.TopicQuestion]] = {}
    for n, topic in enumerate(topics):
        if topic.number in numbers:
            raise ArchiveError(f'workshop.topics[{n}].number', f'topic {topic.number} appears twice')
        numbers.add(topic.number)
        for m, question in enumerate(topic.questions):
            if question.id in questions:
                raise ArchiveError(f'workshop.topics[{n}].questions[{m}].id',
                                   f'question id {question.id} appears twice')
            questions[question.id] = (topic.number, question)
    return questions


def _check_rounds(rounds: list[archive_models.Round], topics: set[int],
                  questions: dict[int, tuple[int, archive_models.TopicQuestion]], people: set[int]) -> dict[int, int]:
    """Round numbers and breakout ids are unique, breakouts refer to their topic's questions, ideas to
    participants and to ideas they are merged into; returns each breakout id's round number."""
    numbers: set[int] = set()
    breakout_round: dict[int, int] = {}
    idea_place: dict[int, tuple[int, int]] = {}  # idea id -> breakout id, question id
    merges: list[tuple[str, int, int]] = []  # path, idea id, the idea it is merged into
    for n, round_ in enumerate(rounds):
        rp = f'workshop.rounds[{n}]'
        if round_.number in numbers:
            raise ArchiveError(f'{rp}.number', f'round {round_.number} appears twice')
        numbers.add(round_.number)
        for m, breakout in enumerate(round_.breakouts):
            bp = f'{rp}.breakouts[{m}]'
            if breakout.id in breakout_round:
                raise ArchiveError(f'{bp}.id', f'breakout id {breakout.id} appears twice')
            breakout_round[breakout.id] = round_.number
            if breakout.topic not in topics:
                raise ArchiveError(f'{bp}.topic', f'there is no topic {breakout.topic}')
            current = breakout.current_question
            if current is not None and questions.get(current, (None,))[0] != breakout.topic:
                raise ArchiveError(f'{bp}.current_question',
                                   f'there is no question {current} in topic {breakout.topic}')
            for k, question in enumerate(breakout.questions):
                qp = f'{bp}.questions[{k}]'
                _check_breakout_question(qp, breakout, k, questions)
                _check_clusters(qp, question.clusters)
                for i, idea in enumerate(question.ideas):
                    ip = f'{qp}.ideas[{i}]'
                    if idea.id in idea_place:
                        raise ArchiveError(f'{ip}.id', f'idea id {idea.id} appears twice')
                    idea_place[idea.id] = (breakout.id, question.question)
                    if idea.merged_into is not None:
                        merges.append((f'{ip}.merged_into', idea.id, idea.merged_into))
                    _check_idea(ip, idea, people)
    _check_merges(merges, idea_place)
    return breakout_round


def _check_breakout_question(qp: str, breakout: archive_models.Breakout, k: int,
                             questions: dict[int, tuple[int, archive_models.TopicQuestion]]) -> None:
    """A question of the breakout's topic, once, with the topic's number, block, sub and text."""
    ref, topic = breakout.questions[k].question, breakout.topic
    if questions.get(ref, (None,))[0] != topic:
        raise ArchiveError(f'{qp}.question', f'there is no question {ref} in topic {topic}')
    if any(q.question == ref for q in breakout.questions[:k]):
        raise ArchiveError(f'{qp}.question', f'question {ref} appears twice in this breakout')
    for key in ('number', 'block', 'sub', 'text'):
        if getattr(breakout.questions[k], key) != getattr(questions[ref][1], key):
            raise ArchiveError(f'{qp}.{key}', f'must be the same as in question {ref} of topic {topic}')


def _check_clusters(qp: str, clusters: list[archive_models.Cluster]) -> None:
    # an idea whose group names no cluster is allowed: the protocol shows such a heading after the clusters
    titles: set[str] = set()
    for n, cluster in enumerate(clusters):
        if cluster.title in titles:
            raise ArchiveError(f'{qp}.clusters[{n}].title', f'cluster "{cluster.title}" appears twice in this question')
        titles.add(cluster.title)


def _check_idea(ip: str, idea: archive_models.Idea, people: set[int]) -> None:
    if idea.author is not None and idea.author not in people:
        raise ArchiveError(f'{ip}.author', f'there is no participant {idea.author}')
    voters: set[int] = set()
    for v, vote in enumerate(idea.votes):
        if vote.participant not in people:
            raise ArchiveError(f'{ip}.votes[{v}].participant', f'there is no participant {vote.participant}')
        if vote.participant in voters:
            raise ArchiveError(f'{ip}.votes[{v}].participant',
                               f'participant {vote.participant} voted twice on this idea')
        voters.add(vote.participant)


def _check_gallery(rounds: list[archive_models.Round], people: set[int]) -> None:
    """A gallery walk's dots and comments are on an idea of an earlier round, given in a room of a later round of
    the same topic, by participants of the archive (each once per idea and room)."""
    room_of = {b.id: (r.number, b.topic) for r in rounds for b in r.breakouts}
    for n, round_ in enumerate(rounds):
        for m, breakout in enumerate(round_.breakouts):
            for k, question in enumerate(breakout.questions):
                for i, idea in enumerate(question.ideas):
                    ip = f'workshop.rounds[{n}].breakouts[{m}].questions[{k}].ideas[{i}]'
                    givers: set[tuple[int, int]] = set()
                    for g, dot in enumerate(idea.gallery):
                        _check_gallery_room(f'{ip}.gallery[{g}].breakout', dot.breakout, room_of,
                                            round_.number, breakout.topic)
                        if dot.participant not in people:
                            raise ArchiveError(f'{ip}.gallery[{g}].participant',
                                               f'there is no participant {dot.participant}')
                        if (dot.breakout, dot.participant) in givers:
                            raise ArchiveError(f'{ip}.gallery[{g}].participant', f'participant {dot.participant} '
                                               f'gave dots twice to this idea in breakout {dot.breakout}')
                        givers.add((dot.breakout, dot.participant))
                    for c, comment in enumerate(idea.comments):
                        _check_gallery_room(f'{ip}.comments[{c}].breakout', comment.breakout, room_of,
                                            round_.number, breakout.topic)
                        if comment.author is not None and comment.author not in people:
                            raise ArchiveError(f'{ip}.comments[{c}].author',
                                               f'there is no participant {comment.author}')


def _check_gallery_room(path: str, room: int, room_of: dict[int, tuple[int, int]], round_number: int,
                        topic: int) -> None:
    if room not in room_of:
        raise ArchiveError(path, f'there is no breakout {room}')
    if room_of[room][0] <= round_number or room_of[room][1] != topic:
        raise ArchiveError(path, 'must be a breakout of a later round of the same topic')


def _check_merges(merges: list[tuple[str, int, int]], idea_place: dict[int, tuple[int, int]]) -> None:
    for path, idea_id, target in merges:
        if target not in idea_place:
            raise ArchiveError(path, f'there is no idea {target}')
        if target == idea_id or idea_place[target] != idea_place[idea_id]:
            raise ArchiveError(path, 'must be another idea of the same breakout and question')
    merged_into = {idea_id: target for _path, idea_id, target in merges}
    for path, idea_id, _target in merges:
        seen, current = {idea_id}, merged_into.get(idea_id)
        while current is not None:
            if current in seen:
                raise ArchiveError(path, 'ideas must not be merged into each other in a circle')
            seen.add(current)
            current = merged_into.get(current)


def _check_sources(w: archive_models.Workshop) -> None:
    """Sources, where given, are one entry per key result and cite ideas of the archive."""
    ideas = {i.id for r in w.rounds for b in r.breakouts for q in b.questions for i in q.ideas}
    places: list[tuple[str, list[str], list[list[int]]]] = [
        (f'workshop.topics[{n}]', t.key_results, t.key_result_sources) for n, t in enumerate(w.topics)]
    for n, round_ in enumerate(w.rounds):
        for m, b in enumerate(round_.breakouts):
            bp = f'workshop.rounds[{n}].breakouts[{m}]'
            places.append((bp, b.key_results, b.key_result_sources))
            places.extend((f'{bp}.questions[{k}]', q.key_results, q.key_result_sources)
                          for k, q in enumerate(b.questions))
    for path, texts, sources in places:
        if sources and len(sources) != len(texts):
            raise ArchiveError(f'{path}.key_result_sources', f'needs one entry per key result ({len(texts)})')
        for k, entry in enumerate(sources):
            for j, idea in enumerate(entry):
                if idea not in ideas:
                    raise ArchiveError(f'{path}.key_result_sources[{k}][{j}]', f'there is no idea {idea}')


def _check_attendance(participants: list[archive_models.Participant], breakout_round: dict[int, int]) -> None:
    for n, person in enumerate(participants):
        rounds: set[int] = set()
        for m, attended in enumerate(person.attendance):
            path = f'workshop.participants[{n}].attendance[{m}].breakout'
            if attended.breakout not in breakout_round:
                raise ArchiveError(path, f'there is no breakout {attended.breakout}')
            round_number = breakout_round[attended.breakout]
            if round_number in rounds:
                raise ArchiveError(path, f'a participant attends one breakout per round (round {round_number})')
            rounds.add(round_number)


def _check_agenda_and_live(w: archive_models.Workshop) -> None:
    rounds, topics = {r.number for r in w.rounds}, {t.number for t in w.topics}
    for n, item in enumerate(w.agenda):
        if item.round is not None and item.round not in rounds:
            raise ArchiveError(f'workshop.agenda[{n}].round', f'there is no round {item.round}')
    live = w.live
    if live.current_round is not None and live.current_round not in rounds:
        raise ArchiveError('workshop.live.current_round', f'there is no round {live.current_round}')
    item = live.current_agenda_item
    if item is not None and item >= len(w.agenda):
        raise ArchiveError('workshop.live.current_agenda_item', f'there is no agenda item {item} (counting from 0)')
    if live.summary_topic is not None and live.summary_topic not in topics:
        raise ArchiveError('workshop.live.summary_topic', f'there is no topic {live.summary_topic}')


# --- reading an archive file --------------------------------------------------------------------------

def loads(text: str | bytes) -> dict[str, Any]:
    """Parse an archive file; a JSON syntax error is reported with line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ArchiveError('', f'not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})') from None
    except UnicodeDecodeError:
        raise ArchiveError('', 'not valid JSON (not UTF-8 text)') from None
    except RecursionError:  # the parser recurses per level; an archive is a few levels deep
        raise ArchiveError('', 'nested too deeply to be a workshop archive') from None


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """A timestamp of a validated archive as an aware UTC datetime; None stays None."""
    try:
        return None if value is None else archive_models.parse_timestamp(value)
    except ValueError as e:
        raise ArchiveError('', str(e)) from None
