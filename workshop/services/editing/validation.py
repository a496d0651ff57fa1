"""Cleaning the edit forms' input (the limits themselves are in ``workshop/limits.py``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ...i18n import LANGUAGES
from ...limits import DOTS_MAX, DOTS_MIN, GROUPS_MAX, TITLE_MAX
from ...models import AgendaKind, WorkshopFormat
from ..errors import N_, Invalid
from ..text import clean_optional, clean_text

_TIME = re.compile(r'^([01]?\d|2[0-3]):([0-5]\d)$')


def clean_time(value: str | None, *, field: str = N_('Time')) -> str | None:
    """'9:05' -> '09:05'; empty gives None."""
    if value is None or not str(value).strip():
        return None
    match = _TIME.match(str(value).strip())
    if not match:
        raise Invalid(N_('{field} must be a time like 14:30.'), field=field)
    return f'{int(match.group(1)):02d}:{match.group(2)}'


def clean_date(value: dt.date | str | None) -> dt.date | None:
    """A date, or text as 2026-05-26 or 26.05.2026; empty gives None."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ('%Y-%m-%d', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(N_('The date must look like 2026-05-26 or 26.05.2026.'))


def clean_format(value: WorkshopFormat | str) -> WorkshopFormat:
    try:
        return WorkshopFormat(value)
    except ValueError as e:
        raise Invalid(N_('Unknown workshop format.')) from e


def clean_language(value: str) -> str:
    if value not in LANGUAGES:
        raise Invalid(N_('Unknown language.'))
    return value


def clean_kind(value: AgendaKind | str) -> AgendaKind:
    try:
        return AgendaKind(value)
    except ValueError as e:
        raise Invalid(N_('Unknown kind of agenda item.')) from e


def clean_groups(values: Sequence[str] | None) -> list[str]:
    groups: list[str] = []
    seen: set[str] = set()
    for value in values or []:
        if value is None or not value.strip():
            continue
        group = clean_text(value, max_length=TITLE_MAX, field=N_('Stakeholder group'))
        if group.casefold() in seen:
            raise Invalid(N_('The stakeholder group "{group}" is listed twice.'), group=group)
        seen.add(group.casefold())
        groups.append(group)
    if len(groups) > GROUPS_MAX:
        raise Invalid(N_('At most {n} stakeholder groups are possible.'), n=GROUPS_MAX)
    return groups


def clean_dots(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not DOTS_MIN <= value <= DOTS_MAX:
        raise Invalid(N_('The dots per person must be a number between {min} and {max}.'), min=DOTS_MIN, max=DOTS_MAX)
    return value


def _title(value: str | None, field: str) -> str:
    return clean_text(value, max_length=TITLE_MAX, field=field)


def _block(value: str | None) -> str | None:
    return clean_optional(value, max_length=TITLE_MAX, field=N_('Block'))
