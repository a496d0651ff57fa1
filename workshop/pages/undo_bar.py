"""The moderator's undo bar and the curation history of the current question.

``services/clusters.py`` records every curation step with what undoing it needs; the bar names the
newest one and undoes it, the history lists the steps that can still be undone, newest first. Both are
read again after the moderator's own steps and when the room's curation events arrive (another tab of
the moderator): one small query, at most one at a time, on the moderator's page only.
"""

from __future__ import annotations

import asyncio

from nicegui import background_tasks, ui

from ..i18n import Translate, translate_error
from ..models import CurationStep
from ..rooms.state import RoomState
from ..runtime import Runtime
from ..services import clusters
from ..services.errors import N_, ServiceError

HISTORY_SHOWN = 30  # the newest steps the history lists (all of them can be undone, one after the other)
STEP_TEXTS = {  # the steps' kinds (services/clusters.py) as the history says them
    'file': N_('Filed “{label}”'),
    'merge': N_('Merged “{label}”'),
    'create': N_('Created cluster “{label}”'),
    'theme': N_('Accepted the theme “{label}”'),
    'rename': N_('Renamed a cluster to “{label}”'),
    'recolour': N_('Recoloured cluster “{label}”'),
    'reorder': N_('Moved cluster “{label}”'),
    'dissolve': N_('Dissolved cluster “{label}”'),
    'fields': N_('Changed “{label}”'),  # hidden or shown, marked or not, text edited
}


def describe(_: Translate, kind: str, label: str) -> str:
    return _(STEP_TEXTS.get(kind, STEP_TEXTS['fields']), label=label)


class UndoBar:
    """"Undo: <what>" with its button, and the question's history in a menu beside it."""

    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, secret: str) -> None:
        self.rt = rt
        self._ = _
        self.state = state
        self.secret = secret
        self.steps: list[CurationStep] = []
        self._reading: asyncio.Task | None = None
        self._again = False
        with ui.row().classes('w-full items-center gap-2 no-wrap ws-undo-bar').mark('undo-bar'):
            ui.icon('history', size='sm').classes('text-grey-8')
            self.label = ui.label('').classes('text-sm min-w-0').props('role=status').mark('undo-label')
            self.button = ui.button(_('Undo'), icon='undo', on_click=self.undo) \
                .props('outline dense no-caps').mark('undo')
            with ui.button('', icon='list').props('flat dense no-caps').mark('history-button') as self.opener:
                with ui.menu().props('anchor="bottom left" self="top left"').mark('history'):
                    with ui.column().classes('gap-1 p-3 max-w-[36rem]'):
                        ui.label(_('History of this question')).classes('text-base font-semibold') \
                            .props('role=heading aria-level=3')
                        self.list = ui.column().classes('w-full gap-1').props('role=list')
        self.show([])
        self.soon()

    def soon(self) -> None:
        """Read the history again: now, or right after the read under way (changes meanwhile come with it)."""
        if self._reading is not None and not self._reading.done():
            self._again = True
            return
        self._reading = background_tasks.create(self._read(), name='undo history')

    async def _read(self) -> None:
        while True:
            self._again = False
            question_id = self.state.question_id
            steps: list[CurationStep] = []
            if question_id is not None:
                async with self.rt.db.read_session() as session:
                    steps = await clusters.history(session, breakout_id=self.state.breakout_id,
                                                   question_id=question_id, limit=HISTORY_SHOWN)
            if self.label.is_deleted:  # the page is gone
                return
            self.show(steps)
            if not self._again:
                return

    def show(self, steps: list[CurationStep]) -> None:
        _ = self._
        self.steps = steps
        if steps:
            self.label.set_text(_('Undo: {what}', what=describe(_, steps[0].kind, steps[0].label)))
        else:
            self.label.set_text(_('Nothing to undo yet.'))
        self.button.set_enabled(bool(steps))
        self.opener.set_text(_('History: the last {n} steps', n=len(steps)) if len(steps) >= HISTORY_SHOWN
                             else _.ngettext('History: {n} step', 'History: {n} steps', len(steps)))
        self.list.clear()
        with self.list:
            if not steps:
                ui.label(_('No steps yet.')).classes('text-sm text-grey-8').props('role=listitem')
            for n, step in enumerate(steps):
                ui.label(describe(_, step.kind, step.label)) \
                    .classes('text-sm' + (' font-semibold' if n == 0 else '')).props('role=listitem')

    async def undo(self) -> None:
        _ = self._
        try:
            done = await clusters.undo_last(self.rt.db, self.rt.bus, secret=self.secret,
                                            question_id=self.state.question_id)
        except ServiceError as e:
            ui.notify(translate_error(_, e), type='negative')
            return
        finally:
            self.soon()
        if done is None:
            ui.notify(_('Nothing to undo yet.'))
        else:
            ui.notify(_('Undone: {what}', what=describe(_, done.kind, done.label)), type='positive')
