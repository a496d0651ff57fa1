#!/usr/bin/env python3
"""Two app instances against one: what the Redis hop costs, and what the pair serves.

1. **The bus alone.** Events published on instance A's ``RedisBus`` and delivered into instance B's
   ``Hub`` (two buses, two Redis connections each, like two processes), against the in-process bus,
   at a steady rate: latency p50/p95/p99; then as fast as possible: events per second.
2. **End to end** with ``bench/loadgen.py`` (protocol-level phones, walls and moderator pages):
   the same load on (a) one instance with the in-process bus, and (b) two instances sharing
   PostgreSQL and Redis, each behind the example nginx of ``deploy/`` (sticky sessions: in (b)
   about half of the screens of a room sit on another instance than the phone that posts).
   Both on PostgreSQL; ``--pid`` (server CPU in the summary) is the first instance's.

Needs PostgreSQL and Redis on 127.0.0.1 (as the tests: WORKSHOP_TEST_POSTGRES_URL,
WORKSHOP_TEST_REDIS_URL) and nginx for part 2::

    .venv/bin/python bench/two_instances.py --phones 200 --duration 40 --json /tmp/two.json
    .venv/bin/python bench/two_instances.py --bus-only

The figures are in docs/performance.md ("Two instances").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get('WORKSHOP_TEST_POSTGRES_URL', 'postgresql://postgres@127.0.0.1:5432/test')
REDIS_URL = os.environ.get('WORKSHOP_TEST_REDIS_URL', 'redis://127.0.0.1:6379').rstrip('/') + '/12'


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))], 3)


def dist(values: list[float]) -> dict:
    return {'n': len(values), 'p50': pct(values, 50), 'p95': pct(values, 95), 'p99': pct(values, 99),
            'max': round(max(values), 3) if values else None,
            'mean': round(statistics.fmean(values), 3) if values else None}


# --- 1. the bus alone ----------------------------------------------------------------------------------

async def bus_latency(events: int, rate: float) -> dict:
    from workshop.bus import InProcessBus, RedisBus
    from workshop.events import IdeaPosted
    from workshop.models import utcnow

    def event(n: int) -> IdeaPosted:
        return IdeaPosted(workshop_id=1, breakout_id=1, question_id=1, idea_id=n, participant_id=n,
                          text=f'Idee {n}: Hochschulen und Kammern als Initiatoren der Netzwerke', created_at=utcnow())

    async def measure(publisher, receiver) -> list[float]:
        sent: dict[int, float] = {}
        got: dict[int, float] = {}
        receiver.subscribe(1, lambda e: got.setdefault(e.idea_id, time.perf_counter()))
        for n in range(events):
            sent[n] = time.perf_counter()
            await publisher.publish(event(n))
            await asyncio.sleep(1 / rate)
        deadline = time.monotonic() + 10
        while len(got) < events and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return [(got[n] - sent[n]) * 1000 for n in got]

    prefix = f'bench-{secrets.token_hex(3)}:'
    local = InProcessBus()
    a, b = RedisBus(REDIS_URL, prefix=prefix), RedisBus(REDIS_URL, prefix=prefix)
    assert await a.start() and await b.start(), f'Redis not reachable at {REDIS_URL}'
    try:
        in_process = await measure(local, local)
        own = await measure(a, a)
        hop = await measure(a, b)
        # throughput: as fast as publishers can go (8 concurrent publishers), delivered on B
        got = []
        b.subscribe(2, got.append)
        n_fast = events * 5
        started = time.perf_counter()

        async def flood(k: int) -> None:
            for n in range(k, n_fast, 8):
                await a.publish(IdeaPosted(workshop_id=2, breakout_id=1, question_id=1, idea_id=n, participant_id=n,
                                           text='x' * 60, created_at=utcnow()))
        await asyncio.gather(*(flood(k) for k in range(8)))
        while len(got) < n_fast and time.perf_counter() - started < 30:
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - started
    finally:
        await a.close()
        await b.close()
    hop_d, local_d = dist(hop), dist(in_process)
    return {'events': events, 'rate_per_s': rate, 'in_process_ms': local_d, 'redis_own_instance_ms': dist(own),
            'redis_other_instance_ms': hop_d,
            'added_p95_ms': round(hop_d['p95'] - local_d['p95'], 3) if hop_d['p95'] is not None else None,
            'throughput_events_per_s': round(len(got) / elapsed), 'throughput_events': len(got)}


# --- 2. end to end ----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def create_database(prefix: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url
    url = make_url(POSTGRES_URL)
    name = f'{prefix}_{secrets.token_hex(4)}'
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database,
                         autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(db_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url
    url = make_url(POSTGRES_URL)
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database,
                         autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{make_url(db_url).database}" WITH (FORCE)')


class Deployment:
    """``workshop new`` in a fresh PostgreSQL database, then one or two ``workshop serve`` (and nginx)."""

    def __init__(self, tmp: Path, *, pair: bool) -> None:
        self.tmp, self.pair = tmp, pair
        self.processes: list[subprocess.Popen] = []
        self.database = create_database('bench_pair' if pair else 'bench_single')
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'WORKSHOP_', 'NICEGUI_'))}
        self.env.update(WORKSHOP_DATABASE_URL=self.database, WORKSHOP_STORAGE_SECRET=secrets.token_urlsafe(24),
                        WORKSHOP_ADMIN_SECRET=secrets.token_urlsafe(12), PYTHONUNBUFFERED='1')
        if pair:
            self.env.update(WORKSHOP_BROKER_URL=REDIS_URL, WORKSHOP_BROKER_PREFIX=f'bench-{secrets.token_hex(3)}:')
        self.ports = [free_port() for _ in range(2 if pair else 1)]
        self.url = f'http://127.0.0.1:{free_port()}'  # nginx in front of one instance as of two: the same path
        created = subprocess.run([sys.executable, '-m', 'workshop', 'new', 'cluster-workshop', '--public-url',
                                  self.url, '--json'], cwd=ROOT, env=self.env, capture_output=True, text=True,
                                 check=True)
        self.links = json.loads(created.stdout)

    def start(self) -> None:
        for n, port in enumerate(self.ports):
            log = (self.tmp / f'instance-{n}.log').open('wb')
            self.processes.append(subprocess.Popen(
                [sys.executable, '-m', 'workshop', 'serve', '--host', '127.0.0.1', '--port', str(port),
                 '--public-url', self.url], cwd=ROOT, env={**self.env, 'WORKSHOP_DATA_DIR': str(self.tmp / str(n))},
                stdout=log, stderr=subprocess.STDOUT))
        for port in self.ports:
            wait_for(f'http://127.0.0.1:{port}/')
        self.processes.append(start_nginx(self.tmp, self.url, self.ports))
        wait_for(self.url + '/')

    def loadgen_target(self) -> list[str]:
        args = ['--url', self.url, '--code', self.links['join_code'], '--pid', str(self.processes[0].pid)]
        for breakout in self.links['breakouts']:
            if breakout['label'].startswith('W 1.'):  # the first round's rooms
                args += ['--moderator', f'{breakout["label"]}={breakout["moderator"]}',
                         '--wall', f'{breakout["label"]}={breakout["wall"]}']
        return args

    def cpu_seconds(self) -> list[float]:
        """User + system CPU of each app instance so far (/proc/PID/stat)."""
        ticks = os.sysconf('SC_CLK_TCK')
        found = []
        for process in self.processes[:len(self.ports)]:
            fields = Path(f'/proc/{process.pid}/stat').read_text().rsplit(')', 1)[1].split()
            found.append(round((int(fields[11]) + int(fields[12])) / ticks, 2))
        return found

    def routes_per_instance(self) -> dict[str, int]:
        """Route keys nginx sent to each instance: one per new browser, and one per request without the cookie."""
        routes = {}
        for line in (self.tmp / 'nginx' / 'access.log').read_text(encoding='utf-8').splitlines():
            match = re.search(r'upstream=(\S+) route=(\w+)', line)
            if match and match.group(1) != '-':
                routes[match.group(2)] = match.group(1)
        counts: dict[str, int] = {}
        for upstream in routes.values():
            counts[upstream] = counts.get(upstream, 0) + 1
        return counts

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        drop_database(self.database)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f'{url} did not answer within {timeout:.0f} s')


def nginx_main(prefix: Path, site: str, *, worker_connections: int, access_log: bool = True) -> str:
    """The main nginx.conf of an unprivileged nginx kept in ``prefix`` around the site file ``site``
    (also used by tests/multi/test_load_balancer.py)."""
    return f'''worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy; fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
{'' if access_log else '    access_log off;' + chr(10)}    include {site};
}}
'''


def start_nginx(tmp: Path, url: str, ports: list[int]) -> subprocess.Popen:
    """The compose site of deploy/ with its upstreams on the loopback instances."""
    nginx = shutil.which('nginx') or '/usr/sbin/nginx'
    conf = tmp / 'nginx'
    shutil.copytree(ROOT / 'deploy' / 'nginx' / 'snippets', conf / 'snippets')
    site = (ROOT / 'deploy' / 'docker' / 'nginx.conf').read_text(encoding='utf-8')
    site = site.replace('server app1:8080', f'server 127.0.0.1:{ports[0]}')
    site = re.sub(r'\n\s*server app2:8080[^\n]*', f'\n    server 127.0.0.1:{ports[1]};' if len(ports) > 1 else '', site)
    site = site.replace('listen 80;', f'listen 127.0.0.1:{url.rsplit(":", 1)[1]};')
    site = site.replace('/var/log/nginx/access.log', str(conf / 'access.log'))
    (conf / 'site.conf').write_text(site, encoding='utf-8')
    (conf / 'nginx.conf').write_text(nginx_main(conf, 'site.conf', worker_connections=8192), encoding='utf-8')
    return subprocess.Popen([nginx, '-p', str(conf), '-c', str(conf / 'nginx.conf'), '-g', 'daemon off;'])


def run_loadgen(deployment: Deployment, args: argparse.Namespace, tmp: Path, name: str) -> dict:
    out = tmp / f'{name}.json'
    command = [sys.executable, str(ROOT / 'bench' / 'loadgen.py'), *deployment.loadgen_target(),
               '--phones', str(args.phones), '--duration', str(args.duration),
               '--ideas-per-minute', str(args.ideas_per_minute), '--vote-burst', str(args.vote_burst),
               '--rooms', '3', '--json', str(out), *args.loadgen_arg]
    print(f'two_instances: loadgen on {name}: {" ".join(command[2:])}', file=sys.stderr, flush=True)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text(encoding='utf-8'))


def digest(summary: dict) -> dict:
    """The figures compared between one instance and the pair."""
    ideas = summary.get('ideas', {})
    join = summary.get('join', {})
    found = {'phones_joined': join.get('joined'), 'join_failed': join.get('failed'),
             'join_errors': join.get('errors'), 'join_ms': join.get('per_phone_ms'),
             'ideas_posted': ideas.get('posted'), 'deliveries': ideas.get('deliveries'),
             'missed': ideas.get('missed'), 'idea_latency_ms': ideas.get('latency_ms'),
             'idea_latency_ms_by_kind': ideas.get('latency_ms_by_kind'),
             'vote_settle_ms': summary.get('votes', {}).get('settle_ms')}
    for key in ('phase_switch', 'drops', 'machine_load', 'server_cpu'):
        if key in summary:
            found[key] = summary[key]
    return found


def end_to_end(args: argparse.Namespace) -> dict:
    results = {}
    for name, pair in (('one_instance', False), ('two_instances', True)):
        tmp = Path(tempfile.mkdtemp(prefix=f'two-instances-{name}-'))
        deployment = Deployment(tmp, pair=pair)
        try:
            deployment.start()
            cpu_before = deployment.cpu_seconds()
            results[name] = digest(run_loadgen(deployment, args, tmp, name))
            results[name]['instances_cpu_s'] = [round(b - a, 2) for a, b in zip(cpu_before,
                                                                                deployment.cpu_seconds(), strict=True)]
            results[name]['routes_per_instance'] = deployment.routes_per_instance()
            results[name]['load_average_after'] = os.getloadavg()
        finally:
            deployment.stop()
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
    one, two = results['one_instance']['idea_latency_ms'], results['two_instances']['idea_latency_ms']
    if one and two and one.get('p95') is not None and two.get('p95') is not None:
        results['added_p95_ms'] = round(two['p95'] - one['p95'], 1)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--bus-events', type=int, default=2000, help='events for the bus latency (default %(default)s)')
    p.add_argument('--bus-rate', type=float, default=500.0, help='events per second while measuring latency')
    p.add_argument('--bus-only', action='store_true', help='only part 1 (needs Redis, no PostgreSQL or nginx)')
    p.add_argument('--phones', type=int, default=200)
    p.add_argument('--duration', type=float, default=40.0)
    p.add_argument('--ideas-per-minute', type=float, default=120.0)
    p.add_argument('--vote-burst', type=int, default=200)
    p.add_argument('--loadgen-arg', action='append', default=[], help='passed on to bench/loadgen.py')
    p.add_argument('--keep', action='store_true', help='keep the temporary folders (logs)')
    p.add_argument('--json', help='write the summary here too')
    args = p.parse_args(argv)
    summary = {'bus': asyncio.run(bus_latency(args.bus_events, args.bus_rate))}
    print(json.dumps(summary['bus'], indent=1), file=sys.stderr, flush=True)
    if not args.bus_only:
        summary['end_to_end'] = end_to_end(args)
    text = json.dumps(summary, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding='utf-8')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
