"""Contributions and dots per stakeholder group and topic (read-only): what a regional innovation strategy's
"entrepreneurial discovery process" report needs, for the lead moderator's cockpit and the protocol.

Per topic, a group counts the people of it who took part there (wrote a visible contribution or gave a dot),
their visible contributions (hidden ones and merged duplicates left out) and the dots they gave. A group of
fewer than ``MIN_PEOPLE`` people in a topic is not shown on its own (it could name a person): it is counted,
with the people who gave no group, under "other groups" (``group`` None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Breakout, Idea, Participant, Topic, Vote, Workshop

MIN_PEOPLE = 3


@dataclass(frozen=True)
class GroupRow:
    group: str | None  # None: the smaller groups and the people without a group together ("other groups")
    people: int
    contributions: int
    dots: int


@dataclass(frozen=True)
class TopicGroups:
    number: int
    title: str
    rows: list[GroupRow]


def tally(order: list[str], groups: dict[int, str | None], ideas: Iterable[tuple[int, int]],
          dots: Iterable[tuple[int, int]]) -> list[GroupRow]:
    """One topic's rows: ``groups`` maps a participant to their group; ``ideas`` and ``dots`` are (participant,
    count). The groups in ``order`` first, then others by name, "other groups" last; groups nobody of whom took
    part are left out."""
    people: dict[str | None, set[int]] = {}
    written: dict[str | None, int] = {}
    given: dict[str | None, int] = {}
    for counts, target in ((ideas, written), (dots, given)):
        for participant, n in counts:
            group = groups.get(participant) or None
            people.setdefault(group, set()).add(participant)
            target[group] = target.get(group, 0) + int(n)
    shown = [g for g in people if g is not None and len(people[g]) >= MIN_PEOPLE]
    shown.sort(key=lambda g: (order.index(g) if g in order else len(order), g))
    rows = [GroupRow(g, len(people[g]), written.get(g, 0), given.get(g, 0)) for g in shown]
    rest = [g for g in people if g not in shown]
    if rest:
        rows.append(GroupRow(None, sum(len(people[g]) for g in rest), sum(written.get(g, 0) for g in rest),
                             sum(given.get(g, 0) for g in rest)))
    return rows


async def by_group(session: AsyncSession, workshop_id: int) -> list[TopicGroups]:
    """The topics in their order that someone took part in, with their rows (``tally``); none when nobody in
    the workshop gave a group. Four queries."""
    workshop = await session.get(Workshop, workshop_id)
    groups = dict((await session.exec(select(Participant.id, Participant.stakeholder_group)
                                      .where(Participant.workshop_id == workshop_id))).all())
    if workshop is None or not any(groups.values()):
        return []
    ideas = (await session.exec(
        select(Breakout.topic_id, Idea.participant_id, func.count())
        .join(Breakout, Breakout.id == Idea.breakout_id)
        .where(Breakout.workshop_id == workshop_id, col(Idea.participant_id).is_not(None),
               col(Idea.hidden).is_(False), col(Idea.merged_into_id).is_(None))
        .group_by(Breakout.topic_id, Idea.participant_id))).all()
    dots = (await session.exec(
        select(Breakout.topic_id, Vote.participant_id, func.sum(Vote.dots))
        .join(Idea, Idea.id == Vote.idea_id).join(Breakout, Breakout.id == Idea.breakout_id)
        .where(Breakout.workshop_id == workshop_id, col(Vote.dots) > 0)
        .group_by(Breakout.topic_id, Vote.participant_id))).all()
    topics = (await session.exec(select(Topic).where(Topic.workshop_id == workshop_id)
                                 .order_by(col(Topic.number)))).all()
    order = list(workshop.stakeholder_groups or [])
    result = []
    for topic in topics:
        rows = tally(order, groups, [(p, n) for t, p, n in ideas if t == topic.id],
                     [(p, n) for t, p, n in dots if t == topic.id])
        if rows:
            result.append(TopicGroups(topic.number, topic.title, rows))
    return result
