"""Wiring: create the runtime, register the pages, run the server."""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path

from nicegui import app, run, ui

from . import security, speedups
from .bus import BrokerURLError, Bus, InProcessBus, RedisBus
from .config import Settings
from .db import Database, SchemaError, head_revision, safe_url
from .presence import Presence, SharedPresence
from .runtime import Runtime, install

ASSETS = Path(__file__).resolve().parent.parent / 'assets'
log = logging.getLogger(__name__)


def setup(settings: Settings) -> Runtime:
    """Prepare everything before the first request: schema, bus, pages, static files."""
    speedups.install()
    db = Database(settings.database_url)
    prepare_schema(db, settings)
    bus, presence = make_bus(settings)
    rt = Runtime(settings=settings, db=db, bus=bus, presence=presence)
    bus.hub.observe(rt.snapshots.forget_on_change)
    install(rt)
    from . import pages  # noqa: F401 - registers the routes
    from .pages.live import show_workshop_gone
    from .rooms.delivery import RoomStates
    rt.rooms = RoomStates(rt, workshop_gone=show_workshop_gone)
    app.add_static_files('/assets', ASSETS)
    # Quasar's loading bar follows every XMLHttpRequest: the app makes none, but Socket.IO's polling
    # fallback (a WebSocket blocked by a proxy) would keep an unnamed progress bar running (WCAG 4.1.2)
    app.config.quasar_config['loadingBar'] = {**app.config.quasar_config.get('loadingBar', {}), 'skipHijack': True}
    app.on_startup(lambda: _check_clock(rt))
    from .timer_closer import TimerCloser
    closer = TimerCloser(db, bus)  # timers that close collection, closed by the server (once over all instances)
    bus.hub.observe(closer.observe)
    app.on_startup(closer.start)
    app.on_shutdown(closer.stop)
    app.on_shutdown(presence.close)  # before the bus closes: takes this instance's counts out of Redis
    app.on_shutdown(rt.close)
    _secure(rt)
    return rt


def prepare_schema(db: Database, settings: Settings) -> None:
    """Upgrade the schema (default), or with auto-migration off make sure it needs no upgrade."""
    if settings.auto_migrate:
        db.create_schema()
        return
    current, head = db.schema_revision(), head_revision()
    if current != head:
        raise SchemaError(f'the database {safe_url(settings.database_url)} is at schema revision '
                          f'{current or "none"}, this version needs {head}: run "workshop db upgrade" first '
                          '(automatic upgrades are off: WORKSHOP_AUTO_MIGRATE=0 or --no-migrate)')


def make_bus(settings: Settings) -> tuple[Bus, Presence]:
    """In-process, or with WORKSHOP_BROKER_URL the Redis bus that app instances share (and their storage)."""
    if not settings.broker_url:
        bus = InProcessBus()
        return bus, Presence(bus)
    try:
        import redis  # noqa: F401 - only: is it installed?
    except ImportError as e:
        raise BrokerURLError('WORKSHOP_BROKER_URL needs the redis package: pip install -e ".[redis]"') from e
    bus = RedisBus(settings.broker_url, prefix=os.environ.get('WORKSHOP_BROKER_PREFIX', 'workshop:'))
    app.on_startup(bus.start)  # subscribed before the first page is served (or retrying in the background)
    _share_storage(settings, bus)
    bus.on_reconnect(_revive_storage_listeners)
    return bus, SharedPresence(bus)


async def _revive_storage_listeners() -> None:
    """NiceGUI's Redis-backed user storage stops listening for other instances' changes when its
    connection fails for longer than its retries; after Redis is back, load and listen again."""
    try:
        from nicegui.persistence import RedisPersistentDict
        for storage in list(app.storage._users.values()):  # no public way to reach them
            task = getattr(storage, '_listener_task', None)
            if isinstance(storage, RedisPersistentDict) and task is not None and task.done():
                await storage.initialize()
    except Exception:  # a session may then need a reload; never break the bus for it
        log.exception('cannot restart the session storage listeners')


def _share_storage(settings: Settings, bus: RedisBus) -> None:
    """NiceGUI's user storage (the participant tokens, pages/session.py) in Redis, so that a phone
    whose requests reach another instance is still the same participant."""
    from nicegui.storage import Storage
    Storage.redis_url = settings.broker_url
    Storage.redis_key_prefix = f'{bus.namespace}nicegui:'
    if not settings.storage_secret:
        log.warning('WORKSHOP_STORAGE_SECRET is not set: every app instance signs cookies with the secret in its '
                    'own data folder (%s); set the same secret on all instances, or a phone reaching another '
                    'instance loses its session', settings.data_dir)


async def _check_clock(rt: Runtime) -> None:
    """Timers end at database time; pages count down with this machine's clock: they should agree."""
    import datetime as dt
    try:
        skew = (await rt.db.now() - dt.datetime.now(dt.UTC)).total_seconds()
    except Exception:  # the first request will report a database problem clearly
        log.exception('cannot read the database clock')
        return
    if abs(skew) > 1.0:
        log.warning('this machine\'s clock is %+.1f s off the database server\'s: countdowns will be off by as '
                    'much; run NTP on every machine', skew)


def _secure(rt: Runtime) -> None:
    """Security headers, WebSocket origin check, log redaction, join and posting rate limits, the retention task."""
    from nicegui import background_tasks, core

    from .services.post_limits import PostLimits
    from .services.throttle import JoinThrottle
    security.install(app, core.sio, rt.settings.public_url)
    rt.throttle = JoinThrottle.from_env()
    rt.post_limits = PostLimits.from_env()

    async def retention() -> None:
        import asyncio

        from .services.privacy import PURGE_INTERVAL, purge_expired
        await asyncio.sleep(10)
        while True:
            try:
                done = await purge_expired(rt.db, rt.bus)
                if done:
                    log.info('retention: anonymised %d workshop(s): %s', len(done), done)
            except Exception:  # the next run tries again
                log.exception('retention: anonymising failed')
            await asyncio.sleep(PURGE_INTERVAL)
    app.on_startup(lambda: background_tasks.create(retention(), name='retention'))


def serve(settings: Settings) -> None:
    setup(settings)
    tune_garbage_collection()
    # protocol rendering runs in worker processes; forking a process that runs threads can deadlock
    run.process_pool_start_method = 'spawn'
    ui.run(host=settings.host, port=settings.port, title='Workshop', language='de', favicon='🗣️',
           storage_secret=settings.ensure_storage_secret(), reload=False, show=False,
           reconnect_timeout=RECONNECT_TIMEOUT, ws_ping_interval=None,
           session_middleware_kwargs=security.cookie_settings(settings.public_url),
           show_welcome_message=False, uvicorn_logging_level='warning',
           gzip_middleware_factory=compress_assets_once)


# A phone on a venue's Wi-Fi may be away for a few seconds and come back to the same page (NiceGUI's
# default: 3 s). NiceGUI derives Engine.IO's heartbeat from it: a ping every 0.8 × this, answered
# within 0.4 × this. At 3 s that was a ping every 4 s per phone — with 1,000 phones the largest part of
# the server's idle CPU — and an event-loop stall of 2 s dropped connections; at 10 s: every 8 s,
# within 4 s. (uvicorn's own WebSocket ping, ws_ping_interval, is off: Engine.IO's heartbeat does it.)
RECONNECT_TIMEOUT = 10.0


def tune_garbage_collection() -> None:
    """Fewer pauses: every page is a few hundred long-lived objects, and with CPython's default
    thresholds (700, 10, 10) the collector walks them again and again while phones join: stalls of
    0.5–0.7 s at 300 phones, 0.2 s with these thresholds, and a third less CPU per join
    (docs/performance.md). What exists after start-up is frozen out of the collections."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 50)


def compress_assets_once(inner):  # noqa: ANN001, ANN201 - ASGI apps
    """NiceGUI's GZip middleware, with each unchanging asset compressed once (workshop/static_cache.py)."""
    from fastapi.middleware.gzip import GZipMiddleware

    from .static_cache import NICEGUI_ASSETS, StaticCache
    return StaticCache(GZipMiddleware(inner, minimum_size=500, compresslevel=9), prefixes=(*NICEGUI_ASSETS, '/assets/'))
