"""The lead moderator's view of contributions and dots per stakeholder group and topic.

Read when the cockpit opens and when the lead asks for it ("Refresh"), never on an event: four
grouped queries (services/stakeholders.py), the same numbers the protocol prints. Groups of fewer
than three people in a topic are counted together under "other groups".
"""

from __future__ import annotations

from nicegui import ui

from ..i18n import Translate
from ..runtime import Runtime
from ..services.stakeholders import MIN_PEOPLE, TopicGroups, by_group


class StakeholderPanel:
    def __init__(self, rt: Runtime, _: Translate, workshop_id: int) -> None:
        self.rt, self._, self.workshop_id = rt, _, workshop_id
        with ui.row().classes('w-full items-center justify-between mt-4'):
            ui.label(_('By stakeholder group')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            ui.button(_('Refresh'), icon='refresh', on_click=self.refresh).props('flat no-caps') \
                .mark('stakeholders-refresh')
        ui.label(_('Contributions and dots given per topic. Groups with fewer than {n} people in a topic are '
                   'counted under "other groups".', n=MIN_PEOPLE)).classes('text-sm text-grey-8')
        self.box = ui.row().classes('w-full gap-3 items-start').mark('stakeholders')

    async def refresh(self) -> None:
        async with self.rt.db.session() as session:
            topics = await by_group(session, self.workshop_id)
        self.show(topics)

    def show(self, topics: list[TopicGroups]) -> None:
        _ = self._
        self.box.clear()
        with self.box:
            if not topics:
                ui.label(_('No contributions or dots from participants with a stakeholder group yet.')) \
                    .classes('text-sm text-grey-8')
            for topic in topics:
                with ui.card().props('flat bordered').classes('min-w-64'):
                    ui.label(_('Topic {n}: {title}', n=topic.number, title=topic.title)).classes('font-semibold')
                    with ui.grid(columns='minmax(0,1fr) auto auto auto').classes('gap-x-4 gap-y-0 text-sm'):
                        for head in (_('Stakeholder group'), _('people'), _('contributions'), _('dots given')):
                            ui.label(head).classes('font-semibold')
                        for row in topic.rows:
                            ui.label(row.group if row.group is not None else _('other groups'))
                            for value in (row.people, row.contributions, row.dots):
                                ui.label(str(value)).classes('text-right')
