"""Importing a workshop archive as a new workshop (``workshop import``): a new join code and new
secret links, everything written in one transaction. ``protocol.archive`` parses and validates the
archive (and upgrades a version 1 archive: its headings become clusters); this module writes it."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..db import Database
from ..models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Breakout,
    BreakoutQuestion,
    Cluster,
    Comment,
    Conclusion,
    GalleryDot,
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
from ..protocol.archive import parse_timestamp as _ts_in, validate_archive
from ..protocol.models import ProtocolSettings
from .codes import new_join_code, new_secret
from .workshops import BreakoutLinks, TopicLinks, WorkshopLinks


async def import_archive(db: Database, data: dict[str, Any]) -> int:
    """Create a new workshop from archive data (validated, and upgraded to the current version, first);
    returns its id."""
    data = validate_archive(data)
    for _attempt in range(5):  # a join code collision is unlikely; retry with a new one
        try:
            async with db.transaction() as session:
                return await _create(session, data['workshop'])
        except IntegrityError:
            continue
    raise RuntimeError('could not allocate a unique join code')


async def links_of(db: Database, workshop_id: int) -> WorkshopLinks:
    """The links of a (newly imported) workshop: join code, lead secret, one secret per breakout."""
    async with db.session() as session:
        workshop = await session.get(Workshop, workshop_id)
        rows = (await session.exec(
            select(Breakout, Round, Topic).join(Round, Round.id == Breakout.round_id)
            .join(Topic, Topic.id == Breakout.topic_id).where(Breakout.workshop_id == workshop_id)
            .order_by(col(Round.number), col(Topic.number), col(Breakout.id)))).all()
        topics = (await session.exec(select(Topic).where(Topic.workshop_id == workshop_id)
                                     .order_by(col(Topic.number)))).all()
    return WorkshopLinks(workshop.id, workshop.title, workshop.join_code, workshop.lead_secret, [
        BreakoutLinks(b.id, b.label, t.title, b.moderator_name, b.moderator_secret) for b, _r, t in rows],
        [TopicLinks(t.number, t.title, t.moderator_secret) for t in topics])


async def _create(session: AsyncSession, w: dict[str, Any]) -> int:
    s, live = w['settings'], w['live']
    workshop = Workshop(
        title=w['title'], subtitle=w['subtitle'], date=dt.date.fromisoformat(w['date']) if w['date'] else None,
        start_time=w['start_time'], end_time=w['end_time'], format=WorkshopFormat(w['format']),
        organiser=w['organiser'], language=w['language'], status=WorkshopStatus(w['status']),
        template=w['template'], created_at=_ts_in(w['created_at']), context=w['context'],
        stakeholder_groups=list(w['stakeholder_groups']),
        participation_extra={k: int(v) for k, v in w['participation_extra'].items()},
        dots_per_question=s['dots_per_question'], max_dots_per_idea=s['max_dots_per_idea'],
        hide_tallies=s['hide_tallies'], name_authors=s['name_authors'], joining_locked=s['joining_locked'],
        require_new_topic=s['require_new_topic'], plenary=live['plenary'], summary_topic=live['summary_topic'],
        notice=live['notice'], notice_at=_ts_in(live['notice_at']), notice_until=_ts_in(live.get('notice_until')),
        gong=live.get('gong', False),
        join_code=new_join_code(), lead_secret=new_secret(),
    )
    privacy = w.get('privacy')
    if privacy is not None and hasattr(workshop, 'retention_days'):
        workshop.retention_days = privacy['retention_days']
        workshop.ended_at = _ts_in(privacy['ended_at'])
        workshop.anonymised_at = _ts_in(privacy['anonymised_at'])
    options = w.get('protocol') or {}  # absent in older archives: the defaults
    workshop.protocol_dots = options.get('dots', True)
    workshop.protocol_omit_unanswered = options.get('omit_unanswered', True)
    workshop.protocol_participation_prose = options.get('participation_prose', True)
    workshop.protocol_citations = options.get('citations', False)
    workshop.proceedings = w.get('proceedings', '')  # the Verlauf (#15): absent in older archives
    workshop.representatives = list(w.get('representatives', []))
    session.add(workshop)
    await session.flush()
    if w['logo'] is not None:
        session.add(ProtocolSettings(workshop_id=workshop.id, logo=base64.b64decode(w['logo']['data']),
                                     logo_type=w['logo']['media_type']))

    rounds = {r['number']: Round(workshop_id=workshop.id, number=r['number'], title=r['title']) for r in w['rounds']}
    topics = {t['number']: Topic(workshop_id=workshop.id, number=t['number'], title=t['title'],
                                 key_results=list(t.get('key_results', []))) for t in w['topics']}
    session.add_all([*rounds.values(), *topics.values()])
    await session.flush()
    questions: dict[int, Question] = {}
    for t in w['topics']:
        for position, q in enumerate(t['questions']):
            questions[q['id']] = Question(topic_id=topics[t['number']].id, position=position, number=q['number'],
                                          block=q['block'], sub=q['sub'], text=q['text'], dots_budget=q['dots_budget'],
                                          summary=q.get('summary', ''))
    session.add_all(questions.values())
    participants = {p['id']: Participant(workshop_id=workshop.id, token=new_secret(), name=p['name'],
                                         organisation=p['organisation'], stakeholder_group=p['group'],
                                         created_at=_ts_in(p['created_at']), removed=p['removed'])
                    for p in w['participants']}
    session.add_all(participants.values())
    await session.flush()

    breakouts: dict[int, Breakout] = {}
    for r in w['rounds']:
        for b in r['breakouts']:
            moderator = b['moderator'] or {}
            timer = b['timer'] or {}
            breakouts[b['id']] = Breakout(
                workshop_id=workshop.id, round_id=rounds[r['number']].id, topic_id=topics[b['topic']].id,
                label=b['label'], moderator_name=moderator.get('name'),
                moderator_organisation=moderator.get('organisation'), moderator_secret=new_secret(),
                current_question_id=questions[b['current_question']].id if b['current_question'] else None,
                key_results=list(b['key_results']), timer_ends_at=_ts_in(timer.get('ends_at')),
                timer_seconds=timer.get('seconds'), timer_closes=timer.get('closes', False),
                gallery_walk=b.get('gallery_walk', False),
                co_moderators=[{'name': c['name'], 'organisation': c['organisation']}
                               for c in b.get('co_moderators', [])])
    session.add_all(breakouts.values())
    await session.flush()

    ideas: dict[int, Idea] = {}
    merges: list[tuple[int, int]] = []
    pending_votes: list[tuple[int, dict[str, Any]]] = []
    cited: list[tuple[Any, dict[str, Any]]] = [(topics[t['number']], t) for t in w['topics']]  # row, its data
    cited.extend((breakouts[b['id']], b) for r in w['rounds'] for b in r['breakouts'])
    pending_gallery: list[tuple[int, dict[str, Any]]] = []  # a gallery walk's dots and comments (#16)
    pending_comments: list[tuple[int, dict[str, Any]]] = []
    for r in w['rounds']:
        for b in r['breakouts']:
            for q in b['questions']:
                if q['phase'] != Phase.collect.value or q['key_results']:
                    state = BreakoutQuestion(breakout_id=breakouts[b['id']].id,
                                             question_id=questions[q['question']].id, phase=Phase(q['phase']),
                                             key_results=list(q['key_results']))
                    session.add(state)
                    cited.append((state, q))
                session.add_all([Cluster(breakout_id=breakouts[b['id']].id, question_id=questions[q['question']].id,
                                         title=c['title'], colour=c['colour'], position=c['position'])
                                 for c in q['clusters']])  # in the archive's order: ties of position keep it
                for i in q['ideas']:
                    idea = Idea(breakout_id=breakouts[b['id']].id, question_id=questions[q['question']].id,
                                participant_id=participants[i['author']].id if i['author'] else None,
                                text=i['text'], created_at=_ts_in(i['created_at']), client_id=uuid.uuid4().hex,
                                source=IdeaSource(i['source']), original_text=i['original_text'],
                                edited_at=_ts_in(i['edited_at']), hidden=i['hidden'],
                                hidden_reason=HideReason(i['hidden_reason']) if i['hidden_reason'] else None,
                                group=i['group'], marked=i['marked'])
                    session.add(idea)
                    ideas[i['id']] = idea
                    if i['merged_into'] is not None:
                        merges.append((i['id'], i['merged_into']))
                    pending_votes.extend((i['id'], v) for v in i['votes'])
                    pending_gallery.extend((i['id'], d) for d in i.get('gallery', []))
                    pending_comments.extend((i['id'], c) for c in i.get('comments', []))
    await session.flush()
    for idea_id, target in merges:
        ideas[idea_id].merged_into_id = ideas[target].id
    for row, part in cited:  # the ideas each key result rests on, now that they have their ids
        if part.get('key_result_sources'):
            row.key_result_sources = [[ideas[i].id for i in entry] for entry in part['key_result_sources']]
    session.add_all([Vote(idea_id=ideas[idea_id].id, participant_id=participants[v['participant']].id, dots=v['dots'],
                          created_at=_ts_in(v['created_at'])) for idea_id, v in pending_votes])
    session.add_all([GalleryDot(idea_id=ideas[idea_id].id, participant_id=participants[d['participant']].id,
                                breakout_id=breakouts[d['breakout']].id, dots=d['dots'],
                                created_at=_ts_in(d['created_at'])) for idea_id, d in pending_gallery])
    session.add_all([Comment(idea_id=ideas[idea_id].id, breakout_id=breakouts[c['breakout']].id,
                             participant_id=participants[c['author']].id if c['author'] else None, text=c['text'],
                             created_at=_ts_in(c['created_at']), hidden=c['hidden'])
                     for idea_id, c in pending_comments])
    for p in w['participants']:
        for a in p['attendance']:
            breakout = breakouts[a['breakout']]
            session.add(Attendance(participant_id=participants[p['id']].id, round_id=breakout.round_id,
                                   breakout_id=breakout.id, joined_at=_ts_in(a['joined_at'])))
    agenda = []
    for position, item in enumerate(w['agenda']):
        agenda.append(AgendaItem(workshop_id=workshop.id, position=position, time=item['time'], title=item['title'],
                                 speaker=item['speaker'], kind=AgendaKind(item['kind']),
                                 round_id=rounds[item['round']].id if item['round'] else None))
    session.add_all(agenda)
    session.add_all([Conclusion(workshop_id=workshop.id, position=n, title=c['title'], text=c['text'])
                     for n, c in enumerate(w['conclusions'])])
    await session.flush()
    workshop.current_round_id = rounds[live['current_round']].id if live['current_round'] else None
    workshop.current_agenda_item_id = agenda[live['current_agenda_item']].id \
        if live['current_agenda_item'] is not None else None
    await session.flush()
    return workshop.id
