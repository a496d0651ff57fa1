"""Cleaning of user-typed text before it is stored."""

from __future__ import annotations

import re
import unicodedata

from .errors import N_, Invalid

# zero-width characters and bidirectional overrides can hide or reorder text
_INVISIBLE = re.compile('[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]')
_MANY_NEWLINES = re.compile(r'\n{3,}')


def clean_text(value: str | None, *, max_length: int, min_length: int = 1, multiline: bool = False,
               field: str = N_('Text')) -> str:
    """Normalise, strip and check the length; raises ``Invalid`` with a readable message."""
    text = unicodedata.normalize('NFC', value or '')
    text = text.replace('\r\n', '\n').replace('\r', '\n')
    text = _INVISIBLE.sub('', text)
    text = ''.join(c for c in text if c == '\n' or unicodedata.category(c) != 'Cc')
    if multiline:
        text = _MANY_NEWLINES.sub('\n\n', '\n'.join(line.strip() for line in text.split('\n')))
    else:
        text = ' '.join(text.split())
    text = text.strip()
    if len(text) < min_length:
        raise Invalid(N_('{field} must not be empty.'), field=field) if min_length == 1 else \
            Invalid(N_('{field} needs at least {min} characters.'), field=field, min=min_length)
    if len(text) > max_length:
        raise Invalid(N_('{field} is too long: {length} characters, at most {max} are allowed.'),
                      field=field, length=len(text), max=max_length)
    return text


def clean_optional(value: str | None, *, max_length: int, field: str) -> str | None:
    """Like ``clean_text`` for optional fields: empty input gives ``None``."""
    if value is None or not value.strip():
        return None
    return clean_text(value, max_length=max_length, field=field)
