"""The frame every page shares: stylesheet, title, language, and error pages."""

from __future__ import annotations

from nicegui import ui

from ..i18n import Translate, translator


def frame(title: str, *, language: str | None, wall: bool = False) -> Translate:
    """Set up a page and return its translate function."""
    ui.page_title(title)
    ui.add_head_html('<link rel="stylesheet" href="/assets/style.css">')
    ui.colors(primary='#0b5cad')
    if wall:
        ui.query('body').classes('ws-wall')
    return translator(language)


def content(*, wide: bool = False) -> ui.column:
    """The main column: phone-width by default, wider for moderators."""
    width = 'max-w-6xl' if wide else 'max-w-xl'
    return ui.column().classes(f'w-full {width} mx-auto p-3 sm:p-6 gap-4').props('role=main')


def error_page(_: Translate, message: str, *, retry_code_box: bool = False) -> None:
    with content():
        with ui.card().classes('w-full').props('role=alert'):
            ui.label(message).classes('text-lg').mark('error')
        if retry_code_box:
            from .home import code_box
            code_box(_)
