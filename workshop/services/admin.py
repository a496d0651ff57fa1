"""The instance admin (secret link ``/admin/{secret}``): creating workshops and listing them, and the server's
look of the protocol (a Word template, a logo, a colour) for workshops without their own.

The admin secret comes from the settings (``WORKSHOP_ADMIN_SECRET`` or the one made on first
start); without one configured, every admin request is refused.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from ..db import Database
from ..i18n import LANGUAGES
from ..limits import QUESTION_MAX, TITLE_MAX, WORD_TEMPLATE_MAX_BYTES
from ..models import WorkshopStatus
from ..protocol.models import SERVER_LOOK_ID, ServerLook
from ..templates import TemplateError, TopicSpec, WorkshopTemplate, available_templates, load_template
from .errors import N_, Forbidden, Invalid, NotFound
from .protocol import check_word_template, clean_colour, logo_type
from .text import clean_optional, clean_text
from .workshops import WorkshopLinks, create_from_template, list_workshops as _list_workshops

INVALID_ADMIN_LINK = N_('This admin link is not valid.')


@dataclass(frozen=True)
class WorkshopSummary:
    workshop_id: int
    title: str
    date: dt.date | None
    join_code: str
    lead_secret: str
    status: WorkshopStatus
    template: str | None
    language: str


def is_admin(configured_secret: str | None, secret: str | None) -> bool:
    """Constant-time comparison; no configured secret means nobody is admin."""
    if not configured_secret or not secret:
        return False
    return secrets.compare_digest(configured_secret.encode('utf-8'), secret.encode('utf-8'))


def check_admin(configured_secret: str | None, secret: str | None) -> None:
    if not is_admin(configured_secret, secret):
        raise Forbidden(INVALID_ADMIN_LINK)


async def list_workshops(db: Database, *, configured_secret: str | None, secret: str | None) -> list[WorkshopSummary]:
    """All workshops of this instance, newest first."""
    check_admin(configured_secret, secret)
    async with db.session() as session:
        rows = await _list_workshops(session)
    return [WorkshopSummary(w.id, w.title, w.date, w.join_code, w.lead_secret, w.status, w.template, w.language)
            for w in rows]


async def create_workshop(db: Database, *, configured_secret: str | None, secret: str | None, template: str | None,
                          title: str | None = None, language: str | None = None, topic: str | None = None,
                          question: str | None = None, date: dt.date | None = None) -> WorkshopLinks:
    """A workshop from a template in ``sessions/`` (``title``/``language`` override the template's when
    given), or with ``template=None`` from scratch: one round, one topic with the typed question."""
    check_admin(configured_secret, secret)
    title = clean_optional(title, max_length=TITLE_MAX, field=N_('Title'))
    if language is not None and language not in LANGUAGES:
        raise Invalid(N_('Unknown language.'))
    if template:
        spec, name = _template(template), template
        updates = {k: v for k, v in (('title', title), ('language', language)) if v is not None}
        spec = spec.model_copy(update=updates) if updates else spec
    else:
        if title is None:
            raise Invalid(N_('{field} must not be empty.'), field=N_('Title'))
        language = language or 'de'
        text = clean_text(question, max_length=QUESTION_MAX, field=N_('Guiding question'))
        topic_title = clean_optional(topic, max_length=TITLE_MAX, field=N_('Topic title')) or \
            ('Thema 1' if language == 'de' else 'Topic 1')
        spec, name = WorkshopTemplate(title=title, language=language,
                                      topics=[TopicSpec(title=topic_title, questions=[text])]), None
    return await create_from_template(db, template=spec, template_name=name, date=date)


def _template(name: str) -> WorkshopTemplate:
    if name not in available_templates():  # names only: never a path typed into a form
        raise NotFound(N_('There is no template named {name}.'), name=name)
    try:
        return load_template(name)
    except TemplateError as e:
        raise Invalid(N_('The template {name} cannot be used: {error}'), name=name, error=str(e)) from e


# --- the server's look of the protocol -----------------------------------------------------------------------

@dataclass(frozen=True)
class ServerLookInfo:
    word_template_name: str | None  # None: no server-wide Word template
    colour: str | None
    has_logo: bool


async def server_look(db: Database, *, configured_secret: str | None, secret: str | None) -> ServerLookInfo:
    check_admin(configured_secret, secret)
    async with db.session() as session:
        look = await session.get(ServerLook, SERVER_LOOK_ID)
    return _info(look)


def _info(look: ServerLook | None) -> ServerLookInfo:
    if look is None:
        return ServerLookInfo(None, None, False)
    return ServerLookInfo(look.word_template_name if look.word_template else None, look.colour, bool(look.logo))


async def _server_look(session: AsyncSession) -> ServerLook:
    look = await session.get(ServerLook, SERVER_LOOK_ID)
    if look is None:
        look = ServerLook(id=SERVER_LOOK_ID)
        session.add(look)
    return look


async def set_server_word_template(db: Database, *, configured_secret: str | None, secret: str | None,
                                   content: bytes | None, filename: str | None = None) -> ServerLookInfo:
    """The Word template (.docx or .dotx) of every workshop's DOCX protocol that has none of its own; ``None``
    removes it."""
    check_admin(configured_secret, secret)
    if content:
        if len(content) > WORD_TEMPLATE_MAX_BYTES:
            raise Invalid(N_('The Word template is too large: at most {n} MB.'), n=WORD_TEMPLATE_MAX_BYTES // 1_000_000)
        check_word_template(content)
    async with db.transaction() as session:
        look = await _server_look(session)
        look.word_template = content or None
        look.word_template_name = ((filename or '').strip()[-200:] or 'template.docx') if content else None
        info = _info(look)
    return info


async def set_server_colour(db: Database, *, configured_secret: str | None, secret: str | None,
                            colour: str | None) -> ServerLookInfo:
    """The colour of the PDF's headings and rules for workshops without their own; empty: the app's blue."""
    check_admin(configured_secret, secret)
    value = clean_colour(colour)
    async with db.transaction() as session:
        look = await _server_look(session)
        look.colour = value
        info = _info(look)
    return info


async def set_server_logo(db: Database, *, configured_secret: str | None, secret: str | None,
                          content: bytes | None) -> ServerLookInfo:
    """The logo (PNG or JPEG) on the title block of protocols whose workshop has none; ``None`` removes it."""
    check_admin(configured_secret, secret)
    media_type = logo_type(content) if content else None
    async with db.transaction() as session:
        look = await _server_look(session)
        look.logo, look.logo_type = content or None, media_type
        info = _info(look)
    return info
