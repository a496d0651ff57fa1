"""Translations: English msgids in the code, gettext catalogues (.po) per language.

Catalogues are read with Babel at first use; German is the default language of
the UI, English is the source language (a msgid is its own English text).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / 'locale'
DEFAULT_LANGUAGE = 'de'
LANGUAGES = {'de': 'Deutsch', 'en': 'English'}
# the language tag of a page (<html lang>, Quasar's language pack) per UI language
PAGE_LANGUAGES = {'de': 'de', 'en': 'en-GB'}

Translate = Callable[..., str]


@lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / language / 'LC_MESSAGES' / 'messages.po'
    if not path.is_file():
        return {}
    with path.open('rb') as f:
        po = read_po(f, locale=language)
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}


def language_or_default(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def page_language(language: str | None) -> str:
    """The BCP 47 tag for ``<html lang>`` and Quasar's language pack: 'de' or 'en-GB'."""
    return PAGE_LANGUAGES[language_or_default(language)]


class Translator:
    """``_('Hello {name}', name=…)`` in one language, falling back to the English msgid."""

    def __init__(self, language: str | None) -> None:
        self.language = language_or_default(language)
        self.messages = catalogue(self.language)

    def __call__(self, message: str, **params: object) -> str:
        text = self.messages.get(message, message)
        return text.format(**params) if params else text


def translator(language: str | None) -> Translator:
    """The translate function ``_`` of a language (its ``.language`` says which one it is)."""
    return Translator(language)


def translate_error(_: Translate, error: Exception) -> str:
    """The user-facing text of a ``ServiceError`` (or a generic sentence for anything else)."""
    from .services.errors import ServiceError
    if isinstance(error, ServiceError):
        params = {k: _(v) if isinstance(v, str) and k == 'field' else v for k, v in error.params.items()}
        return _(error.message, **params)
    return _('Something went wrong. Please try again.')
