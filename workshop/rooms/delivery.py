"""This process's room states and delivery to the pages that render them.

``RoomStates`` (one per process, ``rt.rooms``) holds a ``RoomState`` for every room that has a
page open here, with one bus subscription per workshop. An event goes to the room's state first,
then to the room's idea boards (one broadcast per audience, see ``boards.py``) and to the
renderers the pages registered. Where a state must be read afresh — another question (its ideas
and every participant's dots), a settings or structure change, a bus gap (``Resync``) — that is
done here, once per room, and the renderers are told when the state is current again; events
arriving meanwhile wait and follow in order.

A page opens the rooms it shows (``open``); they stay while its client lives. It renders from
the state, registers a renderer (``render``) and never queries on events.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nicegui import Client, background_tasks, ui

from ..bus import Subscription
from ..events import Event, OpenQuestionsChanged, PhaseChanged, QuestionChanged, Resync, WorkshopChanged
from ..models import Phase, Workshop
from ..services.errors import N_, NotFound
from . import board_channel
from .state import RELOADING, RoomState, alongside_ideas, load_rooms

if TYPE_CHECKING:
    from ..pages.boards import IdeaBoard
    from ..runtime import Runtime

log = logging.getLogger(__name__)

Renderer = Callable[[Event], None]

WORKSHOP_ROW = frozenset({'notice', 'plenary', 'joining', 'agenda', 'summary', 'title', 'gong'})  # its row read afresh


@dataclass(eq=False)
class Room:
    state: RoomState
    clients: dict[str, Client] = field(default_factory=dict)  # the pages holding the room open
    renderers: dict[str, list[Renderer]] = field(default_factory=dict)  # by client id
    boards: set[IdeaBoard] = field(default_factory=set)
    waiting: list[Event] | None = None  # events that arrived while the state was read afresh


@dataclass(eq=False)
class _Followed:
    subscription: Subscription
    rooms: set[int] = field(default_factory=set)
    loading: dict[int, list[Event]] = field(default_factory=dict)  # rooms being read for the first time


class RoomStates:
    def __init__(self, rt: Runtime, *, workshop_gone: Callable[[Client], None]) -> None:
        self.rt = rt
        self.workshop_gone = workshop_gone  # tells a page that its workshop was deleted
        self.rooms: dict[int, Room] = {}
        self._workshops: dict[int, _Followed] = {}
        self._first_loads: dict[int, asyncio.Future] = {}

    # --- pages ---

    async def open(self, workshop_id: int, breakout_id: int) -> RoomState:
        """The room's state, held for this page until it is gone (read from the database if this process
        holds no page of the room yet)."""
        states = await self.open_all(workshop_id, [breakout_id])
        if breakout_id not in states:
            raise NotFound(N_('This breakout does not exist.'))
        return states[breakout_id]

    async def open_all(self, workshop_id: int, breakout_ids: Iterable[int]) -> dict[int, RoomState]:
        """The states of these rooms of a workshop (those that exist), held for this page."""
        client = ui.context.client
        wanted = list(dict.fromkeys(breakout_ids))
        followed = self._follow(workshop_id)
        tried: set[int] = set()
        try:
            while True:
                missing = [i for i in wanted if i not in self.rooms and i not in self._first_loads and i not in tried]
                pending = {self._first_loads[i] for i in wanted if i in self._first_loads}
                if missing:
                    tried.update(missing)
                    await self._load_first(workshop_id, followed, missing, client)
                elif pending:  # another page is reading them: wait for that (and look again)
                    await asyncio.wait([asyncio.shield(p) for p in pending])
                else:
                    break
            found = {i: self.rooms[i] for i in wanted if i in self.rooms and i in followed.rooms}
            for room in found.values():
                room.clients[client.id] = client
            client.on_delete(lambda: self._release(client.id, found.keys()))
        finally:
            self._drop_unused(workshop_id)  # rooms that do not exist, a workshop without rooms
        return {i: room.state for i, room in found.items()}

    async def _load_first(self, workshop_id: int, followed: _Followed, breakout_ids: list[int],
                          client: Client) -> None:
        """Read rooms this process holds no state of; events for them that arrive meanwhile follow after."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        for i in breakout_ids:
            self._first_loads[i] = future
            followed.loading[i] = []
        try:
            async with self.rt.db.read_session() as session:
                states = await load_rooms(session, breakout_ids, online=self._online(breakout_ids))
        finally:
            for i in breakout_ids:
                del self._first_loads[i]
            future.set_result(None)  # the waiting pages look again (and read it themselves after a failure)
        for i in breakout_ids:
            waiting = followed.loading.pop(i)
            if i not in states or states[i].workshop_id != workshop_id:  # no such room in this workshop
                continue
            room = self.rooms[i] = Room(states[i], clients={client.id: client})
            followed.rooms.add(i)
            for event in waiting:
                if getattr(event, 'breakout_id', None) == i:
                    self._deliver_room(room, event)
                elif getattr(event, 'breakout_id', None) is None:
                    self._deliver_workshop([room], event)

    def render(self, state: RoomState, renderer: Renderer) -> None:
        """Tell ``renderer`` (of this page) each event of the room once the state has taken it in."""
        room = self.rooms.get(state.breakout_id)
        client = ui.context.client
        if room is not None and client.id in room.clients:
            room.renderers.setdefault(client.id, []).append(renderer)

    def add_board(self, board: IdeaBoard) -> None:
        room = self.rooms.get(board.breakout_id)
        if room is not None:
            room.boards.add(board)

    def discard_board(self, board: IdeaBoard) -> None:
        room = self.rooms.get(board.breakout_id)
        if room is not None:
            room.boards.discard(board)

    def _release(self, client_id: str, breakout_ids: Iterable[int]) -> None:
        workshops = set()
        for i in breakout_ids:
            room = self.rooms.get(i)
            if room is None:
                continue
            room.clients.pop(client_id, None)
            room.renderers.pop(client_id, None)
            workshops.add(room.state.workshop_id)
        for workshop_id in workshops:
            self._drop_unused(workshop_id)

    def _drop_unused(self, workshop_id: int) -> None:
        followed = self._workshops.get(workshop_id)
        if followed is None:
            return
        for i in list(followed.rooms):
            if not self.rooms[i].clients:
                del self.rooms[i]
                followed.rooms.discard(i)
        if not followed.rooms and not followed.loading:
            followed.subscription.close()
            del self._workshops[workshop_id]

    def _follow(self, workshop_id: int) -> _Followed:
        followed = self._workshops.get(workshop_id)
        if followed is None:
            followed = _Followed(self.rt.bus.subscribe(workshop_id, self.deliver))
            self._workshops[workshop_id] = followed
        return followed

    def _online(self, breakout_ids: Iterable[int]) -> dict[int, int]:
        return {i: self.rt.presence.online(i) for i in breakout_ids}

    # --- events ---

    def deliver(self, event: Event) -> None:
        followed = self._workshops.get(event.workshop_id)
        if followed is None:
            return
        breakout_id = getattr(event, 'breakout_id', None)
        for i, waiting in followed.loading.items():
            if breakout_id in (None, i):
                waiting.append(event)
        if breakout_id is not None:
            room = self.rooms.get(breakout_id)
            if room is not None:
                self._deliver_room(room, event)
            return
        self._deliver_workshop([self.rooms[i] for i in followed.rooms], event)

    def _deliver_workshop(self, rooms: list[Room], event: Event) -> None:
        """A workshop-wide event to these rooms of the workshop."""
        if isinstance(event, WorkshopChanged) and 'deleted' in event.fields:
            self._workshop_gone(event.workshop_id, rooms)
        elif isinstance(event, Resync) or (isinstance(event, WorkshopChanged) and RELOADING & set(event.fields)):
            self._reload(rooms, event)
        elif isinstance(event, WorkshopChanged) and WORKSHOP_ROW & set(event.fields):
            self._reload_workshop(rooms, event)
        else:
            for room in rooms:
                self._tell(room, event)

    def _deliver_room(self, room: Room, event: Event) -> None:
        if room.waiting is not None:
            room.waiting.append(event)
            return
        if not room.state.apply(event):
            return
        if isinstance(event, QuestionChanged):  # the new question's ideas and dots: read once for the room
            self._reload([room], event)
            return
        if isinstance(event, OpenQuestionsChanged):  # the opened questions' ideas: read once for the room
            self._load_alongside(room, event)
            return
        self._broadcast(room, event)
        self._tell(room, event)

    def _tell(self, room: Room, event: Event) -> None:
        for renderers in list(room.renderers.values()):
            for renderer in renderers:
                try:
                    renderer(event)
                except Exception:  # a broken page must not break the others
                    log.exception('a page failed to render %s', event.kind)

    def _broadcast(self, room: Room, event: Event) -> None:
        """The event to the room's idea boards: one Socket.IO message per distinct content."""
        question_id = getattr(event, 'question_id', None)
        audiences: dict[str, tuple[dict[str, Any], list[str], IdeaBoard]] = {}
        for board in list(room.boards):
            if board.question_id != question_id or board.is_deleted:
                continue
            message = board.set_phase(Phase(event.phase)) if isinstance(event, PhaseChanged) else board.apply(event)
            if message is not None:
                audiences.setdefault(repr(message), (message, [], board))[1].append(board.client.id)
        for message, sockets, first in audiences.values():
            if isinstance(message.get('tallies'), str):  # a phase switch: the audience's tallies, made once
                message = {**message, 'tallies': first.tallies()}
            board_channel.broadcast({'breakout': room.state.breakout_id, 'question': question_id,
                                     'seq': room.state.version, **message}, sockets)

    def _reload(self, rooms: list[Room], event: Event) -> None:
        """Read these rooms' states afresh (one set of queries), then show them and tell the renderers."""
        rooms = [r for r in rooms if r.waiting is None]
        if not rooms:
            return
        for room in rooms:
            room.waiting = []

        async def load() -> None:
            ids = [r.state.breakout_id for r in rooms]
            try:
                async with self.rt.db.read_session() as session:
                    fresh = await load_rooms(session, ids, online=self._online(ids), with_dots=True)
            except Exception:
                log.exception('reading rooms %s afresh failed', ids)
                fresh = {}
            for room in rooms:
                waiting, room.waiting = room.waiting or [], None
                new = fresh.get(room.state.breakout_id)
                if new is None:
                    continue  # gone (the workshop's deletion tells its pages)
                for f in dataclasses.fields(RoomState):
                    if f.name not in ('version', 'wall_pin'):  # the pin is not stored: kept, unless the question went
                        setattr(room.state, f.name, getattr(new, f.name))
                if room.state.wall_pin not in {c[0] for c in room.state.clusters}:
                    room.state.wall_pin = None
                room.state.version += 1
                for board in list(room.boards):
                    if not board.is_deleted:
                        board.show_state(room.state)
                self._tell(room, event)
                for later in waiting:
                    self._deliver_room(room, later)
        background_tasks.create(load(), name='room states')

    def _load_alongside(self, room: Room, event: OpenQuestionsChanged) -> None:
        """Questions opened next to the current one: their ideas read once for the room, then the pages make a
        board for each (the boards of the other questions stay as they are: nothing is sent to them)."""
        state = room.state
        missing = [(state.breakout_id, q) for q in state.alongside
                   if q != state.question_id and q not in state.alongside_ideas]
        if not missing:
            self._tell(room, event)
            return
        room.waiting = []

        async def load() -> None:
            try:
                async with self.rt.db.read_session() as session:
                    found = await alongside_ideas(session, missing, [])
            except Exception:
                log.exception('reading the open questions of room %s failed', state.breakout_id)
                found = {}
            for (_room, q) in missing:
                if q in state.alongside:  # still open
                    state.alongside_ideas[q] = found.get(state.breakout_id, {}).get(q, {})
            state.version += 1
            waiting, room.waiting = room.waiting or [], None
            self._tell(room, event)
            for later in waiting:
                self._deliver_room(room, later)
        background_tasks.create(load(), name='open questions')

    def _reload_workshop(self, rooms: list[Room], event: Event) -> None:
        async def load() -> None:
            async with self.rt.db.read_session() as session:
                workshop = await session.get(Workshop, event.workshop_id)
            if workshop is None:
                return
            for room in rooms:
                if room.state.workshop_id == event.workshop_id:
                    room.state.workshop = workshop
                    self._tell(room, event)
        background_tasks.create(load(), name='workshop settings')

    def _workshop_gone(self, workshop_id: int, rooms: list[Room]) -> None:
        clients = {c.id: c for room in rooms for c in room.clients.values()}
        for room in rooms:
            room.clients.clear()
            room.renderers.clear()
        self._drop_unused(workshop_id)
        for client in clients.values():
            self.workshop_gone(client)
