"""How pages follow a workshop: subscriptions bound to the page's lifetime, presence, notices."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable

from nicegui import Client, ui

from ..bus import Handler
from ..events import Event, Resync, WorkshopChanged
from ..i18n import Translate, translator
from ..models import Workshop, utcnow
from ..runtime import Runtime
from ..services.lead import aware, shown_notice

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
    with client, ui.dialog().props('persistent') as dialog, ui.card().classes('ws-gone') \
            .props('role=alertdialog').mark('workshop-deleted'):  # above every banner (style.css)
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


# One banner at a time: style.css shows only the most important of a page's banners, by these ranks (1 first),
# and the next one when it goes — in the browser, so that what only the browser knows counts too (a notice
# whose time is over, a lost connection). Above them all: the deleted workshop (its dialog, ``ws-gone``), then
# the lost connection (NiceGUI's own popup), each hiding every banner.
BANNERS = {'plenary': 1, 'round': 2, 'notice': 3, 'reload': 4}


def banner(kind: str) -> str:
    """The classes of a banner of this kind."""
    return f'ws-banner ws-banner-{BANNERS[kind]}'


class Expiring(ui.element, component='expiring.js'):
    """Its content leaves the page by itself at ``until`` (the browser's timer, set right by the server's clock)."""

    def __init__(self, until: dt.datetime | None = None) -> None:
        super().__init__()
        self.set(until)

    def set(self, until: dt.datetime | None) -> None:
        until = aware(until)
        self._props['until'] = int(until.timestamp() * 1000) if until else None
        self._props['server-now'] = int(utcnow().timestamp() * 1000)
        self.update()


class NoticeBanner:
    """The lead moderator's notice and the plenary hint, on phones, walls and moderator pages: the plenary hint
    (the Resümee) before the notice, one at a time (``BANNERS``); a notice with a time limit leaves by itself.
    Its elements are made when there is something to show (a thousand phones joining build none of them)."""

    def __init__(self, _: Translate, workshop: Workshop, *, wall: bool = False, main_screen: bool = False) -> None:
        self._ = _
        self.wall = wall
        self.main_screen = main_screen  # the plenary wall is the main screen: no hint to follow itself
        self.slot = ui.element('div').classes('contents')  # no box of its own: no gap while empty
        self.hint: ui.card | None = None
        self.box: Expiring | None = None
        self.show(workshop)

    def _card(self, mark: str, classes: str = '') -> tuple[ui.card, ui.label]:
        size = 'text-3xl p-4' if self.wall else 'text-base'
        with ui.card().classes(f'w-full bg-amber-2 text-black {size} {classes}') \
                .props('flat role=status aria-live=polite').mark(mark) as card:
            with ui.row().classes('items-center no-wrap gap-3'):
                ui.icon('campaign', size='md' if not self.wall else 'xl')
                label = ui.label('').classes('ws-idea')
        return card, label

    def show(self, workshop: Workshop) -> None:
        plenary = workshop.plenary and not self.main_screen
        notice = shown_notice(workshop)
        if plenary and self.hint is None:
            with self.slot:
                self.hint, hint_text = self._card('plenary-hint', banner('plenary'))
            hint_text.set_text(self._('Plenary: please follow the main screen.'))
        if self.hint is not None:
            self.hint.set_visibility(plenary)
        if notice and self.box is None:
            # the wrapper is the banner (it is gone from the page when the notice's time is over)
            with self.slot, Expiring().classes(f'w-full {banner("notice")}') as self.box:
                _card, self.text = self._card('notice')
        if self.box is not None:
            self.text.set_text(notice or '')
            self.box.set(workshop.notice_until if notice else None)
            self.box.set_visibility(bool(notice) and not plenary)


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
        with self.slot, ui.card().classes(f'w-full bg-blue-1 {banner("reload")}') \
                .props('flat bordered role=status').mark('reload-prompt'):
            with ui.row().classes('w-full items-center justify-between'):
                ui.label(_('The workshop was edited. Reload to see the changes.'))
                ui.button(_('Reload'), icon='refresh', on_click=ui.navigate.reload).props('unelevated no-caps') \
                    .classes('ws-tap')
