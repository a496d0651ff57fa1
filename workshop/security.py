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

# paths whose URL carries a secret: moderator, lead moderator, instance admin (and their downloads)
SECRET_PATHS = re.compile(r'/(m|lead|admin)/([^/?#\s"\']+)')

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
        secret_path = SECRET_PATHS.match(scope.get('path', '')) is not None

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
        except Exception:  # a broken record: leave it to the handler
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


def install(app: Any, sio: Any, public_url: str) -> None:
    """Wire the headers middleware, the WebSocket origin check and the log filter into the app."""
    app.add_middleware(SecurityHeaders, public_url=public_url)
    sio.eio.cors_allowed_origins = websocket_origin_check(public_url)
    install_log_redaction()
