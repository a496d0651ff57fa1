"""Idea boards: a room's idea list on every phone, moderator page and wall — kept live at scale.

NiceGUI keeps a server-side copy of every page and sends updates to each client
separately. For a room of hundreds of phones that is too slow if each new idea
adds elements to every page. Here an idea list is one custom element per page
(``idea_board.js``); its server side holds the list as plain data, and a change
reaches all pages of a room as **one** Socket.IO broadcast, encoded once. Only
what concerns a single phone (its own idea, its dots) travels as a per-page
method call.

A ``BoardRegistry`` (one per process) subscribes once per workshop to the bus
and fans each event out to the boards of its room.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, core, ui
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus, Subscription
from ..events import Event, IdeaChanged, IdeaPosted, PhaseChanged, QuestionChanged, TalliesChanged, WorkshopChanged
from ..i18n import Translate
from ..models import Breakout, IdeaPublic, Phase, Workshop
from ..runtime import Runtime
from ..services import facilitation, ideas as idea_service


def _item(idea: IdeaPublic, *, own: bool = False) -> dict[str, Any]:
    return {'id': idea.id, 'text': idea.text, 'dots': idea.dots, 'group': idea.group, 'marked': idea.marked,
            'hidden': idea.hidden, 'edited': idea.edited, 'own': own}


class IdeaBoard(ui.element, component='idea_board.js'):
    """The idea list of one page. ``mode`` is 'phone', 'moderator' or 'wall'."""

    def __init__(self, rt: Runtime, _: Translate, *, workshop_id: int, breakout_id: int, question_id: int | None,
                 mode: str, phase: Phase, hide_tallies: bool, own_participant_id: int | None = None,
                 on_vote: Callable[[int, int], Any] | None = None,
                 on_curate: Callable[[str, int], Any] | None = None,
                 on_count: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.rt = rt
        self.workshop_id = workshop_id
        self.breakout_id = breakout_id
        self.own = own_participant_id
        self.on_count = on_count
        self.items: dict[int, dict[str, Any]] = {}
        self.my_dots: dict[str, int] = {}
        self._props.update({
            'ideas': [], 'phase': phase.value, 'mode': mode, 'hide-tallies': hide_tallies,
            'breakout': breakout_id, 'question': question_id, 'my-dots': {},
            'labels': {
                'empty': _('No ideas yet — be the first!'), 'list': _('Ideas'), 'own': _('Your post'),
                'edited': _('(edited)'), 'hidden': _('hidden'), 'keyPoint': _('Key point'),
                'dots': _.plural_forms('{n} dot', '{n} dots'),
                'vote': _('Give a dot'), 'unvote': _('Take a dot back'),
                'mine': _.plural_forms('One of your dots', '{n} of your dots'),
                'curate': _('Curate'), 'edit': _('Edit text'), 'group': _('Heading (cluster) …'),
                'mark': _('Mark as key point / unmark'), 'merge': _('Merge with …'), 'hide': _('Hide / show'),
                'news': _.plural_forms('A new idea in this room', '{n} new ideas in this room'),
            },
        })
        if on_vote:
            self.on('vote', lambda e: on_vote(int(e.args['id']), int(e.args['delta'])))
        if on_curate:
            self.on('curate', lambda e: on_curate(str(e.args['action']), int(e.args['id'])))
        self._connections = 0
        rt.boards.add(self)
        self.client.on_delete(lambda: rt.boards.discard(self))
        self.client.on_connect(self._connected)

    def _connected(self) -> None:
        self._connections += 1
        if self._connections == 1:
            # the list has reached the browser with the page; later updates of this element (phase, timer)
            # must not carry it again, so the prop is emptied (silently: it only seeds the browser's list)
            with self._props.suspend_updates():
                self._props['ideas'] = []
        else:  # a reconnect: broadcasts may have been missed, send the props (phase) and the whole list once
            self.update()
            self._send_all()

    def _send_all(self) -> None:
        """The whole list to the browser: as the seed prop while the page is built, later as one method call."""
        ideas = list(self.items.values())
        with self._props.suspend_updates():
            self._props['my-dots'] = self.my_dots
            if not self.client.has_socket_connection:
                self._props['ideas'] = ideas
        if self.client.has_socket_connection:
            self.run_method('replace', ideas, self.my_dots)

    # --- state ---

    @property
    def mode(self) -> str:
        return self._props['mode']

    @property
    def question_id(self) -> int | None:
        return self._props['question']

    @property
    def phase(self) -> Phase:
        return Phase(self._props['phase'])

    @property
    def tallies_visible(self) -> bool:
        return self.mode == 'moderator' or self.phase in (Phase.discuss, Phase.closed) or \
            (self.phase == Phase.vote and not self._props['hide-tallies'])

    @property
    def count(self) -> int:
        return len(self.items)

    def _displayed_contents(self, *, only_visible: bool) -> list:
        """The ideas' texts (for ``user.should_see`` in tests)."""
        return [item['text'] for item in self.items.values()]

    def show(self, ideas: list[IdeaPublic], *, question_id: int | object | None = ...) -> None:
        """Replace the list (page load, another question)."""
        if question_id is not ...:
            self._props['question'] = question_id
        self.items = {i.id: _item(i, own=self.own is not None and i.participant_id == self.own) for i in ideas
                      if self.mode == 'moderator' or not i.hidden}
        self._counted()
        self._send_all()

    def set_phase(self, phase: Phase) -> dict[str, Any] | None:
        """The phase changed: the room's broadcast message for this board (a few bytes, not the list)."""
        with self._props.suspend_updates():
            self._props['phase'] = phase.value
        if not self.client.has_socket_connection:  # not connected yet: the props and list go with the page
            self.update()
            self._send_all()
            return None
        message: dict[str, Any] = {'kind': 'phase', 'phase': phase.value}
        if self.tallies_visible:  # tallies hidden while voting were never sent: they come now
            # which list (filled in once per audience by the registry): with hidden ideas only for moderators
            message['tallies'] = 'with hidden' if any(item['hidden'] for item in self.items.values()) else 'shown'
        return message

    def tallies(self) -> list[tuple[int, int]]:
        return sorted((idea_id, item['dots']) for idea_id, item in self.items.items())

    def set_my_dots(self, mine: dict[int, int]) -> None:
        self.my_dots = {str(k): v for k, v in mine.items() if v}
        with self._props.suspend_updates():
            self._props['my-dots'] = self.my_dots
        if self.client.has_socket_connection:
            self.run_method('setMyDots', self.my_dots)

    def _counted(self) -> None:
        if self.on_count:
            self.on_count(len(self.items))

    # --- changes; each returns the broadcast message this board should get, if any ---

    def apply(self, event: Event) -> dict[str, Any] | None:
        if isinstance(event, IdeaPosted):
            own = self.own is not None and event.participant_id == self.own
            item = {'id': event.idea_id, 'text': event.text, 'dots': 0, 'group': event.group, 'marked': False,
                    'hidden': False, 'edited': False, 'own': own}
            self.items[event.idea_id] = item
            self._counted()
            if own:  # the author's page learns that this one is theirs, without telling the others
                self.run_method('add', item)
                return None
            return {'kind': 'add', 'idea': {**item, 'own': False}}
        if isinstance(event, IdeaChanged):
            if event.merged_into_id is not None or (event.hidden and self.mode != 'moderator'):
                if self.items.pop(event.idea_id, None) is None:
                    return None
                self._counted()
                return {'kind': 'remove', 'id': event.idea_id}
            item = self.items.get(event.idea_id)
            if item is None:  # shown again after being hidden
                item = {'id': event.idea_id, 'dots': 0, 'own': False, 'edited': False}
                self.items[event.idea_id] = item
            item.update({'text': event.text, 'hidden': event.hidden, 'group': event.group, 'marked': event.marked,
                         'edited': item.get('edited', False) or item.get('text', event.text) != event.text})
            self._counted()
            if item['own']:
                self.run_method('change', item)
                return None
            return {'kind': 'change', 'idea': {**item, 'own': False}}
        if isinstance(event, TalliesChanged):
            changed = [(i, n) for i, n in event.tallies if i in self.items]
            for idea_id, dots in changed:
                self.items[idea_id]['dots'] = dots
            # hidden tallies are not sent to phones at all: they arrive with the list when voting ends
            return {'kind': 'tallies', 'tallies': changed} if changed and self.tallies_visible else None
        return None


class BoardRegistry:
    """This process's idea boards by room, and the one bus subscription per workshop that feeds them."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.by_breakout: defaultdict[int, set[IdeaBoard]] = defaultdict(set)
        self.subscriptions: dict[int, Subscription] = {}
        self.workshop_boards: defaultdict[int, int] = defaultdict(int)

    def add(self, board: IdeaBoard) -> None:
        self.by_breakout[board.breakout_id].add(board)
        self.workshop_boards[board.workshop_id] += 1
        if board.workshop_id not in self.subscriptions:
            self.subscriptions[board.workshop_id] = self.bus.subscribe(board.workshop_id, self.deliver)

    def discard(self, board: IdeaBoard) -> None:
        boards = self.by_breakout.get(board.breakout_id)
        if not boards or board not in boards:
            return
        boards.discard(board)
        if not boards:
            del self.by_breakout[board.breakout_id]
        self.workshop_boards[board.workshop_id] -= 1
        if self.workshop_boards[board.workshop_id] <= 0:
            del self.workshop_boards[board.workshop_id]
            self.subscriptions.pop(board.workshop_id).close()

    def deliver(self, event: Event) -> None:
        if isinstance(event, WorkshopChanged):
            if 'deleted' in event.fields:
                return  # the pages say so (live.show_workshop_gone); there is nothing left to load
            if {'voting', 'structure'} & set(event.fields):  # hidden tallies or questions may have changed
                for breakout_id, boards in list(self.by_breakout.items()):
                    if any(b.workshop_id == event.workshop_id for b in boards):
                        self.reload(breakout_id)
            return
        boards = self.by_breakout.get(getattr(event, 'breakout_id', None))
        if not boards:
            return
        if isinstance(event, QuestionChanged):
            self.reload(event.breakout_id)
            return
        question_id = getattr(event, 'question_id', None)
        # one broadcast per distinct message: usually one for the whole room (phase: two, with and without tallies)
        audiences: dict[str, tuple[dict[str, Any], list[str], IdeaBoard]] = {}
        for board in list(boards):
            if board.question_id != question_id or board.is_deleted:
                continue
            message = board.set_phase(Phase(event.phase)) if isinstance(event, PhaseChanged) else board.apply(event)
            if message is not None:
                key = repr(message)
                audiences.setdefault(key, (message, [], board))[1].append(board.client.id)
        for message, rooms, first in audiences.values():
            if isinstance(message.get('tallies'), str):  # a phase switch: the audience's tallies, made once
                message = {**message, 'tallies': first.tallies()}
            payload = {'breakout': event.breakout_id, 'question': question_id, **message}
            background_tasks.create(core.sio.emit('ws_board', payload, room=rooms), name='board broadcast')

    def reload(self, breakout_id: int) -> None:
        """A room's current question, phase and ideas, loaded once and shown on all its boards."""
        boards = [b for b in self.by_breakout.get(breakout_id, ()) if not b.is_deleted]
        if not boards:
            return
        rt = boards[0].rt

        async def load() -> None:
            async with rt.db.session() as session:
                breakout = await session.get(Breakout, breakout_id)
                if breakout is None:  # deleted meanwhile (its pages were told)
                    return
                workshop = await session.get(Workshop, breakout.workshop_id)
                question_id = breakout.current_question_id
                phase = await facilitation.phase_of(session, breakout_id, question_id)
            everything = await load_ideas(rt, breakout_id=breakout_id, question_id=question_id, include_hidden=True)
            for board in boards:
                if not board.is_deleted:
                    board._props['phase'] = phase.value
                    board._props['hide-tallies'] = workshop.hide_tallies
                    board.show(everything, question_id=question_id)
        background_tasks.create(load(), name='board reload')


async def load_ideas(rt: Runtime, *, breakout_id: int, question_id: int | None, include_hidden: bool = False,
                     limit: int | None = None, session: AsyncSession | None = None) -> list[IdeaPublic]:
    """A question's ideas with their dots, newest first (in ``session`` if given, else in a new one)."""
    if question_id is None:
        return []
    if session is None:
        async with rt.db.session() as own:
            return await load_ideas(rt, breakout_id=breakout_id, question_id=question_id,
                                    include_hidden=include_hidden, limit=limit, session=own)
    return await idea_service.ideas_with_dots(session, breakout_id=breakout_id, question_id=question_id,
                                              limit=limit, include_hidden=include_hidden)
