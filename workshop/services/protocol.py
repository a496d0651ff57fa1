"""The lead moderator's work on the protocol: context, key results, conclusions, participation,
logo, naming authors, and marking the protocol final (a numbered, frozen version)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..bus import Bus
from ..db import Database
from ..events import WorkshopChanged
from ..limits import (
    CONCLUSION_TEXT_MAX,
    CONCLUSION_TITLE_MAX,
    CONCLUSIONS_MAX,
    CONTEXT_MAX,
    CORRECTION_MAX,
    LOGO_MAX_BYTES,
    WORD_TEMPLATE_MAX_BYTES,
)
from ..models import Conclusion, Participant, utcnow
from ..protocol import archive
from ..protocol.document import ProtocolDocument, as_utc, load_document
from ..protocol.layout import file_name
from ..protocol.models import SERVER_LOOK_ID, ProtocolSettings, ProtocolVersion, ServerLook
from ..protocol.render import FORMATS, FROZEN, Export, Runner, inline, render_all
from . import results
from .access import led_workshop
from .errors import N_, NP_, Invalid, NotFound, ServiceError
from .text import clean_text

LOGO_MAX_PIXELS = 6000


def _changed(workshop_id: int) -> WorkshopChanged:
    return WorkshopChanged(workshop_id=workshop_id, fields=('protocol',))


async def set_context(db: Database, bus: Bus, *, lead_secret: str, text: str | None) -> str:
    """The "Ausgangssituation": why the workshop was held (blank line: new paragraph; "- ": bullet)."""
    text = clean_text(text, max_length=CONTEXT_MAX, min_length=0, multiline=True, field=N_('Background'))
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.context = text
    await bus.publish(_changed(workshop.id))
    return text


def _conclusion_fields(title: str | None, text: str | None) -> tuple[str, str]:
    return (clean_text(title, max_length=CONCLUSION_TITLE_MAX, field=N_('Conclusion')),
            clean_text(text, max_length=CONCLUSION_TEXT_MAX, min_length=0, multiline=True,
                       field=N_('Explanation')))


async def _conclusions(session: AsyncSession, workshop_id: int) -> list[Conclusion]:
    return list((await session.exec(select(Conclusion).where(Conclusion.workshop_id == workshop_id)
                                    .order_by(col(Conclusion.position), col(Conclusion.id)))).all())


async def _conclusion(session: AsyncSession, workshop_id: int, conclusion_id: int) -> Conclusion:
    conclusion = await session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.workshop_id != workshop_id:
        raise NotFound(N_('This conclusion does not exist (any more).'))
    return conclusion


async def add_conclusion(db: Database, bus: Bus, *, lead_secret: str, title: str, text: str | None = '') -> int:
    """A numbered conclusion or recommendation at the end of the list; returns its id."""
    title, text = _conclusion_fields(title, text)
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        existing = await _conclusions(session, workshop.id)
        if len(existing) >= CONCLUSIONS_MAX:
            raise Invalid(N_('At most {n} conclusions.'), n=CONCLUSIONS_MAX)
        conclusion = Conclusion(workshop_id=workshop.id, position=(existing[-1].position + 1) if existing else 0,
                                title=title, text=text)
        session.add(conclusion)
        await session.flush()
        conclusion_id = conclusion.id
    await bus.publish(_changed(workshop.id))
    return conclusion_id


async def update_conclusion(db: Database, bus: Bus, *, lead_secret: str, conclusion_id: int, title: str,
                            text: str | None) -> None:
    title, text = _conclusion_fields(title, text)
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        conclusion = await _conclusion(session, workshop.id, conclusion_id)
        conclusion.title, conclusion.text = title, text
    await bus.publish(_changed(workshop.id))


async def delete_conclusion(db: Database, bus: Bus, *, lead_secret: str, conclusion_id: int) -> None:
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        await session.delete(await _conclusion(session, workshop.id, conclusion_id))
    await bus.publish(_changed(workshop.id))


async def move_conclusion(db: Database, bus: Bus, *, lead_secret: str, conclusion_id: int, step: int) -> None:
    """Move a conclusion one place up (-1) or down (+1); it stays at the ends."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        await _conclusion(session, workshop.id, conclusion_id)
        items = await _conclusions(session, workshop.id)
        index = next(i for i, c in enumerate(items) if c.id == conclusion_id)
        target = max(0, min(len(items) - 1, index + (1 if step > 0 else -1)))
        items.insert(target, items.pop(index))
        for position, item in enumerate(items):
            item.position = position
    await bus.publish(_changed(workshop.id))


async def set_participation_extra(db: Database, bus: Bus, *, lead_secret: str, group: str | None,
                                  count: int) -> dict[str, int]:
    """Correct the head count of a stakeholder group by hand (people without a phone: +2; a double join: -1).

    ``group`` None or '' is "not stated". Returns all corrections.
    """
    if not isinstance(count, int) or isinstance(count, bool) or not -CORRECTION_MAX <= count <= CORRECTION_MAX:
        raise Invalid(N_('The correction must be a whole number between {min} and {max}.'),
                      min=-CORRECTION_MAX, max=CORRECTION_MAX)
    key = (group or '').strip()
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        query = select(func.count()).select_from(Participant).where(
            Participant.workshop_id == workshop.id, col(Participant.removed).is_(False))
        query = query.where(Participant.stakeholder_group == key) if key else \
            query.where((Participant.stakeholder_group == None) | (Participant.stakeholder_group == ''))  # noqa: E711 - SQL: IS NULL
        joined = (await session.exec(query)).one()
        if key and key not in (workshop.stakeholder_groups or []) and not joined:
            raise Invalid(N_('Please choose a stakeholder group from the list.'))
        if joined + count < 0:
            raise Invalid(NP_('Only one person of this group joined in the app; the correction cannot take away '
                              'more.',
                              'Only {n} people of this group joined in the app; the correction cannot take away '
                              'more.'), n=joined)
        extra = dict(workshop.participation_extra or {})
        if count:
            extra[key] = count
        else:
            extra.pop(key, None)
        workshop.participation_extra = extra
    await bus.publish(_changed(workshop.id))
    return extra


async def set_key_results(db: Database, bus: Bus, *, lead_secret: str, breakout_id: int,
                          items: list[str]) -> list[str]:
    """The lead moderator edits a breakout's key results (each keeps the ideas it rests on)."""
    return await results.set_breakout_results(db, bus, lead_secret=lead_secret, breakout_id=breakout_id,
                                              items=items)


async def set_name_authors(db: Database, bus: Bus, *, lead_secret: str, name_authors: bool) -> None:
    """Whether the protocol names the authors of ideas (only those who gave a name)."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        workshop.name_authors = bool(name_authors)
    await bus.publish(_changed(workshop.id))


def _image_type(content: bytes) -> str:
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise Invalid(N_('The logo must be a PNG or JPEG image.')) from None
    if kind not in ('PNG', 'JPEG'):
        raise Invalid(N_('The logo must be a PNG or JPEG image.'))
    if max(width, height) > LOGO_MAX_PIXELS:
        raise Invalid(N_('The logo is too large: at most {n} pixels wide and high.'), n=LOGO_MAX_PIXELS)
    return 'image/png' if kind == 'PNG' else 'image/jpeg'


async def set_logo(db: Database, bus: Bus, *, lead_secret: str, content: bytes | None) -> None:
    """The organiser's logo on the protocol's title block (PNG or JPEG); ``None`` removes it."""
    media_type = None
    if content:
        if len(content) > LOGO_MAX_BYTES:
            raise Invalid(N_('The logo is too large: at most {n} MB.'), n=LOGO_MAX_BYTES // 1_000_000)
        media_type = _image_type(content)
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)
        settings = await _settings(session, workshop.id)
        settings.logo = content or None
        settings.logo_type = media_type
    await bus.publish(_changed(workshop.id))


async def _settings(session: AsyncSession, workshop_id: int) -> ProtocolSettings:
    settings = (await session.exec(select(ProtocolSettings)
                                   .where(ProtocolSettings.workshop_id == workshop_id))).first()
    if settings is None:
        settings = ProtocolSettings(workshop_id=workshop_id)
        session.add(settings)
    return settings


_HEX = re.compile(r'#?([0-9a-fA-F]{6})')


def clean_colour(colour: str | None) -> str | None:
    """"#1f4e79" from "1F4E79" or "#1f4e79"; empty: None (the app's blue)."""
    value = (colour or '').strip()
    if not value:
        return None
    match = _HEX.fullmatch(value)
    if match is None:
        raise Invalid(N_('The colour must be a hex colour such as #1f4e79.'))
    return '#' + match.group(1).lower()


def logo_type(content: bytes) -> str:
    """The media type of a logo that may be used (PNG or JPEG, not too large), or ``Invalid``."""
    if len(content) > LOGO_MAX_BYTES:
        raise Invalid(N_('The logo is too large: at most {n} MB.'), n=LOGO_MAX_BYTES // 1_000_000)
    return _image_type(content)


async def set_colour(db: Database, bus: Bus, *, lead_secret: str, colour: str | None) -> str | None:
    """The organisation's colour for the PDF's headings and rules ("#1f4e79"); empty: the app's blue."""
    value = (colour or '').strip()
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)  # who asks first: a stranger learns nothing
        if value:
            match = _HEX.fullmatch(value)
            if match is None:
                raise Invalid(N_('The colour must be a hex colour such as #1f4e79.'))
            value = '#' + match.group(1).lower()
        (await _settings(session, workshop.id)).colour = value or None
    await bus.publish(_changed(workshop.id))
    return value or None


WORD_TEMPLATE_TYPES = ('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
                       'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml')


def _check_word_template(content: bytes) -> None:
    """A real Word document or template: a zip with word/document.xml of a document's or template's type,
    that python-docx opens (a .dotx through ``protocol.docx.open_template``)."""
    import zipfile

    from ..protocol.docx import open_template
    not_word = Invalid(N_('The template must be a Word document or template (.docx or .dotx).'))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
            types = package.read('[Content_Types].xml').decode('utf-8', 'replace') \
                if '[Content_Types].xml' in names else ''
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        raise not_word from None
    if 'word/document.xml' not in names or not any(t in types for t in WORD_TEMPLATE_TYPES):
        raise not_word
    try:
        open_template(content)
    except Exception:  # noqa: BLE001 - anything python-docx cannot read is no usable template
        raise Invalid(N_('The Word template could not be read. Please save it again in Word and upload it '
                         'once more.')) from None


def check_word_template(content: bytes) -> None:
    """``Invalid`` unless ``content`` is a Word document or template python-docx can use."""
    _check_word_template(content)


async def set_word_template(db: Database, bus: Bus, *, lead_secret: str, content: bytes | None,
                            filename: str | None = None) -> None:
    """The organisation's Word template (.docx or .dotx with its styles, header, footer and logo) that the DOCX
    protocol is written into; ``None`` removes it."""
    async with db.transaction() as session:
        workshop = await led_workshop(session, lead_secret)  # who asks first: a stranger learns nothing
        if content:
            if len(content) > WORD_TEMPLATE_MAX_BYTES:
                raise Invalid(N_('The Word template is too large: at most {n} MB.'),
                              n=WORD_TEMPLATE_MAX_BYTES // 1_000_000)
            _check_word_template(content)
        settings = await _settings(session, workshop.id)
        settings.word_template = content or None
        settings.word_template_name = ((filename or '').strip()[-200:] or 'template.docx') if content else None
    await bus.publish(_changed(workshop.id))


async def word_template_name(session: AsyncSession, workshop_id: int) -> str | None:
    """The file name of the workshop's Word template (None: none uploaded)."""
    return (await session.exec(select(ProtocolSettings.word_template_name)
                               .where(ProtocolSettings.workshop_id == workshop_id))).first()


async def server_word_template_name(session: AsyncSession) -> str | None:
    """The file name of the server's Word template (admin page), which workshops without their own use."""
    look = await session.get(ServerLook, SERVER_LOOK_ID)
    return look.word_template_name if look is not None and look.word_template else None


# --- final versions ----------------------------------------------------------------------------------

class Finding(ServiceError):
    """A point to check before marking the protocol final (shown, never raised)."""


def final_findings(doc: ProtocolDocument) -> list[Finding]:
    """What a final version would still show as a placeholder or leave empty, in the protocol's order: the
    lead confirms these before marking final."""
    findings = []
    if not doc.context.strip():
        findings.append(Finding(N_('The background is empty (the protocol says "No background text yet.").')))
    for topic in doc.topics:
        if not topic.key_results and not any(q.key_results for q in topic.questions):
            findings.append(Finding(N_('Topic {n} ({title}) has no key results.'), n=topic.number,
                                    title=topic.title))
        empty = [q.full_label for q in topic.questions if not q.groups]
        if empty:
            findings.append(Finding(NP_('Topic {topic}: guiding question {labels} has no contributions '
                                        '(it is left out).',
                                        'Topic {topic}: {n} guiding questions have no contributions ({labels}; '
                                        'they are left out).'),
                                    n=len(empty), topic=topic.number, labels=', '.join(empty)))
    if not doc.conclusions:
        findings.append(Finding(N_('No conclusions are recorded (the protocol says "No conclusions recorded '
                                   'yet.").')))
    if not doc.participants:
        findings.append(Finding(N_('Nobody is counted as a participant.')))
    return findings


async def check_final(db: Database, *, lead_secret: str) -> list[Finding]:
    """``final_findings`` of the protocol as it is now."""
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        doc = await load_document(session, workshop.id)
    return final_findings(doc)


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: dt.datetime
    checksum: str


async def mark_final(db: Database, bus: Bus, *, lead_secret: str, runner: Runner = inline) -> VersionInfo:
    """Freeze the protocol as it is now: the next version number, the time, the SHA-256 of the archive
    it was rendered from, and every rendering, so that this version stays downloadable as it was.

    ``runner`` renders off the event loop (the page passes NiceGUI's ``run.cpu_bound``).
    """
    async with db.session() as session:
        workshop = await led_workshop(session, lead_secret)
        doc = await load_document(session, workshop.id)
        data = await archive.export_archive(session, workshop.id)
        last = await _last_version(session, workshop.id)
    checksum, look = archive.checksum(data), look_of(doc.logo, doc.colour, doc.word_template)
    if last is not None and last.checksum == checksum and (last.look or LOOK_NONE) == look:
        raise Invalid(N_('Nothing has changed since final version {n}.'), n=last.number)
    number = (last.number if last else 0) + 1
    now = utcnow()
    doc = dataclasses.replace(doc, version=number, version_at=now, checksum=checksum, last_version=None,
                              changes=[], generated_at=now)
    files = await runner(render_all, doc)
    if files is None:  # the app is shutting down
        raise Invalid(N_('The protocol could not be rendered. Please try again.'))
    try:
        async with db.transaction() as session:
            workshop = await led_workshop(session, lead_secret)
            latest = await _last_version(session, workshop.id)
            if (latest.number if latest else 0) != number - 1:
                raise Invalid(N_('Someone else marked the protocol final at the same moment. Please try again.'))
            session.add(ProtocolVersion(workshop_id=workshop.id, number=number, created_at=now, checksum=checksum,
                                        look=look,
                                        archive=archive.dumps(data), pdf=files['pdf'], docx=files['docx'],
                                        markdown=files['md'].decode('utf-8'), csv=files['csv'].decode('utf-8')))
    except IntegrityError:  # the unique (workshop, number) of a concurrent freeze
        raise Invalid(N_('Someone else marked the protocol final at the same moment. Please try again.')) from None
    await bus.publish(_changed(workshop.id))
    return VersionInfo(number=number, created_at=now, checksum=checksum)


def look_of(logo: bytes | None, colour: str | None, word_template: bytes | None) -> str:
    """SHA-256 of what the protocol looks like beyond its content: the logo, the colour and the Word template."""
    digest = hashlib.sha256()
    for part in (logo or b'', (colour or '').encode(), word_template or b''):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


LOOK_NONE = look_of(None, None, None)  # also what a version made before the look was recorded counts as


async def _last_version(session: AsyncSession, workshop_id: int) -> ProtocolVersion | None:
    return (await session.exec(select(ProtocolVersion).where(ProtocolVersion.workshop_id == workshop_id)
                               .order_by(col(ProtocolVersion.number).desc()).limit(1))).first()


async def versions(session: AsyncSession, workshop_id: int) -> list[VersionInfo]:
    """The final versions, newest first (without their files)."""
    rows = await session.exec(select(ProtocolVersion.number, ProtocolVersion.created_at, ProtocolVersion.checksum)
                              .where(ProtocolVersion.workshop_id == workshop_id)
                              .order_by(col(ProtocolVersion.number).desc()))
    return [VersionInfo(number=n, created_at=as_utc(at), checksum=c) for n, at, c in rows.all()]


async def version_file(session: AsyncSession, *, workshop_id: int, number: int, fmt: str) -> Export:
    """A frozen version in one format, exactly as it was made."""
    if fmt not in FROZEN:
        raise NotFound(N_('Unknown format.'))
    version = (await session.exec(select(ProtocolVersion).where(ProtocolVersion.workshop_id == workshop_id,
                                                                ProtocolVersion.number == number))).first()
    if version is None:
        raise NotFound(N_('There is no final version {n}.'), n=number)
    content = {'pdf': version.pdf, 'docx': version.docx, 'md': version.markdown.encode('utf-8'),
               'csv': version.csv.encode('utf-8'),  # stored with its byte order mark
               'json': version.archive.encode('utf-8')}[fmt]
    w = json.loads(version.archive)['workshop']
    date = dt.date.fromisoformat(w['date']) if w['date'] else None
    extension, media_type = FORMATS[fmt]
    name = file_name(w['title'], date, w['language'], number, extension, kind='archive' if fmt == 'json' else None)
    return Export(content, name, media_type)
