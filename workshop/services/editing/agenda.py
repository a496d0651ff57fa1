"""The agenda: items in order, each with a time, speaker, kind and (for a breakout round) its round."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ...bus import Bus
from ...db import Database
from ...limits import AGENDA_MAX, TITLE_MAX
from ...models import AgendaItem, AgendaKind, Round
from ..errors import N_, Invalid, NotFound
from ..text import clean_optional
from .common import _led, _move, _owned, _publish
from .validation import _title, clean_kind, clean_time


async def add_agenda_item(db: Database, bus: Bus, *, lead_secret: str, title: str, time: str | None = None,
                          speaker: str | None = None, kind: AgendaKind | str = AgendaKind.plenary,
                          round_id: int | None = None) -> int:
    """Append an item to the agenda."""
    values = _agenda_values(title=title, time=time, speaker=speaker, kind=kind, round_id=round_id)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        await _check_round(session, workshop.id, values['round_id'])
        items = await _agenda(session, workshop.id)
        if len(items) >= AGENDA_MAX:
            raise Invalid(N_('The agenda can hold at most {n} items.'), n=AGENDA_MAX)
        item = AgendaItem(workshop_id=workshop.id, position=len(items), **values)
        session.add(item)
        await session.flush()
    await _publish(bus, workshop.id)
    return item.id


async def update_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int, title: str,
                             time: str | None = None, speaker: str | None = None,
                             kind: AgendaKind | str = AgendaKind.plenary, round_id: int | None = None) -> None:
    values = _agenda_values(title=title, time=time, speaker=speaker, kind=kind, round_id=round_id)
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        item = await _agenda_item(session, workshop.id, item_id)
        await _check_round(session, workshop.id, values['round_id'])
        for name, value in values.items():
            setattr(item, name, value)
    await _publish(bus, workshop.id)


async def delete_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int) -> None:
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        item = await _agenda_item(session, workshop.id, item_id)
        if workshop.current_agenda_item_id == item.id:
            workshop.current_agenda_item_id = None
        await session.delete(item)
        await session.flush()
        for position, other in enumerate(await _agenda(session, workshop.id)):
            other.position = position
    await _publish(bus, workshop.id)


async def move_agenda_item(db: Database, bus: Bus, *, lead_secret: str, item_id: int, step: int) -> bool:
    """Move an item up (-1) or down (+1); False if it is already at that end."""
    async with db.transaction() as session:
        workshop = await _led(session, lead_secret)
        item = await _agenda_item(session, workshop.id, item_id)
        items = await _agenda(session, workshop.id)
        moved = _move(items, items.index(item), step)
        for position, other in enumerate(items):
            other.position = position
    if moved:
        await _publish(bus, workshop.id)
    return moved


def _agenda_values(*, title: str, time: str | None, speaker: str | None, kind: AgendaKind | str,
                   round_id: int | None) -> dict[str, Any]:
    kind = clean_kind(kind)
    if round_id is not None and kind != AgendaKind.breakout_round:
        raise Invalid(N_('Only an agenda item of the kind "breakout round" can name a round.'))
    return {'title': _title(title, N_('Title')), 'time': clean_time(time),
            'speaker': clean_optional(speaker, max_length=TITLE_MAX, field=N_('Speaker')), 'kind': kind,
            'round_id': round_id}


async def _check_round(session: AsyncSession, workshop_id: int, round_id: int | None) -> None:
    if round_id is not None:
        await _owned(session, Round, round_id, workshop_id)


async def _agenda_item(session: AsyncSession, workshop_id: int, item_id: int) -> AgendaItem:
    item = await session.get(AgendaItem, item_id)
    if item is None or item.workshop_id != workshop_id:
        raise NotFound(N_('This agenda item does not exist (any more).'))
    return item


async def _agenda(session: AsyncSession, workshop_id: int) -> list[AgendaItem]:
    return list((await session.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop_id)
                                    .order_by(col(AgendaItem.position), col(AgendaItem.id)))).all())
