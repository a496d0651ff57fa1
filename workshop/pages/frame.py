"""The frame every page shares: stylesheet, title, language, and error pages.

The language of a page is the workshop's language, unless this browser chose another one with the
language switch (stored in ``app.storage.user``; walls always follow the workshop). It sets the
translations, ``<html lang>`` and Quasar's language pack of this one page view.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from nicegui import app, ui

from ..i18n import LANGUAGES, Translate, language_or_default, page_language, translator

PREFERENCE = 'language'  # key in app.storage.user: the language this browser chose


def preferred_language() -> str | None:
    """The language chosen on this browser with the language switch, if any."""
    try:
        chosen = app.storage.user.get(PREFERENCE)
    except RuntimeError:  # no user storage outside a page (or without a storage secret)
        return None
    return chosen if chosen in LANGUAGES else None


def effective_language(language: str | None, *, wall: bool = False) -> str:
    """This browser's choice, else the workshop's language, else the default; walls ignore the choice."""
    return language_or_default(language if wall else preferred_language() or language)


def frame(title: str | Callable[[Translate], str], *, language: str | None, wall: bool = False) -> Translate:
    """Set up a page and return its translate function (in the language this page is shown in).

    ``title`` is the browser tab's title, or a function of the translate function that makes it.
    """
    chosen = effective_language(language, wall=wall)
    _set_page_language(chosen)
    _ = translator(chosen)
    ui.page_title(title(_) if callable(title) else title)
    ui.add_head_html('<link rel="stylesheet" href="/assets/style.css">')
    ui.colors(primary='#0b5cad', positive='#1e7b34')  # both hold 4.5:1 with white text (WCAG 1.4.3)
    if wall:
        ui.query('body').classes('ws-wall')
    return _


def _set_page_language(language: str) -> None:
    """``@ui.page(language=…)`` per page view: this client gets its own copy of the page's settings.

    NiceGUI renders ``<html lang>`` and loads Quasar's language pack from ``client.page.language``,
    which is fixed per route; the copy leaves the route (and every other client) untouched.
    """
    client = ui.context.client
    page = copy.copy(client.page)
    page.language = page_language(language)
    client.page = page


def language_switch(_: Translate) -> ui.row:
    """DE | EN for this browser only: the choice is remembered and the page reloads in that language."""
    current = getattr(_, 'language', None)  # a Translator knows its language

    def choose(language: str) -> None:
        app.storage.user[PREFERENCE] = language
        ui.navigate.reload()

    with ui.row().classes('gap-0 no-wrap shrink-0 ws-language').props('role=group').mark('language-switch') as row:
        row.props['aria-label'] = _('Language')
        for code, name in LANGUAGES.items():
            pressed = code == current
            button = ui.button(code.upper(), on_click=lambda c=code: choose(c)) \
                .props(f'{"unelevated" if pressed else "flat"} no-caps lang={code}') \
                .classes('ws-touch').mark(f'language-{code}')
            button.props['aria-label'] = f'{code.upper()} – {name}'  # the visible text, then the language's own name
            button.props['aria-pressed'] = 'true' if pressed else 'false'
    return row


def content(*, wide: bool = False) -> ui.column:
    """The main column: phone-width by default, wider for moderators."""
    width = 'max-w-6xl' if wide else 'max-w-xl'
    return ui.column().classes(f'w-full {width} mx-auto p-3 sm:p-6 gap-4')  # inside Quasar's <main class="q-page">


def error_page(_: Translate, message: str, *, retry_code_box: bool = False) -> None:
    with content():
        with ui.card().classes('w-full').props('role=alert'):
            ui.label(message).classes('text-lg').mark('error')
        if retry_code_box:
            from .home import code_box
            code_box(_)
