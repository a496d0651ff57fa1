"""Idea boards: a room's idea list on every phone, moderator page and wall — kept live at scale.

NiceGUI keeps a server-side copy of every page and sends updates to each client
separately. For a room of hundreds of phones that is too slow if each new idea
adds elements to every page. Here an idea list is one custom element per page
(``idea_board.js``, with ``board_channel.js``: the list's side of the channel, shared with the clustering
board and served as the import ``board_channel``); its server side holds the list as plain data, and a change
reaches all pages of a room as **one** Socket.IO broadcast, encoded once. Only
what concerns a single phone (its own idea, its dots) travels as a per-page
method call.

A board renders its room's ``RoomState``; ``rooms.RoomStates`` hands each event of
the room to its boards and sends the messages they return, one per audience.

A phone also learns, gently, what became of its own ideas: merged into another one or
hidden by the moderation (``notes``, sent to that phone only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from ..events import ClustersChanged, Event, IdeaChanged, IdeaPosted, TalliesChanged, WallPinned
from ..i18n import Translate
from ..models import IdeaPublic, Phase
from ..rooms.state import RoomState
from ..runtime import Runtime

PACE = 15  # seconds per page when a wall pages through its ideas (the wall's ?pace= sets another)


def _item(idea: IdeaPublic, *, own: bool = False) -> dict[str, Any]:
    return {'id': idea.id, 'text': idea.text, 'dots': idea.dots, 'group': idea.group, 'marked': idea.marked,
            'hidden': idea.hidden, 'edited': idea.edited, 'own': own, 'merges': idea.merges}


def clusters_prop(clusters: tuple[tuple[int, str, str, int], ...]) -> list[dict[str, Any]]:
    """A question's clusters as the board's prop and message: in order, each with its colour."""
    return [{'id': i, 'title': title, 'colour': colour, 'position': position}
            for i, title, colour, position in clusters]


def _note(idea_id: int, text: str, *, into: str | None = None) -> dict[str, Any]:
    """What the author's phone says about an own idea: merged with another (``into``: its text) or hidden."""
    return {'id': idea_id, 'text': text, 'kind': 'hidden' if into is None else 'merged', 'into': into}


# what an empty board says, by who reads it: a phone is invited, the projector tells the room how, the moderator
# gets a hint
EMPTY = {
    'phone': lambda _: _('No ideas yet — be the first!'),
    'wall': lambda _: _('No ideas yet. Scan the code or open the link to write one.'),
    'moderator': lambda _: _('No ideas yet. They appear here as they arrive; add paper cards or chat '
                             'contributions above.'),
}


class IdeaBoard(ui.element, component='idea_board.js', dependencies=['board_channel.js']):
    """The idea list of one page, showing its room's state. ``mode`` is 'phone', 'moderator' or 'wall'."""

    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, mode: str,
                 own_participant_id: int | None = None, pace: int = PACE,
                 on_vote: Callable[[int, int], Any] | None = None,
                 on_curate: Callable[[str, int], Any] | None = None,
                 on_count: Callable[[int], None] | None = None, question_id: int | None = None) -> None:
        super().__init__()
        self.rt = rt
        self.state = state
        # a question open next to the current one (a phone's tab): the board stays with it, collecting
        self.fixed = question_id
        self.workshop_id = state.workshop_id
        self.breakout_id = state.breakout_id
        self.own = own_participant_id
        self.on_count = on_count
        self.items: dict[int, dict[str, Any]] = {}
        self.my_dots: dict[str, int] = {}
        self.notes: dict[int, dict[str, Any]] = {}  # a phone's merged or hidden own ideas, by id
        self._notes_sent = False
        self._props.update({
            'ideas': [], 'phase': Phase.collect.value if self.fixed else state.phase.value, 'mode': mode,
            'hide-tallies': state.hide_tallies, 'breakout': state.breakout_id,
            'question': self.fixed or state.question_id, 'my-dots': {}, 'seq': state.version,
            'clusters': [] if self.fixed else clusters_prop(state.clusters), 'notes': [],
            'pinned': None if self.fixed else state.wall_pin, 'pace': pace,
            'labels': {
                'empty': EMPTY[mode](_), 'list': _('Ideas'), 'own': _('Your post'),
                'edited': _('(edited)'), 'hidden': _('hidden'), 'keyPoint': _('Key point'),
                'dots': _.plural_forms('{n} dot', '{n} dots'),
                'vote': _('Give a dot'), 'unvote': _('Take a dot back'),
                'mine': _.plural_forms('One of your dots', '{n} of your dots'),
                'curate': _('Curate'), 'edit': _('Edit text'), 'group': _('Heading (cluster) …'),
                'mark': _('Mark as key point / unmark'), 'merge': _('Merge with …'), 'hide': _('Hide / show'),
                'news': _.plural_forms('A new idea in this room', '{n} new ideas in this room'),
                'ideas': _.plural_forms('{n} idea', '{n} ideas'), 'merges': _('mentioned {n} times'),
                'unclustered': _('Not in a cluster'), 'sectionList': _('Ideas: {title}'),
                'page': _('Page {page} of {pages}'), 'continued': _('continued'), 'fresh': _('New'),
                'pinned': _('Pinned by the moderation'), 'quoted': _('“{text}”'),
                'mergedNote': _('Your idea was merged with “{text}”.'),
                'hiddenNote': _('Your idea was hidden by the moderation.'), 'closeNote': _('Close this note'),
            },
        })
        if on_vote:
            self.on('vote', lambda e: on_vote(int(e.args['id']), int(e.args['delta'])))
        if on_curate:
            self.on('curate', lambda e: on_curate(str(e.args['action']), int(e.args['id'])))
        self._connections = 0
        self.show(self._ideas_of(state))
        rt.rooms.add_board(self)
        self.client.on_delete(lambda: rt.rooms.discard_board(self))
        self.client.on_connect(self._connected)
        if self.client.has_socket_connection:  # made on a live page (a phone's tab opened later): the list goes
            self._connections = 1             # with the element's props, which reach the browser with it
            self._props['ideas'] = list(self.items.values())
            self._props['notes'] = list(self.notes.values())

    def _connected(self) -> None:
        self._connections += 1
        if self._connections == 1:
            # the list has reached the browser with the page; later updates of this element (phase, timer)
            # must not carry it again, so the prop is emptied (silently: it only seeds the browser's list)
            with self._props.suspend_updates():
                self._props['ideas'] = []
            if self._props['seq'] != self.state.version:  # changes between the page's HTML and its socket:
                self._send_all()                            # their broadcasts could not reach it
        else:  # a reconnect: broadcasts may have been missed, send the props (phase) and the whole list once
            self.update()
            self._send_all()

    def _send_all(self) -> None:
        """The whole list to the browser, with the room's change number it reflects (``board_channel``): as
        the seed prop while the page is built, later as one method call."""
        ideas = list(self.items.values())
        notes = list(self.notes.values())
        with self._props.suspend_updates():
            self._props['my-dots'] = self.my_dots
            self._props['seq'] = self.state.version
            if not self.client.has_socket_connection:
                self._props['ideas'] = ideas
                self._props['notes'] = notes
        if self.client.has_socket_connection:
            if notes or self._notes_sent:  # notes travel with the list on the same channel, so just before it
                self.run_method('setNotes', notes)
                self._notes_sent = bool(notes)
            self.run_method('replace', ideas, self.my_dots, self.state.version, self.question_id)

    def _send_own(self, message: dict[str, Any]) -> None:
        """A change only this page sees as it is (its own idea): numbered like the room's broadcasts."""
        self.run_method('receive', {'breakout': self.breakout_id, 'question': self.question_id,
                                    'seq': self.state.version, **message})

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
        """The ideas' texts and the notes' sentences (for ``user.should_see`` in tests)."""
        labels = self._props['labels']
        return [*(item['text'] for item in self.items.values()),
                *(labels['mergedNote'].replace('{text}', n['into']) if n['kind'] == 'merged' else labels['hiddenNote']
                  for n in self.notes.values())]

    def _ideas_of(self, state: RoomState) -> list[IdeaPublic]:
        if self.fixed:
            return list(state.alongside_ideas.get(self.fixed, {}).values())
        return state.shown_ideas(include_hidden=True)

    def _known(self, idea_id: int | None) -> IdeaPublic | None:
        """An idea of the board's question as the room's state holds it."""
        return (self.state.alongside_ideas.get(self.fixed, {}) if self.fixed else self.state.ideas).get(idea_id)

    def show_state(self, state: RoomState) -> None:
        """The room's state was read afresh (another question, settings, a bus gap): show it all."""
        if self.fixed:  # a question open next to the current one: it collects while the board lives
            self._props['hide-tallies'] = state.hide_tallies
            self.show(self._ideas_of(state))
            return
        self._props['phase'] = state.phase.value
        self._props['hide-tallies'] = state.hide_tallies
        if state.question_id != self.question_id:
            self.notes = {}  # notes belong to the question they were made on
        self._props['question'] = state.question_id
        self._props['clusters'] = clusters_prop(state.clusters)
        self._props['pinned'] = state.wall_pin
        self.show(state.shown_ideas(include_hidden=True))

    def _is_own(self, participant_id: int | None) -> bool:
        return self.own is not None and participant_id == self.own

    def show(self, ideas: list[IdeaPublic]) -> None:
        """Replace the list (``ideas`` with the hidden ones: only moderators see those; a phone has a note
        for each of its own)."""
        self.items = {i.id: _item(i, own=self._is_own(i.participant_id)) for i in ideas
                      if self.mode == 'moderator' or not i.hidden}
        if self.mode == 'phone':
            merged = {k: n for k, n in self.notes.items() if n['kind'] == 'merged'}
            self.notes = merged | {i.id: _note(i.id, i.text) for i in ideas
                                   if i.hidden and self._is_own(i.participant_id)}
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
                    'hidden': False, 'edited': False, 'own': own, 'merges': 0}
            self.items[event.idea_id] = item
            self._counted()
            if own:  # the author's page learns that this one is theirs, without telling the others
                self.notes.pop(event.idea_id, None)  # back after an undone merge: no note any more
                self._send_own({'kind': 'add', 'idea': item})
                return None
            return {'kind': 'add', 'idea': {**item, 'own': False}}
        if isinstance(event, IdeaChanged):
            if event.merged_into_id is not None or (event.hidden and self.mode != 'moderator'):
                gone = self.items.pop(event.idea_id, None)
                if gone is None:
                    return None
                self._counted()
                if gone['own']:  # its author learns why it is gone (the room's message only removes it)
                    kept = self._known(event.merged_into_id) if event.merged_into_id is not None else None
                    note = _note(event.idea_id, gone['text'], into=kept.text if kept is not None else '…') \
                        if event.merged_into_id is not None else _note(event.idea_id, gone['text'])
                    self.notes[event.idea_id] = note
                    self._send_own({'kind': 'note', 'note': note})
                return {'kind': 'remove', 'id': event.idea_id}
            item = self.items.get(event.idea_id)
            if item is None:  # shown again after being hidden (its note goes: the browser drops it with the change)
                shown = self._known(event.idea_id)
                item = {'id': event.idea_id, 'dots': shown.dots if shown is not None else 0, 'edited': False,
                        'own': self.notes.pop(event.idea_id, None) is not None
                        or (shown is not None and self._is_own(shown.participant_id))}
                self.items[event.idea_id] = item
            item.update({'text': event.text, 'hidden': event.hidden, 'group': event.group, 'marked': event.marked,
                         'merges': event.merges,
                         'edited': item.get('edited', False) or item.get('text', event.text) != event.text})
            self._counted()
            if item['own']:
                self._send_own({'kind': 'change', 'idea': item})
                return None
            return {'kind': 'change', 'idea': {**item, 'own': False}}
        if isinstance(event, ClustersChanged):
            with self._props.suspend_updates():  # the message brings them; a reconnect's update sends the prop
                self._props['clusters'] = clusters_prop(event.clusters)
            return {'kind': 'clusters', 'clusters': self._props['clusters']}
        if isinstance(event, WallPinned):  # only walls show it
            with self._props.suspend_updates():
                self._props['pinned'] = event.cluster_id
            return {'kind': 'pin', 'cluster': event.cluster_id} if self.mode == 'wall' else None
        if isinstance(event, TalliesChanged):
            changed = [(i, n) for i, n in event.tallies if i in self.items]
            for idea_id, dots in changed:
                self.items[idea_id]['dots'] = dots
            # hidden tallies are not sent to phones at all: they arrive with the list when voting ends
            return {'kind': 'tallies', 'tallies': changed} if changed and self.tallies_visible else None
        return None
