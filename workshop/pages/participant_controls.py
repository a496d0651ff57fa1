"""The lead moderator's participant list (a section of the lead page): find and remove a participant.

The list is read when the section is opened (and on "Refresh"), those with the most ideas
first: a flood stands at the top. Removing asks for confirmation and can hide all of the
person's ideas at once.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ..i18n import translate_error
from ..services import lead
from ..services.errors import ServiceError
from ..services.lead import ParticipantRow

LATEST_SHOWN = 80  # characters of the newest idea, enough to recognise it


def build_participant_controls(view: Any) -> None:
    """``view`` is the lead page's view: ``rt``, ``_``, ``secret`` and ``_run(action, done)``."""
    _, rt = view._, view.rt
    chosen: dict[str, ParticipantRow] = {}

    async def load() -> None:
        try:
            rows = await lead.participant_rows(rt.db, lead_secret=view.secret)
        except ServiceError as e:  # e.g. the lead link was replaced meanwhile
            ui.notify(translate_error(_, e), type='negative')
            return
        listing.clear()
        with listing:
            if not rows:
                ui.label(_('Nobody has joined yet.')).classes('text-sm text-grey-8')
            for row in rows:
                show(row)

    def show(row: ParticipantRow) -> None:
        who = ', '.join(p for p in (row.name, row.organisation) if p) or _('Anonymous participant')
        with ui.row().classes('w-full items-center no-wrap gap-3').mark(f'participant-{row.id}'):
            with ui.column().classes('gap-0 grow min-w-0'):
                counts = _.ngettext('{n} idea', '{n} ideas', row.ideas)
                if row.hidden:
                    counts += ' · ' + _('{n} hidden', n=row.hidden)
                ui.label(f'{who} · {counts}').classes('text-sm font-semibold')
                if row.latest:
                    latest = row.latest if len(row.latest) <= LATEST_SHOWN else row.latest[:LATEST_SHOWN] + '…'
                    ui.label(latest).classes('text-sm text-grey-8 ellipsis')
            if row.removed:
                ui.badge(_('Removed'), color='grey-7').mark(f'removed-{row.id}')
            else:
                ui.button(_('Remove …'), icon='person_remove', on_click=lambda row=row: ask(row)) \
                    .props('outline no-caps dense color=negative').mark(f'remove-participant-{row.id}')

    def ask(row: ParticipantRow) -> None:
        chosen['row'] = row
        hide.set_value(False)
        dialog.open()

    async def remove() -> None:
        row = chosen.get('row')
        dialog.close()
        if row is None:
            return
        hidden: list[int] = []

        async def action() -> None:
            hidden.append(await lead.remove_participant(rt.db, rt.bus, lead_secret=view.secret,
                                                        participant_id=row.id, hide_ideas=bool(hide.value)))
        if await view._run(action()):
            ui.notify(_.ngettext('Participant removed; {n} idea hidden.', 'Participant removed; {n} ideas hidden.',
                                 hidden[0]) if hide.value else _('Participant removed.'), type='positive')
            await load()

    with ui.expansion(_('Participants'), icon='group', on_value_change=lambda e: load() if e.value else None) \
            .classes('w-full').props('dense').mark('participant-controls'):
        with ui.row().classes('w-full items-center justify-between'):
            ui.label(_('Those with the most ideas first.')).classes('text-sm text-grey-8')
            ui.button(_('Refresh'), icon='refresh', on_click=load).props('flat no-caps dense') \
                .mark('participants-refresh')
        listing = ui.column().classes('w-full gap-2').mark('participants')

    with ui.dialog() as dialog, ui.card().props('role=alertdialog'):
        ui.label(_('Remove this participant? They can no longer post ideas or give dots.'))
        hide = ui.checkbox(_("Also hide all of this person's ideas")).mark('hide-ideas')
        with ui.row():
            ui.button(_('Cancel'), on_click=dialog.close).props('flat no-caps')
            ui.button(_('Remove'), on_click=remove).props('unelevated no-caps color=negative') \
                .mark('remove-confirm')
