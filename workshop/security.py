"""Web hardening: security headers, cookie settings, the WebSocket origin check, secrets kept out of logs.

See docs/security.md for the threat model and why each setting is as it is.

Content-Security-Policy: NiceGUI 3 renders each page with inline ``<script>`` blocks
(the page's elements, its Vue app) and evaluates JavaScript it receives (``new
Function``/``eval`` in ``nicegui.js`` for props and handlers given as JavaScript), and
it has no nonce support; Tailwind's browser runtime and Quasar add inline ``<style>``.
So ``script-src`` needs ``'unsafe-inline' 'unsafe-eval'`` and ``style-src``
``'unsafe-inline'``. Everything else is as strict as it goes: every source is this
server (``'self'``), nothing may frame a page, no plugins, no form posts elsewhere,
no ``<base>`` tricks. What protects against injected script is that participant text
is only ever rendered as text (never ``ui.html``/``ui.markdown``); the policy stops
any request to another host, so even injected script could not send data away.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# paths whose URL carries a secret: moderator, lead moderator, instance admin (and their downloads); not the
# same pages opened with the cookie a secret link was exchanged for (/m/~/CODE/NUMBER: pages/secret_links.py)
SECRET_PATHS = re.compile(r'/(m|lead|admin)/(?!~(?:[/?#\s"\']|$))([^/?#\s"\']+)')
# the pages of moderators, lead and admin, with the secret or its cookie: they show secrets and personal data
PRIVATE_PATHS = re.compile(r'/(?:m|lead|admin)/')

CSP = '; '.join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",  # NiceGUI: inline bootstrap, eval of JS props; no nonces
    "style-src 'self' 'unsafe-inline'",  # Quasar and Tailwind insert <style> elements
    "img-src 'self' data: blob:",  # QR codes and the favicon may be data: URLs, uploads are previewed as blob:
    "font-src 'self' data:",
    "connect-src 'self' {websocket}",  # the Socket.IO connection back to this server only
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",  # no page, not even a wall, may be framed (clickjacking)
    "frame-src 'none'",  # the app frames nothing
    "worker-src 'self' blob:",
    "manifest-src 'self'",
])

HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',  # links carry secrets: never pass the URL on
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
}
HSTS = 'max-age=31536000'


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f'{parts.scheme}://{parts.netloc}'.lower()


def content_security_policy(public_url: str) -> str:
    """The policy; ``connect-src`` also names the public WebSocket origin (older browsers need it)."""
    origin = origin_of(public_url)
    ws = origin.replace('https://', 'wss://', 1).replace('http://', 'ws://', 1)
    return CSP.format(websocket=ws)


class SecurityHeaders:
    """ASGI middleware: security headers on every HTTP response; no-store where a page holds secrets."""

    def __init__(self, app: Any, *, public_url: str) -> None:
        self.app = app
        self.https = public_url.lower().startswith('https://')
        self.headers = [(k.lower().encode(), v.encode()) for k, v in
                        {**HEADERS, 'Content-Security-Policy': content_security_policy(public_url)}.items()]
        if self.https:
            self.headers.append((b'strict-transport-security', HSTS.encode()))

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        secret_path = PRIVATE_PATHS.match(scope.get('path', '')) is not None

        async def send_with_headers(message: dict) -> None:
            if message['type'] == 'http.response.start':
                headers = [(k, v) for k, v in message.get('headers', []) if k.lower() not in _REPLACED]
                headers.extend(self.headers)
                content_type = next((v for k, v in headers if k.lower() == b'content-type'), b'')
                if secret_path or content_type.startswith(b'text/html'):
                    headers = [(k, v) for k, v in headers if k.lower() not in (b'cache-control', b'pragma')]
                    headers.append((b'cache-control', b'no-store'))
                message = {**message, 'headers': headers}
            await send(message)
        await self.app(scope, receive, send_with_headers)


_REPLACED = {b'content-security-policy', b'x-frame-options', b'referrer-policy', b'x-content-type-options',
             b'permissions-policy', b'cross-origin-opener-policy', b'cross-origin-resource-policy',
             b'strict-transport-security'}


def websocket_origin_check(public_url: str) -> Callable[[str | None, dict], bool]:
    """For python-socketio's ``cors_allowed_origins``: the public URL's origin, or the same origin as the request.

    Requests without an Origin header (not from a browser) are not checked by engineio.
    """
    public = origin_of(public_url)

    def allowed(origin: str | None, environ: dict) -> bool:
        if not origin:
            return True
        origin = origin.lower().rstrip('/')
        if origin == public:
            return True
        host = environ.get('HTTP_HOST', '')
        scheme = environ.get('wsgi.url_scheme', 'http')
        candidates = {f'{scheme}://{host}'.lower()}
        forwarded_host = environ.get('HTTP_X_FORWARDED_HOST', '').split(',')[0].strip()
        forwarded_proto = environ.get('HTTP_X_FORWARDED_PROTO', '').split(',')[0].strip()
        if forwarded_host or forwarded_proto:
            candidates.add(f'{forwarded_proto or scheme}://{forwarded_host or host}'.lower())
        return origin in candidates
    return allowed


def cookie_settings(public_url: str) -> dict[str, Any]:
    """Keyword arguments for Starlette's SessionMiddleware (NiceGUI's ``session_middleware_kwargs``)."""
    return {'https_only': public_url.lower().startswith('https://'), 'same_site': 'lax', 'max_age': 14 * 24 * 3600}


# --- logs ---------------------------------------------------------------------------------------------

class RedactSecrets(logging.Filter):
    """Replaces the secret part of moderator, lead and admin links in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record: leave it to the handler
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact(text: str) -> str:
    return SECRET_PATHS.sub(lambda m: f'/{m.group(1)}/[secret]', text)


_FILTER = RedactSecrets()


def install_log_redaction() -> None:
    """Attach the filter to the loggers that print request paths, and to the root logger's handlers."""
    for name in ('uvicorn.access', 'uvicorn.error', 'uvicorn', 'nicegui', 'engineio.server', 'socketio.server',
                 'workshop', ''):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)


# --- Socket.IO: a message acts on the page of the socket that sent it ----------------------------------

# NiceGUI's handlers of the messages a page sends after its handshake; each finds its page (Client) by
# the ``client_id`` inside the message, not by the socket it came on
CLIENT_MESSAGES = ('event', 'javascript_response', 'ack', 'log')


def socket_owns_client(sid: str, msg: Any) -> bool:
    """Whether the socket ``sid`` handshook for the page that ``msg['client_id']`` names.

    Without this, a phone that learnt a moderator page's client id could send events to its
    elements (switch the phase). The handshake records each socket of a page in
    ``Client._socket_to_document_id``; a message naming a page the socket does not belong to is
    refused, as is one that is not an object with a text ``client_id``.
    """
    from nicegui.client import Client
    client_id = msg.get('client_id') if isinstance(msg, dict) else None
    client = Client.instances.get(client_id) if isinstance(client_id, str) else None
    return client is not None and sid in getattr(client, '_socket_to_document_id', ())


def guard_client_messages(sio: Any) -> None:
    """Wrap NiceGUI's handlers of ``CLIENT_MESSAGES``: a message from a socket that does not belong to
    the page it names is dropped, and one the page cannot handle ends in one warning line, not a
    traceback (idempotent)."""
    handlers = sio.handlers.get('/', {})
    for name in CLIENT_MESSAGES:
        original = handlers.get(name)
        if original is None or getattr(original, 'guarded', False):
            continue
        handlers[name] = _guarded(name, original)


# what NiceGUI's handlers raise when a message does not fit the page (no more listener, a missing field,
# arguments that are not JSON); exceptions of the app's own event handlers never get here (NiceGUI
# catches them in events.handle_event)
_UNFIT = (KeyError, ValueError, TypeError)


def _guarded(name: str, original: Callable) -> Callable:
    import functools
    import inspect

    def refused(sid: str, msg: Any) -> bool:
        if socket_owns_client(sid, msg):
            return False
        # debug only: a browser never sends one, and a forger must not be able to fill the log
        log.debug('dropped a Socket.IO %r message naming a page that socket %s did not open', name, sid)
        return True

    if inspect.iscoroutinefunction(original):
        @functools.wraps(original)
        async def guarded(sid: str, msg: Any, *args: Any) -> Any:
            if refused(sid, msg):
                return None
            try:
                return await original(sid, msg, *args)
            except _UNFIT as e:
                _unfit(name, msg, e)
                return None
    else:
        @functools.wraps(original)
        def guarded(sid: str, msg: Any, *args: Any) -> Any:
            if refused(sid, msg):
                return None
            try:
                return original(sid, msg, *args)
            except _UNFIT as e:
                _unfit(name, msg, e)
                return None
    guarded.guarded = True
    return guarded


def _unfit(name: str, msg: dict, error: Exception) -> None:
    if name == 'event' and isinstance(error, KeyError) and error.args == (msg.get('listener_id'),):
        # the browser clicked an element the page had changed meanwhile (e.g. rebuilt after an update)
        log.warning('dropped an event for element %s: the page no longer listens to it there', msg.get('id'))
    else:
        log.warning('dropped a Socket.IO %r message the page cannot handle (%s: %s)', name,
                    type(error).__name__, str(error)[:200])


def install(app: Any, sio: Any, public_url: str) -> None:
    """Wire the headers middleware, the WebSocket origin check, the socket message guard and the log filter
    into the app."""
    app.add_middleware(SecurityHeaders, public_url=public_url)
    sio.eio.cors_allowed_origins = websocket_origin_check(public_url)
    guard_client_messages(sio)
    install_log_redaction()
