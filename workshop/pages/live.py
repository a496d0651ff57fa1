"""How pages follow a workshop: subscriptions bound to the page's lifetime, presence, notices."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from nicegui import Client, ui

from ..bus import Handler
from ..events import Event, Resync, WorkshopChanged
from ..i18n import Translate, translator
from ..models import Workshop
from ..runtime import Runtime

log = logging.getLogger(__name__)


def follow_workshop(rt: Runtime, workshop_id: int, handler: Handler,
                    on_resync: Callable[[], None] | None = None, *, breakout_id: int | None = None) -> None:
    """Subscribe this page to the workshop's events until the page is gone (with ``breakout_id``:
    only that room's events and the workshop-wide ones).

    ``Resync`` (this app instance may have missed events: its broker connection was back after a
    loss) goes to ``on_resync``, which must reload from the database all that the page shows; a
    page without one is reloaded in the browser, a few seconds later (not all pages at once) and
    not while somebody types.
    """
    client = ui.context.client

    def deliver(event: Event) -> None:
        if isinstance(event, WorkshopChanged) and 'deleted' in event.fields:
            subscription.close()  # nothing of it is left to show or to reload
            show_workshop_gone(client)
        elif not isinstance(event, Resync):
            handler(event)
        elif on_resync is not None:
            on_resync()
        else:
            client.run_javascript(RELOAD_WHEN_IDLE % random.randint(500, 4000))
    subscription = rt.bus.subscribe(workshop_id, deliver, breakout_id=breakout_id)
    client.on_delete(subscription.close)


def show_workshop_gone(client: Client) -> None:
    """Tell the page's user that the workshop was deleted (a dialog that stays; the page's controls
    would only meet errors now)."""
    if client.is_deleted or client.storage.get('workshop gone'):  # once, though the page follows it twice
        return
    client.storage['workshop gone'] = True
    _ = translator(client.page.language.split('-')[0])
    with client, ui.dialog().props('persistent') as dialog, ui.card().props('role=alertdialog') \
            .mark('workshop-deleted'):
        ui.label(_('This workshop has been deleted.')).classes('text-lg font-semibold')
        ui.label(_('Its ideas, dots, protocol and links no longer exist.'))
        ui.button(_('To the start page'), on_click=lambda: ui.navigate.to('/')) \
            .props('unelevated no-caps').mark('workshop-deleted-home')
    dialog.open()
    log.debug('a page of deleted workshop was told so')


# reload the page after a delay; while an input field has the focus and holds text, wait (up to a minute)
RELOAD_WHEN_IDLE = '''(() => { const until = Date.now() + 60000;
  const typing = () => { const e = document.activeElement;
    return e && /^(TEXTAREA|INPUT)$/.test(e.tagName) && e.value && Date.now() < until; };
  const attempt = () => typing() ? setTimeout(attempt, 1000) : location.reload();
  setTimeout(attempt, %d); })()'''


def track_presence(rt: Runtime, *, workshop_id: int, breakout_id: int) -> None:
    """Count this participant page as present in the breakout while it is connected."""
    client = ui.context.client

    async def enter() -> None:
        await rt.presence.enter(workshop_id=workshop_id, breakout_id=breakout_id, client_id=client.id)

    async def leave() -> None:
        await rt.presence.leave(workshop_id=workshop_id, breakout_id=breakout_id, client_id=client.id)

    client.on_connect(enter)
    client.on_disconnect(leave)
    client.on_delete(leave)


class NoticeBanner:
    """The lead moderator's notice and the plenary hint, on phones and walls. Its elements are made when there
    is something to show (a thousand phones joining build none of them)."""

    def __init__(self, _: Translate, workshop: Workshop, *, wall: bool = False, main_screen: bool = False) -> None:
        self._ = _
        self.wall = wall
        self.main_screen = main_screen  # the plenary wall is the main screen: no hint to follow itself
        self.slot = ui.element('div').classes('contents')  # no box of its own: no gap while empty
        self.card: ui.card | None = None
        self.show(workshop)

    def show(self, workshop: Workshop) -> None:
        parts = []
        if workshop.notice:
            parts.append(workshop.notice)
        if workshop.plenary and not self.main_screen:
            parts.append(self._('Plenary: please follow the main screen.'))
        if self.card is None:
            if not parts:
                return
            size = 'text-3xl p-4' if self.wall else 'text-base'
            with self.slot, ui.card().classes(f'w-full bg-amber-2 text-black {size}') \
                    .props('flat role=status aria-live=polite').mark('notice') as self.card:
                with ui.row().classes('items-center no-wrap gap-3'):
                    ui.icon('campaign', size='md' if not self.wall else 'xl')
                    self.text = ui.label('').classes('ws-idea')
        self.text.set_text(' — '.join(parts))
        self.card.set_visibility(bool(parts))


class ReloadPrompt:
    """Shown when the lead moderator edited the workshop's structure: reload when convenient (made when shown)."""

    def __init__(self, _: Translate) -> None:
        self._ = _
        self.slot = ui.element('div').classes('contents')  # no box of its own: no gap while empty
        self.shown = False

    def show(self) -> None:
        if self.shown:
            return
        self.shown = True
        _ = self._
        with self.slot, ui.card().classes('w-full bg-blue-1').props('flat bordered role=status') \
                .mark('reload-prompt'):
            with ui.row().classes('w-full items-center justify-between'):
                ui.label(_('The workshop was edited. Reload to see the changes.'))
                ui.button(_('Reload'), icon='refresh', on_click=ui.navigate.reload).props('unelevated no-caps') \
                    .classes('ws-tap')
