"""One entry point for every export format: the bytes, a file name and a media type.

Rendering is CPU work (a large PDF takes a second or two). ``export`` reads the
database on the event loop (async, quick), then hands the picklable document to a
``runner``: the page and the download route pass NiceGUI's ``run.cpu_bound`` (a worker
process, so live rooms never wait); the command line renders inline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..db import Database
from . import archive, layout
from .document import ProtocolDocument, load_document

FORMATS: dict[str, tuple[str, str]] = {  # format -> (file extension, media type)
    'pdf': ('pdf', 'application/pdf'),
    'docx': ('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    'md': ('md', 'text/markdown; charset=utf-8'),
    'csv': ('csv', 'text/csv; charset=utf-8'),
    'json': ('json', 'application/json'),
    'pptx': ('pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'),
}
FROZEN = ('pdf', 'docx', 'md', 'csv', 'json')  # what a final version keeps (the slides are made afresh)

Runner = Callable[..., Awaitable[Any]]


async def inline(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def render(fmt: str, doc: ProtocolDocument) -> bytes:
    """The document in one of the formats pdf, docx, md, csv, pptx (a pure function: runs in a worker process)."""
    if fmt == 'pdf':
        from .pdf import render_pdf
        return render_pdf(doc)
    if fmt == 'docx':
        from .docx import render_docx
        return render_docx(doc)
    if fmt == 'md':
        from .markdown import markdown_bytes
        return markdown_bytes(doc)
    if fmt == 'csv':
        from .csv import csv_bytes
        return csv_bytes(doc)
    if fmt == 'pptx':
        from .pptx import render_pptx
        return render_pptx(doc)
    raise ValueError(f'unknown format {fmt!r}; choose one of {", ".join(FORMATS)}')


def render_all(doc: ProtocolDocument) -> dict[str, bytes]:
    """Every rendered format at once (for freezing a version in one worker call)."""
    return {fmt: render(fmt, doc) for fmt in ('pdf', 'docx', 'md', 'csv')}


@dataclass(frozen=True)
class Export:
    content: bytes
    filename: str
    media_type: str


async def export(db: Database, workshop_id: int, fmt: str, *, runner: Runner = inline) -> Export:
    """Read the workshop now and render it in ``fmt`` (also while the workshop runs)."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown format {fmt!r}; choose one of {", ".join(FORMATS)}')
    extension, media_type = FORMATS[fmt]
    async with db.session() as session:
        doc = await load_document(session, workshop_id)
        data = await archive.export_archive(session, workshop_id) if fmt == 'json' else None
    if data is not None:
        content = archive.dumps(data).encode('utf-8')
        name = layout.filename(doc, extension, kind='archive')
    else:
        content = await runner(render, fmt, doc)
        name = layout.filename(doc, extension, kind=_summary(doc) if fmt == 'pptx' else None)
    return Export(content, name, media_type)


def _summary(doc: ProtocolDocument) -> str:
    """The slides are the plenary summary, not the minutes: "…-resuemee.pptx"."""
    return 'resuemee' if doc.language == 'de' else 'summary'
