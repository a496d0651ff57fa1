"""Clusters and the moderator's undo history: from many ideas to a few named themes.

A cluster is a named, coloured heading over ideas of one question in one breakout; its ideas are
those whose ``group`` is its title. Every curation step (filing an idea, merging two, creating,
renaming, recolouring, moving or dissolving a cluster, hiding, marking, editing) is recorded with
what undoing it needs, in the same transaction; ``undo_last`` undoes the newest step of a question
that is not undone yet (a stack: older steps stay valid because newer ones are undone first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import ClustersChanged, Event, IdeaChanged, IdeaPosted, VoteChanged
from ..limits import CLUSTERS_MAX, IDEA_GROUP_MAX, UNDO_KEPT
from ..models import Breakout, Cluster, CurationStep, Idea, Vote
from .access import moderated_breakout
from .errors import N_, Invalid, NotFound, ServiceError
from .facilitation import question_of_breakout
from .text import clean_text
from .votes import dots_cast, idea_total

COLOURS = ('blue', 'green', 'orange', 'purple', 'teal', 'red', 'brown', 'pink')
SUBJECT_MAX = 80  # characters of an idea's text in the undo history


# --- reading ---

async def clusters_of(session: AsyncSession, *, breakout_id: int, question_id: int) -> list[Cluster]:
    return list((await session.exec(select(Cluster).where(
        Cluster.breakout_id == breakout_id, Cluster.question_id == question_id)
        .order_by(col(Cluster.position), col(Cluster.id)))).all())


async def history(session: AsyncSession, *, breakout_id: int, question_id: int,
                  limit: int = 20) -> list[CurationStep]:
    """The steps that can be undone, newest first."""
    return list((await session.exec(select(CurationStep).where(
        CurationStep.breakout_id == breakout_id, CurationStep.question_id == question_id,
        col(CurationStep.undone).is_(False)).order_by(col(CurationStep.id).desc()).limit(limit))).all())


def clusters_event(breakout: Breakout, question_id: int, clusters: list[Cluster]) -> ClustersChanged:
    return ClustersChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id, question_id=question_id,
                           clusters=tuple((c.id, c.title, c.colour, c.position) for c in clusters))


async def idea_changed(session: AsyncSession, breakout: Breakout, idea: Idea) -> IdeaChanged:
    await session.flush()
    merges = (await session.exec(select(func.count()).where(Idea.merged_into_id == idea.id))).one()
    return IdeaChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id, question_id=idea.question_id,
                       idea_id=idea.id, text=idea.text, hidden=idea.hidden, group=idea.group, marked=idea.marked,
                       merged_into_id=idea.merged_into_id, merges=int(merges))


def subject(text: str) -> str:
    return text if len(text) <= SUBJECT_MAX else text[:SUBJECT_MAX - 1] + '…'


async def record(session: AsyncSession, breakout: Breakout, question_id: int, kind: str, label: str,
                 undo: dict) -> None:
    """Note a step for undo; the oldest beyond ``UNDO_KEPT`` per question are forgotten."""
    session.add(CurationStep(breakout_id=breakout.id, question_id=question_id, kind=kind, label=subject(label),
                             undo=undo))
    await session.flush()
    kept = select(CurationStep.id).where(CurationStep.breakout_id == breakout.id,
                                         CurationStep.question_id == question_id) \
        .order_by(col(CurationStep.id).desc()).limit(UNDO_KEPT)
    await session.exec(delete(CurationStep).where(
        CurationStep.breakout_id == breakout.id, CurationStep.question_id == question_id,
        col(CurationStep.id).not_in(kept)))


# --- clusters ---

def _title(title: str) -> str:
    return clean_text(title, max_length=IDEA_GROUP_MAX, field=N_('Cluster title'))


def _colour(colour: str | None, clusters: list[Cluster]) -> str:
    if colour is None:
        used = [c.colour for c in clusters]
        return min(COLOURS, key=lambda c: (used.count(c), COLOURS.index(c)))
    if colour not in COLOURS:
        raise Invalid(N_('Unknown colour.'))
    return colour


async def _cluster(session: AsyncSession, breakout: Breakout, cluster_id: int) -> Cluster:
    cluster = await session.get(Cluster, cluster_id)
    if cluster is None or cluster.breakout_id != breakout.id:
        raise NotFound(N_('This cluster does not exist (any more).'))
    return cluster


async def ensure_cluster(session: AsyncSession, breakout: Breakout, question_id: int, title: str) -> Cluster:
    """The cluster of this title (made, with the next colour, if the question has none yet)."""
    clusters = await clusters_of(session, breakout_id=breakout.id, question_id=question_id)
    found = next((c for c in clusters if c.title == title), None)
    if found is not None:
        return found
    if len(clusters) >= CLUSTERS_MAX:
        raise Invalid(N_('A question can have at most {n} clusters.'), n=CLUSTERS_MAX)
    cluster = Cluster(breakout_id=breakout.id, question_id=question_id, title=title,
                      colour=_colour(None, clusters), position=max((c.position for c in clusters), default=-1) + 1)
    session.add(cluster)
    await session.flush()
    return cluster


async def ensure_cluster_events(session: AsyncSession, breakout: Breakout, question_id: int,
                                title: str) -> list[Event]:
    """``ensure_cluster`` for a step that files an idea by title: the ClustersChanged to publish when it made one."""
    before = len(await clusters_of(session, breakout_id=breakout.id, question_id=question_id))
    await ensure_cluster(session, breakout, question_id, title)
    after = await clusters_of(session, breakout_id=breakout.id, question_id=question_id)
    return [clusters_event(breakout, question_id, after)] if len(after) > before else []


async def _ideas_in(session: AsyncSession, cluster: Cluster) -> list[Idea]:
    return list((await session.exec(select(Idea).where(
        Idea.breakout_id == cluster.breakout_id, Idea.question_id == cluster.question_id,
        Idea.group == cluster.title, col(Idea.merged_into_id).is_(None)).order_by(col(Idea.id)))).all())


async def publish_all(bus: Bus, events: list[Event]) -> None:
    for event in events:
        await bus.publish(event)


async def create_cluster(db: Database, bus: Bus, *, secret: str, title: str, question_id: int | None = None,
                         colour: str | None = None) -> int:
    title = _title(title)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)  # one cluster change of a room at a time
        question = await question_of_breakout(session, breakout, question_id)
        clusters = await clusters_of(session, breakout_id=breakout.id, question_id=question.id)
        if any(c.title == title for c in clusters):
            raise Invalid(N_('There is a cluster of this name already.'))
        cluster = await ensure_cluster(session, breakout, question.id, title)
        cluster.colour = _colour(colour, clusters)
        await record(session, breakout, question.id, 'create', title, {'cluster_id': cluster.id})
        event = clusters_event(breakout, question.id, [*clusters, cluster])
        cluster_id = cluster.id
    await bus.publish(event)
    return cluster_id


async def rename_cluster(db: Database, bus: Bus, *, secret: str, cluster_id: int, title: str) -> None:
    title = _title(title)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        cluster = await _cluster(session, breakout, cluster_id)
        old = cluster.title
        events = await _rename(session, breakout, cluster, title)
        if events:
            await record(session, breakout, cluster.question_id, 'rename', title,
                         {'cluster_id': cluster.id, 'title': old})
    await publish_all(bus, events)


async def _rename(session: AsyncSession, breakout: Breakout, cluster: Cluster, title: str) -> list[Event]:
    if title == cluster.title:
        return []
    clusters = await clusters_of(session, breakout_id=breakout.id, question_id=cluster.question_id)
    if any(c.title == title for c in clusters if c.id != cluster.id):
        raise Invalid(N_('There is a cluster of this name already.'))
    ideas = await _ideas_in(session, cluster)
    cluster.title = title
    for idea in ideas:
        idea.group = title
    await session.flush()
    return [clusters_event(breakout, cluster.question_id, clusters),
            *[await idea_changed(session, breakout, i) for i in ideas]]


async def recolour_cluster(db: Database, bus: Bus, *, secret: str, cluster_id: int, colour: str) -> None:
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        cluster = await _cluster(session, breakout, cluster_id)
        colour = _colour(colour, [])
        if colour == cluster.colour:
            return
        await record(session, breakout, cluster.question_id, 'recolour', cluster.title,
                     {'cluster_id': cluster.id, 'colour': cluster.colour})
        cluster.colour = colour
        event = clusters_event(breakout, cluster.question_id,
                               await clusters_of(session, breakout_id=breakout.id, question_id=cluster.question_id))
    await bus.publish(event)


async def move_cluster(db: Database, bus: Bus, *, secret: str, cluster_id: int, position: int) -> None:
    """Put a cluster at ``position`` (0: first) among its question's clusters."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        cluster = await _cluster(session, breakout, cluster_id)
        clusters = await clusters_of(session, breakout_id=breakout.id, question_id=cluster.question_id)
        before = [c.id for c in clusters]
        order = [c for c in clusters if c.id != cluster.id]
        order.insert(max(0, min(int(position), len(order))), cluster)
        if [c.id for c in order] == before:
            return
        for n, c in enumerate(order):
            c.position = n
        await record(session, breakout, cluster.question_id, 'reorder', cluster.title, {'order': before})
        event = clusters_event(breakout, cluster.question_id, order)
    await bus.publish(event)


async def dissolve_cluster(db: Database, bus: Bus, *, secret: str, cluster_id: int) -> None:
    """Remove a cluster; its ideas stay, without a heading."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        cluster = await _cluster(session, breakout, cluster_id)
        ideas = await _ideas_in(session, cluster)
        for idea in ideas:
            idea.group = None
        await record(session, breakout, cluster.question_id, 'dissolve', cluster.title, {
            'cluster_id': cluster.id, 'title': cluster.title, 'colour': cluster.colour, 'position': cluster.position,
            'idea_ids': [i.id for i in ideas]})
        question_id = cluster.question_id
        await session.delete(cluster)
        await session.flush()
        events = [clusters_event(breakout, question_id,
                                 await clusters_of(session, breakout_id=breakout.id, question_id=question_id)),
                  *[await idea_changed(session, breakout, i) for i in ideas]]
    await publish_all(bus, events)


async def file_idea(db: Database, bus: Bus, *, secret: str, idea_id: int, cluster_id: int | None) -> None:
    """Put an idea into a cluster (None: take it out of its cluster)."""
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret)
        idea = await idea_for_curation(session, breakout, idea_id)
        title = None
        if cluster_id is not None:
            cluster = await _cluster(session, breakout, cluster_id)
            if cluster.question_id != idea.question_id:
                raise Invalid(N_('This cluster belongs to another guiding question.'))
            title = cluster.title
        if idea.group == title:
            return
        await record(session, breakout, idea.question_id, 'file', idea.text, {'idea_id': idea.id, 'group': idea.group})
        idea.group = title
        event = await idea_changed(session, breakout, idea)
    await bus.publish(event)


async def accept_theme(db: Database, bus: Bus, *, secret: str, title: str, idea_ids: list[int],
                       question_id: int | None = None) -> int:
    """A theme suggestion the moderator accepted (perhaps renamed): a cluster of this title (a new one, or the
    one that has the title already) with these ideas — one step, undone as one. Ideas that were merged or are of
    another question meanwhile are left out."""
    title = _title(title)
    async with db.transaction() as session:
        breakout = await moderated_breakout(session, secret, lock=True)
        question = await question_of_breakout(session, breakout, question_id)
        existed = title in {c.title for c in await clusters_of(session, breakout_id=breakout.id,
                                                              question_id=question.id)}
        cluster = await ensure_cluster(session, breakout, question.id, title)
        ideas = [i for i in (await session.exec(select(Idea).where(col(Idea.id).in_(idea_ids or [-1]))
                                                .with_for_update())).all()
                 if i.breakout_id == breakout.id and i.question_id == question.id and i.merged_into_id is None]
        if not ideas:
            raise Invalid(N_('None of these ideas can be filed here any more.'))
        await record(session, breakout, question.id, 'theme', title, {
            'cluster_id': None if existed else cluster.id, 'ideas': [[i.id, i.group] for i in ideas]})
        for idea in ideas:
            idea.group = title
        events = [clusters_event(breakout, question.id,
                                 await clusters_of(session, breakout_id=breakout.id, question_id=question.id)),
                  *[await idea_changed(session, breakout, i) for i in ideas]]
        cluster_id = cluster.id
    await publish_all(bus, events)
    return cluster_id


async def idea_for_curation(session: AsyncSession, breakout: Breakout, idea_id: int) -> Idea:
    # row-locked (PostgreSQL): two moderators' changes of one idea, or a change and a vote, one after the other
    idea = (await session.exec(select(Idea).where(Idea.id == idea_id).with_for_update())).first()
    if idea is None or idea.breakout_id != breakout.id or idea.merged_into_id is not None:
        raise NotFound(N_('This idea does not exist (any more) in this breakout.'))
    return idea


# --- undo ---

@dataclass(frozen=True)
class Undone:
    kind: str
    label: str


async def undo_last(db: Database, bus: Bus, *, secret: str, question_id: int | None = None) -> Undone | None:
    """Undo the newest step of the question that is not undone yet; None if there is none.

    A step that cannot be undone any more (its cluster's old title is taken meanwhile, the question has the most
    clusters it may have …) is taken off the history with a message that says so: the steps before it stay
    undoable."""
    step_id: int | None = None
    try:
        async with db.transaction() as session:
            breakout = await moderated_breakout(session, secret, lock=True)
            question = await question_of_breakout(session, breakout, question_id)
            step = (await session.exec(select(CurationStep).where(
                CurationStep.breakout_id == breakout.id, CurationStep.question_id == question.id,
                col(CurationStep.undone).is_(False)).order_by(col(CurationStep.id).desc()))).first()
            if step is None:
                return None
            step_id = step.id
            done, events = await _undo(session, breakout, question.id, step)
    except ServiceError as e:
        if step_id is None:
            raise
        async with db.transaction() as session:
            stuck = await session.get(CurationStep, step_id)
            label = stuck.label if stuck is not None else ''
            if stuck is not None:
                stuck.undone = True
        raise Invalid(N_('“{step}” cannot be undone any more: {reason} The step is off the history; the steps '
                         'before it can still be undone.'), step=label, reason=e) from e
    await publish_all(bus, events)
    return done


async def _undo(session: AsyncSession, breakout: Breakout, question_id: int,
                step: CurationStep) -> tuple[Undone, list[Event]]:
    events = await UNDO[step.kind](session, breakout, question_id, step.undo)
    step.undone = True
    await session.flush()
    # the undo's own changes are no steps: undone steps are not redone
    await session.exec(delete(CurationStep).where(CurationStep.breakout_id == breakout.id,
                                                  CurationStep.question_id == question_id,
                                                  col(CurationStep.id) > step.id))
    return Undone(step.kind, step.label), events


async def _undo_create(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    cluster = await session.get(Cluster, undo['cluster_id'])
    if cluster is None:
        return []
    ideas = await _ideas_in(session, cluster)
    for idea in ideas:
        idea.group = None
    await session.delete(cluster)
    await session.flush()
    return [clusters_event(breakout, question_id,
                           await clusters_of(session, breakout_id=breakout.id, question_id=question_id)),
            *[await idea_changed(session, breakout, i) for i in ideas]]


async def _undo_rename(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    cluster = await _cluster(session, breakout, undo['cluster_id'])
    return await _rename(session, breakout, cluster, undo['title'])


async def _undo_recolour(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    cluster = await _cluster(session, breakout, undo['cluster_id'])
    cluster.colour = undo['colour']
    return [clusters_event(breakout, question_id,
                           await clusters_of(session, breakout_id=breakout.id, question_id=question_id))]


async def _undo_reorder(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    clusters = {c.id: c for c in await clusters_of(session, breakout_id=breakout.id, question_id=question_id)}
    order = [clusters[i] for i in undo['order'] if i in clusters]
    order += [c for c in clusters.values() if c not in order]
    for n, c in enumerate(order):
        c.position = n
    return [clusters_event(breakout, question_id, order)]


async def _undo_dissolve(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    # the same id again: older steps that name the cluster stay valid
    cluster = Cluster(id=undo['cluster_id'], breakout_id=breakout.id, question_id=question_id, title=undo['title'],
                      colour=undo['colour'], position=undo['position'])
    session.add(cluster)
    ideas = [i for i in (await session.exec(select(Idea).where(col(Idea.id).in_(undo['idea_ids'])))).all()
             if i.breakout_id == breakout.id and i.merged_into_id is None]
    for idea in ideas:
        idea.group = cluster.title
    await session.flush()
    return [clusters_event(breakout, question_id,
                           await clusters_of(session, breakout_id=breakout.id, question_id=question_id)),
            *[await idea_changed(session, breakout, i) for i in ideas]]


async def _undo_file(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    idea = await idea_for_curation(session, breakout, undo['idea_id'])
    if undo['group'] is not None:  # its cluster was there then; it is again (newer steps are undone)
        await ensure_cluster(session, breakout, question_id, undo['group'])
    idea.group = undo['group']
    return [await idea_changed(session, breakout, idea)]


async def _undo_fields(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    """Hide, mark or edit: the idea's fields as they were."""
    idea = await idea_for_curation(session, breakout, undo['idea_id'])
    for name, value in undo['fields'].items():
        setattr(idea, name, dt.datetime.fromisoformat(value) if name.endswith('_at') and value else value)
    return [await idea_changed(session, breakout, idea)]


async def _undo_merge(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    keep = await idea_for_curation(session, breakout, undo['keep_id'])
    merged = await session.get(Idea, undo['merge_id'])
    if merged is None or merged.merged_into_id != keep.id:
        raise Invalid(N_('This merge cannot be undone any more.'))
    merged.merged_into_id = None
    keep.marked, keep.group = undo['keep_marked'], undo['keep_group']
    moved = set(undo['moved_votes'])
    for vote in (await session.exec(select(Vote).where(Vote.idea_id == keep.id))).all():
        if vote.id in moved:
            vote.idea_id = merged.id
        elif str(vote.participant_id) in undo['keep_dots']:
            vote.dots = undo['keep_dots'][str(vote.participant_id)]
    for participant_id, dots in undo['deleted_votes']:
        session.add(Vote(idea_id=merged.id, participant_id=participant_id, dots=dots))
    breakout.tally_seq += 1
    await session.flush()
    all_dots = await dots_cast(session, breakout_id=breakout.id)
    tallies = [VoteChanged(workshop_id=breakout.workshop_id, breakout_id=breakout.id, question_id=keep.question_id,
                           idea_id=i.id, total=await idea_total(session, i.id), breakout_dots=all_dots,
                           seq=breakout.tally_seq) for i in (keep, merged)]
    back = IdeaPosted(workshop_id=breakout.workshop_id, breakout_id=breakout.id, question_id=merged.question_id,
                      idea_id=merged.id, participant_id=merged.participant_id, text=merged.text,
                      created_at=merged.created_at, group=merged.group)
    return [back, await idea_changed(session, breakout, merged), await idea_changed(session, breakout, keep),
            *tallies]


async def _undo_theme(session: AsyncSession, breakout: Breakout, question_id: int, undo: dict) -> list[Event]:
    ideas = []
    for idea_id, group in undo['ideas']:
        idea = await session.get(Idea, idea_id)
        if idea is not None and idea.breakout_id == breakout.id and idea.merged_into_id is None:
            if group is not None:
                await ensure_cluster(session, breakout, question_id, group)
            idea.group = group
            ideas.append(idea)
    made = await session.get(Cluster, undo['cluster_id']) if undo['cluster_id'] is not None else None
    if made is not None:  # the cluster the theme made goes again (it is empty now: newer steps are undone)
        await session.delete(made)
    await session.flush()
    return [clusters_event(breakout, question_id,
                           await clusters_of(session, breakout_id=breakout.id, question_id=question_id)),
            *[await idea_changed(session, breakout, i) for i in ideas]]


UNDO = {'create': _undo_create, 'theme': _undo_theme, 'rename': _undo_rename, 'recolour': _undo_recolour,
        'reorder': _undo_reorder, 'dissolve': _undo_dissolve, 'file': _undo_file, 'fields': _undo_fields,
        'merge': _undo_merge}
