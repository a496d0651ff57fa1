#!/usr/bin/env python3
"""Soak run: many phones posting and voting for a long time against one server.

    .venv/bin/python bench/soak.py                          # small: 30 phones, 2 minutes
    .venv/bin/python bench/soak.py --phones 300 --minutes 20 --json /tmp/soak.json

Starts ``workshop serve`` on a temporary SQLite file (loopback only), lets the phones
join (protocol level, ``bench/loadgen.py``'s screens: HTTP page loads, NiceGUI's
Socket.IO protocol, no browsers), puts a wall and a moderator page in each room, and then
runs cycles: the rooms collect ideas (each phone posts at a steady rate and waits until
its idea comes back confirmed), the moderators switch to dot voting (each phone gives
and takes back dots, waiting for each confirmation), and back. Every 5 s it samples the
server's resident memory.

At the end it checks and reports:

* **nothing lost**: every idea a phone was told was saved is in the database, exactly
  once; the dots in the database are exactly the dots the phones were told they have;
* **no errors**: no tracebacks or errors in the server's log, no dropped connections, no
  refused actions;
* **memory flat after warm-up**: the growth of the server's memory over the run after the
  warm-up (the first quarter), from a least-squares line, per 10 minutes.

Exit status 0 when all three hold. ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen

MEMORY_LIMIT_MB_PER_10_MIN = 10.0  # "flat": less growth than this after warm-up


class LiveServer:
    """``workshop new`` + ``workshop serve`` on a SQLite file; can be killed hard and started again."""

    def __init__(self, tmp: Path, *, template: str = 'cluster-workshop', show_tallies: bool = True) -> None:
        self.tmp = tmp
        self.db = tmp / 'workshop.sqlite3'
        self.data = tmp / 'data'
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = loadgen.free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.env = loadgen.clean_env(ROOT, self.data)
        self.proc: subprocess.Popen | None = None
        self.logs: list[Path] = []
        out = subprocess.run([sys.executable, '-m', 'workshop', 'new', template, '--db', str(self.db),
                              '--public-url', self.base, '--json'], env=self.env, cwd=tmp, capture_output=True,
                             text=True, timeout=120, check=True)
        self.links = loadgen.new_links(json.loads(out.stdout))
        if show_tallies:
            with contextlib.closing(sqlite3.connect(self.db)) as c:
                c.execute('UPDATE workshop SET hide_tallies = 0')
                c.commit()

    def start(self) -> None:
        log = self.tmp / f'server-{len(self.logs)}.log'
        self.logs.append(log)
        self.proc = subprocess.Popen(
            [sys.executable, '-m', 'workshop', 'serve', '--db', str(self.db), '--host', '127.0.0.1',
             '--port', str(self.port), '--public-url', self.base],
            env=self.env, cwd=self.tmp, stdout=open(log, 'w'), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'server exited: {log.read_text()[-3000:]}')
            with contextlib.suppress(OSError), socket.create_connection(('127.0.0.1', self.port), timeout=0.5):
                return
            time.sleep(0.1)
        raise RuntimeError('server did not start within 90 s')

    def kill_hard(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def rss_mb(self) -> float | None:
        try:
            for line in Path(f'/proc/{self.proc.pid}/status').read_text().splitlines():
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def rows(self, query: str, *args: Any) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self.db)) as c:
            return c.execute(query, args).fetchall()

    def log_text(self) -> str:
        return '\n'.join(p.read_text(errors='replace') for p in self.logs if p.exists())


def token_of(n: int) -> str:
    return f'BX{n:06d}Q'


class Phone:
    """A phone in a room that knows which of its ideas and dots the server confirmed."""

    def __init__(self, ctx: loadgen.Ctx, room: str, name: str) -> None:
        self.screen = loadgen.Screen(ctx, 'phone', room)
        self.room = room
        self.name = name
        self.told_saved: list[str] = []
        self.dots_told: dict[int, int] = {}  # idea id -> this phone's dots, as the server last confirmed
        self.in_flight: str | None = None
        self.unconfirmed = 0
        self.reconnects = 0
        original = self.screen.raw

        def raw(t: float, data: str) -> None:
            original(t, data)
            if 'setMyDots' in data:  # the board's confirmation of this phone's dots: runMethod(id, "setMyDots", [{…}])
                with contextlib.suppress(ValueError):
                    blob = data[data.index('setMyDots'):]
                    obj = json.loads(blob[blob.index('{'):blob.index('}') + 1].replace('\\"', '"'))
                    self.dots_told = {int(k): int(v) for k, v in obj.items()}
        self.screen.raw = raw

    async def join(self) -> None:
        await self.screen.join(self.room)

    async def reconnect(self) -> None:
        """What a browser does when its connection dropped: load the room page again and connect."""
        self.reconnects += 1
        await self.screen.close()
        self.screen.drops.clear()
        page = await self.screen.load(f'/j/{self.screen.ctx.code}/room')
        self.screen.take_page(page)
        await self.screen.connect(page)

    async def post(self, token: str, timeout: float = 10) -> bool:
        """Post an idea; True once the server confirmed it (the idea came back to this phone)."""
        self.in_flight = token
        await self.screen.post(f'{token} {self.name}: eine Idee zur Leitfrage')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if token in self.screen.arrivals:
                self.told_saved.append(token)
                self.in_flight = None
                return True
            if not self.screen.connected:
                return False
            await asyncio.sleep(0.01)
        return False

    async def dot(self, token: str, delta: int, timeout: float = 10) -> bool:
        """Give (+1) or take back (-1) a dot; True once the server confirmed the phone's new dots."""
        idea_id = self.screen.idea_ids.get(token)
        if idea_id is None:
            return False
        before = self.dots_told.get(idea_id, 0)
        await self.screen.vote(token, delta)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.dots_told.get(idea_id, 0) == before + delta:
                return True
            if not self.screen.connected:
                return False
            await asyncio.sleep(0.01)
        return False


class Soak:
    def __init__(self, args: argparse.Namespace, server: LiveServer) -> None:
        self.args = args
        self.server = server
        self.rng = random.Random(args.seed)
        self.counter = 0
        self.memory: list[tuple[float, float]] = []
        self.memory_phase: list[str] = []
        self.phase = 'collect'
        self.t0 = 0.0
        self.errors: list[str] = []
        self.switches = 0
        self.phones: list[Phone] = []
        self.join_retries: list[str] = []
        self.screen_reconnects = 0

    def next_token(self) -> str:
        self.counter += 1
        return token_of(self.counter)

    async def sample_memory(self, stop: asyncio.Event) -> None:
        last = 0.0
        while not stop.is_set():
            rss = self.server.rss_mb()
            t = time.monotonic() - self.t0
            if rss is not None:
                self.memory.append((t, rss))
                self.memory_phase.append(self.phase)
            if t - last >= 30 and self.phones:
                last = t
                print(f'{t:6.0f} s  {self.phase:9}  rss {rss or 0:6.1f} MB  connected '
                      f'{sum(p.screen.connected for p in self.phones)}/{len(self.phones)}  ideas confirmed '
                      f'{sum(len(p.told_saved) for p in self.phones)}  reconnects '
                      f'{sum(p.reconnects for p in self.phones)}  unconfirmed '
                      f'{sum(p.unconfirmed for p in self.phones)}', file=sys.stderr, flush=True)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 5)

    async def phone_loop(self, phone: Phone, stop: asyncio.Event) -> None:
        rng = random.Random(f'{self.args.seed}-{phone.name}')
        post_every = 60.0 / self.args.ideas_per_phone_minute
        vote_every = 60.0 / self.args.votes_per_phone_minute
        await asyncio.sleep(rng.random() * post_every)
        backoff = 1.0
        while not stop.is_set():
            if not phone.screen.connected:  # like socket.io's reconnection: growing delays with jitter
                await asyncio.sleep(backoff * (0.5 + rng.random()))
                backoff = min(30.0, backoff * 2)
                try:
                    await phone.reconnect()
                except Exception as e:
                    self.errors.append(f'{phone.name}: reconnect failed: {e}')
                continue
            backoff = 1.0
            switches = self.switches  # an action refused because the phase just changed is no error
            if self.phase == 'switching':
                await asyncio.sleep(0.2)
                continue
            if self.phase == 'collect':
                if not await phone.post(self.next_token()) and switches == self.switches:
                    phone.unconfirmed += 1
                await asyncio.sleep(rng.expovariate(1 / post_every))
            else:
                room_tokens = [t for t, _ in phone.screen.idea_ids.items() if t in self.room_tokens[phone.room]]
                mine = [t for t in room_tokens if phone.dots_told.get(phone.screen.idea_ids[t], 0) > 0]
                done = None
                if room_tokens:
                    if len(mine) < self.args.dots and rng.random() < 0.6:
                        candidates = [t for t in room_tokens if t not in mine] or room_tokens
                        done = await phone.dot(rng.choice(candidates), +1)
                    elif mine:
                        done = await phone.dot(rng.choice(mine), -1)
                if done is False and switches == self.switches:
                    phone.unconfirmed += 1
                await asyncio.sleep(rng.expovariate(1 / vote_every))

    async def run(self) -> dict:
        args, server = self.args, self.server
        ctx = loadgen.Ctx(server.base, server.links['code'], loadgen.now())
        await ctx.open()
        rooms = sorted(server.links['moderators'])[:args.rooms] if args.rooms else sorted(server.links['moderators'])
        rooms = [r for r in rooms if r.startswith('W1.')] or rooms  # the rooms of the first round
        self.room_tokens = {r: set() for r in rooms}
        phones = [Phone(ctx, rooms[i % len(rooms)], f'P{i:03d}') for i in range(args.phones)]
        self.phones = phones
        moderators = {r: loadgen.Screen(ctx, 'moderator', r) for r in rooms}
        walls = {r: loadgen.Screen(ctx, 'wall', r) for r in rooms}
        stop = asyncio.Event()
        self.t0 = time.monotonic()
        sampling = asyncio.Event()
        sampler = asyncio.ensure_future(self.sample_memory(sampling))
        try:
            for r in rooms:
                await moderators[r].open_screen(server.links['moderators'][r])
                await walls[r].open_screen(server.links['walls'][r])
            semaphore = asyncio.Semaphore(args.join_concurrency)

            async def join(phone: Phone, delay: float) -> None:
                await asyncio.sleep(delay)
                for attempt in range(3):  # a phone whose page did not load reloads it
                    async with semaphore:
                        try:
                            await phone.join()
                            return
                        except Exception as e:
                            self.join_retries.append(f'{phone.name}: {e}')
                            await phone.screen.close()
                            phone.screen.drops.clear()
                    await asyncio.sleep(2 + attempt * 3)
                self.errors.append(f'{phone.name}: could not join')  # its loop keeps trying to reconnect
            window = args.join_window if args.join_window is not None else args.phones / 5
            await asyncio.gather(*(join(p, window * i / max(1, len(phones))) for i, p in enumerate(phones)))
            joined_at = time.monotonic() - self.t0
            loops = [asyncio.ensure_future(self.phone_loop(p, stop)) for p in phones]
            end = time.monotonic() + args.minutes * 60
            cycle = args.cycle
            while time.monotonic() < end:
                self.phase = 'collect'
                await asyncio.sleep(min(cycle * 0.6, max(0, end - time.monotonic())))
                if time.monotonic() >= end:
                    break
                for p in phones:  # what each room has, as its phones saw it
                    self.room_tokens[p.room].update(p.told_saved)
                self.phase = 'switching'
                await self.set_phase(moderators, 'vote')
                self.phase = 'vote'
                await asyncio.sleep(min(cycle * 0.4, max(0, end - time.monotonic())))
                self.phase = 'switching'
                await self.set_phase(moderators, 'collect')
            stop.set()
            await asyncio.wait(loops, timeout=30)
            self.phase = 'idle'  # everyone still connected, nobody acts: memory must not grow
            await asyncio.sleep(args.idle)
            sampling.set()
            result = self.check(phones, walls, joined_at)
        finally:
            stop.set()
            sampling.set()
            await asyncio.gather(sampler, return_exceptions=True)
            for s in [p.screen for p in phones] + list(moderators.values()) + list(walls.values()):
                await s.close()
            await ctx.close()
        return result

    async def set_phase(self, moderators: dict[str, loadgen.Screen], phase: str) -> None:
        self.switches += 1
        for room, screen in moderators.items():
            for attempt in range(5):
                if screen.connected:
                    break
                self.screen_reconnects += 1  # reload the moderator page, as the browser would
                await screen.close()
                screen.drops.clear()
                try:
                    await screen.open_screen(self.server.links['moderators'][room])
                except Exception as e:
                    self.errors.append(f'{room} moderator: {e}')
                    await asyncio.sleep(2 + attempt)
            if not screen.connected:
                continue
            toggle = screen.toggle
            if toggle is None:
                self.errors.append(f'{screen.room}: no phase toggle')
                continue
            eid, upd, vote_value = toggle
            options = (screen.page.elements.get(eid, {}).get('props') or {}).get('options') or []
            collect_value = options[0].get('value', 0) if options and isinstance(options[0], dict) else 0
            with contextlib.suppress(Exception):  # a connection that dropped just now: the next cycle reloads
                await screen.emit_event((eid, upd), [vote_value if phase == 'vote' else collect_value])
        await asyncio.sleep(0.5)

    def check(self, phones: list[Phone], walls: dict, joined_at: float) -> dict:
        told = [t for p in phones for t in p.told_saved]
        texts = [t for (t,) in self.server.rows('SELECT text FROM idea')]
        stored = [t.split()[0] for t in texts if t.startswith('BX')]
        missing = sorted(set(told) - set(stored))
        duplicates = len(stored) - len(set(stored))
        dots_told: dict[int, int] = {}
        for p in phones:
            for idea_id, n in p.dots_told.items():
                dots_told[idea_id] = dots_told.get(idea_id, 0) + n
        dots_db = {i: int(n) for i, n in self.server.rows('SELECT idea_id, SUM(dots) FROM vote GROUP BY idea_id')}
        dots_db = {i: n for i, n in dots_db.items() if n}
        dots_told = {i: n for i, n in dots_told.items() if n}
        log = self.server.log_text()
        log_errors = [line for line in log.splitlines() if 'Traceback' in line or ' ERROR' in line
                      or line.startswith('ERROR')]
        drops = sum(len(p.screen.drops) + p.reconnects for p in phones) + self.screen_reconnects
        unconfirmed = sum(p.unconfirmed for p in phones)
        warm = [(t, m) for t, m in self.memory if t >= joined_at + (self.memory[-1][0] - joined_at) / 4] \
            if self.memory else []
        slope = _slope(warm) * 600 if len(warm) >= 3 else None  # MB per 10 minutes
        by_phase = {}
        for phase in ('collect', 'vote', 'idle'):
            points = [(t, m) for (t, m), ph in zip(self.memory, self.memory_phase, strict=True)
                      if ph == phase and t >= joined_at]
            if phase != 'idle':  # growth within each window of this phase, summed
                by_phase[phase] = None
            if len(points) >= 3 and phase == 'idle':
                by_phase[phase] = round(_slope(points) * 600, 2)
        ideas_after_join = max(1, len(told))
        active_growth = (self.memory[-1][1] - next((m for t, m in self.memory if t >= joined_at), self.memory[-1][1])) \
            if self.memory else 0
        summary = {
            'phones': len(phones), 'rooms': len(walls), 'minutes': self.args.minutes,
            'joined_after_s': round(joined_at, 1),
            'ideas_confirmed': len(told), 'ideas_in_db': len(stored), 'ideas_missing': missing[:20],
            'ideas_duplicated': duplicates, 'dots_confirmed': sum(dots_told.values()),
            'dots_in_db': sum(dots_db.values()),
            'dots_mismatch': {i: (dots_told.get(i, 0), dots_db.get(i, 0)) for i in set(dots_told) | set(dots_db)
                              if dots_told.get(i, 0) != dots_db.get(i, 0)},
            'unconfirmed_actions': unconfirmed, 'dropped_connections': drops, 'errors': self.errors[:20],
            'join_retries': len(self.join_retries), 'join_retry_reasons': self.join_retries[:5],
            'server_log_errors': log_errors[:20],
            'memory_mb': {'start': self.memory[0][1] if self.memory else None,
                          'after_join': next((m for t, m in self.memory if t >= joined_at), None),
                          'end': self.memory[-1][1] if self.memory else None,
                          'max': max((m for _, m in self.memory), default=None),
                          'growth_per_10_min_after_warmup': None if slope is None else round(slope, 2),
                          'growth_per_10_min_idle_at_end': by_phase.get('idle'),
                          'kb_per_confirmed_idea': round(active_growth * 1024 / ideas_after_join, 1)},
            'memory_samples': [(round(t, 1), round(m, 1)) for t, m in self.memory],
        }
        summary['nothing_lost'] = not missing and not duplicates and not summary['dots_mismatch']
        summary['no_errors'] = not log_errors and not drops and not self.errors and not unconfirmed
        idle = by_phase.get('idle')
        summary['memory_flat'] = (idle is not None and idle < MEMORY_LIMIT_MB_PER_10_MIN) if self.args.idle >= 30 \
            else (slope is not None and slope < MEMORY_LIMIT_MB_PER_10_MIN)
        summary['ok'] = summary['nothing_lost'] and summary['no_errors'] and summary['memory_flat']
        return summary


def _slope(points: list[tuple[float, float]]) -> float:
    n = len(points)
    mx = sum(t for t, _ in points) / n
    my = sum(m for _, m in points) / n
    var = sum((t - mx) ** 2 for t, _ in points)
    return sum((t - mx) * (m - my) for t, m in points) / var if var else 0.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--phones', type=int, default=30)
    p.add_argument('--minutes', type=float, default=2.0)
    p.add_argument('--rooms', type=int, default=0, help='rooms used (default: all of the first round)')
    p.add_argument('--cycle', type=float, default=60.0, help='seconds of one collect + vote cycle (60 %% collect)')
    p.add_argument('--ideas-per-phone-minute', type=float, default=1.0)
    p.add_argument('--votes-per-phone-minute', type=float, default=6.0)
    p.add_argument('--dots', type=int, default=3)
    p.add_argument('--idle', type=float, default=120.0,
                   help='seconds at the end with every phone connected and nobody acting (memory must stay flat)')
    p.add_argument('--join-window', type=float, help='seconds over which the phones arrive (default: phones / 5)')
    p.add_argument('--join-concurrency', type=int, default=20)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--json', help='write the summary to this file')
    p.add_argument('--keep', action='store_true', help='keep the temporary folder (database, server log)')
    args = p.parse_args(argv)
    loadgen.raise_fd_limit()
    tmp = Path(tempfile.mkdtemp(prefix='workshop-soak-'))
    server = LiveServer(tmp)
    server.start()
    try:
        summary = asyncio.run(Soak(args, server).run())
    finally:
        server.stop()
    summary['machine'] = loadgen.machine_info()
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text, encoding='utf-8')
    short = {k: v for k, v in summary.items() if k not in ('memory_samples', 'machine')}
    print(json.dumps(short, indent=2, ensure_ascii=False))
    if args.keep:
        print(f'kept: {tmp}')
    else:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if summary['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
