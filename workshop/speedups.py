"""Measured hot spots of NiceGUI with a thousand connected pages.

**Page building.** Every NiceGUI element makes three observable collections (classes, props, style), and each
asks ``helpers.expects_arguments(self._update)``, which runs ``inspect.signature`` on the same
method again: 17 % of the server's own CPU while 300 phones joined (py-spy, docs/performance.md).
The answer depends only on the method's function, so it is kept per function. Anything that is
not a bound method (lambdas, partials, callables) is asked as before.

**Idle pages.** Each page's outbox waits for something to send with ``asyncio.wait_for(…, timeout=1)``
only to look at its stop flag once a second — but ``Outbox.stop`` sets the same event, so the
timeout adds nothing. With 1,000 connected phones that was 1,000 wake-ups (a task and a timer each)
per second. Measured with 1,000 connected bare pages: idle CPU 25 % → 19.5 % of a core, a page's
build and connection 15.5 → 13.8 ms. The replacement loop is NiceGUI's own with a plain wait;
it is installed only over the loop it was written against (checked by a hash of its source),
so a NiceGUI upgrade that changes the loop keeps the upgrade's.

**Every request.** ``ui.run`` adds three of NiceGUI's middlewares written as Starlette's
``BaseHTTPMiddleware`` (a task and a memory stream per request): the prefix for redirects
behind a proxy, long caching of NiceGUI's versioned assets, and the request tracking that
gives each request its session id and user storage. The same three as plain ASGI
middlewares (same behaviour, tested side by side) are given to NiceGUI instead.

**Guarded.** Each replacement is installed only over the NiceGUI source it was written against
(``NICEGUI_SOURCES``: NiceGUI 3.18); over any other it keeps NiceGUI's own and logs it, and
``tests/test_nicegui_guards.py`` fails. docs/nicegui-patches.md lists every patch and reliance on
NiceGUI internals, its guard, and the upstream change that would make it unnecessary.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import types
import uuid
import weakref
from collections.abc import Callable

from nicegui import core, helpers, storage as nicegui_storage, ui_run as nicegui_ui_run
from nicegui.dependencies import JsComponent
from nicegui.outbox import Deleted, Outbox
from nicegui.version import __version__ as NICEGUI_VERSION
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# 16 hex digits of the sha256 of NiceGUI 3.18's source of what each replacement repeats (``fingerprint``);
# install() replaces only over these, tests/test_nicegui_guards.py fails when one changes
NICEGUI_SOURCES = {
    'nicegui.outbox.Outbox.loop': 'efb7d8934c322314',  # outbox_loop repeats it without the timeout
    'nicegui.helpers.functions.expects_arguments': '949f5c62f38af7c9',  # its answer depends on the signature only
    'nicegui.middlewares.RedirectWithPrefixMiddleware': 'f71b1b441fd3c635',  # RedirectWithPrefix
    'nicegui.middlewares.SetCacheControlMiddleware': 'da37a070f4d5b356',  # SetCacheControl
    'nicegui.storage.RequestTrackingMiddleware': 'c3b9e40e302703f4',  # RequestTracking
}
NICEGUI_OUTBOX_LOOP = Outbox.loop  # as NiceGUI defines it (this module is imported before install)
NICEGUI_REQUEST_TRACKING = nicegui_storage.RequestTrackingMiddleware


def install() -> None:
    """Replace ``nicegui.helpers.expects_arguments`` by the cached version, the outbox loop and three
    middlewares, each only over the source it was written for (idempotent)."""
    if not getattr(helpers.expects_arguments, 'cached', False) \
            and _known(helpers.expects_arguments, 'nicegui.helpers.functions.expects_arguments'):
        helpers.expects_arguments = cached_expects_arguments(helpers.expects_arguments)
    # ui.run and the server add the middlewares by their names in these modules
    for source, module, ours in (
            ('nicegui.storage.RequestTrackingMiddleware', nicegui_storage, RequestTracking),
            ('nicegui.middlewares.RedirectWithPrefixMiddleware', nicegui_ui_run, RedirectWithPrefix),
            ('nicegui.middlewares.SetCacheControlMiddleware', nicegui_ui_run, SetCacheControl)):
        name = source.rpartition('.')[2]
        theirs = getattr(module, name)
        if theirs is not ours and _known(theirs, source):
            setattr(module, name, ours)
    if Outbox.loop is not outbox_loop and _known(Outbox.loop, 'nicegui.outbox.Outbox.loop'):
        Outbox.loop = outbox_loop


def _known(original: Callable, name: str) -> bool:
    if fingerprint(original) == NICEGUI_SOURCES.get(name):
        return True
    log.info('NiceGUI\'s %s has changed: keeping it (workshop.speedups knows %s)', name, NICEGUI_SOURCES.get(name))
    return False


def fingerprint(obj: Callable) -> str:
    """16 hex digits of the sha256 of ``obj``'s source ('' without one)."""
    try:
        source = inspect.getsource(obj)
    except (OSError, TypeError):  # a builtin or a callable object: no source to compare
        return ''
    return hashlib.sha256(source.encode()).hexdigest()[:16]


async def outbox_loop(self: Outbox) -> None:
    """NiceGUI 3.18's ``Outbox.loop``, waiting without a timeout (``stop`` wakes it)."""
    self._enqueue_event = asyncio.Event()
    self._enqueue_event.set()

    while not self._should_stop:
        try:
            if not self._enqueue_event.is_set():
                await self._enqueue_event.wait()
                continue  # look at the stop flag first

            client = self.client
            if not client or not client.has_socket_connection:
                await asyncio.sleep(0.1)
                continue

            self._enqueue_event.clear()

            coros = []
            if self.updates:
                data = {
                    element_id: None if isinstance(element, Deleted) else element._to_dict()
                    for element_id, element in self.updates.items()
                }
                js_components = [
                    component
                    for element in self.updates.values()
                    if not isinstance(element, Deleted)
                    and isinstance((component := element.component), JsComponent)
                    and component.name not in self._loaded_components
                ]
                if js_components:
                    coros.append(self._emit((client.id, 'load_js_components', {
                        'components': [{'key': c.key, 'tag': c.tag} for c in js_components],
                    })))
                    self._loaded_components.update(c.name for c in js_components)
                coros.append(self._emit((client.id, 'update', data)))
                self.updates.clear()

            if self.messages:
                for message in self.messages:
                    coros.append(self._emit(message))
                self.messages.clear()

            for coro in coros:
                try:
                    await coro
                except Exception as e:  # noqa: BLE001 - as NiceGUI: report, go on
                    core.app.handle_exception(e)
        except asyncio.CancelledError:
            break
        except Exception as e:  # noqa: BLE001 - as NiceGUI's loop: report, pause, go on
            core.app.handle_exception(e)
            await asyncio.sleep(0.1)


def cached_expects_arguments(original: Callable[[Callable], bool]) -> Callable[[Callable], bool]:
    answers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # a method's function → the answer

    def expects_arguments(func: Callable) -> bool:
        if not isinstance(func, types.MethodType):
            return original(func)
        try:
            return answers[func.__func__]
        except KeyError:
            answer = answers[func.__func__] = original(func)
            return answer
        except TypeError:  # a function that cannot be weakly referenced
            return original(func)

    expects_arguments.cached = True  # type: ignore[attr-defined]
    expects_arguments.original = original  # type: ignore[attr-defined]
    expects_arguments.answers = answers  # type: ignore[attr-defined]
    return expects_arguments


class _HTTPMiddleware:
    """A plain ASGI middleware for HTTP requests (``http``); anything else passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RedirectWithPrefix(_HTTPMiddleware):
    """NiceGUI's ``RedirectWithPrefixMiddleware`` as plain ASGI: a redirect to ``/…`` gets the
    ``X-Forwarded-Prefix`` of the request in front."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = next((v.decode('latin-1') for k, v in scope.get('headers', ()) if k == b'x-forwarded-prefix'), '')

        async def send_prefixed(message: Message) -> None:
            if message['type'] == 'http.response.start':
                headers = MutableHeaders(scope=message)
                location = headers.get('location')
                if location is not None and location.startswith('/'):
                    headers['location'] = prefix + location
            await send(message)
        await self.app(scope, receive, send_prefixed)


class SetCacheControl(_HTTPMiddleware):
    """NiceGUI's ``SetCacheControlMiddleware`` as plain ASGI: NiceGUI's versioned assets (not its
    dynamic resources) are cached as ``app.config.cache_control_directives`` says."""

    versioned = f'/_nicegui/{NICEGUI_VERSION}/'
    dynamic = f'/_nicegui/{NICEGUI_VERSION}/dynamic_resources/'

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get('path', '')
        if not path.startswith(self.versioned) or path.startswith(self.dynamic):
            await self.app(scope, receive, send)
            return

        async def send_cached(message: Message) -> None:
            if message['type'] == 'http.response.start':
                MutableHeaders(scope=message)['cache-control'] = core.app.config.cache_control_directives
            await send(message)
        await self.app(scope, receive, send_cached)


class RequestTracking(_HTTPMiddleware):
    """NiceGUI's ``RequestTrackingMiddleware`` as plain ASGI: the request in NiceGUI's request context,
    a session id for every browser, its user storage ready before the page runs, the request
    counted as active for its session meanwhile (so that the storage is not pruned under it),
    and ``request.state.responded`` once the response has started (``app.storage.browser``
    is read-only from then on)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        nicegui_storage.request_contextvar.set(request)
        if 'id' not in request.session:
            request.session['id'] = str(uuid.uuid4())
        request.state.responded = False
        session_id = request.session['id']
        storage = core.app.storage
        active = storage._active_request_sessions  # NiceGUI's own bookkeeping, as its middleware
        active[session_id] += 1
        try:
            if session_id not in storage._users:
                await storage._create_user_storage(session_id)

            async def send_tracked(message: Message) -> None:
                if message['type'] == 'http.response.start':
                    request.state.responded = True
                await send(message)
            await self.app(scope, receive, send_tracked)
        finally:
            active[session_id] -= 1
            if active[session_id] <= 0:
                del active[session_id]
