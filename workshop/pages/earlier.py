"""Round 2 and later: what earlier rounds of the same topic produced, read-only — or, with the room's
gallery walk on (services/gallery.py), with dots and comments of this room's phones on each idea."""

from __future__ import annotations

from dataclasses import dataclass, field

from nicegui import background_tasks, ui

from ..events import CommentChanged, Event, GalleryDotsChanged, GallerySwitched
from ..i18n import Translate, translate_error
from ..limits import COMMENT_MAX
from ..rooms.state import RoomState
from ..runtime import Runtime
from ..services import gallery, results
from ..services.errors import ServiceError

EARLIER_MAX_AGE = 10.0  # seconds: the pages of a room share one read of the earlier rounds' results


@dataclass(eq=False)
class _Card:
    """What a page updates of one earlier idea when its gallery walk changes."""
    total: ui.badge
    comments: ui.column
    add: ui.button | None = None
    remove: ui.button | None = None
    shown: dict[int, ui.element] = field(default_factory=dict)  # comment id -> its row


class EarlierRounds:
    """``token``: a phone of the room (gives dots and comments when the gallery walk is on); ``secret``: the
    room's moderator (switches it, hides comments)."""

    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, wall: bool = False, token: str | None = None,
                 participant_id: int | None = None, secret: str | None = None) -> None:
        self.rt = rt
        self._ = _
        self.state = state
        self.token, self.participant_id, self.secret = token, participant_id, secret
        self.rooms: list[results.EarlierRoom] = []
        self.cards: dict[int, _Card] = {}
        self.dialog: ui.dialog | None = None
        self.comment_idea: int | None = None
        self.expansion = ui.expansion(_('Results of earlier rounds (read only)'), icon='history', value=True) \
            .classes('w-full ws-earlier ' + ('text-xl' if wall else '')) \
            .props('dense header-class="text-grey-10 text-base font-semibold"').mark('earlier')
        with self.expansion:
            self.switch = None
            if secret is not None:
                self.switch = ui.switch(_('Gallery walk: participants give dots to these results and comment on them'),
                                        value=state.gallery_walk, on_change=self._switch).mark('gallery-switch')
            self.walk = ui.label('').classes('text-sm font-semibold text-primary') \
                .props('role=status aria-live=polite').mark('gallery-left')
            self.body = ui.column().classes('w-full gap-2')
        self._show_title()
        self.show(state)

    def show(self, state: RoomState) -> None:
        """The earlier rounds' results for the room's current question (other rooms' data, so not part of
        the room's live state: read at most once per room and ``EARLIER_MAX_AGE``, whatever the pages)."""
        breakout_id, question_id = state.breakout_id, state.question_id

        async def read() -> list[results.EarlierRoom]:
            async with self.rt.db.read_session() as session:
                return await results.earlier_rounds(session, breakout_id=breakout_id, question_id=question_id)

        async def load() -> None:
            self._render(await self.rt.snapshots.get(('earlier', breakout_id, question_id), read,
                                                     max_age=EARLIER_MAX_AGE))
        background_tasks.create(load(), name='earlier rounds')

    def _render(self, rooms: list[results.EarlierRoom]) -> None:
        _ = self._
        self.rooms = rooms
        self.cards = {}
        self.body.clear()
        on = self.state.gallery_walk
        comments: dict[int, list[gallery.GalleryComment]] = {}
        for c in self.state.comments.values():
            comments.setdefault(c.idea_id, []).append(c)
        with self.body:
            if not any(r.ideas or r.key_results for r in rooms):
                ui.label(_('No results from earlier rounds for this question.')).classes('text-grey-7')
            for room in rooms:
                title = _('{label} ({round})', label=room.label, round=_('Round {n}', n=room.round_number)) if on \
                    else _('{label} ({round}) — read only', label=room.label, round=_('Round {n}', n=room.round_number))
                ui.label(title).classes('font-semibold')
                for bullet in room.key_results:
                    ui.label(f'★ {bullet}').classes('ws-idea')
                for idea_id, (text, dots) in zip(room.idea_ids, room.ideas, strict=True):
                    self._idea(idea_id, text, dots, on=on, comments=comments.get(idea_id, []))
        self._show_left()

    def _idea(self, idea_id: int, text: str, dots: int, *, on: bool, comments: list[gallery.GalleryComment]) -> None:
        """One earlier idea: its own round's dots, the room's gallery dots (+n), the phone's buttons, comments."""
        _ = self._
        with ui.column().classes('w-full gap-0'):
            with ui.row().classes('w-full no-wrap items-start gap-2'):
                ui.label(text).classes('ws-idea grow text-grey-9').mark('earlier-idea')
                if dots:
                    ui.badge(str(dots), color='grey-7')
                total = ui.badge('', color='amber-9', text_color='black').mark('gallery-total') \
                    .tooltip(_('Dots in the gallery walk of this room'))
            add = remove = None
            if on and self.token is not None:  # the phone's buttons right under the idea, its comments below them
                with ui.row().classes('items-center gap-1'):
                    add = ui.button(_('Dot'), icon='add_circle_outline', on_click=lambda: self._dot(idea_id, 1)) \
                        .props('flat dense no-caps').classes('ws-tap').mark('gallery-dot')
                    remove = ui.button('', icon='remove_circle_outline', on_click=lambda: self._dot(idea_id, -1)) \
                        .props('flat dense no-caps').classes('ws-tap').mark('gallery-undot')
                    remove.props['aria-label'] = _('Take back a dot')
                    ui.button(_('Comment'), icon='chat_bubble_outline', on_click=lambda: self._write(idea_id, text)) \
                        .props('flat dense no-caps').classes('ws-tap').mark('gallery-comment')
            self.cards[idea_id] = _Card(total=total, comments=ui.column().classes('w-full gap-1 pl-4'), add=add,
                                        remove=remove)
        self._show_dots(idea_id)
        for c in comments:
            self._show_comment(c)

    # --- the live gallery walk ---

    def gallery(self, event: Event) -> None:
        """A gallery event of the room, after the room's state took it in."""
        if isinstance(event, GallerySwitched):
            if self.switch is not None and self.switch.value != event.on:
                self.switch.set_value(event.on)
            self._show_title()
            self._render(self.rooms)
        elif isinstance(event, GalleryDotsChanged):
            if event.idea_id in self.cards:
                self._show_dots(event.idea_id)
                if event.participant_id == self.participant_id:
                    self._show_left()
        elif isinstance(event, CommentChanged):
            comment = self.state.comments.get(event.comment_id)
            if comment is not None and comment.idea_id in self.cards:
                self._show_comment(comment)

    def _show_title(self) -> None:
        _ = self._
        self.expansion.set_text(_('Results of earlier rounds — gallery walk') if self.state.gallery_walk
                                else _('Results of earlier rounds (read only)'))

    def _mine(self) -> dict[int, int]:
        return self.state.gallery_mine.get(self.participant_id, {}) if self.participant_id is not None else {}

    def _show_dots(self, idea_id: int) -> None:
        card = self.cards[idea_id]
        total = self.state.gallery_dots.get(idea_id, 0)
        card.total.set_text(f'+{total}')
        card.total.set_visibility(total > 0)
        if card.remove is not None:
            mine = self._mine().get(idea_id, 0)
            card.remove.set_text(str(mine) if mine > 1 else '')
            card.remove.set_visibility(mine > 0)

    def _show_left(self) -> None:
        on = self.state.gallery_walk and self.token is not None and bool(self.cards)
        self.walk.set_visibility(on)
        if on:
            budget = self.state.dots_budget
            spent = sum(n for idea_id, n in self._mine().items() if idea_id in self.cards)
            self.walk.set_text(self._('Gallery walk: you have {left} of {budget} dots left for these results.',
                                      left=max(budget - spent, 0), budget=budget))

    def _show_comment(self, comment: gallery.GalleryComment) -> None:
        """A comment under its idea (added, or shown anew after its moderator hid or showed it)."""
        card = self.cards[comment.idea_id]
        old = card.shown.pop(comment.id, None)
        if old is not None:
            old.delete()
        if comment.hidden and self.secret is None:
            return
        _ = self._
        with card.comments:
            with ui.row().classes('w-full no-wrap items-start gap-1') as row:
                ui.icon('chat_bubble_outline', size='xs').classes('text-grey-7 mt-1')
                label = ui.label(comment.text).classes('text-sm grow').mark('gallery-comment-text')
                if comment.hidden:
                    label.classes('line-through text-grey-6')
                if self.secret is not None:
                    ui.button(_('Show') if comment.hidden else _('Hide'),
                              on_click=lambda c=comment: self._hide(c.id, not c.hidden)) \
                        .props('flat dense no-caps size=sm').mark('gallery-hide')
        card.shown[comment.id] = row
        if comment.id != max(card.shown):  # shown again: back to its place among them (in the order written)
            for n, comment_id in enumerate(sorted(card.shown)):
                card.shown[comment_id].move(card.comments, target_index=n)

    # --- actions ---

    async def _dot(self, idea_id: int, delta: int) -> None:
        step = gallery.cast_dot if delta > 0 else gallery.remove_dot
        try:
            await step(self.rt.db, self.rt.bus, token=self.token or '', breakout_id=self.state.breakout_id,
                       idea_id=idea_id)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='warning', position='top')

    def _write(self, idea_id: int, text: str) -> None:
        """The comment box, one per page (made on first use: most phones never comment)."""
        _ = self._
        if self.dialog is None:
            with ui.dialog() as self.dialog, ui.card().classes('w-full max-w-lg'):
                self.comment_on = ui.label('').classes('text-sm text-grey-8 ws-idea')
                self.comment_box = ui.textarea(_('Your comment'), placeholder=_('A short comment …')) \
                    .props(f'outlined autogrow counter maxlength={COMMENT_MAX}').classes('w-full text-base') \
                    .mark('gallery-comment-input')
                self.comment_status = ui.label('').classes('text-sm').props('role=status aria-live=polite')
                with ui.row().classes('w-full justify-end'):
                    ui.button(_('Cancel'), on_click=self.dialog.close).props('flat no-caps')
                    self.comment_send = ui.button(_('Send'), icon='send', on_click=self._send) \
                        .props('unelevated no-caps').mark('gallery-comment-send')
        self.comment_idea = idea_id
        self.comment_on.set_text(text)
        self.comment_status.set_text('')
        self.dialog.open()

    async def _send(self) -> None:
        _ = self._
        text = self.comment_box.value or ''
        if not text.strip():
            self.comment_status.set_text(_('Please write your comment first.'))
            return
        self.comment_send.disable()
        try:
            await gallery.comment(self.rt.db, self.rt.bus, token=self.token or '', breakout_id=self.state.breakout_id,
                                  idea_id=self.comment_idea, text=text, limits=self.rt.post_limits)
        except ServiceError as e:
            self.comment_status.set_text(translate_error(_, e))
            return
        finally:
            self.comment_send.enable()
        self.comment_box.set_value('')
        self.dialog.close()
        ui.notify(_('Comment saved ✓'), type='positive', position='top')

    async def _switch(self, e) -> None:  # noqa: ANN001 - NiceGUI's value change event
        if e.value == self.state.gallery_walk:
            return  # shown after the event from the room
        try:
            await gallery.switch(self.rt.db, self.rt.bus, secret=self.secret or '', on=bool(e.value))
        except ServiceError as error:
            ui.notify(translate_error(self._, error), type='negative')
            self.switch.set_value(self.state.gallery_walk)

    async def _hide(self, comment_id: int, hidden: bool) -> None:
        try:
            await gallery.hide_comment(self.rt.db, self.rt.bus, secret=self.secret or '', comment_id=comment_id,
                                       hidden=hidden)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
