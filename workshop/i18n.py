"""Translations: English msgids in the code, gettext catalogues (.po) per language.

Catalogues are read with Babel at first use; German is the default language of
the UI, English is the source language (a msgid is its own English text).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / 'locale'
DEFAULT_LANGUAGE = 'de'
LANGUAGES = {'de': 'Deutsch', 'en': 'English'}
# the language tag of a page (<html lang>, Quasar's language pack) per UI language
PAGE_LANGUAGES = {'de': 'de', 'en': 'en-GB'}

Translate = Callable[..., str]


@cache
def _read(language: str):  # noqa: ANN202 - babel.messages.catalog.Catalog, or None; parsed once per process
    path = LOCALE_DIR / language / 'LC_MESSAGES' / 'messages.po'
    if not path.is_file():
        return None
    with path.open('rb') as f:
        return read_po(f, locale=language)


@cache
def catalogue(language: str) -> dict[str, str]:
    """msgid → translation; a plural message by its singular msgid, with its singular translation
    (``plural_catalogue`` has all its forms)."""
    po = _read(language)
    if po is None:
        return {}
    found = {}
    for m in po:
        if not m.id or not m.string or m.fuzzy:
            continue
        if m.pluralizable:
            if all(m.string):
                found[m.id[0]] = m.string[0]
        else:
            found[m.id] = m.string
    return found


@cache
def plural_catalogue(language: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(singular msgid, plural msgid) → the translated forms, for the messages with plural forms."""
    po = _read(language)
    if po is None:
        return {}
    return {tuple(m.id): tuple(m.string) for m in po if m.pluralizable and m.id and all(m.string) and not m.fuzzy}


@cache
def _translations(language: str) -> gettext.NullTranslations:
    """The catalogue as gettext translations: the language's plural rule (Plural-Forms) picks the form."""
    po = _read(language)
    if po is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


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

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        """A message with a count: ``_.ngettext('{n} idea', '{n} ideas', n)`` (``n`` is passed on as ``{n}``)."""
        return _translations(self.language).ngettext(singular, plural, n).format(n=n, **params)

    def plural_forms(self, singular: str, plural: str) -> list[str]:
        """The unformatted forms for one and for many, for the browser to choose from
        (both UI languages use one form for 1 and another for every other number)."""
        t = _translations(self.language)
        return [t.ngettext(singular, plural, 1), t.ngettext(singular, plural, 2)]


def translator(language: str | None) -> Translator:
    """The translate function ``_`` of a language (its ``.language`` says which one it is)."""
    return Translator(language)


def translate_error(_: Translate, error: Exception) -> str:
    """The user-facing text of a ``ServiceError`` (or a generic sentence for anything else)."""
    from .services.errors import ServiceError
    if isinstance(error, ServiceError):
        # a field's name is a msgid; an error given as a parameter (why a step failed) is said in the language too
        params = {k: _(v) if isinstance(v, str) and k == 'field' else
                  translate_error(_, v) if isinstance(v, ServiceError) else v for k, v in error.params.items()}
        if error.plural is not None and isinstance(params.get('n'), int) and hasattr(_, 'ngettext'):
            n = params.pop('n')
            return _.ngettext(error.message, error.plural, n, **params)
        return _(error.message, **params)
    return _('Something went wrong. Please try again.')
