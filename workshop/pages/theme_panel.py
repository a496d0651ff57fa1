"""Theme suggestions on the moderator's board: proposed clusters with names, never applied by themselves.

The moderator asks for them per question; services/themes.py groups the ideas that are in no cluster yet
(in a worker process: the first call loads a dictionary). Each suggestion can be accepted (its title may be
changed first: one undoable step, ``clusters.accept_theme``) or rejected; the ideas the method is unsure
about are in none and stay where they are.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ..i18n import Translate, translate_error
from ..limits import IDEA_GROUP_MAX
from ..rooms.state import RoomState
from ..runtime import Runtime
from ..services import clusters, themes
from ..services.errors import N_, Invalid, ServiceError
from ..services.themes import ThemeSuggestion
from .offload import off_the_loop

SHOWN_IDEAS = 3  # texts shown per suggestion; the rest as "+ n more"
TEXT_SHOWN = 90  # characters of each


def _short(text: str) -> str:
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN - 1] + '…'


class ThemePanel:
    """A button that asks for suggestions and the list of those not yet accepted or rejected."""

    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, secret: str,
                 on_step: Callable[[], None]) -> None:
        self.rt, self._, self.state, self.secret = rt, _, state, secret
        self.on_step = on_step  # the undo bar wants to know
        self.question_id: int | None = None  # the question the shown suggestions are of
        with ui.expansion(_('Suggest clusters'), icon='auto_awesome').classes('w-full') \
                .props('dense').mark('themes') as self.expansion:
            ui.label(_('Groups of ideas that share a theme, proposed from the ideas in no cluster yet. Nothing '
                       'changes until you accept one; ideas the method is unsure about are left out.')) \
                .classes('text-sm text-grey-8')
            self.ask = ui.button(_('Suggest clusters for this question'), icon='auto_awesome',
                                 on_click=self.suggest).props('outline no-caps').mark('suggest-themes')
            self.status = ui.label('').classes('text-sm').props('role=status aria-live=polite') \
                .mark('themes-status')
            # side by side: the board below should stay in sight
            self.list = ui.element('div').classes('w-full grid gap-2 grid-cols-[repeat(auto-fill,minmax(20rem,1fr))]') \
                .props('role=list').mark('theme-list')

    def _unclustered(self) -> list[tuple[int, str]]:
        return [(i.id, i.text) for i in self.state.ideas.values() if not i.group and not i.hidden]

    async def suggest(self) -> None:
        _ = self._
        question_id = self.state.question_id
        texts = self._unclustered()
        self.clear()
        if len(texts) < 2:
            self.status.set_text(_('There are not enough ideas without a cluster to suggest anything.'))
            return
        self.ask.disable()
        self.status.set_text(_('Looking for themes …'))
        try:
            found: list[ThemeSuggestion] = await off_the_loop(themes.suggest_themes, texts,
                                                                 self.state.workshop.language)
        finally:
            self.ask.enable()
        if question_id != self.state.question_id:  # the question changed meanwhile: these are of another
            self.status.set_text('')
            return
        self.question_id = question_id
        if not found:
            self.status.set_text(_('No clear themes among these ideas. Cluster them by hand.'))
            return
        left = len(texts) - sum(len(s.idea_ids) for s in found)
        self.status.set_text(_.ngettext('{n} suggestion', '{n} suggestions', len(found))
                             + ' · ' + _.ngettext('{n} idea stays without a cluster',
                                                  '{n} ideas stay without a cluster', left))
        with self.list:
            for suggestion in found:
                self._show(suggestion)

    def _show(self, suggestion: ThemeSuggestion) -> None:
        _ = self._
        texts = [self.state.ideas[i].text for i in suggestion.idea_ids if i in self.state.ideas]
        with ui.card().classes('gap-1').props('flat bordered role=listitem').mark('theme') as card:
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                title = ui.input(_('Cluster title'), value=suggestion.title) \
                    .props(f'outlined dense maxlength={IDEA_GROUP_MAX}').classes('grow').mark('theme-title')
                ui.label(_.ngettext('{n} idea', '{n} ideas', len(texts))).classes('text-sm text-grey-8 shrink-0')
            for text in texts[:SHOWN_IDEAS]:
                ui.label(_short(text)).classes('text-sm ws-idea leading-snug')
            if len(texts) > SHOWN_IDEAS:
                ui.label(_('+ {n} more', n=len(texts) - SHOWN_IDEAS)).classes('text-sm text-grey-8')
            with ui.row().classes('gap-2 mt-auto'):  # in line across the cards of a row
                ui.button(_('Accept'), icon='check',
                          on_click=lambda: self.accept(card, suggestion, title.value or '')) \
                    .props('unelevated no-caps dense').mark('accept-theme')
                ui.button(_('Reject'), icon='close', on_click=lambda: self.reject(card)) \
                    .props('flat no-caps dense').mark('reject-theme')

    async def accept(self, card: ui.card, suggestion: ThemeSuggestion, title: str) -> None:
        # ideas filed by hand since the suggestion keep their cluster
        idea_ids = [i for i in suggestion.idea_ids if i in self.state.ideas and not self.state.ideas[i].group]
        try:
            if self.question_id != self.state.question_id:
                raise Invalid(N_('The question has changed: please ask for suggestions again.'))
            if not idea_ids:
                raise Invalid(N_('None of these ideas can be filed here any more.'))
            await clusters.accept_theme(self.rt.db, self.rt.bus, secret=self.secret, title=title,
                                        idea_ids=idea_ids, question_id=self.question_id)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
            return
        card.delete()
        self.on_step()

    def reject(self, card: ui.card) -> None:
        card.delete()

    def clear(self) -> None:
        """The suggestions are of one question: gone when the room moves on."""
        self.list.clear()
        self.status.set_text('')
        self.question_id = None

