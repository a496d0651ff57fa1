"""Compress each unchanging asset once, not once per phone.

NiceGUI serves its JavaScript, CSS and fonts under versioned URLs and Starlette's
GZipMiddleware compresses every response anew: about 56 ms of CPU per phone that
loads the page for the first time, for the same bytes each time (docs/performance.md).
This middleware sits where the GZip middleware sits (``ui.run(gzip_middleware_factory=…)``)
and keeps the finished response of such an asset — compressed or not, headers included —
to send it again as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from nicegui import __version__ as nicegui_version
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# the versioned (immutable) asset URLs of NiceGUI; not dynamic_resources, which are made per request
NICEGUI_ASSETS = tuple(f'/_nicegui/{nicegui_version}/{kind}/' for kind in
                       ('static', 'libraries', 'components', 'resources', 'esm'))
MAX_BYTES = 64 * 1024 * 1024  # all assets of a page together are about 1.6 MB


class StaticCache:
    """ASGI middleware: replay the stored response of a GET for an asset under one of ``prefixes``."""

    def __init__(self, app: ASGIApp, *, prefixes: Iterable[str] = NICEGUI_ASSETS, max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: dict[tuple[str, bytes, bool], tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope['method'] != 'GET' or not scope['path'].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if 'range' in headers:
            await self.app(scope, receive, send)
            return
        key = (scope['path'], scope.get('query_string', b''), 'gzip' in headers.get('accept-encoding', ''))
        entry = self.entries.get(key)
        if entry is not None:
            status, response_headers, body = entry
            await send({'type': 'http.response.start', 'status': status, 'headers': response_headers})
            await send({'type': 'http.response.body', 'body': body})
            return
        await self._fill(key, scope, receive, send)

    async def _fill(self, key: tuple[str, bytes, bool], scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message['type'] == 'http.response.start':
                start = message
            elif message['type'] == 'http.response.body':
                chunks.append(message.get('body', b''))
                if not message.get('more_body', False):
                    self._store(key, start, b''.join(chunks))
            await send(message)

        await self.app(scope, receive, keep)

    def _store(self, key: tuple[str, bytes, bool], start: Message | None, body: bytes) -> None:
        if start is None or start['status'] != 200 or self.size + len(body) > self.max_bytes:
            return
        # a cookie belongs to the one browser it was set for
        response_headers = [(k, v) for k, v in start.get('headers', []) if k.lower() != b'set-cookie']
        self.entries[key] = (200, response_headers, body)
        self.size += len(body)
