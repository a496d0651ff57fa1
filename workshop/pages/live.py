"""How pages follow a workshop: subscriptions bound to the page's lifetime, and the idea feed."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import background_tasks, ui

from ..bus import Handler
from ..events import Event, IdeaPosted
from ..i18n import Translate
from ..models import IdeaPublic
from ..runtime import Runtime
from ..services import ideas
from .widgets import idea_card


def follow_workshop(rt: Runtime, workshop_id: int, handler: Handler) -> None:
    """Subscribe this page to the workshop's events until the page is gone."""
    client = ui.context.client
    subscription = rt.bus.subscribe(workshop_id, handler)
    client.on_delete(subscription.close)


def track_presence(rt: Runtime, *, workshop_id: int, breakout_id: int) -> None:
    """Count this participant page as present in the breakout while it is connected."""
    client = ui.context.client

    async def enter() -> None:
        await rt.presence.enter(workshop_id=workshop_id, breakout_id=breakout_id, client_id=client.id)

    async def leave() -> None:
        await rt.presence.leave(workshop_id=workshop_id, breakout_id=breakout_id, client_id=client.id)

    client.on_connect(enter)
    client.on_disconnect(leave)
    client.on_delete(leave)


class IdeaFeed:
    """Ideas newest first. A new idea adds one card; nothing else is redrawn.

    The column is reversed in CSS, so appending a card shows it on top.
    """

    def __init__(self, _: Translate, *, own_participant_id: int | None = None, wall: bool = False,
                 on_count: Callable[[int], None] | None = None) -> None:
        self._ = _
        self.own = own_participant_id
        self.wall = wall
        self.on_count = on_count
        self.ids: set[int] = set()
        self.empty = ui.label(_('No ideas yet — be the first!')).classes(
            'text-grey-7 ' + ('text-2xl' if wall else '')).mark('no-ideas')
        classes = 'grid grid-cols-1 md:grid-cols-2 xl:grid-cols-3 gap-4 items-start' if wall else 'flex flex-col-reverse gap-3'
        self.container = ui.element('div').classes(f'w-full {classes}') \
            .props('aria-live=polite aria-relevant=additions').mark('ideas')

    def show(self, newest_first: list[IdeaPublic]) -> None:
        for idea in reversed(newest_first):
            self._add(idea)
        self._changed()

    def add(self, event: IdeaPosted) -> None:
        if event.idea_id in self.ids:
            return
        self._add(IdeaPublic(id=event.idea_id, breakout_id=event.breakout_id, question_id=event.question_id,
                             participant_id=event.participant_id, text=event.text, created_at=event.created_at,
                             client_id=''))
        self._changed()

    def reload(self, rt: Runtime, *, breakout_id: int, question_id: int | None) -> None:
        """Show another question's ideas (loaded in the background: handlers stay quick)."""
        async def load() -> None:
            async with rt.db.session() as session:
                rows = await ideas.ideas_of(session, breakout_id=breakout_id, question_id=question_id)
            self.container.clear()
            self.ids.clear()
            self.show(rows)
        background_tasks.create(load(), name='reload ideas')

    @property
    def count(self) -> int:
        return len(self.ids)

    def _add(self, idea: IdeaPublic) -> None:
        self.ids.add(idea.id)
        with self.container:
            card = idea_card(idea, self._, own=self.own is not None and idea.participant_id == self.own,
                             wall=self.wall)
            if self.wall:  # the grid isn't reversed: put the newest first
                card.move(target_index=0)

    def _changed(self) -> None:
        self.empty.set_visibility(not self.ids)
        if self.on_count:
            self.on_count(len(self.ids))
