"""Start page: type the short join code shown on the screen."""

from __future__ import annotations

from nicegui import ui

from ..i18n import DEFAULT_LANGUAGE, Translate, translate_error
from ..runtime import runtime
from ..services.codes import JOIN_CODE_LENGTH, normalise_join_code
from ..services.errors import ServiceError
from ..services.throttle import find_code
from .frame import content, frame, language_switch
from .session import participant_tokens


@ui.page('/')
def home_page() -> None:
    _ = frame('Workshop', language=DEFAULT_LANGUAGE)
    with content():
        with ui.row().classes('w-full items-start justify-between no-wrap gap-2'):
            ui.label(_('Join a workshop')).classes('text-2xl font-bold').props('role=heading aria-level=1')
            language_switch(_)
        ui.label(_('Enter the code shown on the screen, or scan the QR code with your phone camera.'))
        code_box(_)


def code_box(_: Translate) -> None:
    async def submit() -> None:
        code = normalise_join_code(box.value or '')
        if len(code) != JOIN_CODE_LENGTH:
            message.set_text(_('A join code has {n} characters, like K7M2QX.', n=JOIN_CODE_LENGTH))
            return
        try:
            rt = runtime()
            async with rt.db.session() as session:
                await find_code(session, code, address=ui.context.client.ip, throttle=rt.throttle,
                                tokens=participant_tokens())
        except ServiceError as e:
            message.set_text(translate_error(_, e))
            return
        ui.navigate.to(f'/j/{code}')

    with ui.row().classes('w-full items-start gap-2 no-wrap'):
        box = ui.input(_('Join code')).props('outlined autocapitalize=characters autocomplete=off spellcheck=false '
                                            'maxlength=12 input-class=ws-code') \
            .classes('grow text-lg').mark('join-code').on('keydown.enter', submit)
        ui.button(_('Join'), on_click=submit).props('unelevated size=lg').mark('join-submit')
    message = ui.label('').classes('text-negative').props('role=alert aria-live=assertive').mark('join-message')
