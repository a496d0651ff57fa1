"""The workshop archive: one JSON document holding a whole workshop, lossless and versioned.

``export_archive`` reads a workshop into the archive's plain data; ``loads`` and
``validate_archive`` read such data back and check it, and ``services.imports.import_archive``
creates a new workshop from it (with a new join code and new secret links). Export → import →
export gives the identical archive: ids in the archive are numbers local to the archive (1, 2, 3 …
in a fixed order), and what must differ between two copies of a workshop (join code, secret links,
participants' tokens, the phones' idempotency keys) is not in the archive at all.

The format is documented in ``docs/archive-format.md`` with a JSON Schema in
``docs/archive.schema.json``. Problems are reported with the place, e.g.
``workshop.rounds[0].breakouts[1].questions[2].ideas[5].votes[0].dots: must be ≥ 0``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Breakout,
    BreakoutQuestion,
    Conclusion,
    HideReason,
    Idea,
    IdeaSource,
    Participant,
    Phase,
    Question,
    Round,
    Topic,
    Vote,
    Workshop,
    WorkshopFormat,
    WorkshopStatus,
)
from .models import ProtocolSettings

FORMAT = 'workshop-archive'
VERSION = 1
LOGO_TYPES = ('image/png', 'image/jpeg')
LOGO_MAX_BYTES = 2_000_000


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
    states = {(s.breakout_id, s.question_id): s for s in (await session.exec(
        select(BreakoutQuestion).where(col(BreakoutQuestion.breakout_id).in_(breakout_ids)))).all()}
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
        return {
            'id': iid[idea.id], 'text': idea.text, 'author': pid.get(idea.participant_id),
            'created_at': _ts(idea.created_at), 'source': _v(idea.source), 'original_text': idea.original_text,
            'edited_at': _ts(idea.edited_at), 'hidden': idea.hidden, 'hidden_reason': _v(idea.hidden_reason),
            'merged_into': iid.get(idea.merged_into_id) if idea.merged_into_id is not None else None,
            'group': idea.group, 'marked': idea.marked,
            'votes': [{'participant': pid[v.participant_id], 'dots': v.dots, 'created_at': _ts(v.created_at)}
                      for v in sorted(votes_of.get(idea.id, []), key=lambda v: pid[v.participant_id])],
        }

    def breakout_data(b: Breakout) -> dict[str, Any]:
        moderator = {'name': b.moderator_name, 'organisation': b.moderator_organisation} \
            if (b.moderator_name or b.moderator_organisation) else None
        timer = {'ends_at': _ts(b.timer_ends_at), 'seconds': b.timer_seconds} \
            if (b.timer_ends_at is not None or b.timer_seconds is not None) else None
        qs = []
        for q in questions_by_topic.get(b.topic_id, []):
            state = states.get((b.id, q.id))
            qs.append({'question': qid[q.id], **question_fields(q),
                       'phase': _v(state.phase) if state else Phase.collect.value,
                       'key_results': list(state.key_results or []) if state else [],
                       'ideas': [idea_data(i) for i in ideas_of.get((b.id, q.id), [])]})
        return {'id': bid[b.id], 'label': b.label, 'topic': topic_by_id[b.topic_id].number, 'moderator': moderator,
                'key_results': list(b.key_results or []),
                'current_question': qid.get(b.current_question_id) if b.current_question_id else None,
                'timer': timer, 'questions': qs}

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
                    'questions': [{'id': qid[q.id], **question_fields(q), 'dots_budget': q.dots_budget}
                                  for q in questions_by_topic.get(t.id, [])]} for t in topics],
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
    return {'format': FORMAT, 'version': VERSION, 'workshop': workshop}


def dumps(data: dict[str, Any]) -> str:
    """The archive as a file: UTF-8 JSON, indented, umlauts as they are."""
    return json.dumps(data, ensure_ascii=False, indent=2) + '\n'


def checksum(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces): the same content gives the same sum."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


# --- validation ----------------------------------------------------------------------------------------

_TIME = re.compile(r'^([01]?\d|2[0-3]):[0-5]\d$')


class _Check:
    """Small typed readers that raise ``ArchiveError`` with the place of the problem."""

    @staticmethod
    def obj(value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ArchiveError(path, 'must be an object')
        for key in required:
            if key not in value:
                raise ArchiveError(f'{path}.{key}' if path else key, 'is missing')
        for key in value:
            if key not in required and key not in optional:
                raise ArchiveError(f'{path}.{key}' if path else key, 'is not a known field')
        return value

    @staticmethod
    def array(value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise ArchiveError(path, 'must be a list')
        return value

    @staticmethod
    def text(value: Any, path: str, *, max_length: int, min_length: int = 0, null: bool = False) -> str | None:
        if value is None and null:
            return None
        if not isinstance(value, str):
            raise ArchiveError(path, 'must be a text' + (' or null' if null else ''))
        if len(value) < min_length:
            raise ArchiveError(path, 'must not be empty' if min_length == 1 else
                               f'needs at least {min_length} characters')
        if len(value) > max_length:
            raise ArchiveError(path, f'is too long ({len(value)} characters, at most {max_length})')
        return value

    @staticmethod
    def integer(value: Any, path: str, *, minimum: int | None = None, maximum: int | None = None,
                null: bool = False) -> int | None:
        if value is None and null:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ArchiveError(path, 'must be a whole number' + (' or null' if null else ''))
        if minimum is not None and value < minimum:
            raise ArchiveError(path, f'must be ≥ {minimum}')
        if maximum is not None and value > maximum:
            raise ArchiveError(path, f'must be ≤ {maximum}')
        return value

    @staticmethod
    def boolean(value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise ArchiveError(path, 'must be true or false')
        return value

    @staticmethod
    def choice(value: Any, path: str, choices: tuple[str, ...], *, null: bool = False) -> str | None:
        if value is None and null:
            return None
        if value not in choices:
            raise ArchiveError(path, 'must be one of ' + ', '.join(f'"{c}"' for c in choices) +
                               (' or null' if null else ''))
        return value

    @staticmethod
    def timestamp(value: Any, path: str, *, null: bool = False) -> dt.datetime | None:
        if value is None and null:
            return None
        if not isinstance(value, str):
            raise ArchiveError(path, 'must be a date and time like "2026-05-26T14:03:00+00:00"')
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ArchiveError(path, 'must be a date and time like "2026-05-26T14:03:00+00:00"') from None
        if parsed.tzinfo is None:
            raise ArchiveError(path, 'needs a time zone, e.g. "+00:00"')
        return parsed.astimezone(dt.UTC)

    @staticmethod
    def date(value: Any, path: str) -> dt.date | None:
        if value is None:
            return None
        message = 'must be a date like "2026-05-26" or null'
        if not isinstance(value, str) or len(value) != 10:
            raise ArchiveError(path, message)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ArchiveError(path, message) from None

    @staticmethod
    def clock(value: Any, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _TIME.match(value):
            raise ArchiveError(path, 'must be a time like "14:00" or null')
        return value

    @staticmethod
    def texts(value: Any, path: str, *, max_length: int) -> list[str]:
        items = _Check.array(value, path)
        for n, item in enumerate(items):
            _Check.text(item, f'{path}[{n}]', max_length=max_length, min_length=1)
        return list(items)


def _values(enum: type) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


def validate_archive(data: Any) -> None:
    """Raise ``ArchiveError`` at the first problem (structure, types, limits, references)."""
    c = _Check
    c.obj(data, '', ('format', 'version', 'workshop'))
    if data['format'] != FORMAT:
        raise ArchiveError('format', f'must be "{FORMAT}"')
    version = data['version']
    if not isinstance(version, int) or isinstance(version, bool):
        raise ArchiveError('version', 'must be a whole number')
    if version != VERSION:
        raise ArchiveError('version', f'this app reads archive version {VERSION}, not {version}')
    p = 'workshop'
    w = c.obj(data['workshop'], p, (
        'title', 'subtitle', 'date', 'start_time', 'end_time', 'format', 'organiser', 'language', 'status',
        'template', 'created_at', 'context', 'settings', 'live', 'stakeholder_groups', 'participation_extra',
        'logo', 'agenda', 'topics', 'participants', 'rounds', 'conclusions'), ('privacy',))
    c.text(w['title'], f'{p}.title', max_length=300, min_length=1)
    c.text(w['subtitle'], f'{p}.subtitle', max_length=300, null=True)
    c.date(w['date'], f'{p}.date')
    c.clock(w['start_time'], f'{p}.start_time')
    c.clock(w['end_time'], f'{p}.end_time')
    c.choice(w['format'], f'{p}.format', _values(WorkshopFormat))
    c.text(w['organiser'], f'{p}.organiser', max_length=300)
    c.choice(w['language'], f'{p}.language', ('de', 'en'))
    c.choice(w['status'], f'{p}.status', _values(WorkshopStatus))
    c.text(w['template'], f'{p}.template', max_length=200, null=True)
    c.timestamp(w['created_at'], f'{p}.created_at')
    c.text(w['context'], f'{p}.context', max_length=20_000)
    if 'privacy' in w:
        privacy = c.obj(w['privacy'], f'{p}.privacy', ('retention_days', 'ended_at', 'anonymised_at'))
        c.integer(privacy['retention_days'], f'{p}.privacy.retention_days', minimum=0, maximum=3650)
        c.timestamp(privacy['ended_at'], f'{p}.privacy.ended_at', null=True)
        c.timestamp(privacy['anonymised_at'], f'{p}.privacy.anonymised_at', null=True)
    s = c.obj(w['settings'], f'{p}.settings', ('dots_per_question', 'max_dots_per_idea', 'hide_tallies',
                                                'name_authors', 'joining_locked', 'require_new_topic'))
    c.integer(s['dots_per_question'], f'{p}.settings.dots_per_question', minimum=1, maximum=20)
    c.integer(s['max_dots_per_idea'], f'{p}.settings.max_dots_per_idea', minimum=1, maximum=20)
    for key in ('hide_tallies', 'name_authors', 'joining_locked', 'require_new_topic'):
        c.boolean(s[key], f'{p}.settings.{key}')
    c.texts(w['stakeholder_groups'], f'{p}.stakeholder_groups', max_length=300)
    extra = w['participation_extra']
    if not isinstance(extra, dict):
        raise ArchiveError(f'{p}.participation_extra', 'must be an object')
    for key, value in extra.items():
        c.text(key, f'{p}.participation_extra', max_length=300)
        c.integer(value, f'{p}.participation_extra.{key}', minimum=-100_000, maximum=100_000)
    if w['logo'] is not None:
        logo = c.obj(w['logo'], f'{p}.logo', ('media_type', 'data'))
        c.choice(logo['media_type'], f'{p}.logo.media_type', LOGO_TYPES)
        try:
            raw = base64.b64decode(c.text(logo['data'], f'{p}.logo.data', max_length=4 * LOGO_MAX_BYTES),
                                   validate=True)
        except ValueError:
            raise ArchiveError(f'{p}.logo.data', 'must be base64') from None
        if len(raw) > LOGO_MAX_BYTES:
            raise ArchiveError(f'{p}.logo.data', f'must be at most {LOGO_MAX_BYTES} bytes')

    topics = c.array(w['topics'], f'{p}.topics')
    if not topics:
        raise ArchiveError(f'{p}.topics', 'needs at least one topic')
    topic_numbers: set[int] = set()
    question_topic: dict[int, int] = {}  # archive question id -> topic number
    question_text: dict[int, dict[str, Any]] = {}
    for n, t in enumerate(topics):
        tp = f'{p}.topics[{n}]'
        c.obj(t, tp, ('number', 'title', 'questions'))
        number = c.integer(t['number'], f'{tp}.number', minimum=1)
        if number in topic_numbers:
            raise ArchiveError(f'{tp}.number', f'topic {number} appears twice')
        topic_numbers.add(number)
        c.text(t['title'], f'{tp}.title', max_length=300, min_length=1)
        for m, q in enumerate(c.array(t['questions'], f'{tp}.questions')):
            qp = f'{tp}.questions[{m}]'
            c.obj(q, qp, ('id', 'number', 'block', 'sub', 'text', 'dots_budget'))
            ident = c.integer(q['id'], f'{qp}.id', minimum=1)
            if ident in question_topic:
                raise ArchiveError(f'{qp}.id', f'question id {ident} appears twice')
            question_topic[ident] = number
            question_text[ident] = {k: q[k] for k in ('number', 'block', 'sub', 'text')}
            c.integer(q['number'], f'{qp}.number', minimum=1)
            c.text(q['block'], f'{qp}.block', max_length=300, null=True)
            c.text(q['sub'], f'{qp}.sub', max_length=3, min_length=1, null=True)
            c.text(q['text'], f'{qp}.text', max_length=1000, min_length=1)
            c.integer(q['dots_budget'], f'{qp}.dots_budget', minimum=1, maximum=20, null=True)

    participants = c.array(w['participants'], f'{p}.participants')
    participant_ids: set[int] = set()
    attendance_refs: list[tuple[str, int, int]] = []  # path, participant, breakout
    for n, person in enumerate(participants):
        pp = f'{p}.participants[{n}]'
        c.obj(person, pp, ('id', 'name', 'organisation', 'group', 'created_at', 'removed', 'attendance'))
        ident = c.integer(person['id'], f'{pp}.id', minimum=1)
        if ident in participant_ids:
            raise ArchiveError(f'{pp}.id', f'participant id {ident} appears twice')
        participant_ids.add(ident)
        c.text(person['name'], f'{pp}.name', max_length=120, null=True)
        c.text(person['organisation'], f'{pp}.organisation', max_length=200, null=True)
        c.text(person['group'], f'{pp}.group', max_length=300, null=True)
        c.timestamp(person['created_at'], f'{pp}.created_at')
        c.boolean(person['removed'], f'{pp}.removed')
        for m, a in enumerate(c.array(person['attendance'], f'{pp}.attendance')):
            ap = f'{pp}.attendance[{m}]'
            c.obj(a, ap, ('breakout', 'joined_at'))
            attendance_refs.append((f'{ap}.breakout', ident, c.integer(a['breakout'], f'{ap}.breakout', minimum=1)))
            c.timestamp(a['joined_at'], f'{ap}.joined_at')

    rounds = c.array(w['rounds'], f'{p}.rounds')
    if not rounds:
        raise ArchiveError(f'{p}.rounds', 'needs at least one round')
    round_numbers: set[int] = set()
    breakout_round: dict[int, int] = {}
    idea_place: dict[int, tuple[int, int, str]] = {}  # idea id -> breakout id, question id, path
    merges: list[tuple[str, int, int]] = []
    for n, r in enumerate(rounds):
        rp = f'{p}.rounds[{n}]'
        c.obj(r, rp, ('number', 'title', 'breakouts'))
        number = c.integer(r['number'], f'{rp}.number', minimum=1)
        if number in round_numbers:
            raise ArchiveError(f'{rp}.number', f'round {number} appears twice')
        round_numbers.add(number)
        c.text(r['title'], f'{rp}.title', max_length=300, min_length=1)
        for m, b in enumerate(c.array(r['breakouts'], f'{rp}.breakouts')):
            bp = f'{rp}.breakouts[{m}]'
            c.obj(b, bp, ('id', 'label', 'topic', 'moderator', 'key_results', 'current_question', 'timer',
                          'questions'))
            ident = c.integer(b['id'], f'{bp}.id', minimum=1)
            if ident in breakout_round:
                raise ArchiveError(f'{bp}.id', f'breakout id {ident} appears twice')
            breakout_round[ident] = number
            c.text(b['label'], f'{bp}.label', max_length=40, min_length=1)
            topic = c.integer(b['topic'], f'{bp}.topic', minimum=1)
            if topic not in topic_numbers:
                raise ArchiveError(f'{bp}.topic', f'there is no topic {topic}')
            if b['moderator'] is not None:
                c.obj(b['moderator'], f'{bp}.moderator', ('name', 'organisation'))
                c.text(b['moderator']['name'], f'{bp}.moderator.name', max_length=300, null=True)
                c.text(b['moderator']['organisation'], f'{bp}.moderator.organisation', max_length=300, null=True)
            c.texts(b['key_results'], f'{bp}.key_results', max_length=1000)
            current = c.integer(b['current_question'], f'{bp}.current_question', minimum=1, null=True)
            if current is not None and question_topic.get(current) != topic:
                raise ArchiveError(f'{bp}.current_question', f'there is no question {current} in topic {topic}')
            if b['timer'] is not None:
                c.obj(b['timer'], f'{bp}.timer', ('ends_at', 'seconds'))
                c.timestamp(b['timer']['ends_at'], f'{bp}.timer.ends_at', null=True)
                c.integer(b['timer']['seconds'], f'{bp}.timer.seconds', minimum=1, null=True)
            seen_questions: set[int] = set()
            for k, q in enumerate(c.array(b['questions'], f'{bp}.questions')):
                qp = f'{bp}.questions[{k}]'
                c.obj(q, qp, ('question', 'number', 'block', 'sub', 'text', 'phase', 'key_results', 'ideas'))
                ref = c.integer(q['question'], f'{qp}.question', minimum=1)
                if question_topic.get(ref) != topic:
                    raise ArchiveError(f'{qp}.question', f'there is no question {ref} in topic {topic}')
                if ref in seen_questions:
                    raise ArchiveError(f'{qp}.question', f'question {ref} appears twice in this breakout')
                seen_questions.add(ref)
                for key in ('number', 'block', 'sub', 'text'):
                    if q[key] != question_text[ref][key]:
                        raise ArchiveError(f'{qp}.{key}', f'must be the same as in question {ref} of topic {topic}')
                c.choice(q['phase'], f'{qp}.phase', _values(Phase))
                c.texts(q['key_results'], f'{qp}.key_results', max_length=1000)
                for i, idea in enumerate(c.array(q['ideas'], f'{qp}.ideas')):
                    ip = f'{qp}.ideas[{i}]'
                    c.obj(idea, ip, ('id', 'text', 'author', 'created_at', 'source', 'original_text', 'edited_at',
                                     'hidden', 'hidden_reason', 'merged_into', 'group', 'marked', 'votes'))
                    idea_id = c.integer(idea['id'], f'{ip}.id', minimum=1)
                    if idea_id in idea_place:
                        raise ArchiveError(f'{ip}.id', f'idea id {idea_id} appears twice')
                    idea_place[idea_id] = (ident, ref, ip)
                    c.text(idea['text'], f'{ip}.text', max_length=500, min_length=1)
                    author = c.integer(idea['author'], f'{ip}.author', minimum=1, null=True)
                    if author is not None and author not in participant_ids:
                        raise ArchiveError(f'{ip}.author', f'there is no participant {author}')
                    c.timestamp(idea['created_at'], f'{ip}.created_at')
                    c.choice(idea['source'], f'{ip}.source', _values(IdeaSource))
                    c.text(idea['original_text'], f'{ip}.original_text', max_length=500, null=True)
                    c.timestamp(idea['edited_at'], f'{ip}.edited_at', null=True)
                    c.boolean(idea['hidden'], f'{ip}.hidden')
                    c.choice(idea['hidden_reason'], f'{ip}.hidden_reason', _values(HideReason), null=True)
                    target = c.integer(idea['merged_into'], f'{ip}.merged_into', minimum=1, null=True)
                    if target is not None:
                        merges.append((f'{ip}.merged_into', idea_id, target))
                    c.text(idea['group'], f'{ip}.group', max_length=200, null=True)
                    c.boolean(idea['marked'], f'{ip}.marked')
                    voters: set[int] = set()
                    for v, vote in enumerate(c.array(idea['votes'], f'{ip}.votes')):
                        vp = f'{ip}.votes[{v}]'
                        c.obj(vote, vp, ('participant', 'dots', 'created_at'))
                        who = c.integer(vote['participant'], f'{vp}.participant', minimum=1)
                        if who not in participant_ids:
                            raise ArchiveError(f'{vp}.participant', f'there is no participant {who}')
                        if who in voters:
                            raise ArchiveError(f'{vp}.participant', f'participant {who} voted twice on this idea')
                        voters.add(who)
                        c.integer(vote['dots'], f'{vp}.dots', minimum=0)
                        c.timestamp(vote['created_at'], f'{vp}.created_at')
    for path, idea_id, target in merges:
        if target not in idea_place:
            raise ArchiveError(path, f'there is no idea {target}')
        if target == idea_id or idea_place[target][:2] != idea_place[idea_id][:2]:
            raise ArchiveError(path, 'must be another idea of the same breakout and question')
    merged_into = {idea_id: target for _path, idea_id, target in merges}
    for path, idea_id, _target in merges:
        seen, current = {idea_id}, merged_into.get(idea_id)
        while current is not None:
            if current in seen:
                raise ArchiveError(path, 'ideas must not be merged into each other in a circle')
            seen.add(current)
            current = merged_into.get(current)
    rounds_attended: set[tuple[int, int]] = set()
    for path, person, breakout in attendance_refs:
        if breakout not in breakout_round:
            raise ArchiveError(path, f'there is no breakout {breakout}')
        if (person, breakout_round[breakout]) in rounds_attended:
            raise ArchiveError(path, f'a participant attends one breakout per round (round {breakout_round[breakout]})')
        rounds_attended.add((person, breakout_round[breakout]))

    agenda = c.array(w['agenda'], f'{p}.agenda')
    for n, item in enumerate(agenda):
        ap = f'{p}.agenda[{n}]'
        c.obj(item, ap, ('time', 'title', 'speaker', 'kind', 'round'))
        c.clock(item['time'], f'{ap}.time')
        c.text(item['title'], f'{ap}.title', max_length=300, min_length=1)
        c.text(item['speaker'], f'{ap}.speaker', max_length=300, null=True)
        c.choice(item['kind'], f'{ap}.kind', _values(AgendaKind))
        number = c.integer(item['round'], f'{ap}.round', minimum=1, null=True)
        if number is not None and number not in round_numbers:
            raise ArchiveError(f'{ap}.round', f'there is no round {number}')

    live = c.obj(w['live'], f'{p}.live', ('current_round', 'current_agenda_item', 'plenary', 'summary_topic', 'notice',
                                           'notice_at'))
    current_round = c.integer(live['current_round'], f'{p}.live.current_round', minimum=1, null=True)
    if current_round is not None and current_round not in round_numbers:
        raise ArchiveError(f'{p}.live.current_round', f'there is no round {current_round}')
    item = c.integer(live['current_agenda_item'], f'{p}.live.current_agenda_item', minimum=0, null=True)
    if item is not None and item >= len(agenda):
        raise ArchiveError(f'{p}.live.current_agenda_item', f'there is no agenda item {item} (counting from 0)')
    c.boolean(live['plenary'], f'{p}.live.plenary')
    summary = c.integer(live['summary_topic'], f'{p}.live.summary_topic', minimum=1, null=True)
    if summary is not None and summary not in topic_numbers:
        raise ArchiveError(f'{p}.live.summary_topic', f'there is no topic {summary}')
    c.text(live['notice'], f'{p}.live.notice', max_length=300, null=True)
    c.timestamp(live['notice_at'], f'{p}.live.notice_at', null=True)

    for n, conclusion in enumerate(c.array(w['conclusions'], f'{p}.conclusions')):
        cp = f'{p}.conclusions[{n}]'
        c.obj(conclusion, cp, ('title', 'text'))
        c.text(conclusion['title'], f'{cp}.title', max_length=500, min_length=1)
        c.text(conclusion['text'], f'{cp}.text', max_length=20_000)


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
    return _Check.timestamp(value, '', null=True)
