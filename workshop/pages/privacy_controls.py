"""The lead moderator's privacy and link controls (a section of the lead page).

Retention period, ending the workshop, anonymising and deleting it now, and new secret
links for a moderator or for the lead moderator (a link that leaked stops working).
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from ..services import privacy, rotation, workshops


def build_privacy_controls(view: Any) -> None:
    """``view`` is the lead page's view: ``rt``, ``_``, ``secret``, ``workshop`` and ``_run(action, done)``."""
    _, rt, w = view._, view.rt, view.workshop

    def secret() -> str:
        return view.secret

    async def save_retention() -> None:
        try:
            days = int(retention.value)
        except (TypeError, ValueError):
            days = -1
        await view._run(privacy.set_retention(rt.db, rt.bus, lead_secret=secret(), days=days), _('Saved'))

    async def end() -> None:
        if await view._run(privacy.end_workshop(rt.db, rt.bus, lead_secret=secret()), _('The workshop has ended.')):
            status.set_text(_('Ended. Personal data will be anonymised {n} days after the end.',
                              n=int(retention.value or 0)))

    async def anonymise() -> None:
        dialog.close()
        if await view._run(privacy.anonymise_workshop(rt.db, rt.bus, lead_secret=secret()),
                           _('Names, organisations and who wrote or voted what have been deleted.')):
            status.set_text(_('Anonymised.'))

    async def delete() -> None:
        if (confirm.value or '').strip().upper() != w.join_code:
            confirm_message.set_text(_('Please type the join code {code} to confirm.', code=w.join_code))
            return
        delete_dialog.close()
        if await view._run(privacy.delete_workshop(rt.db, rt.bus, lead_secret=secret())):
            ui.navigate.to('/')

    async def rotate_lead() -> None:
        result: dict[str, str] = {}

        async def action() -> None:
            result['secret'] = await rotation.rotate_lead_secret(rt.db, rt.bus, lead_secret=secret())
        if await view._run(action()):
            ui.navigate.to(f'/lead/{result["secret"]}')  # the old link no longer works, also not for this page

    async def rotate_moderator(breakout_id: int, label: str) -> None:
        result: dict[str, str] = {}

        async def action() -> None:
            result['secret'] = await rotation.rotate_moderator_secret(rt.db, rt.bus, lead_secret=secret(),
                                                                      breakout_id=breakout_id)
        if await view._run(action()):
            links.set_text(_('New moderator link for {label}: {link}', label=label,
                             link=rt.link(f'/m/{result["secret"]}')))

    async def rotate_topic(topic_id: int, number: int) -> None:
        result: dict[str, str] = {}

        async def action() -> None:
            result['secret'] = await rotation.rotate_topic_secret(rt.db, rt.bus, lead_secret=secret(),
                                                                  topic_id=topic_id)
        if await view._run(action()):
            links.set_text(_('New moderator link for topic {n} (all rounds): {link}', n=number,
                             link=rt.link(f'/m/{result["secret"]}')))

    with ui.expansion(_('Privacy and secret links'), icon='shield').classes('w-full').props('dense') \
            .mark('privacy-controls'):
        with ui.row().classes('items-center gap-3'):
            retention = ui.number(_('Delete personal data … days after the end'), value=w.retention_days,
                                  min=0, max=privacy.RETENTION_MAX_DAYS, step=1).props('outlined dense') \
                .classes('w-72').mark('retention-days')
            ui.button(_('Save'), on_click=save_retention).props('outline no-caps dense').mark('save-retention')
            ui.button(_('End workshop'), icon='flag', on_click=end).props('outline no-caps dense') \
                .mark('end-workshop')
        status = ui.label('').classes('text-sm').props('role=status').mark('privacy-status')
        with ui.row().classes('items-center gap-3'):
            ui.button(_('Anonymise now …'), icon='person_off', on_click=lambda: dialog.open()) \
                .props('outline no-caps dense color=negative').mark('anonymise')
            ui.button(_('Delete workshop …'), icon='delete_forever', on_click=lambda: delete_dialog.open()) \
                .props('outline no-caps dense color=negative').mark('delete-workshop')
            ui.button(_('New lead moderator link'), icon='key', on_click=rotate_lead) \
                .props('outline no-caps dense').mark('rotate-lead')
        with ui.row().classes('items-center gap-2'):
            ui.label(_('New moderator link')).classes('text-sm text-grey-8')
            rooms = ui.row().classes('gap-2')
        with ui.row().classes('items-center gap-2'):
            ui.label(_('New moderator link for a topic (all rounds)')).classes('text-sm text-grey-8')
            topics = ui.row().classes('gap-2')
        links = ui.label('').classes('text-sm break-all').mark('new-moderator-link')

        with ui.dialog() as dialog, ui.card():
            ui.label(_('Delete names, organisations and who wrote or voted what, now? Ideas, dots and counts '
                       'stay. This cannot be undone.'))
            with ui.row():
                ui.button(_('Cancel'), on_click=dialog.close).props('flat no-caps')
                ui.button(_('Anonymise'), on_click=anonymise).props('unelevated no-caps color=negative') \
                    .mark('anonymise-confirm')
        with ui.dialog() as delete_dialog, ui.card():
            ui.label(_('Delete the whole workshop with all ideas, dots and protocol versions? This cannot be '
                       'undone. Type the join code to confirm.'))
            confirm = ui.input(_('Join code')).props('outlined dense').mark('delete-confirm-code')
            confirm_message = ui.label('').classes('text-negative text-sm')
            with ui.row():
                ui.button(_('Cancel'), on_click=delete_dialog.close).props('flat no-caps')
                ui.button(_('Delete'), on_click=delete).props('unelevated no-caps color=negative') \
                    .mark('delete-confirm')

    async def fill_rooms() -> None:
        async with rt.db.session() as session:
            breakouts = await workshops.breakouts_of(session, w.id)
        with rooms:
            for b in breakouts:
                ui.button(b.label, on_click=lambda b=b: rotate_moderator(b.id, b.label)) \
                    .props('outline no-caps dense').mark(f'rotate-{b.label.replace(" ", "")}')
        with topics:
            for topic_id, number in sorted({(b.topic_id, b.topic_number) for b in breakouts}, key=lambda t: t[1]):
                ui.button(_('Topic {n}', n=number), on_click=lambda t=topic_id, n=number: rotate_topic(t, n)) \
                    .props('outline no-caps dense').mark(f'rotate-topic-{number}')
    ui.timer(0, fill_rooms, once=True)
