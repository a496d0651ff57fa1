"""Reading rendered protocols back: PDF text (pypdf), DOCX headings (python-docx)."""

from __future__ import annotations

import io
import re

from docx import Document
from pypdf import PdfReader

from workshop.db import Database
from workshop.protocol import archive
from workshop.protocol.document import ProtocolDocument, load_document
from workshop.services.imports import import_archive


def squash(text: str) -> str:
    """Text without spaces, line breaks and hyphens: a word hyphenated at a line end still matches."""
    return re.sub(r'[\s\-\u00ad]+', '', text)


def pdf_text(content: bytes) -> str:
    return '\n'.join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_paragraphs(content: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph in the body, in order."""
    return [(p.style.name, p.text) for p in Document(io.BytesIO(content)).paragraphs]


async def document_from_archive(db: Database, data: dict) -> ProtocolDocument:
    """The protocol of a workshop loaded from an archive (as the tests build protocols)."""
    workshop_id = await import_archive(db, data)
    async with db.session() as session:
        return await load_document(session, workshop_id)


async def archive_of(db: Database, workshop_id: int) -> dict:
    async with db.session() as session:
        return await archive.export_archive(session, workshop_id)
