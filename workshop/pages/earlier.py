"""Round 2 and later: what earlier rounds of the same topic produced, read-only."""

from __future__ import annotations

from nicegui import background_tasks, ui

from ..i18n import Translate
from ..rooms.state import RoomState
from ..runtime import Runtime
from ..services import results

EARLIER_MAX_AGE = 10.0  # seconds: the pages of a room share one read of the earlier rounds' results


class EarlierRounds:
    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, wall: bool = False) -> None:
        self.rt = rt
        self._ = _
        self.expansion = ui.expansion(_('Results of earlier rounds (read only)'), icon='history', value=True) \
            .classes('w-full ws-earlier ' + ('text-xl' if wall else '')) \
            .props('dense header-class="text-grey-10 text-base font-semibold"').mark('earlier')
        with self.expansion:
            self.body = ui.column().classes('w-full gap-2')
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
        self.body.clear()
        with self.body:
            if not any(r.ideas or r.key_results for r in rooms):
                ui.label(_('No results from earlier rounds for this question.')).classes('text-grey-7')
            for room in rooms:
                ui.label(_('{label} ({round}) — read only', label=room.label,
                           round=_('Round {n}', n=room.round_number))).classes('font-semibold')
                for bullet in room.key_results:
                    ui.label(f'★ {bullet}').classes('ws-idea')
                for text, dots in room.ideas:
                    with ui.row().classes('w-full no-wrap items-start gap-2'):
                        ui.label(text).classes('ws-idea grow text-grey-9').mark('earlier-idea')
                        if dots:
                            ui.badge(str(dots), color='grey-7')
