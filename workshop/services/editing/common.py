"""Helpers every editing module uses: the lead's locked workshop, ownership checks, ordered reads,
moving an item in a list and the structure event."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ...bus import Bus
from ...events import WorkshopChanged
from ...models import Question, Round, Topic, Workshop
from ..access import led_workshop
from ..errors import N_, NotFound


class _Keep:
    def __repr__(self) -> str:
        return 'KEEP'


KEEP: Any = _Keep()  # "leave this field as it is" in partial updates


async def _led(session: AsyncSession, lead_secret: str) -> Workshop:
    """The lead moderator's workshop, locked on PostgreSQL so that structure edits run one at a time
    (SQLite's write transactions already do)."""
    workshop = await led_workshop(session, lead_secret)
    if not session.bind.dialect.name == 'sqlite':
        await session.exec(select(Workshop.id).where(Workshop.id == workshop.id).with_for_update())
    return workshop


async def _owned(session: AsyncSession, model: type[Round] | type[Topic], item_id: int,
                 workshop_id: int) -> Round | Topic:
    item = await session.get(model, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise NotFound(N_('This round does not exist (any more).') if model is Round else
                       N_('This topic does not exist (any more).'))
    return item


async def _rounds(session: AsyncSession, workshop_id: int) -> list[Round]:
    return list((await session.exec(select(Round).where(Round.workshop_id == workshop_id)
                                    .order_by(col(Round.number)))).all())


async def _topics(session: AsyncSession, workshop_id: int) -> list[Topic]:
    return list((await session.exec(select(Topic).where(Topic.workshop_id == workshop_id)
                                    .order_by(col(Topic.number)))).all())


async def _questions(session: AsyncSession, topic_id: int) -> list[Question]:
    return list((await session.exec(select(Question).where(Question.topic_id == topic_id)
                                    .order_by(col(Question.position), col(Question.id)))).all())


def _move(items: list, index: int, step: int) -> bool:
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    return True


async def _publish(bus: Bus, workshop_id: int, field: str = 'structure') -> None:
    """``'structure'``: pages that cannot follow the change ask to be reloaded; ``'questions'``: the guiding
    questions changed, which every page shows again from its room's state, without a reload."""
    await bus.publish(WorkshopChanged(workshop_id=workshop_id, fields=(field,)))
