"""Curation by the breakout moderator: edit, hide, merge, group, mark, add on someone's behalf."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, utils
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import IdeaPosted, VoteChanged
from ..limits import IDEA_GROUP_MAX, IDEA_MODERATION_MAX
from ..models import Breakout, HideReason, Idea, IdeaPublic, IdeaSource, Vote, utcnow
from .access import moderated_breakout
from .clusters import ensure_cluster_events, idea_changed, idea_for_curation, publish_all, record
from .errors import N_, Invalid
from .facilitation import question_of_breakout
from .ideas import new_client_id, to_public
from .text import clean_optional, clean_text
from .votes import dots_cast, idea_total

DUPLICATE_THRESHOLD = 80  # token-set similarity (0..100) above which two ideas are suggested for merging


async def _record_fields(session: AsyncSession, breakout: Breakout, idea: Idea, *names: str) -> None:
    """Note a change of these fields of an idea for undo (services/clusters.py)."""
    await record(session, breakout, idea.question_id, 'fields', idea.text,
                 {'idea_id': idea.id, 'fields': {n: _plain(getattr(idea, n)) for n in names}})


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, 'isoformat') else getattr(value, 'value', value)


def _moderation_text(text: str | None) -> str:
    """An idea as the moderation writes it: longer than a phone's, line breaks kept (at most one blank line)."""
    return clean_text(text, max_length=IDEA_MODERATION_MAX, multiline=True, field=N_('Idea'))


async def edit_idea(db: Database, bus: Bus, *, secret: str, idea_id: int, text: str) -> IdeaPublic:
    """Correct an idea's text; the participant's original wording is kept. The moderation may write more than
    a phone (``IDEA_MODERATION_MAX``) and in lines ("- " sub-points)."""
    text = _moderation_text(text)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        idea = await idea_for_curation(session, breakout, idea_id)
        if text == idea.text:
            return to_public(idea)
        await _record_fields(session, breakout, idea, 'text', 'original_text', 'edited_at')
        if idea.original_text is None:
            idea.original_text = idea.text
        idea.text = text
        idea.edited_at = utcnow()
        event = await idea_changed(session, breakout, idea)
        public = to_public(idea)
    await bus.publish(event)
    return public


async def hide_idea(db: Database, bus: Bus, *, secret: str, idea_id: int,
                    reason: HideReason | str | None = HideReason.other, hidden: bool = True) -> None:
    """Hide an idea (off-topic, duplicate, abuse) or show it again."""
    try:
        reason = HideReason(reason) if hidden and reason else None
    except ValueError as e:
        raise Invalid(N_('Unknown reason.')) from e
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        idea = await idea_for_curation(session, breakout, idea_id)
        await _record_fields(session, breakout, idea, 'hidden', 'hidden_reason')
        idea.hidden = hidden
        idea.hidden_reason = reason if hidden else None
        event = await idea_changed(session, breakout, idea)
    await bus.publish(event)


async def set_group(db: Database, bus: Bus, *, secret: str, idea_id: int, group: str | None) -> None:
    """File an idea under a heading (cluster); empty removes it from its group."""
    group = clean_optional(group, max_length=IDEA_GROUP_MAX, field=N_('Heading'))
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        idea = await idea_for_curation(session, breakout, idea_id)
        if group == idea.group:
            return
        made = [] if group is None else await ensure_cluster_events(session, breakout, idea.question_id, group)
        await record(session, breakout, idea.question_id, 'file', idea.text, {'idea_id': idea.id, 'group': idea.group})
        idea.group = group
        event = await idea_changed(session, breakout, idea)
    await publish_all(bus, [*made, event])


async def set_marked(db: Database, bus: Bus, *, secret: str, idea_id: int, marked: bool) -> None:
    """Mark an idea as a key point (it goes into the key results draft)."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        idea = await idea_for_curation(session, breakout, idea_id)
        await _record_fields(session, breakout, idea, 'marked')
        idea.marked = bool(marked)
        event = await idea_changed(session, breakout, idea)
    await bus.publish(event)


async def merge_ideas(db: Database, bus: Bus, *, secret: str, keep_id: int, merge_id: int) -> int:
    """Merge a duplicate into another idea of the same question; returns the kept idea's new tally.

    The duplicate's dots carry over; a participant who dotted both counts once
    (with the larger of the two).
    """
    if keep_id == merge_id:
        raise Invalid(N_('An idea cannot be merged with itself.'))
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)  # merges of a breakout one at a time
        keep = await idea_for_curation(session, breakout, keep_id)
        merged = await idea_for_curation(session, breakout, merge_id)
        if keep.question_id != merged.question_id:
            raise Invalid(N_('Only ideas of the same guiding question can be merged.'))
        kept_votes = {v.participant_id: v for v in (await session.exec(
            select(Vote).where(Vote.idea_id == keep.id))).all()}
        undo = {'keep_id': keep.id, 'merge_id': merged.id, 'keep_marked': keep.marked, 'keep_group': keep.group,
                'moved_votes': [], 'deleted_votes': [], 'keep_dots': {}}
        for vote in (await session.exec(select(Vote).where(Vote.idea_id == merged.id))).all():
            existing = kept_votes.get(vote.participant_id)
            if existing is None:
                vote.idea_id = keep.id
                undo['moved_votes'].append(vote.id)
            else:
                undo['keep_dots'][str(existing.participant_id)] = existing.dots
                undo['deleted_votes'].append([vote.participant_id, vote.dots])
                existing.dots = max(existing.dots, vote.dots)
                await session.delete(vote)
        await record(session, breakout, keep.question_id, 'merge', merged.text, undo)
        merged.merged_into_id = keep.id
        keep.marked = keep.marked or merged.marked
        keep.group = keep.group or merged.group
        breakout.tally_seq += 1  # the room's dots changed (see VoteWriter): the kept idea's total is newer
        await session.flush()
        total = await idea_total(session, keep.id)
        all_dots = await dots_cast(session, breakout_id=breakout.id)
        events = [await idea_changed(session, breakout, merged), await idea_changed(session, breakout, keep),
                  VoteChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id,
                              question_id=keep.question_id, idea_id=keep.id, total=total,
                              breakout_dots=all_dots, seq=breakout.tally_seq)]
    for event in events:
        await bus.publish(event)
    return total


async def add_idea(db: Database, bus: Bus, *, secret: str, text: str, question_id: int | None = None,
                   group: str | None = None) -> IdeaPublic:
    """Add an idea on someone's behalf: a paper card in the room, the video call's chat (up to
    ``IDEA_MODERATION_MAX`` characters, in lines)."""
    text = _moderation_text(text)
    group = clean_optional(group, max_length=IDEA_GROUP_MAX, field=N_('Heading'))
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        question = await question_of_breakout(session, breakout, question_id)
        made = [] if group is None else await ensure_cluster_events(session, breakout, question.id, group)
        idea = Idea(breakout_id=breakout.id, question_id=question.id, participant_id=None, text=text,
                    client_id=new_client_id(), source=IdeaSource.moderator, group=group)
        session.add(idea)
        await session.flush()
        public = to_public(idea)
    await publish_all(bus, made)
    await bus.publish(IdeaPosted(workshop_id=breakout.workshop_id, breakout_id=breakout.id, question_id=question.id,
                                 idea_id=public.id, participant_id=None, text=public.text,
                                 created_at=public.created_at, group=group))
    return public


@dataclass(frozen=True)
class DuplicateSuggestion:
    keep: IdeaPublic
    duplicate: IdeaPublic
    score: float


async def suggest_duplicates(session: AsyncSession, *, breakout_id: int, question_id: int,
                             threshold: float = DUPLICATE_THRESHOLD) -> list[DuplicateSuggestion]:
    """Likely duplicates among the visible ideas of a question, most similar first (rapidfuzz)."""
    ideas = (await session.exec(select(Idea).where(
        Idea.breakout_id == breakout_id, Idea.question_id == question_id, col(Idea.hidden).is_(False),
        col(Idea.merged_into_id).is_(None)).order_by(col(Idea.created_at), col(Idea.id)))).all()
    if len(ideas) < 2:
        return []
    texts = [utils.default_process(i.text) for i in ideas]
    suggestions = []
    for a in range(len(ideas)):
        for b in range(a + 1, len(ideas)):  # the older idea is kept, the newer one is the duplicate
            score = fuzz.token_set_ratio(texts[a], texts[b], score_cutoff=threshold)
            if score:
                suggestions.append(DuplicateSuggestion(to_public(ideas[a]), to_public(ideas[b]), float(score)))
    return sorted(suggestions, key=lambda s: -s.score)
