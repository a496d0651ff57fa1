"""The moderator's control to keep one cluster on the room's wall while the rest pages through.

A select of the current question's clusters, kept current from the room's state; choosing one calls
``services.wall_pin`` and the room's event brings it to the wall (``idea_board.js``, mode 'wall').
"""

from __future__ import annotations

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from ..events import ClustersChanged, Event, QuestionChanged, Resync, WallPinned, WorkshopChanged
from ..i18n import Translate, translate_error
from ..rooms.state import RELOADING, RoomState
from ..runtime import Runtime
from ..services import wall_pin
from ..services.errors import ServiceError

NONE = 0  # the select's value for "no cluster pinned"


class WallPinControl:
    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, secret: str) -> None:
        self.rt = rt
        self._ = _
        self.state = state
        self.secret = secret
        self.select = ui.select({}, label=_('Pin a cluster on the wall'), on_change=self._picked) \
            .props('outlined dense options-dense').classes('w-72').mark('wall-pin')
        self.show()
        rt.rooms.render(state, self.render)

    def show(self) -> None:
        options = {NONE: self._('None: the wall shows all clusters'),
                   **{cluster_id: title for cluster_id, title, _colour, _position in self.state.clusters}}
        self.select.set_options(options, value=self.state.wall_pin or NONE)
        self.select.set_visibility(bool(self.state.clusters))

    async def _picked(self, e: ValueChangeEventArguments) -> None:
        cluster_id = e.value or None
        if cluster_id == self.state.wall_pin:  # also the select following the state (show)
            return
        try:
            await wall_pin.pin_cluster(self.rt.db, self.rt.bus, secret=self.secret, cluster_id=cluster_id)
        except ServiceError as error:
            ui.notify(translate_error(self._, error), type='negative')
            self.show()

    def render(self, event: Event) -> None:
        if isinstance(event, (ClustersChanged, WallPinned, QuestionChanged, Resync)) or (
                isinstance(event, WorkshopChanged) and RELOADING & set(event.fields)):
            self.show()
