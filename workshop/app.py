"""Wiring: create the runtime, register the pages, run the server."""

from __future__ import annotations

import logging
from pathlib import Path

from nicegui import app, ui

from .bus import InProcessBus
from .config import Settings
from .db import Database
from .presence import Presence
from .runtime import Runtime, install

ASSETS = Path(__file__).resolve().parent.parent / 'assets'
log = logging.getLogger(__name__)


def setup(settings: Settings) -> Runtime:
    """Prepare everything before the first request: schema, bus, pages, static files."""
    db = Database(settings.database_url)
    db.create_schema()
    bus = InProcessBus()
    rt = Runtime(settings=settings, db=db, bus=bus, presence=Presence(bus))
    install(rt)
    from . import pages  # noqa: F401  # registers the routes
    app.add_static_files('/assets', ASSETS)
    app.on_shutdown(rt.close)
    return rt


def serve(settings: Settings) -> None:
    setup(settings)
    ui.run(host=settings.host, port=settings.port, title='Workshop', language='de', favicon='🗣️',
           storage_secret=settings.ensure_storage_secret(), reload=False, show=False,
           show_welcome_message=False, uvicorn_logging_level='warning')
