#!/usr/bin/env python3
"""Load generator for the workshop app: many phones at the protocol level, no browsers.

Each simulated phone does what a browser tab does: it loads the join page over
HTTP (keeping NiceGUI's session cookie), opens the same Socket.IO connection as
``nicegui.js`` (query: client_id, tab_id, document_id, next_message_id,
implicit_handshake), clicks its breakout's button with an ``event`` message,
follows the server's ``open`` message to ``/j/CODE/room``, loads that page and
connects again. There it types an idea (``update:…`` event on the text area) and
clicks "post", or gives dots (the idea board's ``vote`` event, or the card's "+"
button on the older per-card rendering). It acknowledges received messages
every 3 s like ``nicegui.js`` does. Every message every screen receives is
timestamped and searched for the unique token put into each idea's text; tally
payloads are decoded per idea.

Besides the phones, each room gets its wall (``/wall/CODE/ID``) and its
moderator page (``/m/SECRET``); the moderator page switches the room to dot
voting with its phase toggle, the way a moderator does, and at the end (in the first
room) creates clusters and files cards into them one after another (the clustering
board's ``file`` event); each card's cluster is decoded on every screen.

Run (spawns its own server on a temporary SQLite file, loopback only)::

    .venv/bin/python bench/loadgen.py --spawn --phones 300 --duration 60 --json /tmp/run.json

See bench/README.md for the options and what the JSON summary contains.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import gc
import gzip
import json
import math
import multiprocessing as mp
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import defaultdict, deque
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import aiohttp
import engineio
import socketio

ROOT = Path(__file__).resolve().parent.parent
WS_PATH = '/_nicegui_ws/socket.io'
TOKEN_RE = re.compile(r'BX\d{6}Q')
RUN_METHOD_RE = re.compile(r'runMethod\((\d+),\s*("(?:[^"\\]|\\.)*"),\s*(\[.*\])\)\s*;?\s*$', re.S)
ELEMENTS_RE = re.compile(r'parseElements\(String\.raw`(.*?)`\)', re.S)
QUERY_RE = re.compile(r'^\s*query: (\{.*\}),\s*$', re.M)
PHASE_VOTE_MARKS = ('"phase":"vote"', '"phase": "vote"', 'Punktabfrage', 'Dot voting')
UA = ('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) '
      'Chrome/129.0 Mobile Safari/537.36 workshop-loadgen')
BUCKET = 0.1  # seconds per message-count bucket
now = time.monotonic  # CLOCK_MONOTONIC: the same clock in every process of this machine

IDEA_WORDS = ('Netzwerk', 'Förderung', 'Hochschulen', 'Transfer', 'Fachkräfte', 'Start-ups', 'Plattform', 'Region',
              'Kooperation', 'Digitalisierung', 'Wasserstoff', 'Mittelstand', 'Sichtbarkeit', 'Austausch')


# ---------------------------------------------------------------------------------------------------------------------
# pages and elements

class Page:
    """What a NiceGUI page embeds: the client id, the Socket.IO query and the elements (as in index.html)."""

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.html = html
        m = ELEMENTS_RE.search(html)
        q = QUERY_RE.search(html)
        if not m or not q:
            raise ValueError(f'{url}: not a NiceGUI page (no elements or no socket query)')
        raw = m.group(1)
        for a, b in (('&#36;', '$'), ('&#96;', '`'), ('&gt;', '>'), ('&lt;', '<'), ('&amp;', '&')):
            raw = raw.replace(a, b)
        self.elements: dict[str, dict] = json.loads(raw)
        self.query: dict[str, Any] = ast.literal_eval(q.group(1))  # a Python dict literal (True/False)
        self.client_id: str = self.query['client_id']

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


class PlainPage:
    """A page without NiceGUI (the join page); a redirect may still have led to a NiceGUI page."""

    def __new__(cls, url: str, html: str):
        if ELEMENTS_RE.search(html) and QUERY_RE.search(html):
            return Page(url, html)
        return super().__new__(cls)

    def __init__(self, url: str, html: str) -> None:
        self.url = url
        self.html = html
        self.elements: dict[str, dict] = {}

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def listener(element: dict, kind: str) -> dict | None:
    """The element's first event listener of this type (``update:`` matches any update event)."""
    for event in element.get('events') or ():
        t = event.get('type', '')
        if t == kind or (kind.endswith(':') and t.startswith(kind)):
            return event
    return None


def ws_name(element: dict) -> str | None:
    props = element.get('props') or {}
    return props.get('data-ws')


def slug(label: str) -> str:
    return ''.join(label.split())


JOIN_ROOM_RE = re.compile(r'<button type="submit" name="breakout" value="(\d+)"[^>]*?data-ws="breakout-([^"]+)"')
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


JOIN_LABEL_RE = re.compile(r'data-ws="breakout-([^"]+)"[^>]*>\s*<span class="ws-room-title">([^<]*)</span>')


def join_rooms(html: str) -> dict[str, str]:
    """slug -> label ('W1.1' -> 'W 1.1') of the join page's room buttons."""
    import html as html_
    return {slug_: html_.unescape(title).split(' · ')[0].strip() for slug_, title in JOIN_LABEL_RE.findall(html)}


def join_form(html: str) -> tuple[str, dict[str, str]]:
    """The plain join page's form: its token, and slug -> breakout id of its room buttons."""
    m = CSRF_RE.search(html)
    if not m:
        raise ValueError('no join form (no token) on the join page')
    return m.group(1), {slug_: bid for bid, slug_ in JOIN_ROOM_RE.findall(html)}


def find_idea_input(elements: dict) -> tuple[str, dict] | None:
    candidates = []
    for eid, el in elements.items():
        upd = listener(el, 'update:')
        if not upd:
            continue
        props = el.get('props') or {}
        if ws_name(el) == 'idea-input':
            return eid, upd
        if props.get('type') == 'textarea' or 'textarea' in (el.get('tag') or ''):
            score = 2 if props.get('label') in ('Ihre Idee', 'Your idea') else 1
            candidates.append((score, eid, upd))
    if candidates:
        _score, eid, upd = max(candidates, key=lambda c: c[0])
        return eid, upd
    return None


def find_post_button(elements: dict) -> tuple[str, dict] | None:
    fallback = None
    for eid, el in elements.items():
        click = listener(el, 'click')
        if not click:
            continue
        if ws_name(el) == 'post':
            return eid, click
        props = el.get('props') or {}
        if el.get('tag') == 'q-btn' and (props.get('label') in ('Senden', 'Post') or props.get('icon') == 'send'):
            fallback = (eid, click)
    return fallback


def find_board(elements: dict) -> tuple[str, dict | None] | None:
    for eid, el in elements.items():
        if ws_name(el) == 'board':
            return eid, listener(el, 'vote')
    return None


def find_phase_toggle(elements: dict) -> tuple[str, dict, Any] | None:
    for eid, el in elements.items():
        upd = listener(el, 'update:')
        if not upd:
            continue
        if ws_name(el) not in (None, 'phase-toggle') and ws_name(el) != 'phase':
            continue
        if el.get('tag') != 'q-btn-toggle' and ws_name(el) not in ('phase-toggle', 'phase'):
            continue
        options = (el.get('props') or {}).get('options') or []
        for i, option in enumerate(options):
            label = str(option.get('label', '')) if isinstance(option, dict) else str(option)
            if re.search(r'Punkt|[Vv]ot|[Dd]ot', label):
                return eid, upd, option.get('value', i) if isinstance(option, dict) else i
        if len(options) >= 2:
            return eid, upd, options[1].get('value', 1) if isinstance(options[1], dict) else 1
    return None


CLUSTER_INPUT_LABELS = ('Neuer Cluster', 'New cluster')
CLUSTER_BUTTON_LABELS = ('Cluster anlegen', 'Create cluster')


def board_event(elements: dict, kind: str) -> tuple[str, dict] | None:
    """The idea board's (``data-ws=board``) listener of this event, e.g. the clustering board's ``file``."""
    for eid, el in elements.items():
        if ws_name(el) == 'board':
            found = listener(el, kind)
            if found:
                return eid, found
    return None


def find_cluster_create(elements: dict) -> tuple[tuple[str, dict], tuple[str, dict]] | None:
    """The moderator page's "New cluster" box (its update event) and its create button (its click)."""
    box = button = None
    for eid, el in elements.items():
        props = el.get('props') or {}
        if ws_name(el) == 'cluster-input' or props.get('label') in CLUSTER_INPUT_LABELS:
            upd = listener(el, 'update:')
            box = (eid, upd) if upd else box
        elif ws_name(el) == 'create-cluster' or props.get('aria-label') in CLUSTER_BUTTON_LABELS:
            click = listener(el, 'click')
            button = (eid, click) if click else button
    return (box, button) if box and button else None


def move_targets(ideas: list[int], current: dict[int, str | None], titles: list[str], n: int) -> list[tuple[int, str]]:
    """The moderator's ``n`` card moves: the ideas in turn, each into the cluster after the one it is in (the first
    one staggered by the idea's place), so that every move changes what the screens show (needs 2 clusters)."""
    where = {i: titles.index(current[i]) if current.get(i) in titles else j % len(titles) - 1
             for j, i in enumerate(ideas)}
    moves = []
    for k in range(n):
        idea = ideas[k % len(ideas)]
        where[idea] = (where[idea] + 1) % len(titles)
        moves.append((idea, titles[where[idea]]))
    return moves


def live_at(screen: dict, t: float) -> bool:
    """A screen (its result) was connected at ``t`` and had not dropped its connection before."""
    return not screen['error'] and screen['connected_at'] is not None and screen['connected_at'] <= t \
        and not (screen['drops'] and screen['drops'][0][0] < t)


def move_deliveries(moves: list, screens: list[dict]) -> tuple[dict[str, list[float]], list[float | None], int]:
    """When each screen first showed each card move (index, idea id, cluster title, emit time) — the card in that
    cluster — after the emit and before the same card is sent into the same cluster again. Screens count that
    were connected, without a drop, when the move was sent. Returns the latencies (ms) by kind, per move the time
    until every screen showed it (None: some screen never did), and the number of missed deliveries."""
    by_kind: defaultdict[str, list[float]] = defaultdict(list)
    every: list[float | None] = []
    missed = 0
    for k, (_n, idea, title, t) in enumerate(moves):
        again = [m[3] for m in moves[k + 1:] if m[1] == idea and m[2] == title]
        until = again[0] if again else math.inf
        slowest: float | None = 0.0
        for s in screens:
            if not live_at(s, t):
                continue
            shown = next((o[0] for o in s['groups'].get(idea, ()) if t <= o[0] < until and o[1] == title), None)
            if shown is None:
                missed += 1
                slowest = None
                continue
            lat = (shown - t) * 1000
            by_kind[s['kind']].append(lat)
            slowest = None if slowest is None else max(slowest, lat)
        every.append(slowest)
    return by_kind, every, missed


def stringify_args(args: list, spec: list | None) -> list[str]:
    """Like nicegui.js stringifyEventArgs: keep the fields the listener asked for, JSON-encode each argument."""
    out = []
    for i, arg in enumerate(args):
        if spec is not None and i >= len(spec):
            continue
        if isinstance(arg, dict):
            keys = None if spec is None else spec[i]
            filtered = arg if keys is None else {k: v for k, v in arg.items() if k in keys}
        else:
            filtered = arg
        out.append(json.dumps(filtered, separators=(',', ':'), ensure_ascii=False))
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Socket.IO client with arrival timestamps

class StampingEngineIO(engineio.AsyncClient):
    """Engine.IO client that notes when each message packet came off the socket."""
    stamps: deque | None = None

    async def _receive_packet(self, pkt):
        if pkt.packet_type == engineio.packet.MESSAGE and self.stamps is not None:
            self.stamps.append(now())
        await super()._receive_packet(pkt)


class PageSocket(socketio.AsyncClient):
    """The page's Socket.IO connection; hands every raw message and every event to its screen."""

    def __init__(self, screen: Screen, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.screen = screen
        self.stamps: deque = deque()
        self.eio.stamps = self.stamps

    def _engineio_client_class(self):
        return StampingEngineIO

    async def _handle_eio_message(self, data):
        t = self.stamps.popleft() if self.stamps else now()
        if isinstance(data, str):
            self.screen.raw(t, data)
        await super()._handle_eio_message(data)

    async def _handle_event(self, namespace, id, data):
        self.screen.event(data[0], data[1:])


class Ctx:
    """What screens of one process share: HTTP sessions, the server address, message buckets."""

    def __init__(self, base: str, code: str, t_ref: float, *, assets: bool = False) -> None:
        self.base = base.rstrip('/')
        self.code = code
        self.t_ref = t_ref
        self.load_assets = assets
        self.http: aiohttp.ClientSession | None = None
        self.raw_http: aiohttp.ClientSession | None = None
        self.ws_http: aiohttp.ClientSession | None = None
        self.buckets: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.asset_cache: dict[str, list[str]] = {}
        self.asset_bytes = 0
        self.asset_requests = 0
        self.id_tokens: dict[int, str] = {}
        self.trace_dir: str | None = None
        self.traced: defaultdict[str, int] = defaultdict(int)

    async def open(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=None)
        timeout = aiohttp.ClientTimeout(total=60, sock_connect=30)
        self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout)
        self.raw_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout,
                                              cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False)
        # WebSockets get a fresh TCP connection each, as in a browser: reusing an idle keep-alive HTTP connection
        # for the upgrade lets uvicorn's keep-alive timer close the socket 5 s later
        self.ws_http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True),
                                             cookie_jar=aiohttp.DummyCookieJar())

    async def close(self) -> None:
        for s in (self.http, self.raw_http, self.ws_http):
            if s is not None:
                await s.close()

    def count(self, t: float, nbytes: int) -> None:
        b = self.buckets[int((t - self.t_ref) / BUCKET)]
        b[0] += 1
        b[1] += nbytes


class Screen:
    """One browser tab: a phone, a wall or a moderator page."""

    def __init__(self, ctx: Ctx, kind: str, room: str, index: int = -1) -> None:
        self.ctx = ctx
        self.kind = kind
        self.room = room
        self.index = index
        self.cookie: str | None = None
        self.tab_id = str(uuid.uuid4())
        self.sio: PageSocket | None = None
        self.page: Page | None = None
        self.client_id = ''
        self.next_message_id = 0
        self.acked = -1
        self.connected_at: float | None = None
        self.closing = False
        self.drops: list[tuple[float, str]] = []
        self.open_path: str | None = None
        self.opened = asyncio.Event()
        self.msgs = 0
        self.bytes = 0
        self.notifies: list[str] = []
        self.arrivals: dict[str, float] = {}
        self.tally_obs: dict[Any, list[tuple[float, int]]] = {}
        self.badges: dict[str, str] = {}  # element id -> token (per-card rendering)
        self.vote_buttons: dict[str, tuple[str, dict]] = {}
        self.unvote_buttons: dict[str, tuple[str, dict]] = {}
        self.idea_ids: dict[str, int] = {}
        self.group_obs: dict[int, list[tuple[float, str | None]]] = {}  # idea id -> (time, its cluster) changes
        self.cluster_ids: dict[str, int] = {}  # title -> id of the clusters this page has seen
        self.cluster_seen: dict[str, float] = {}  # title -> when this page first saw the cluster
        self.board: tuple[str, dict | None] | None = None
        self.idea_input: tuple[str, dict] | None = None
        self.post_button: tuple[str, dict] | None = None
        self.toggle: tuple[str, dict, Any] | None = None
        self.vote_marks: list[float] = []
        self.join_ms: float | None = None
        self.tap_ms: float | None = None  # from tapping a room (the form's post) to a live room page
        self.error: str | None = None
        self.stage = ''
        self._raw = ''
        self._raw_has_token = False
        self.trace = None
        if ctx.trace_dir and ctx.traced[kind] < 6:
            ctx.traced[kind] += 1
            self.trace = open(Path(ctx.trace_dir) / f'{kind}-{room or "x"}-{index}-{ctx.traced[kind]}.txt', 'w',
                              encoding='utf-8')

    # --- HTTP ---

    async def load(self, path: str, *, plain: bool = False) -> Page:
        """GET a page (following redirects); ``plain``: it may be a plain HTML page (the join page)."""
        url = self.ctx.base + path
        for _ in range(6):
            headers = {'User-Agent': UA, 'Accept': 'text/html,application/xhtml+xml,*/*;q=0.8',
                       'Accept-Encoding': 'gzip, deflate', 'Accept-Language': 'de-DE,de;q=0.9'}
            if self.cookie:
                headers['Cookie'] = self.cookie
            async with self.ctx.http.get(url, headers=headers, allow_redirects=False) as resp:
                self._keep_cookie(resp)
                if resp.status in (301, 302, 303, 307, 308):
                    url = urljoin(url, resp.headers['Location'])
                    continue
                body = await resp.text()
                if resp.status != 200:
                    raise RuntimeError(f'GET {urlsplit(url).path}: HTTP {resp.status}')
                page = Page(url, body) if not plain else PlainPage(url, body)
                if self.ctx.load_assets:
                    await self._load_assets(page)
                return page
        raise RuntimeError(f'GET {path}: too many redirects')

    async def post_form(self, path: str, data: dict[str, str]) -> str:
        """Post a form like a browser; returns where the server sends the browser next (303)."""
        headers = {'User-Agent': UA, 'Origin': self.ctx.base, 'Accept': 'text/html,*/*;q=0.8'}
        if self.cookie:
            headers['Cookie'] = self.cookie
        async with self.ctx.http.post(self.ctx.base + path, data=data, headers=headers, allow_redirects=False) as resp:
            self._keep_cookie(resp)
            await resp.read()
            if resp.status not in (302, 303):
                raise RuntimeError(f'POST {path}: HTTP {resp.status}')
            return urlsplit(urljoin(self.ctx.base + path, resp.headers['Location'])).path

    def _keep_cookie(self, resp: aiohttp.ClientResponse) -> None:
        """Like a browser, every cookie set goes back: NiceGUI's session, and a load balancer's route
        (the sticky cookie of deploy/nginx, which keeps the page and its socket on one app instance)."""
        jar = dict(part.split('=', 1) for part in (self.cookie or '').split('; ') if '=' in part)
        for header in resp.headers.getall('Set-Cookie', []):
            name, _, value = header.split(';', 1)[0].partition('=')
            jar[name.strip()] = value
        self.cookie = '; '.join(f'{k}={v}' for k, v in jar.items()) or None

    async def _load_assets(self, page: Page) -> None:
        """A fresh browser loads every asset once; later pages only the ones it has not seen."""
        key = 'room' if page.path.endswith('/room') else page.path.split('/')[1]
        seen = getattr(self, '_assets_seen', set())
        urls = self.ctx.asset_cache.get(key)
        if urls is None:  # the first phone finds the assets (recursively) and so loads them
            records = await fetch_assets(self.ctx.raw_http, self.ctx.base, page.html, self.cookie, set())
            urls = [self.ctx.base + r['url'] for r in records]
            self.ctx.asset_cache[key] = urls
            self.ctx.asset_bytes += sum(r['wire'] for r in records)
            self.ctx.asset_requests += len(records)
            seen = seen | set(urls)
        todo = [u for u in urls if u not in seen]
        self._assets_seen = seen | set(todo)
        headers = {'User-Agent': UA, 'Accept-Encoding': 'gzip, deflate, br'}
        if self.cookie:
            headers['Cookie'] = self.cookie

        async def get(u: str) -> None:
            async with self.ctx.raw_http.get(u, headers=headers) as resp:
                data = await resp.read()
                self.ctx.asset_bytes += len(data)
                self.ctx.asset_requests += 1
        for i in range(0, len(todo), 6):  # a browser opens about six connections per host
            await asyncio.gather(*(get(u) for u in todo[i:i + 6]))

    # --- socket ---

    async def connect(self, page: Page) -> None:
        self.page = page
        self.client_id = page.client_id
        self.next_message_id = int(page.query.get('next_message_id', 0))
        self.acked = -1
        query = {**page.query, 'document_id': str(uuid.uuid4()), 'tab_id': self.tab_id, 'old_tab_id': 'null'}
        qs = urlencode({k: ('true' if v is True else 'false' if v is False else v) for k, v in query.items()})
        headers = {'User-Agent': UA, 'Origin': self.ctx.base}
        if self.cookie:
            headers['Cookie'] = self.cookie
        eio_logger: Any = False
        if self.trace is not None:
            import logging
            eio_logger = logging.getLogger(f'eio.{id(self)}')
            eio_logger.setLevel(logging.INFO)
            eio_logger.propagate = False
            handler = logging.StreamHandler(self.trace)
            handler.setFormatter(logging.Formatter('%(relativeCreated)10.0f EIO %(message).300s'))
            eio_logger.handlers = [handler]
        self.sio = PageSocket(self, reconnection=False, logger=False, engineio_logger=eio_logger, handle_sigint=False,
                              http_session=self.ctx.ws_http, websocket_extra_options={'headers': headers},
                              request_timeout=30)
        sio = self.sio

        async def on_disconnect(*args: Any) -> None:
            if not self.closing and sio is self.sio:
                self.drops.append((now(), str(args[0]) if args else ''))
                if self.trace is not None:
                    self.trace.write(f'{now() - self.ctx.t_ref:10.4f} DISCONNECT {args}\n')
        sio.on('disconnect', on_disconnect)
        self.closing = False
        await sio.connect(f'{self.ctx.base}/?{qs}', transports=['websocket'], socketio_path=WS_PATH,
                          wait_timeout=30)
        self.connected_at = now()

    async def close(self) -> None:
        self.closing = True
        if self.sio is not None:
            with contextlib.suppress(Exception):
                await self.sio.disconnect()

    @property
    def connected(self) -> bool:
        return self.sio is not None and self.sio.connected and not self.drops

    async def emit_event(self, target: tuple[str, dict], args: list) -> float:
        eid, lst = target[0], target[1]
        payload = {'id': int(eid), 'client_id': self.client_id, 'listener_id': lst['listener_id'],
                   'args': stringify_args(args, lst.get('args'))}
        t = now()
        if self.trace is not None:
            self.trace.write(f'{t - self.ctx.t_ref:10.4f} >>> event {json.dumps(payload, ensure_ascii=False)}\n')
        await self.sio.emit('event', payload)
        return t

    async def ack(self) -> None:
        if self.connected and self.next_message_id > self.acked:
            self.acked = self.next_message_id
            with contextlib.suppress(Exception):
                await self.sio.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})

    # --- received messages ---

    def raw(self, t: float, data: str) -> None:
        if self.trace is not None:
            self.trace.write(f'{t - self.ctx.t_ref:10.4f} {data}\n')
        n = len(data.encode()) + 1
        self.msgs += 1
        self.bytes += n
        self.ctx.count(t, n)
        self._t = t
        self._raw = data
        self._raw_has_token = False
        if 'BX' in data:
            for token in TOKEN_RE.findall(data):
                self._raw_has_token = True
                if token not in self.arrivals:
                    self.arrivals[token] = t
        if self.kind != 'probe' and any(mark in data for mark in PHASE_VOTE_MARKS):
            self.vote_marks.append(t)

    def event(self, name: str, args: list) -> None:
        payload = args[0] if args else None
        if isinstance(payload, dict) and isinstance(payload.get('_id'), int):
            self.next_message_id = max(self.next_message_id, payload['_id'] + 1)
        if name == 'update' and isinstance(payload, dict):
            self._on_update(payload)
        elif name == 'run_javascript' and isinstance(payload, dict):
            self._on_javascript(payload)
        elif name == 'open' and isinstance(payload, dict):
            self.open_path = payload.get('path')
            self.opened.set()
        elif name == 'notify':
            self.notifies.append(str(payload.get('message') if isinstance(payload, dict) else payload)[:120])
        elif name not in ('load_js_components', 'download'):  # e.g. the board's 'ws_board' broadcasts
            self.scan(payload)

    def _on_update(self, msg: dict) -> None:
        if self._raw_has_token:
            self.index_cards(msg)
        for eid, el in msg.items():
            if el is None or eid == '_id':
                continue
            token = self.badges.get(eid)
            if token is not None:
                self._tally(token, el.get('text'))
            if ws_name(el) == 'board':
                self.board = (eid, listener(el, 'vote') or (self.board[1] if self.board else None))
                self.scan(el.get('props'))

    def _on_javascript(self, msg: dict) -> None:
        if msg.get('request_id') is not None and self.sio is not None:
            asyncio.ensure_future(self.sio.emit('javascript_response', {  # noqa: RUF006 - the phone does not wait for it
                'request_id': msg['request_id'], 'client_id': self.client_id, 'result': None}))
        code = msg.get('code') or ''
        m = RUN_METHOD_RE.search(code)
        if m:
            with contextlib.suppress(ValueError):
                self.scan(json.loads(m.group(3)))

    def index_cards(self, elements: dict) -> None:
        """Per-card rendering: find each idea card (by the token in its text), its dots badge and its +/- buttons."""
        parents: dict[str, str] = {}
        for eid, el in elements.items():
            if isinstance(el, dict):
                for c in el.get('children') or ():
                    parents[str(c)] = eid
        for eid, el in elements.items():
            if not isinstance(el, dict) or not el.get('text') or 'BX' not in el['text']:
                continue
            m = TOKEN_RE.search(el['text'])
            if not m:
                continue
            token = m.group()
            card = eid
            while card in parents and (elements.get(card) or {}).get('tag') != 'q-card':
                card = parents[card]
            if (elements.get(card) or {}).get('tag') != 'q-card':
                continue
            stack = [card]
            while stack:
                cid = stack.pop()
                c = elements.get(cid)
                if not isinstance(c, dict):
                    continue
                stack.extend(str(x) for x in c.get('children') or ())
                props = c.get('props') or {}
                if c.get('tag') == 'q-badge' and re.fullmatch(r'\d*', c.get('text') or '') and not props.get('outline'):
                    self.badges[cid] = token
                    self._tally(token, c.get('text'))
                click = listener(c, 'click')
                if c.get('tag') == 'q-btn' and click:
                    if props.get('icon') == 'add':
                        self.vote_buttons[token] = (cid, click)
                    elif props.get('icon') == 'remove':
                        self.unvote_buttons[token] = (cid, click)

    def scan(self, obj: Any) -> None:
        """Find ideas ({id, text}) and tallies ({id, dots}, {tallies: [[id, n], …]}) in any payload."""
        if isinstance(obj, dict):
            iid = obj.get('id', obj.get('idea_id'))
            if isinstance(iid, int) and not isinstance(iid, bool):
                text = obj.get('text')
                if isinstance(text, str) and 'BX' in text:
                    m = TOKEN_RE.search(text)
                    if m:
                        self.idea_ids[m.group()] = iid
                        self.ctx.id_tokens[iid] = m.group()
                if isinstance(text, str) and 'group' in obj:  # an idea as a board has it: in a cluster or none
                    self._group(iid, obj['group'])
                for key in ('dots', 'tally', 'votes', 'total'):
                    value = obj.get(key)
                    if isinstance(value, int) and not isinstance(value, bool):
                        self._tally(iid, value)
                        break
            tallies = obj.get('tallies')
            if isinstance(tallies, dict):
                for k, v in tallies.items():
                    with contextlib.suppress(ValueError, TypeError):
                        self._tally(int(k), int(v))
            elif isinstance(tallies, list):
                for pair in tallies:
                    if isinstance(pair, (list, tuple)) and len(pair) == 2:
                        with contextlib.suppress(ValueError, TypeError):
                            self._tally(int(pair[0]), int(pair[1]))
                    elif isinstance(pair, dict):
                        self.scan(pair)
            clusters = obj.get('clusters')
            if isinstance(clusters, list):  # the board's clusters (prop, or a 'clusters' message)
                for c in clusters:
                    if isinstance(c, dict) and isinstance(c.get('id'), int) and isinstance(c.get('title'), str):
                        self.cluster_ids[c['title']] = c['id']
                        self.cluster_seen.setdefault(c['title'], getattr(self, '_t', now()))
            for key, value in obj.items():
                if key != 'tallies' and isinstance(value, (dict, list)):
                    self.scan(value)
        elif isinstance(obj, list):
            for value in obj:
                if isinstance(value, (dict, list)):
                    self.scan(value)

    def _group(self, idea: int, group: Any) -> None:
        obs = self.group_obs.setdefault(idea, [])
        if not obs or obs[-1][1] != group:
            obs.append((getattr(self, '_t', now()), group))

    def _tally(self, key: Any, value: Any) -> None:
        try:
            n = int(value or 0)
        except (TypeError, ValueError):
            return
        obs = self.tally_obs.setdefault(key, [])
        if not obs or obs[-1][1] != n:
            obs.append((getattr(self, '_t', now()), n))

    # --- page setup ---

    def take_page(self, page: Page) -> None:
        """What the generator needs from a freshly loaded page."""
        els = page.elements
        self.board = find_board(els) or self.board
        self.idea_input = find_idea_input(els)
        self.post_button = find_post_button(els)
        self.toggle = find_phase_toggle(els)
        self._t = now()
        self.index_cards(els)
        if self.board is not None:
            self.scan((els.get(self.board[0]) or {}).get('props'))

    # --- flows ---

    async def join(self, slug_: str, timeout: float = 60) -> None:
        """Phone: join page, pick the breakout, follow the server to the room page, connect."""
        t0 = now()
        tapped = None
        self.stage = 'join page'
        page = await self.load(f'/j/{self.ctx.code}', plain=True)
        if not page.path.endswith('/room'):
            csrf, rooms = join_form(page.html)
            if slug_ not in rooms:
                raise RuntimeError(f'no button for breakout {slug_} on the join page (found {sorted(rooms)})')
            self.stage = 'join form'
            tapped = now()
            target = await self.post_form(f'/j/{self.ctx.code}', {'csrf': csrf, 'breakout': rooms[slug_]})
            self.stage = 'room page'
            page = await self.load(target)
        self.take_page(page)
        self.stage = 'room page socket'
        await self.connect(page)
        self.stage = 'joined'
        self.join_ms = (now() - t0) * 1000
        if tapped is not None:
            self.tap_ms = (now() - tapped) * 1000

    async def open_screen(self, path: str) -> None:
        """Wall or moderator page."""
        t0 = now()
        page = await self.load(path)
        self.take_page(page)
        await self.connect(page)
        self.join_ms = (now() - t0) * 1000

    async def post(self, text: str) -> float:
        if self.idea_input is None or self.post_button is None:
            raise RuntimeError('no idea input / post button on the room page')
        await self.emit_event(self.idea_input, [text])
        return await self.emit_event(self.post_button, [{}])

    async def vote(self, token: str, delta: int) -> float | None:
        if self.board is not None and self.board[1] is not None and token in self.idea_ids:
            return await self.emit_event(self.board, [{'id': self.idea_ids[token], 'delta': delta}])
        button = (self.vote_buttons if delta > 0 else self.unvote_buttons).get(token)
        if button is not None:
            return await self.emit_event(button, [{}])
        return None

    def result(self) -> dict:
        tallies = {}
        for key, obs in self.tally_obs.items():
            if isinstance(key, int):
                key = self.ctx.id_tokens.get(key, f'#{key}')
            tallies.setdefault(key, []).extend(obs)
        return {'kind': self.kind, 'room': self.room, 'index': self.index, 'connected_at': self.connected_at,
                'drops': self.drops, 'msgs': self.msgs, 'bytes': self.bytes, 'arrivals': self.arrivals,
                'tallies': {k: sorted(v) for k, v in tallies.items()}, 'notifies': self.notifies[:20],
                'n_notifies': len(self.notifies), 'vote_marks': self.vote_marks, 'join_ms': self.join_ms,
                'groups': {i: obs for i, obs in self.group_obs.items() if any(g is not None for _t, g in obs)},
                'clusters_seen': self.cluster_seen, 'error': self.error}


# ---------------------------------------------------------------------------------------------------------------------
# first load: bytes and requests of the phone's pages, as a browser fetches them

IMPORT_RE = re.compile(r'''(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?'''  # import x from "…" / import "…"
                       r'''|\bexport\s*[\w*{}\s,$]+\s*from\s*)["']([^"']+)["']''')  # export … from "…"
CSS_IMPORT_RE = re.compile(r'@import\s+url\(\s*["\']?([^"\')]+)["\']?\s*\)')
FONT_FACE_RE = re.compile(r'@font-face\s*\{([^}]*)\}', re.S)


def discover_assets(base: str, html: str) -> list[dict]:
    """The assets a browser requests for this HTML (scripts, styles, module imports, fonts it needs)."""
    page_url = base + '/'
    found: list[dict] = []
    seen: set[str] = set()

    def add(url: str, kind: str) -> None:
        if url.startswith('data:'):
            return
        full = urljoin(page_url, url)
        if full not in seen:
            seen.add(full)
            found.append({'url': full, 'kind': kind})
    importmap: dict[str, str] = {}
    m = re.search(r'<script type="importmap">\s*(\{.*?\})\s*</script>', html, re.S)
    if m:
        with contextlib.suppress(ValueError):
            importmap = json.loads(m.group(1)).get('imports', {})
    for tag in re.findall(r'<link\b[^>]*>', html):
        href = re.search(r'href="([^"]+)"', tag)
        rel = re.search(r'rel="([^"]+)"', tag)
        if href and rel and rel.group(1) in ('stylesheet', 'modulepreload'):
            add(href.group(1), 'css' if rel.group(1) == 'stylesheet' else 'module')
    for src in re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html):
        add(src, 'script')
    for style in re.findall(r'<style\b[^>]*>(.*?)</style>', html, re.S):
        for url in CSS_IMPORT_RE.findall(style):
            add(url, 'css')
    for script in re.findall(r'<script type="module">(.*?)</script>', html, re.S):
        for spec in IMPORT_RE.findall(script):
            add(importmap.get(spec, spec), 'module')
    return [{**a, 'importmap': importmap} for a in found]


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == 'gzip':
        return gzip.decompress(body)
    if encoding == 'deflate':
        return zlib.decompress(body)
    if encoding == 'br':
        try:
            import brotli  # type: ignore
            return brotli.decompress(body)
        except ImportError:
            return body
    return body


def _pick_fonts(css: str, css_url: str) -> list[str]:
    """Fonts a page with Latin text and Material icons downloads (an estimate: Roboto 400/500/700, the icon font)."""
    urls = []
    for block in FONT_FACE_RE.findall(css):
        family = re.search(r'font-family:\s*"?([^";]+)"?', block)
        weight = re.search(r'font-weight:\s*(\d+)', block)
        src = re.search(r'url\(([^)]+)\)', block)
        rng = re.search(r'unicode-range:\s*([^;]+)', block)
        if not family or not src:
            continue
        family_name = family.group(1).strip()
        if family_name == 'Material Icons' or (
                family_name == 'Roboto' and weight and weight.group(1) in ('400', '500', '700')
                and rng and 'U+0000-00FF' in rng.group(1)):
            urls.append(urljoin(css_url, src.group(1).strip('"\'')))
    return list(dict.fromkeys(urls))


async def fetch_assets(session: aiohttp.ClientSession, base: str, html: str, cookie: str | None,
                       done: set[str]) -> list[dict]:
    """Fetch the page's assets (recursively: CSS imports, module imports, fonts); skip ``done`` (browser cache)."""
    headers = {'User-Agent': UA, 'Accept-Encoding': 'gzip, deflate, br'}
    if cookie:
        headers['Cookie'] = cookie
    queue = discover_assets(base, html)
    importmap = queue[0]['importmap'] if queue else {}
    records = []
    while queue:
        asset = queue.pop(0)
        url = asset['url']
        if url in done:
            continue
        done.add(url)
        async with session.get(url, headers=headers) as resp:
            body = await resp.read()
            header_bytes = sum(len(k) + len(v) + 4 for k, v in resp.raw_headers) + 17
            encoding = resp.headers.get('Content-Encoding', '')
            decoded = _decode(body, encoding)
            records.append({'url': urlsplit(url).path, 'status': resp.status, 'wire': len(body) + header_bytes,
                            'body': len(body), 'decoded': len(decoded), 'encoding': encoding or 'identity',
                            'cache_control': resp.headers.get('Cache-Control', ''),
                            'set_cookie': 'Set-Cookie' in resp.headers, 'vary': resp.headers.get('Vary', '')})
        text = decoded.decode('utf-8', 'replace')
        if url.endswith('.css'):
            for imp in CSS_IMPORT_RE.findall(text):
                queue.append({'url': urljoin(url, imp), 'kind': 'css'})
            for font in _pick_fonts(text, url):
                queue.append({'url': font, 'kind': 'font'})
        elif asset.get('kind') == 'module':  # static imports of ES modules (classic scripts have none)
            for spec in IMPORT_RE.findall(text):
                if spec.startswith(('http:', 'https:')):
                    continue
                target = importmap.get(spec) or (urljoin(url, spec) if spec.startswith(('.', '/')) else None)
                if target:
                    queue.append({'url': urljoin(url, target), 'kind': 'module'})
    return records


async def measure_first_load(base: str, code: str, room_slug: str) -> dict:
    """A fresh phone: join page with all assets, pick a room, room page (cold and after the join page)."""
    ctx = Ctx(base, code, now())
    await ctx.open()
    try:
        phone = Screen(ctx, 'probe', room_slug)
        headers = {'User-Agent': UA, 'Accept-Encoding': 'gzip, deflate, br', 'Accept': 'text/html'}

        async def html(path: str) -> tuple[dict, str]:
            h = dict(headers)
            if phone.cookie:
                h['Cookie'] = phone.cookie
            async with ctx.raw_http.get(base + path, headers=h, allow_redirects=False) as resp:
                body = await resp.read()
                phone._keep_cookie(resp)
                header_bytes = sum(len(k) + len(v) + 4 for k, v in resp.raw_headers) + 17
                enc = resp.headers.get('Content-Encoding', '')
                decoded = _decode(body, enc)
                return ({'url': path, 'status': resp.status, 'wire': len(body) + header_bytes, 'body': len(body),
                         'decoded': len(decoded), 'encoding': enc or 'identity',
                         'cache_control': resp.headers.get('Cache-Control', ''),
                         'set_cookie': 'Set-Cookie' in resp.headers, 'vary': resp.headers.get('Vary', '')},
                        decoded.decode('utf-8', 'replace'))
        join_html_rec, join_html = await html(f'/j/{code}')
        cache: set[str] = set()
        join_assets = await fetch_assets(ctx.raw_http, base, join_html, phone.cookie, cache)
        # pick the room the way the phone does: the join page's form
        csrf, rooms = join_form(join_html)
        room_path = await phone.post_form(f'/j/{code}', {'csrf': csrf, 'breakout': rooms[room_slug]})
        room_html_rec, room_html = await html(room_path)
        room_assets_warm = await fetch_assets(ctx.raw_http, base, room_html, phone.cookie, set(cache))
        room_assets_cold = await fetch_assets(ctx.raw_http, base, room_html, phone.cookie, set())
        room_page = Page(base + room_path, room_html)
        # the live connection's first messages (what arrives within 1 s of connecting)
        phone2 = Screen(ctx, 'probe', room_slug)
        phone2.cookie = phone.cookie
        phone2.tab_id = phone.tab_id
        await phone2.connect(room_page)
        await asyncio.sleep(1.0)
        ws = {'messages': phone2.msgs, 'bytes': phone2.bytes}
        await phone2.close()

        def total(recs: list[dict]) -> dict:
            return {'requests': len(recs), 'wire_bytes': sum(r['wire'] for r in recs),
                    'decoded_bytes': sum(r['decoded'] for r in recs)}
        return {
            'room_page_cold': {**total([room_html_rec, *room_assets_cold]), 'plus_websocket': 1,
                               'html_wire_bytes': room_html_rec['wire'], 'html_decoded_bytes': room_html_rec['decoded'],
                               'elements': len(room_page.elements)},
            'join_page_cold': {**total([join_html_rec, *join_assets]), 'plus_websocket': 0},
            'room_page_after_join': {**total([room_html_rec, *room_assets_warm]), 'plus_websocket': 1},
            'join_flow_total': total([join_html_rec, *join_assets, room_html_rec, *room_assets_warm]),
            'websocket_first_second': ws,
            'assets': [join_html_rec, *join_assets, room_html_rec, *room_assets_warm],
        }
    finally:
        await ctx.close()


# ---------------------------------------------------------------------------------------------------------------------
# worker process: hosts phones (and, in worker 0, the walls and moderator pages)

def raise_fd_limit() -> int:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 65536
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def set_nice(nice: int | None, pid: int = 0) -> None:
    """Priority of a process and of its session's autogroup (with autogroups, nice alone only ranks within one)."""
    if nice is not None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)
        with contextlib.suppress(OSError):
            Path(f'/proc/{pid or "self"}/autogroup').write_text(str(nice))


def worker_entry(cfg: dict, conn: Any) -> None:
    raise_fd_limit()
    set_nice(cfg.get('nice'))
    try:
        asyncio.run(Worker(cfg, conn).run())
    except Exception as e:  # report instead of hanging the coordinator
        with contextlib.suppress(Exception):
            conn.send(('error', f'{type(e).__name__}: {e}'))
        raise


class Worker:
    def __init__(self, cfg: dict, conn: Any) -> None:
        self.cfg = cfg
        self.conn = conn
        self.ctx = Ctx(cfg['base'], cfg['code'], cfg['t_ref'], assets=cfg['assets'])
        self.ctx.trace_dir = cfg.get('trace')
        self.rooms = cfg['rooms']
        self.phones: dict[int, Screen] = {}
        self.screens: list[Screen] = []
        self.lags: list[tuple[float, float]] = []
        self.t0 = math.inf
        self.post_times: dict[str, float] = {}
        self.vote_log: list[tuple] = []
        self.switch_log: list[tuple] = []
        self.cluster_log: list[tuple[str, float]] = []  # (title, create click sent)
        self.move_log: list[tuple[int, int, str, float]] = []  # (index, idea id, cluster title, file event sent)
        self.errors: list[str] = []
        self.deadline = cfg['deadline']

    async def recv(self) -> tuple:
        loop = asyncio.get_running_loop()
        while True:
            if await loop.run_in_executor(None, self.conn.poll, 0.5):
                return self.conn.recv()
            if now() > self.deadline:
                raise TimeoutError('worker deadline passed')

    async def lag_probe(self) -> None:
        while True:
            t = now()
            await asyncio.sleep(0.05)
            self.lags.append((t, now() - t - 0.05))

    async def ack_loop(self) -> None:
        while True:
            await asyncio.sleep(3.0)
            for s in list(self.screens):
                await s.ack()

    async def run(self) -> None:
        await self.ctx.open()
        probe = asyncio.create_task(self.lag_probe())
        acks = asyncio.create_task(self.ack_loop())
        cpu0 = time.process_time()
        try:
            # walls and moderator pages first (worker 0)
            for room in self.rooms if self.cfg['worker'] == 0 else ():
                for kind, path in (('wall', room.get('wall')), ('moderator', room.get('moderator'))):
                    if not path:
                        continue
                    s = Screen(self.ctx, kind, room['slug'])
                    try:
                        await s.open_screen(path)
                    except Exception as e:
                        s.error = f'{type(e).__name__}: {e}'
                        self.errors.append(f'{kind} {room["slug"]}: {s.error}')
                    self.screens.append(s)
            self.conn.send(('screens', len(self.screens)))
            msg = await self.recv()
            assert msg[0] == 'join'
            await self.join_all()
            self.conn.send(('joined', {g: s.join_ms for g, s in self.phones.items() if s.error is None},
                            {g: s.error for g, s in self.phones.items() if s.error is not None},
                            {g: s.tap_ms for g, s in self.phones.items() if s.tap_ms is not None}))
            gc.collect()
            gc.freeze()  # the joined pages' objects stay: keep the collector from walking them during the run
            msg = await self.recv()
            assert msg[0] == 'go'
            self.t0 = msg[1]['t0']
            await self.execute(msg[1])
            self.conn.send(('result', self.result(time.process_time() - cpu0)))
        finally:
            probe.cancel()
            acks.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.close_all(), 20)
            await self.ctx.close()

    async def join_all(self) -> None:
        sem = asyncio.Semaphore(self.cfg['join_concurrency'])
        rate = self.cfg['join_rate'] / max(1, self.cfg['procs'])
        t0 = now()

        async def one(i: int, g: int) -> None:
            if rate > 0:
                await asyncio.sleep(max(0.0, t0 + i / rate - now()))
            room = self.rooms[g % len(self.rooms)]
            s = Screen(self.ctx, 'phone', room['slug'], g)
            self.phones[g] = s
            async with sem:
                try:
                    await asyncio.wait_for(s.join(room['slug']), self.cfg['join_timeout'])
                    self.screens.append(s)
                except Exception as e:
                    s.error = f'{s.stage}: {type(e).__name__}: {e}'[:200]
                    await s.close()
        await asyncio.gather(*(one(i, g) for i, g in enumerate(self.cfg['phones'])))

    async def execute(self, plan: dict) -> None:
        t0 = plan['t0']
        rooms_by_slug = {s.room: s for s in self.screens if s.kind == 'moderator'}

        async def at(t: float) -> None:
            await asyncio.sleep(max(0.0, t0 + t - now()))

        async def post(item: dict) -> None:
            await at(item['t'])
            s = self.phones.get(item['poster'])
            if s is None or not s.connected:
                return
            try:
                self.post_times[item['token']] = await s.post(item['text'])
            except Exception as e:
                self.errors.append(f'post {item["token"]}: {type(e).__name__}: {e}')

        async def switch(item: dict) -> None:
            await at(item['t'])
            s = rooms_by_slug.get(item['room'])
            if s is None or s.toggle is None:
                self.errors.append(f'switch {item["room"]}: no moderator phase toggle')
                return
            try:
                t = await s.emit_event(s.toggle[:2], [s.toggle[2]])
                self.switch_log.append((item['room'], t))
            except Exception as e:
                self.errors.append(f'switch {item["room"]}: {type(e).__name__}: {e} (drops: {s.drops})')

        async def vote(item: dict) -> None:
            await at(item['t'])
            s = self.phones.get(item['voter'])
            if s is None or not s.connected:
                self.vote_log.append((item['burst'], item['token'], item['delta'], None, 'not connected'))
                return
            try:
                t = await s.vote(item['token'], item['delta'])
            except Exception as e:
                t = None
                self.errors.append(f'vote: {type(e).__name__}: {e}')
            self.vote_log.append((item['burst'], item['token'], item['delta'], t, None if t else 'no target'))

        mine = set(self.phones)
        tasks = [post(i) for i in plan['ideas'] if i['poster'] in mine]
        if self.cfg['worker'] == 0:
            tasks += [switch(i) for i in plan['switches']]
            if plan.get('curation'):
                tasks.append(self.curate(plan['curation'], rooms_by_slug.get(plan['curation']['room'])))
        tasks += [vote(i) for i in plan['votes'] if i['voter'] in mine]
        await asyncio.gather(*tasks)
        await at(plan['end'])

    async def curate(self, cur: dict, s: Screen | None) -> None:
        """The room's moderator page creates clusters (its "New cluster" box and button), then files cards one after
        another with the clustering board's ``file`` event ({id, cluster}), as a drop or "Move to cluster" does."""
        room = cur['room']
        els = s.page.elements if s is not None and s.page is not None else {}
        create, target = find_cluster_create(els), board_event(els, 'file')
        if s is None or create is None or target is None:
            self.errors.append(f'curation {room}: no moderator page with a "New cluster" box and button and a board '
                               f'"file" event')
            return

        async def at(t: float) -> None:
            await asyncio.sleep(max(0.0, self.t0 + t - now()))
        try:
            for k, title in enumerate(cur['titles']):
                await at(cur['t_create'] + k * cur['create_interval'])
                await s.emit_event(create[0], [title])
                self.cluster_log.append((title, await s.emit_event(create[1], [{}])))
            while not set(cur['titles']) <= set(s.cluster_ids) and now() < self.t0 + cur['t_moves'] + 10:
                await asyncio.sleep(0.05)
            await at(cur['t_moves'])
            titles = [t for t in cur['titles'] if t in s.cluster_ids]
            ideas = sorted({s.idea_ids[tok] for tok in cur['tokens'] if tok in s.idea_ids})
            if len(titles) < 2 or not ideas:
                self.errors.append(f'curation {room}: {len(titles)} clusters arrived, {len(ideas)} ideas known')
                return
            current = {i: s.group_obs[i][-1][1] for i in ideas if s.group_obs.get(i)}
            start = now()
            for k, (idea, title) in enumerate(move_targets(ideas, current, titles, cur['moves'])):
                await asyncio.sleep(max(0.0, start + k * cur['interval'] - now()))
                t = await s.emit_event(target, [{'id': idea, 'cluster': s.cluster_ids[title]}])
                self.move_log.append((k, idea, title, t))
        except Exception as e:
            self.errors.append(f'curation {room}: {type(e).__name__}: {e} (drops: {s.drops})')

    async def close_all(self) -> None:
        sem = asyncio.Semaphore(100)

        async def one(s: Screen) -> None:
            async with sem:
                await s.close()
        await asyncio.gather(*(one(s) for s in self.screens), return_exceptions=True)

    def result(self, cpu: float) -> dict:
        lags = sorted(lag for _t, lag in self.lags) or [0.0]
        run_lags = [lag for t, lag in self.lags if t >= self.t0] or [0.0]
        return {'worker': self.cfg['worker'], 'screens': [s.result() for s in self.screens],
                'failed_phones': {g: s.error for g, s in self.phones.items() if s.error},
                'post_times': self.post_times, 'votes': self.vote_log, 'switches': self.switch_log,
                'clusters_created': self.cluster_log, 'moves': self.move_log,
                'buckets': dict(self.ctx.buckets), 'errors': self.errors[:50], 'cpu_s': cpu,
                'lag_max_ms': lags[-1] * 1000, 'lag_p99_ms': lags[int(0.99 * (len(lags) - 1))] * 1000,
                'lag_max_run_ms': max(run_lags) * 1000,
                'asset_bytes': self.ctx.asset_bytes, 'asset_requests': self.ctx.asset_requests}


# ---------------------------------------------------------------------------------------------------------------------
# the server: spawn, sample /proc, probe the event loop

SERVER_BOOT = r'''
# one interpreter: create the workshop (workshop new), then serve it, with an event-loop lag probe
import asyncio, contextlib, io, json, os, sqlite3, sys, time
from workshop.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    rc = main(json.loads(os.environ['LOADGEN_NEW']))
with open(os.environ['LOADGEN_LINKS'], 'w', encoding='utf-8') as f:
    f.write(out.getvalue())
if rc:
    sys.exit(rc)
if os.environ.get('LOADGEN_SHOW_TALLIES'):  # the lead's "show tallies while voting" switch
    with contextlib.closing(sqlite3.connect(os.environ['LOADGEN_DB'])) as c:
        c.execute('UPDATE workshop SET hide_tallies = 0')
        c.commit()
if os.environ.get('LOADGEN_LAG_FILE'):
    from nicegui import app
    def _loop_probe():
        async def probe():
            with open(os.environ['LOADGEN_LAG_FILE'], 'w', buffering=1) as f:
                last = time.monotonic()
                while True:
                    t = time.monotonic()
                    await asyncio.sleep(0.02)
                    lag = time.monotonic() - t - 0.02
                    if lag > 0.01 or time.monotonic() - last > 1.0:
                        f.write(f'{t:.4f} {lag * 1000:.1f}\n')
                        last = time.monotonic()
        asyncio.get_running_loop().create_task(probe())
    app.on_startup(_loop_probe)
if os.environ.get('LOADGEN_CPROFILE'):  # deterministic profile of a window: SIGUSR1 starts it, SIGUSR2 writes it
    import cProfile, signal
    _profiler = cProfile.Profile()
    signal.signal(signal.SIGUSR1, lambda *_: _profiler.enable())
    def _dump(*_):
        _profiler.disable()
        _profiler.dump_stats(os.environ['LOADGEN_CPROFILE'])
    signal.signal(signal.SIGUSR2, _dump)
sys.exit(main(sys.argv[1:]))
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def clean_env(app_dir: Path, data_dir: Path, extra: list[str] | None = None) -> dict:
    """The server's environment: no pytest or WORKSHOP_* settings leaking in, except what --server-env gives."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('PYTEST_', 'WORKSHOP_', 'NICEGUI_')) and k != 'PYTHONPATH'}
    env['WORKSHOP_DATA_DIR'] = str(data_dir)
    env['PYTHONPATH'] = str(app_dir)
    for item in extra or ():
        key, _, value = item.partition('=')
        env[key] = value
    return env


LINK_RE = re.compile(r'^\s+(\S.*?)\s{2,}(http://\S+)(?:\s+(.*))?$')


def new_links(data: dict) -> dict:
    """The join code, moderator and wall paths by room slug, from what ``workshop new --json`` printed."""
    return {'code': data['join_code'],
            'moderators': {slug(b['label']): urlsplit(b['moderator']).path for b in data['breakouts']},
            'walls': {slug(b['label']): urlsplit(b['wall']).path for b in data['breakouts']}}


def parse_links(text: str) -> dict:
    """The same from ``workshop new``'s text: --spawn serves any --app-dir, also one from before --json."""
    out: dict[str, Any] = {'moderators': {}, 'walls': {}}
    section = None
    for line in text.splitlines():
        if 'Join code:' in line:
            out['code'] = line.split(':', 1)[1].strip()
        elif 'Breakout moderators' in line:
            section = 'moderators'
        elif 'Breakout walls' in line:
            section = 'walls'
        elif section and (m := LINK_RE.match(line)):
            label = m.group(1).strip()
            out[section].setdefault(slug(label), urlsplit(m.group(2)).path)
    return out


class Server:
    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = args.pid
        self.lag_file = tmp / 'loop-lag.txt'
        self.log_file = tmp / 'server.log'

    def spawn(self) -> dict:
        app_dir = Path(self.args.app_dir).resolve()
        python = self.args.python or sys.executable
        data = self.tmp / 'data'
        data.mkdir(parents=True, exist_ok=True)
        db = self.tmp / 'workshop.sqlite3'
        port = self.args.port or free_port()
        base = f'http://127.0.0.1:{port}'
        env = clean_env(app_dir, data, self.args.server_env)
        links_file = self.tmp / 'links.txt'
        env['LOADGEN_NEW'] = json.dumps(['new', self.args.template, '--db', str(db), '--public-url', base])
        env['LOADGEN_LINKS'] = str(links_file)
        env['LOADGEN_DB'] = str(db)
        if self.args.show_tallies:
            env['LOADGEN_SHOW_TALLIES'] = '1'
        if not self.args.no_loop_probe:
            env['LOADGEN_LAG_FILE'] = str(self.lag_file)
        if self.args.cprofile_join or self.args.cprofile_run:
            env['LOADGEN_CPROFILE'] = str(Path(self.args.cprofile_join or self.args.cprofile_run).resolve())
        cmd = [python, '-c', SERVER_BOOT, 'serve', '--db', str(db), '--host', '127.0.0.1', '--port', str(port),
               '--public-url', base]
        self.proc = subprocess.Popen(cmd, env=env, cwd=self.tmp, stdout=open(self.log_file, 'w'),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.proc.pid
        set_nice(self.args.nice, self.pid)
        deadline = now() + 120
        while now() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'server exited: {self.log_file.read_text()[-3000:]}')
            with contextlib.suppress(OSError), socket.create_connection(('127.0.0.1', port), timeout=0.5):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError('server did not start within 120 s')
        return {'base': base, **parse_links(links_file.read_text(encoding='utf-8'))}

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGKILL, 5),):  # a throwaway server on a temporary database
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def lags(self) -> list[tuple[float, float]]:
        if not self.lag_file.exists():
            return []
        out = []
        for line in self.lag_file.read_text().splitlines():
            with contextlib.suppress(ValueError):
                t, lag = line.split()
                out.append((float(t), float(lag)))
        return out


class Sampler:
    """Samples the server process: CPU (utime+stime), RSS, bytes written (/proc/PID/io wchar)."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float, int, int]] = []
        self.machine: list[tuple[float, float, float]] = []
        self.tick = os.sysconf('SC_CLK_TCK')

    def read(self) -> tuple[float, float, int, int] | None:
        if not self.pid:
            return None
        try:
            stat = Path(f'/proc/{self.pid}/stat').read_text()
            fields = stat.rsplit(')', 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / self.tick
            rss = 0
            for line in Path(f'/proc/{self.pid}/status').read_text().splitlines():
                if line.startswith('VmRSS:'):
                    rss = int(line.split()[1]) * 1024
            wchar = 0
            with contextlib.suppress(OSError):
                for line in Path(f'/proc/{self.pid}/io').read_text().splitlines():
                    if line.startswith('wchar:'):
                        wchar = int(line.split()[1])
            return now(), cpu, rss, wchar
        except (OSError, IndexError, ValueError):
            return None

    async def run(self, interval: float = 0.2) -> None:
        while True:
            s = self.read()
            if s:
                self.samples.append(s)
            with contextlib.suppress(OSError, ValueError):
                fields = Path('/proc/stat').read_text().split('\n', 1)[0].split()[1:]
                values = [int(x) for x in fields]
                idle = values[3] + values[4]
                self.machine.append((now(), (sum(values) - idle) / self.tick, sum(values) / self.tick))
            await asyncio.sleep(interval)

    def machine_busy_between(self, t0: float, t1: float) -> float | None:
        """CPU seconds all processes on the machine used in [t0, t1] (to see what else ran)."""
        a = next((m for m in self.machine if m[0] >= t0), None)
        b = next((m for m in reversed(self.machine) if m[0] <= t1), None)
        if not a or not b or b[0] <= a[0]:
            return None
        return b[1] - a[1]

    def at(self, t: float) -> tuple[float, float, int, int] | None:
        best = None
        for s in self.samples:
            if s[0] <= t:
                best = s
            else:
                return best or s
        return best

    def cpu_between(self, t0: float, t1: float) -> float | None:
        a, b = self.at(t0), self.at(t1)
        if not a or not b:
            return None
        return b[1] - a[1]

    def wchar_between(self, t0: float, t1: float) -> int | None:
        a, b = self.at(t0), self.at(t1)
        if not a or not b:
            return None
        return b[3] - a[3]

    def rss_at(self, t: float) -> int | None:
        s = self.at(t)
        return s[2] if s else None


class HttpProbe:
    """A cheap GET every 100 ms: its response time is an outside view of event-loop stalls."""

    def __init__(self, base: str, path: str) -> None:
        self.url = base + path
        self.samples: list[tuple[float, float]] = []

    async def run(self) -> None:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            while True:
                t = now()
                try:
                    async with http.get(self.url, headers={'Accept-Encoding': 'identity'},
                                        timeout=aiohttp.ClientTimeout(total=30)) as resp:
                        await resp.read()
                    self.samples.append((t, now() - t))
                except Exception:
                    self.samples.append((t, 30.0))
                await asyncio.sleep(max(0.0, 0.1 - (now() - t)))


# ---------------------------------------------------------------------------------------------------------------------
# the plan: when which phone posts, when moderators switch to voting, which phones give which dots

def idea_text(rng: random.Random, token: str) -> str:
    words = rng.sample(IDEA_WORDS, 4)
    return f'{words[0]} und {words[1]} stärken: {words[2]} für {words[3]} öffnen ({token})'


CLUSTER_STEP = 0.3  # seconds between the moderator's new clusters
CURATION_PAUSE = 1.0  # seconds after the vote bursts and again after the new clusters, before cards move


def curation_seconds(args: argparse.Namespace) -> float:
    """How long the curation stage takes after --duration: new clusters, then the card moves."""
    if args.card_moves <= 0:
        return 0.0
    return 2 * CURATION_PAUSE + args.clusters * CLUSTER_STEP + args.card_moves * args.move_interval


def make_plan(args: argparse.Namespace, rooms: list[str], phones_by_room: dict[str, list[int]],
              seeds_by_room: dict[str, list[str]], first_token: int, rng: random.Random) -> dict:
    d = args.duration
    collect_end = d * args.collect_share
    ideas = []
    token_no = first_token
    tokens_by_room = {r: list(seeds_by_room.get(r, [])) for r in rooms}
    if args.ideas_per_minute > 0:
        step = 60.0 / args.ideas_per_minute
        t = 1.0
        i = 0
        while t < collect_end:
            room = rooms[i % len(rooms)]
            if phones_by_room.get(room):
                token = f'BX{token_no:06d}Q'
                token_no += 1
                ideas.append({'t': round(t, 3), 'room': room, 'poster': rng.choice(phones_by_room[room]),
                              'token': token, 'text': idea_text(rng, token)})
                tokens_by_room[room].append(token)
            t += step
            i += 1
    stagger = 1.0 if d >= 30 else 0.5
    switches = [{'t': round(collect_end + 0.5 + k * stagger, 3), 'room': r} for k, r in enumerate(rooms)]
    votes: list[dict] = []
    bursts: list[dict] = []
    if args.vote_burst > 0:
        b = (switches[-1]['t'] if switches else collect_end) + (4.0 if d >= 30 else 1.5)
        used: dict[int, list[str]] = defaultdict(list)  # phone -> tokens it gave a dot to
        last_burst: list[tuple[int, str]] = []
        k = 0
        while b + args.burst_length <= d - 0.5 and (args.bursts == 0 or k < args.bursts):
            n = args.vote_burst
            # +1 dots while budgets allow; otherwise this burst takes the previous burst's dots back
            pairs = []
            rooms_cycle = [r for r in rooms if phones_by_room.get(r) and tokens_by_room.get(r)]
            candidates = []
            for r in rooms_cycle:
                for g in phones_by_room[r]:
                    if len(used[g]) < args.dots:
                        free = [tok for tok in tokens_by_room[r] if tok not in used[g]]
                        if free:
                            candidates.append((g, r, free))
            rng.shuffle(candidates)
            # spread over phones: each phone gives at most one dot per burst while enough phones remain
            per_phone = max(1, math.ceil(n / max(1, len(candidates))))
            for g, _r, free in candidates:
                for tok in rng.sample(free, min(per_phone, len(free), args.dots - len(used[g]))):
                    if len(pairs) < n:
                        pairs.append((g, tok, 1))
            delta = 1
            if len(pairs) < n and last_burst:
                pairs = [(g, tok, -1) for g, tok in last_burst[:n]]
                delta = -1
            rng.shuffle(pairs)
            for j, (g, tok, dl) in enumerate(pairs):
                votes.append({'t': round(b + args.burst_length * j / max(1, len(pairs)), 4), 'voter': g,
                              'token': tok, 'delta': dl, 'burst': k})
                if dl > 0:
                    used[g].append(tok)
                else:
                    used[g].remove(tok)
            bursts.append({'index': k, 't': b, 'votes': len(pairs), 'delta': delta})
            last_burst = [(g, tok) for g, tok, dl in pairs if dl > 0]
            b += args.burst_interval
            k += 1
    curation = None
    if args.card_moves > 0 and rooms:  # after the bursts, in the first room (it has the most phones)
        tag = uuid.uuid4().hex[:4]  # new titles also on a server attached to again
        room = rooms[0]
        curation = {'room': room, 'titles': [f'Thema {k + 1} · {tag}' for k in range(args.clusters)],
                    't_create': d + CURATION_PAUSE, 'create_interval': CLUSTER_STEP,
                    't_moves': d + 2 * CURATION_PAUSE + args.clusters * CLUSTER_STEP,
                    'interval': args.move_interval, 'moves': args.card_moves, 'tokens': tokens_by_room[room]}
    return {'ideas': ideas, 'switches': switches, 'votes': votes, 'bursts': bursts, 'collect_end': collect_end,
            'curation': curation, 'end': d + curation_seconds(args) + args.grace, 'next_token': token_no,
            'seed_rooms': seeds_by_room}


# ---------------------------------------------------------------------------------------------------------------------
# coordinator

def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return round(v[lo] + (v[hi] - v[lo]) * (k - lo), 1)


def dist(values: list[float]) -> dict:
    return {'n': len(values), 'p50': pct(values, 0.5), 'p95': pct(values, 0.95), 'p99': pct(values, 0.99),
            'max': round(max(values), 1) if values else None}


def machine_info() -> dict:
    mem = 0
    with contextlib.suppress(OSError):
        for line in Path('/proc/meminfo').read_text().splitlines():
            if line.startswith('MemTotal:'):
                mem = int(line.split()[1]) * 1024
    info = {'cores': os.cpu_count(), 'memory_gib': round(mem / 2**30, 1), 'python': platform.python_version(),
            'platform': platform.platform()}
    with contextlib.suppress(Exception):
        import importlib.metadata as md
        info['nicegui'] = md.version('nicegui')
    return info


def loadavg() -> list[float]:
    with contextlib.suppress(OSError):
        return [float(x) for x in Path('/proc/loadavg').read_text().split()[:3]]
    return []


SEED_PER_PHONE = 5


async def seed(base: str, code: str, rooms: list[str], per_room: int, rng: random.Random,
               first_token: int) -> tuple[dict[str, list[str]], int, list[str]]:
    """Extra phones (one per 5 ideas) post the ideas each room already has when the measurement starts, then leave."""
    ctx = Ctx(base, code, now())
    await ctx.open()
    seeds: dict[str, list[str]] = {r: [] for r in rooms}
    errors: list[str] = []
    token_no = first_token
    try:
        if per_room <= 0:
            return seeds, token_no, errors
        phones = []  # (phone, how many ideas it posts)
        for r in rooms:
            # a phone may post a burst of 5 ideas (services/post_limits.py): one seed phone per 5
            for first in range(0, per_room, SEED_PER_PHONE):
                s = Screen(ctx, 'seed', r)
                try:
                    await s.join(r)
                    phones.append((s, min(SEED_PER_PHONE, per_room - first)))
                except Exception as e:
                    errors.append(f'seed {r}: {type(e).__name__}: {e}')
        for s, count in phones:
            for _ in range(count):
                token = f'BX{token_no:06d}Q'
                token_no += 1
                await s.post(idea_text(rng, token))
                for _ in range(100):
                    if token in s.arrivals:
                        break
                    await asyncio.sleep(0.02)
                seeds[s.room].append(token)
        for s, _count in phones:
            await s.close()
    finally:
        await ctx.close()
    return seeds, token_no, errors


T_START = now()


def log(msg: str) -> None:
    print(f'[loadgen {now() - T_START:6.1f}s] {msg}', file=sys.stderr, flush=True)


def run_coordinator(args: argparse.Namespace) -> dict:
    raise_fd_limit()
    group_nice = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        group_nice = Path('/proc/self/autogroup').read_text().split()[-1]
    set_nice(args.nice)
    try:
        return _run_coordinator(args)
    finally:
        if args.nice is not None and group_nice is not None:  # the shell's session group gets its priority back
            with contextlib.suppress(OSError):
                Path('/proc/self/autogroup').write_text(group_nice)


def py_spy(path: str, pid: int, seconds: float) -> subprocess.Popen:
    exe = shutil.which('py-spy') or str(Path(sys.executable).parent / 'py-spy')
    fmt = ['--format', 'speedscope'] if path.endswith('.json') else ['--format', 'raw'] if path.endswith('.txt') \
        else []
    return subprocess.Popen([exe, 'record', '-d', str(max(1, int(seconds))), '-r', '50', '-o', path, '--pid',
                             str(pid), '--nonblocking', *fmt], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _run_coordinator(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix='loadgen-'))
    server = Server(args, tmp)
    watchdog_fired = threading.Event()
    hard_stop = args.join_timeout + args.duration + curation_seconds(args) + args.grace + 120 \
        + (30 if args.spawn else 0)

    def watchdog() -> None:
        if not finished.wait(hard_stop):
            watchdog_fired.set()
            print(f'loadgen: hard stop after {hard_stop:.0f} s', file=sys.stderr)
            server.stop()
            os._exit(3)
    finished = threading.Event()
    threading.Thread(target=watchdog, daemon=True).start()
    try:
        if args.spawn:
            log(f'spawning the server from {args.app_dir}')
            info = server.spawn()
            log(f'server pid {server.pid} at {info["base"]}, join code {info.get("code")}')
        else:
            info = {'base': args.url.rstrip('/'), 'code': args.code, 'moderators': {}, 'walls': {}}
            for item in args.moderator or ():
                label, _, path = item.partition('=')
                info['moderators'][slug(label)] = urlsplit(path).path
            for item in args.wall or ():
                label, _, path = item.partition('=')
                info['walls'][slug(label)] = urlsplit(path).path
        host = urlsplit(info['base']).hostname
        if host not in ('127.0.0.1', 'localhost', '::1') and not (host or '').startswith('127.'):
            raise SystemExit('loadgen: loopback targets only (127.0.0.0/8, localhost, ::1)')
        return asyncio.run(coordinate(args, info, server))
    finally:
        finished.set()
        server.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f'loadgen: kept {tmp}', file=sys.stderr)


async def coordinate(args: argparse.Namespace, info: dict, server: Server) -> dict:
    base, code = info['base'], info['code']
    rng = random.Random(args.seed)
    sampler = Sampler(server.pid)
    tasks = [asyncio.create_task(sampler.run())]
    probe = HttpProbe(base, args.probe_path)
    marks: dict[str, float] = {}
    load_before = loadavg()
    result: dict[str, Any] = {'config': {k: v for k, v in vars(args).items() if k not in ('moderator', 'wall')},
                              'machine': machine_info(), 'server': {'pid': server.pid, 'base': base, 'code': code}}
    # the rooms: the join page's breakout buttons
    ctx = Ctx(base, code, now())
    await ctx.open()
    try:
        s = Screen(ctx, 'probe', '')
        page = await s.load(f'/j/{code}', plain=True)
    finally:
        await ctx.close()
    buttons = join_rooms(page.html)
    if not buttons:
        raise RuntimeError('the join page shows no breakout buttons')
    room_slugs = list(buttons)[:args.rooms] if args.rooms else list(buttons)
    rooms = [{'slug': r, 'label': buttons[r],
              'moderator': info['moderators'].get(r) if not args.no_screens else None,
              'wall': info['walls'].get(r) if not args.no_screens else None} for r in room_slugs]
    result['rooms'] = rooms
    tasks.append(asyncio.create_task(probe.run()))

    # generator processes start now (importing takes a while); worker 0 opens the walls and moderator pages
    procs = args.procs or (1 if args.phones <= 400 else 2)
    t_ref = now()
    marks['bucket_ref'] = t_ref
    mpctx = mp.get_context('spawn')
    workers = []
    if args.first_load_only:
        procs = 0
    deadline = now() + args.join_timeout + args.duration + curation_seconds(args) + args.grace + 90
    for w in range(procs):
        parent, child = mpctx.Pipe()
        cfg = {'worker': w, 'procs': procs, 'base': base, 'code': code, 'rooms': rooms, 't_ref': t_ref,
               'phones': [g for g in range(args.phones) if g % procs == w], 'assets': args.assets,
               'join_concurrency': max(1, args.join_concurrency // procs),
               'join_rate': args.join_rate or (args.phones / args.join_window if args.join_window > 0 else 0.0),
               'join_timeout': args.join_timeout, 'deadline': deadline, 'trace': args.trace, 'nice': args.nice}
        p = mpctx.Process(target=worker_entry, args=(cfg, child), daemon=True)
        p.start()
        workers.append((p, parent))

    if not args.no_first_load:
        log('first load')
        try:
            result['first_load'] = await measure_first_load(base, code, room_slugs[0])
        except Exception as e:
            result['first_load'] = {'error': f'{type(e).__name__}: {e}'}
    if args.first_load_only:
        for t in tasks:
            t.cancel()
        return result
    log(f'seeding {args.seed_ideas} ideas per room in {len(room_slugs)} rooms')
    seeds, next_token, seed_errors = await seed(base, code, room_slugs, args.seed_ideas, rng, 1)
    result['seed'] = {'per_room': args.seed_ideas, 'errors': seed_errors}

    async def recv(conn: Any, timeout: float) -> tuple:
        loop = asyncio.get_running_loop()
        end = now() + timeout
        while now() < end:
            if await loop.run_in_executor(None, conn.poll, 0.2):
                msg = conn.recv()
                if msg[0] == 'error':
                    raise RuntimeError(f'worker failed: {msg[1]}')
                return msg
        raise TimeoutError('worker did not answer')

    for _p, conn in workers:
        await recv(conn, 120)
    log(f'{procs} generator process(es) ready, walls and moderator pages open')
    await asyncio.sleep(args.settle)  # the first-load and seed phones' pages are gone after the reconnect timeout
    marks['before_join'] = now()
    await asyncio.sleep(0.3)
    rss_before = sampler.rss_at(now())
    marks['join_start'] = now()
    join_profiler = None
    if args.profile_join and server.pid:
        join_profiler = py_spy(args.profile_join, server.pid, (args.join_window or 10) + 10)
    if args.cprofile_join and server.pid:
        os.kill(server.pid, signal.SIGUSR1)
    for _p, conn in workers:
        conn.send(('join',))
    joined: dict[int, float] = {}
    failed: dict[int, str] = {}
    taps: dict[int, float] = {}
    for _p, conn in workers:
        msg = await recv(conn, args.join_timeout + 120)
        joined.update(msg[1])
        failed.update(msg[2])
        taps.update(msg[3])
    marks['taps'] = list(taps.values())
    marks['join_end'] = now()
    if args.cprofile_join and server.pid:
        os.kill(server.pid, signal.SIGUSR2)
    log(f'{len(joined)} phones joined in {marks["join_end"] - marks["join_start"]:.1f} s, {len(failed)} failed')
    await asyncio.sleep(args.settle)
    marks['idle_start'] = now()
    await asyncio.sleep(args.idle_window)
    marks['idle_end'] = now()
    rss_after = sampler.rss_at(now())

    phones_by_room: dict[str, list[int]] = defaultdict(list)
    for g in sorted(joined):
        phones_by_room[room_slugs[g % len(room_slugs)]].append(g)
    plan = make_plan(args, room_slugs, phones_by_room, seeds, next_token, rng)
    plan['t0'] = now() + 0.5
    marks['t0'] = plan['t0']
    profiler = None
    if args.profile and server.pid:
        profiler = py_spy(args.profile, server.pid, args.duration)
    if args.cprofile_run and server.pid:
        os.kill(server.pid, signal.SIGUSR1)
    log(f'go: {len(plan["ideas"])} ideas, {len(plan["switches"])} phase switches, {len(plan["bursts"])} vote bursts '
        f'({len(plan["votes"])} votes) in {args.duration:.0f} s'
        + (f', then {args.card_moves} card moves in {plan["curation"]["room"]}' if plan['curation'] else ''))
    for _p, conn in workers:
        conn.send(('go', plan))
    results = []
    for _p, conn in workers:
        msg = await recv(conn, args.duration + curation_seconds(args) + args.grace + 120)
        results.append(msg[1])
    marks['end'] = now()
    if args.cprofile_run and server.pid:
        os.kill(server.pid, signal.SIGUSR2)
        await asyncio.sleep(1)  # the profile is written by the server
    log('done; collecting')
    if args.spawn:
        server.stop()
    for prof in (profiler, join_profiler):
        if prof is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                prof.wait(60)
    for p, _conn in workers:
        p.join(30)
        if p.is_alive():
            p.kill()
    for t in tasks:
        t.cancel()
    result['load_average'] = {'before': load_before, 'after': loadavg()}
    if args.dump_raw:
        with open(args.dump_raw, 'w', encoding='utf-8') as f:
            json.dump({'plan': plan, 'marks': marks, 'results': results, 'server_samples': sampler.samples,
                       'loop_lags': server.lags(), 'probe': probe.samples}, f)
    result.update(summarise(args, plan, results, sampler, probe, server, marks, joined, failed, rss_before, rss_after,
                            rooms))
    return result


def summarise(args: argparse.Namespace, plan: dict, results: list[dict], sampler: Sampler, probe: HttpProbe,
              server: Server, marks: dict, joined: dict, failed: dict, rss_before: int | None,
              rss_after: int | None, rooms: list[dict]) -> dict:
    t0 = plan['t0']
    screens = [s for r in results for s in r['screens']]
    post_times: dict[str, float] = {}
    for r in results:
        post_times.update(r['post_times'])
    out: dict[str, Any] = {}

    # join
    join_ms = [v for v in joined.values() if v is not None]
    error_kinds: defaultdict[str, int] = defaultdict(int)
    for e in failed.values():
        error_kinds[re.sub(r'\d+', 'N', e)[:120]] += 1
    out['join'] = {'phones': args.phones, 'joined': len(joined), 'failed': len(failed),
                   'errors': dict(sorted(error_kinds.items(), key=lambda kv: -kv[1])[:6]),
                   'all_joined_s': round(marks['join_end'] - marks['join_start'], 2), 'per_phone_ms': dist(join_ms),
                   # from tapping a room on the join page (the form's post) to a live room page
                   'tap_to_live_ms': dist(marks.get('taps', [])),
                   'screens': {k: sum(1 for s in screens if s['kind'] == k and s['error'] is None)
                               for k in ('wall', 'moderator')},
                   'asset_requests': sum(r['asset_requests'] for r in results),
                   'asset_bytes': sum(r['asset_bytes'] for r in results)}

    # server memory
    phones_n = max(1, len(joined))
    out['memory'] = {'rss_mb_before_join': round(rss_before / 2**20, 1) if rss_before else None,
                     'rss_mb_after_join': round(rss_after / 2**20, 1) if rss_after else None,
                     'rss_mb_end': round(sampler.samples[-1][2] / 2**20, 1) if sampler.samples else None,
                     'mb_per_phone': round((rss_after - rss_before) / 2**20 / phones_n, 3)
                     if rss_before and rss_after else None}

    # idle rates (what the server and the clients do with no ideas and votes: pings, acks, presence)
    idle_len = marks['idle_end'] - marks['idle_start']
    idle_cpu = sampler.cpu_between(marks['idle_start'], marks['idle_end'])
    idle_rate = (idle_cpu or 0.0) / idle_len if idle_len > 0 else 0.0

    buckets: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for k, (n, b) in r['buckets'].items():
            buckets[int(k)][0] += n
            buckets[int(k)][1] += b

    def msgs_between(a: float, b: float) -> tuple[int, int]:
        """Messages and bytes all screens received in [a, b) (100 ms buckets relative to the workers' t_ref)."""
        n = nb = 0
        for k, (cnt, byt) in buckets.items():
            t = marks['bucket_ref'] + k * BUCKET
            if a <= t < b:
                n += cnt
                nb += byt
        return n, nb

    # ideas
    lat_by_kind: defaultdict[str, list[float]] = defaultdict(list)
    missed = foreign = 0
    idea_rows = []
    for idea in plan['ideas']:
        tp = post_times.get(idea['token'])
        if tp is None:
            continue
        lats = []
        for s in screens:
            if not live_at(s, tp):
                continue
            t_arr = s['arrivals'].get(idea['token'])
            if s['room'] != idea['room']:
                foreign += t_arr is not None
                continue
            if t_arr is None:
                missed += 1
                continue
            lat = (t_arr - tp) * 1000
            lat_by_kind[s['kind']].append(lat)
            lats.append(lat)
        if lats:
            idea_rows.append(max(lats))
    all_lat = [x for v in lat_by_kind.values() for x in v]
    posted = [i for i in plan['ideas'] if i['token'] in post_times]
    collect_a = t0 + (plan['ideas'][0]['t'] if plan['ideas'] else 0)
    collect_b = t0 + plan['collect_end']
    cpu_collect = sampler.cpu_between(collect_a, collect_b)
    n_msgs, n_bytes = msgs_between(collect_a, collect_b)
    out['ideas'] = {
        'planned': len(plan['ideas']), 'posted': len(posted), 'deliveries': len(all_lat), 'missed': missed,
        'foreign_room_deliveries': foreign, 'latency_ms': dist(all_lat),
        'latency_ms_by_kind': {k: dist(v) for k, v in sorted(lat_by_kind.items())},
        'slowest_screen_per_idea_ms': dist(idea_rows),
        'server_cpu_ms_per_idea': round(((cpu_collect or 0) - idle_rate * (collect_b - collect_a)) * 1000
                                        / max(1, len(posted)), 1) if cpu_collect is not None else None,
        'server_cpu_ms_per_idea_gross': round((cpu_collect or 0) * 1000 / max(1, len(posted)), 1)
        if cpu_collect is not None else None,
        'server_cpu_share_while_collecting': round((cpu_collect or 0) / max(1e-9, collect_b - collect_a), 2)
        if cpu_collect is not None else None,
        'messages_per_idea': round(n_msgs / max(1, len(posted)), 1),
        'bytes_per_idea': round(n_bytes / max(1, len(posted))),
    }

    # phase switch (moderator sets "dot voting"): time until each screen of the room shows it, and its cost
    switches = {room: t for r in results for room, t in r['switches']}
    sw_lat = []
    for s in screens:
        ts = switches.get(s['room'])
        if ts is None or s['error']:
            continue
        after = [t for t in s['vote_marks'] if t >= ts]
        if after:
            sw_lat.append((after[0] - ts) * 1000)
    if switches:
        sa, sb = min(switches.values()), max(switches.values()) + 2.0
        cpu_sw = sampler.cpu_between(sa, sb)
        m, b = msgs_between(sa, sb)
        out['phase_switch'] = {'rooms': len(switches), 'screens_seen': len(sw_lat), 'latency_ms': dist(sw_lat),
                               'server_cpu_s': round((cpu_sw or 0) - idle_rate * (sb - sa), 2)
                               if cpu_sw is not None else None,
                               'messages': m, 'bytes': b}

    # vote bursts
    votes = [v for r in results for v in r['votes']]
    burst_rows = []
    settle_all: defaultdict[str, list[float]] = defaultdict(list)
    for burst in plan['bursts']:
        k = burst['index']
        sent = [v for v in votes if v[0] == k and v[3] is not None]
        if not sent:
            burst_rows.append({'index': k, 'votes_planned': burst['votes'], 'votes_sent': 0})
            continue
        first, last = min(v[3] for v in sent), max(v[3] for v in sent)
        nxt = t0 + burst['t'] + args.burst_interval
        window_end = min(nxt, t0 + plan['end'])
        tokens_by_room: defaultdict[str, set] = defaultdict(set)
        token_room = {tok: room for room, toks in plan['seed_rooms'].items() for tok in toks}
        token_room.update({i['token']: i['room'] for i in plan['ideas']})
        for v in sent:
            tokens_by_room[token_room.get(v[1]) or '?'].add(v[1])
        settle: defaultdict[str, list[float]] = defaultdict(list)
        without = 0
        finals: defaultdict[str, list[int]] = defaultdict(list)
        for s in screens:
            if s['error'] or (s['drops'] and s['drops'][0][0] < last):
                continue
            toks = tokens_by_room.get(s['room'], set())
            if not toks:
                continue
            last_change = None
            for tok in toks:
                obs = [o for o in s['tallies'].get(tok, []) if first - 0.05 <= o[0] < window_end]
                if obs:
                    last_change = max(last_change or 0, obs[-1][0])
                allobs = [o for o in s['tallies'].get(tok, []) if o[0] < window_end]
                if allobs:
                    finals[tok].append(allobs[-1][1])
            if last_change is None:
                without += 1
                continue
            settle[s['kind']].append(max(0.0, (last_change - last) * 1000))
        mismatched = sum(1 for vals in finals.values() if len(set(vals)) > 1)
        wa, wb = t0 + burst['t'], window_end  # until the next burst: slow servers are still sending
        cpu_b = sampler.cpu_between(wa, wb)
        m, byt = msgs_between(wa, wb)
        base_m, _ = msgs_between(marks['idle_start'], marks['idle_end'])
        base_rate = base_m / max(1e-9, idle_len)
        extra_msgs = m - base_rate * (wb - wa)
        for kind, vals in settle.items():
            settle_all[kind].extend(vals)
        burst_rows.append({
            'index': k, 'delta': burst['delta'], 'votes_planned': burst['votes'], 'votes_sent': len(sent),
            'votes_without_target': sum(1 for v in votes if v[0] == k and v[3] is None),
            'sent_within_s': round(last - first, 2),
            'settle_after_last_vote_ms': {kind: dist(v) for kind, v in sorted(settle.items())},
            'screens_without_tally_update': without, 'ideas_with_differing_final_tallies': mismatched,
            'messages': m, 'messages_above_idle': round(extra_msgs), 'bytes': byt,
            'messages_per_vote': round(extra_msgs / max(1, len(sent)), 2),
            'server_cpu_s': round(cpu_b, 2) if cpu_b is not None else None,
            'server_cpu_ms_per_vote': round(((cpu_b or 0) - idle_rate * (wb - wa)) * 1000 / max(1, len(sent)), 2)
            if cpu_b is not None else None,
        })
    settle_every = [x for v in settle_all.values() for x in v]
    out['votes'] = {'bursts': burst_rows, 'settle_ms': dist(settle_every),
                    'settle_ms_by_kind': {k: dist(v) for k, v in sorted(settle_all.items())},
                    'rejections_notified': sum(s['n_notifies'] for s in screens),
                    'sample_notifications': sorted({n for s in screens for n in s['notifies']})[:5]}

    # curation: the moderator files cards into clusters; time until each screen of the room shows the card there
    cur = plan.get('curation')
    if cur:
        moves = sorted((m for r in results for m in r['moves']), key=lambda m: m[3])
        created = [c for r in results for c in r['clusters_created']]
        room_screens = [s for s in screens if s['room'] == cur['room']]
        by_kind, every, missed = move_deliveries(moves, room_screens)
        create_lat = [(s['clusters_seen'][title] - t) * 1000 for title, t in created for s in room_screens
                      if not s['error'] and title in s['clusters_seen'] and s['clusters_seen'][title] >= t]
        out['curation'] = {
            'room': cur['room'], 'screens': {k: sum(1 for s in room_screens if s['kind'] == k and not s['error'])
                                             for k in ('phone', 'wall', 'moderator')},
            'clusters_created': len(created), 'moves_planned': cur['moves'], 'moves_sent': len(moves),
            'move_interval_ms': round(cur['interval'] * 1000),
            'cards': len({m[1] for m in moves}), 'deliveries': sum(len(v) for v in by_kind.values()),
            'missed': missed, 'moves_not_on_every_screen': sum(1 for e in every if e is None),
            # per move: until the last screen of the room showed the card in its new cluster (the target)
            'every_screen_ms': dist([e for e in every if e is not None]),
            'latency_ms': dist([x for v in by_kind.values() for x in v]),
            'latency_ms_by_kind': {k: dist(v) for k, v in sorted(by_kind.items())},
            'cluster_created_ms': dist(create_lat),
        }
        if moves:
            ma, mb = moves[0][3], moves[-1][3] + 1.0
            cpu_m = sampler.cpu_between(ma, mb)
            m_n, m_b = msgs_between(ma, mb)
            out['curation'].update({
                'sent_within_s': round(moves[-1][3] - moves[0][3], 2), 'messages_per_move': round(m_n / len(moves), 1),
                'bytes_per_move': round(m_b / len(moves)),
                'server_cpu_ms_per_move': round(((cpu_m or 0) - idle_rate * (mb - ma)) * 1000 / len(moves), 2)
                if cpu_m is not None else None})

    # stalls
    lags = server.lags()

    def max_lag(a: float, b: float) -> float | None:
        vals = [lag for t, lag in lags if a <= t <= b]
        return round(max(vals), 1) if vals else None

    def probe_max(a: float, b: float) -> float | None:
        vals = [rt * 1000 for t, rt in probe.samples if a <= t <= b]
        return round(max(vals), 1) if vals else None
    cur = plan.get('curation')
    votes_end = t0 + (cur['t_create'] if cur else plan['end'])
    windows = {'join': (marks['join_start'], marks['join_end']), 'idle': (marks['idle_start'], marks['idle_end']),
               'collect': (collect_a, collect_b), 'switch_and_votes': (collect_b, votes_end),
               **({'curation': (votes_end, t0 + plan['end'])} if cur else {}),
               'whole_run': (marks['join_start'], marks['end'])}
    probe_all = [rt * 1000 for t, rt in probe.samples if marks['join_start'] <= t <= marks['end']]
    top = sorted(((lag, t) for t, lag in lags if marks['join_start'] <= t <= marks['end']), reverse=True)[:5]
    out['stalls'] = {
        'event_loop_max_ms': {k: max_lag(a, b) for k, (a, b) in windows.items()} if lags else None,
        'event_loop_top_ms': [{'ms': lag, 'at_s': round(t - t0, 1)} for lag, t in top],
        'http_probe_path': args.probe_path,
        'http_probe_max_ms': {k: probe_max(a, b) for k, (a, b) in windows.items()},
        'http_probe_p99_ms': pct(probe_all, 0.99),
    }
    drops = [(s['kind'], d) for s in screens for d in s['drops']]
    out['drops'] = {'count': len(drops), 'by_kind': {k: sum(1 for x in drops if x[0] == k) for k in
                                                     ('phone', 'wall', 'moderator')},
                    'reasons': sorted({d[1] for _k, d in drops})[:5],
                    'first_at_s': round(min(d[0] for _k, d in drops) - t0, 1) if drops else None}

    # messages and bytes
    total_msgs = sum(s['msgs'] for s in screens)
    total_bytes = sum(s['bytes'] for s in screens)
    wchar = sampler.wchar_between(marks['join_start'], marks['end'])
    cpu_run = sampler.cpu_between(marks['join_start'], marks['end'])
    cpu_join = sampler.cpu_between(marks['join_start'], marks['join_end'])
    out['messages'] = {'received_by_all_screens': total_msgs, 'bytes_received': total_bytes,
                       'server_bytes_written_wchar': wchar,
                       'idle_messages_per_s': round(msgs_between(marks['idle_start'], marks['idle_end'])[0]
                                                    / max(1e-9, idle_len), 1)}
    busy = sampler.machine_busy_between(marks['join_start'], marks['end'])
    run_len = marks['end'] - marks['join_start']
    gen_cpu = sum(r['cpu_s'] for r in results)
    out['machine_load'] = {
        'busy_cores_avg': round(busy / run_len, 2) if busy is not None else None,
        'other_processes_cores_avg': round((busy - (cpu_run or 0) - gen_cpu) / run_len, 2)
        if busy is not None else None,
        'note': 'other_processes: CPU used on this machine by neither the server nor the generator during the run'}
    out['server_cpu'] = {'idle_share': round(idle_rate, 3), 'join_s': round(cpu_join, 2) if cpu_join else None,
                         'join_ms_per_phone': round(cpu_join * 1000 / phones_n, 1) if cpu_join else None,
                         'whole_run_s': round(cpu_run, 2) if cpu_run else None}
    out['generator'] = {'procs': len(results), 'cpu_s': [round(r['cpu_s'], 1) for r in results],
                        'loop_lag_max_ms': [round(r['lag_max_ms'], 1) for r in results],
                        'loop_lag_p99_ms': [round(r['lag_p99_ms'], 1) for r in results],
                        'loop_lag_max_ms_during_ideas_and_votes': [round(r['lag_max_run_ms'], 1) for r in results],
                        'errors': [e for r in results for e in r['errors']][:10]}
    # the issue's targets
    lat = out['ideas']['latency_ms']
    out['targets'] = {
        'idea_p95_le_250ms': lat['p95'] is not None and lat['p95'] <= 250,
        'idea_p99_le_500ms': lat['p99'] is not None and lat['p99'] <= 500,
        'vote_settle_p95_le_1000ms': out['votes']['settle_ms']['p95'] is not None
        and out['votes']['settle_ms']['p95'] <= 1000,
        'rss_per_phone_le_0_5mb': out['memory']['mb_per_phone'] is not None and out['memory']['mb_per_phone'] <= 0.5,
        'all_joined_within_30s': len(failed) == 0 and out['join']['all_joined_s'] <= 30,
        'tap_to_live_p95_le_3s': out['join']['tap_to_live_ms']['p95'] is not None
        and out['join']['tap_to_live_ms']['p95'] <= 3000,
        'no_drops': len(drops) == 0,
    }
    if 'curation' in out:  # every move reaches every screen of the room; p95 of those times ≤ 250 ms
        c = out['curation']
        out['targets']['card_move_p95_le_250ms'] = c['moves_sent'] == c['moves_planned'] and c['missed'] == 0 \
            and c['every_screen_ms']['p95'] is not None and c['every_screen_ms']['p95'] <= 250
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description='Phones at the protocol level against the workshop app (loopback only).')
    target = p.add_argument_group('target')
    target.add_argument('--spawn', action='store_true', help='start a server on a temporary SQLite file (default)')
    target.add_argument('--url', help='attach to a running server instead (loopback), e.g. http://127.0.0.1:8080')
    target.add_argument('--code', help='join code (attach mode)')
    target.add_argument('--moderator', action='append', help='LABEL=/m/SECRET, per room (attach mode)')
    target.add_argument('--wall', action='append', help='LABEL=/wall/CODE/ID, per room (attach mode)')
    target.add_argument('--pid', type=int, help='server process id for RSS/CPU (attach mode)')
    target.add_argument('--app-dir', default=str(ROOT), help='source tree to serve (spawn; default this checkout)')
    target.add_argument('--python', help='interpreter for the server (spawn; default this one)')
    target.add_argument('--port', type=int, help='port for the spawned server (default: a free one)')
    target.add_argument('--template', default='cluster-workshop', help='workshop template (spawn)')
    target.add_argument('--show-tallies', action=argparse.BooleanOptionalAction, default=True,
                        help='show tallies while voting (spawn; default on: every screen gets tallies)')
    target.add_argument('--server-env', action='append', metavar='KEY=VALUE',
                        help='environment for the spawned server, e.g. WORKSHOP_REDIS_URL=redis://127.0.0.1:6379/5')
    target.add_argument('--no-loop-probe', action='store_true', help='spawn without the in-server event-loop probe')
    load = p.add_argument_group('load')
    load.add_argument('--phones', type=int, default=100)
    load.add_argument('--rooms', type=int, default=0, help='breakouts used (default: all of the current round)')
    load.add_argument('--no-screens', action='store_true', help='no wall and moderator pages')
    load.add_argument('--ideas-per-minute', type=float, default=60.0, help='in the whole workshop')
    load.add_argument('--seed-ideas', type=int, default=10, help='ideas per room before the phones join')
    load.add_argument('--vote-burst', type=int, default=300, help='votes per burst (0: no voting)')
    load.add_argument('--burst-length', type=float, default=1.0, help='seconds over which a burst is spread')
    load.add_argument('--burst-interval', type=float, default=8.0)
    load.add_argument('--bursts', type=int, default=0, help='number of bursts (default: as many as fit)')
    load.add_argument('--dots', type=int, default=3, help='dots per phone and question (the workshop default)')
    load.add_argument('--card-moves', type=int, default=100,
                      help='after the votes, the first room\'s moderator files this many cards into clusters one '
                           'after another (0: no curation stage)')
    load.add_argument('--move-interval', type=float, default=0.15, help='seconds between two card moves')
    load.add_argument('--clusters', type=int, default=4, help='clusters the moderator creates for the card moves')
    load.add_argument('--duration', type=float, default=60.0, help='seconds of ideas and votes after joining')
    load.add_argument('--collect-share', type=float, default=0.5, help='share of the duration for ideas')
    load.add_argument('--join-window', type=float, default=25.0,
                      help='phones arrive evenly spread over this many seconds (default 25; 0: all at once)')
    load.add_argument('--join-rate', type=float, default=0.0, help='phones arriving per second (overrides the window)')
    load.add_argument('--join-concurrency', type=int, default=200, help='joins in progress at most')
    load.add_argument('--join-timeout', type=float, default=120.0)
    load.add_argument('--assets', action=argparse.BooleanOptionalAction, default=False,
                      help='every phone also downloads the static assets once, like a fresh browser')
    load.add_argument('--procs', type=int, default=0, help='generator processes (default 1, 2 above 400 phones)')
    load.add_argument('--seed', type=int, default=1)
    load.add_argument('--nice', type=int, help='scheduling priority of the server and the generator (e.g. -10 on '
                                               'a shared machine: other processes then disturb the figures less)')
    run = p.add_argument_group('run')
    run.add_argument('--settle', type=float, default=5.0,
                     help='pause after seeding and after joining (longer than the 3 s in which left pages are deleted)')
    run.add_argument('--idle-window', type=float, default=3.0, help='quiet seconds measured after joining')
    run.add_argument('--grace', type=float, default=3.0, help='seconds to wait for late messages at the end')
    run.add_argument('--probe-path', default='/assets/style.css', help='cheap URL for the HTTP stall probe')
    run.add_argument('--no-first-load', action='store_true', help='skip the first-load (bytes/requests) measurement')
    run.add_argument('--first-load-only', action='store_true', help='only measure the first load')
    run.add_argument('--profile', help='py-spy record the server during ideas and votes into this file '
                                       '(.svg flame graph, .json speedscope, .txt collapsed stacks)')
    run.add_argument('--profile-join', help='py-spy record the server while the phones join, into this file')
    run.add_argument('--cprofile-join', help='cProfile the server (spawned) while the phones join, into this '
                                             'file (pstats; slows the server down)')
    run.add_argument('--cprofile-run', help='cProfile the server (spawned) during ideas and votes, into this file '
                                            '(not together with --cprofile-join)')
    run.add_argument('--json', help='also write the summary to this file')
    run.add_argument('--dump-raw', help='write every timestamp the summary is made from (JSON) into this file')
    run.add_argument('--trace', help='write the raw messages of a few screens of each kind into this directory')
    run.add_argument('--keep', action='store_true', help='keep the temporary directory (server log, database)')
    args = p.parse_args(argv)
    if not args.url:
        args.spawn = True
    if args.url and not args.code:
        p.error('--url needs --code')
    if args.card_moves > 0 and args.clusters < 2:
        p.error('--card-moves needs --clusters 2 or more (a card moves from one cluster to another)')
    if args.first_load_only:
        args.phones = 0
    if args.trace:
        Path(args.trace).mkdir(parents=True, exist_ok=True)
    summary = run_coordinator(args)
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text + '\n', encoding='utf-8')
    print(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
