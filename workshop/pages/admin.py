"""Instance admin (secret link): all workshops of this server, and creating one from a template or from scratch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from nicegui import ui

from ..i18n import LANGUAGES, Translate, translate_error
from ..runtime import Runtime, runtime
from ..services import admin
from ..services.errors import ServiceError
from ..services.workshops import WorkshopLinks
from ..templates import TemplateError, available_templates, load_template
from .frame import content, frame
from .protocol import _named_picker as named_picker, word_template_upload
from .secret_links import ADMIN, MARK, copy_my_link, exchange, held_secret, invalid

SCRATCH = ''


@ui.page('/admin/{secret}')
async def admin_page(request: Request, secret: str) -> Response | None:
    """``/admin/SECRET`` is exchanged for a cookie (secret_links.py); ``/admin/~`` is the page."""
    rt = runtime()
    if secret != MARK:
        try:
            admin.check_admin(rt.settings.admin_secret, secret)
        except ServiceError as e:
            invalid(e)
            return None
        return exchange(ADMIN, secret)
    secret = held_secret(request, ADMIN)
    try:
        listed = await admin.list_workshops(rt.db, configured_secret=rt.settings.admin_secret, secret=secret)
        look = await admin.server_look(rt.db, configured_secret=rt.settings.admin_secret, secret=secret)
    except ServiceError as e:
        invalid(e)
        return None
    _ = frame(lambda _: _('Workshops on this server'), language=None)
    page = AdminPage(rt, _, secret)
    with content(wide=True):
        with ui.row().classes('w-full items-center justify-between gap-3'):
            ui.label(_('Workshops on this server')).classes('text-2xl font-bold').props('role=heading aria-level=1')
            copy_my_link(_, rt.link(f'/admin/{secret}'))
        page.build_form()
        page.created = ui.column().classes('w-full')
        page.build_look(look)
        ui.label(_('All workshops')).classes('text-lg font-semibold mt-4').props('role=heading aria-level=2')
        page.listing = ui.column().classes('w-full gap-2').mark('workshops')
        page.show_list(listed)


def _template_options(_: Translate) -> dict[str, str]:
    options = {SCRATCH: _('From scratch (one round, one topic)')}
    for name in available_templates():
        try:
            options[name] = f'{name} – {load_template(name).title}'
        except TemplateError:
            continue  # a broken template is reported by `workshop templates`, not offered here
    return options


class AdminPage:
    def __init__(self, rt: Runtime, _: Translate, secret: str) -> None:
        self.rt = rt
        self._ = _
        self.secret = secret
        self.created: ui.column
        self.listing: ui.column
        self.look_label: ui.label

    def build_form(self) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered').mark('create-form'):
            ui.label(_('Create a workshop')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            self.template = ui.select(_template_options(_), value=SCRATCH, label=_('Template')) \
                .classes('w-full').mark('template')
            self.title = ui.input(_('Title'), placeholder=_('Empty: the title of the template')) \
                .props('maxlength=300').classes('w-full').mark('title')
            with ui.column().classes('w-full gap-2').mark('scratch') as scratch:
                self.language = ui.select(LANGUAGES, value='de', label=_('Language')).classes('w-48') \
                    .mark('language')
                self.topic = ui.input(_('Topic'), placeholder=_('Empty: "Topic 1"')).props('maxlength=300') \
                    .classes('w-full').mark('topic')
                self.question = ui.textarea(_('First guiding question')).props('autogrow maxlength=1000') \
                    .classes('w-full').mark('question')
            scratch.bind_visibility_from(self.template, 'value', backward=lambda v: v == SCRATCH)
            ui.button(_('Create workshop'), icon='add', on_click=self.create).props('unelevated no-caps') \
                .mark('create')

    async def create(self) -> None:
        _ = self._
        scratch = self.template.value == SCRATCH
        try:
            links = await admin.create_workshop(
                self.rt.db, configured_secret=self.rt.settings.admin_secret, secret=self.secret,
                template=None if scratch else self.template.value, title=self.title.value,
                language=self.language.value if scratch else None, topic=self.topic.value if scratch else None,
                question=self.question.value if scratch else None)
            listed = await admin.list_workshops(self.rt.db, configured_secret=self.rt.settings.admin_secret,
                                                secret=self.secret)
        except ServiceError as e:
            ui.notify(translate_error(_, e), type='negative')
            return
        ui.notify(_('Workshop created'), type='positive')
        for field in (self.title, self.topic, self.question):
            field.set_value('')
        self.show_created(links)
        self.show_list(listed)

    def build_look(self, look: admin.ServerLookInfo) -> None:
        """The server's look of the protocol: what every workshop uses that has not uploaded its own."""
        _ = self._
        configured = self.rt.settings.admin_secret
        with ui.card().classes('w-full').props('flat bordered').mark('server-look'):
            ui.label(_('Look of the minutes on this server')).classes('text-lg font-semibold') \
                .props('role=heading aria-level=2')
            ui.label(_('Used by every workshop that has not set its own on its protocol page.')) \
                .classes('text-sm text-grey-8')
            self.look_label = ui.label().classes('text-sm').mark('server-look-state')

            async def run(action: Callable[[], Awaitable[admin.ServerLookInfo]]) -> bool:
                try:
                    info = await action()
                except ServiceError as e:
                    ui.notify(translate_error(_, e), type='negative')
                    return False
                ui.notify(_('Saved ✓'), type='positive')
                self._show_look(info)
                return True

            ui.label(_('Word template (.docx or .dotx): the Word protocol takes its styles, header, footer and logo')) \
                .classes('text-sm mt-2')

            async def template_uploaded(data: bytes, name: str) -> None:
                await run(lambda: admin.set_server_word_template(self.rt.db, configured_secret=configured,
                                                                 secret=self.secret, content=data, filename=name))
            word_template_upload(_, template_uploaded).mark('server-word-template')
            ui.button(_('Remove Word template'), icon='delete', on_click=lambda: run(
                lambda: admin.set_server_word_template(self.rt.db, configured_secret=configured, secret=self.secret,
                                                       content=None))) \
                .props('flat no-caps dense').mark('remove-server-word-template')

            ui.label(_('Organiser logo (PNG or JPEG) for the title page')).classes('text-sm mt-2')

            async def logo_uploaded(e: Any) -> None:
                data = await e.file.read()
                await run(lambda: admin.set_server_logo(self.rt.db, configured_secret=configured, secret=self.secret,
                                                        content=data))
                logo.reset()
            logo = ui.upload(on_upload=logo_uploaded, auto_upload=True, max_files=1) \
                .props('accept=".png,.jpg,.jpeg,image/png,image/jpeg" flat bordered').classes('w-full') \
                .mark('server-logo')
            named_picker(logo, _('Choose a logo file'))
            ui.button(_('Remove logo'), icon='hide_image', on_click=lambda: run(
                lambda: admin.set_server_logo(self.rt.db, configured_secret=configured, secret=self.secret,
                                              content=None))).props('flat no-caps dense').mark('remove-server-logo')

            colour = ui.input(_('Colour of headings and rules in the PDF (e.g. #1f4e79; empty: blue)'),
                              value=look.colour or '').props('outlined dense').classes('w-full mt-2') \
                .mark('server-colour')
            colour.on('change', lambda: run(lambda: admin.set_server_colour(
                self.rt.db, configured_secret=configured, secret=self.secret, colour=colour.value)))
        self._show_look(look)

    def _show_look(self, look: admin.ServerLookInfo) -> None:
        _ = self._
        parts = [_('Word template: {name}', name=look.word_template_name) if look.word_template_name
                 else _('No Word template'),
                 _('Logo: yes') if look.has_logo else _('No logo'),
                 _('Colour: {colour}', colour=look.colour) if look.colour else _('Colour: blue')]
        self.look_label.set_text(' · '.join(parts))

    def show_created(self, links: WorkshopLinks) -> None:
        _ = self._
        self.created.clear()
        with self.created, ui.card().classes('w-full').props('flat bordered role=status').mark('created'):
            ui.label(_('Workshop created')).classes('text-lg font-semibold')
            ui.label(links.title).classes('font-semibold')
            with ui.row().classes('items-center gap-3'):
                ui.label(_('Join code')).classes('text-grey-8')
                ui.label(links.join_code).classes('ws-code text-xl')
            ui.label(_('Next: edit the agenda, rounds, topics and questions; then hand out the moderator links '
                       'from the lead moderation page.')).classes('text-sm text-grey-8')
            with ui.row().classes('gap-4'):
                ui.link(_('Edit workshop'), f'/lead/{links.lead_secret}/edit').mark('created-edit')
                ui.link(_('Lead moderation'), f'/lead/{links.lead_secret}').mark('created-lead')

    def show_list(self, listed: list[admin.WorkshopSummary]) -> None:
        _ = self._
        self.listing.clear()
        with self.listing:
            if not listed:
                ui.label(_('No workshops yet.')).classes('text-grey-8').mark('no-workshops')
            for w in listed:
                with ui.card().classes('w-full').props('flat bordered').mark(f'workshop-{w.join_code}'):
                    with ui.row().classes('w-full items-center justify-between gap-3'):
                        with ui.column().classes('gap-0 min-w-0'):
                            ui.label(w.title).classes('font-semibold')
                            details = [w.date.strftime('%d.%m.%Y') if w.date else '', w.template or _('from scratch'),
                                       LANGUAGES.get(w.language, w.language)]
                            ui.label(' · '.join(d for d in details if d)).classes('text-sm text-grey-8')
                        with ui.row().classes('items-center gap-4'):
                            ui.label(w.join_code).classes('ws-code text-lg')
                            ui.link(_('Lead moderation'), f'/lead/{w.lead_secret}').mark(f'lead-{w.join_code}')
                            ui.link(_('Edit'), f'/lead/{w.lead_secret}/edit').mark(f'edit-{w.join_code}')
