"""Cleaning of user-typed text before it is stored."""

from __future__ import annotations

import re
import unicodedata

from .errors import N_, Invalid

# zero-width characters, bidirectional overrides and other invisible characters can hide or reorder text
# (soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian vowel separator,
# interlinear annotations, tag characters); the joiners U+200C/U+200D are handled by _joiners
_INVISIBLE = re.compile('[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f'
                        '\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb'
                        '\U000e0000-\U000e007f]')
_JOINER = re.compile('[\u200c\u200d]')
_EMOJI_PART = {'So', 'Sk', 'Mn', 'Me'}  # pictographs, skin tones, variation selector 16, keycaps


def _joiners(text: str) -> str:
    """Keep a zero-width joiner inside an emoji sequence (👩‍💻) and a non-joiner between letters of scripts
    that need it (Persian, Indic); drop them everywhere else, where they only hide things."""
    def keep(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() > 0 else ''
        after = text[m.end()] if m.end() < len(text) else ''
        if not before or not after:
            return ''
        if m.group() == '\u200d':
            ok = unicodedata.category(before) in _EMOJI_PART and unicodedata.category(after) == 'So'
        else:
            ok = all(not c.isascii() and unicodedata.category(c)[0] in 'LM' for c in (before, after))
        return m.group() if ok else ''
    return _JOINER.sub(keep, text)
_MANY_NEWLINES = re.compile(r'\n{3,}')


def clean_text(value: str | None, *, max_length: int, min_length: int = 1, multiline: bool = False,
               field: str = N_('Text')) -> str:
    """Normalise, strip and check the length; raises ``Invalid`` with a readable message."""
    text = unicodedata.normalize('NFC', value or '')
    text = text.replace('\r\n', '\n').replace('\r', '\n')
    text = _joiners(_INVISIBLE.sub('', text))
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
