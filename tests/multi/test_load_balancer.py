"""The example load balancer (deploy/): nginx with sticky sessions in front of the two instances.

The nginx configuration under test is the docker-compose site (deploy/docker/nginx.conf) with its
upstreams pointed at the two loopback instances, and the shared snippets (deploy/nginx/snippets/)
unchanged; the TLS example for a host (deploy/nginx/workshop.conf) is checked with ``nginx -t``.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..servers import REPO, free_port
from ..waiting import wait_until
from .conftest import Browsers, Cluster
from .test_two_instances import LIVE, join, post

sys.path.insert(0, str(REPO / 'bench'))
from two_instances import nginx_main  # the benchmark's nginx around the same deploy/ site

pytestmark = [pytest.mark.postgresql, pytest.mark.redis, pytest.mark.browser]

DEPLOY = REPO / 'deploy'


def _nginx() -> str:
    found = shutil.which('nginx') or ('/usr/sbin/nginx' if Path('/usr/sbin/nginx').exists() else None)
    if found is None:
        pytest.skip('nginx not installed (apt-get install nginx-light): needed to test the example load balancer')
    return found


def _prepare(tmp: Path, site: str) -> Path:
    shutil.copytree(DEPLOY / 'nginx' / 'snippets', tmp / 'snippets')
    (tmp / 'site.conf').write_text(site, encoding='utf-8')
    main = tmp / 'nginx.conf'
    main.write_text(nginx_main(tmp, 'site.conf', worker_connections=1024, access_log=False), encoding='utf-8')
    return main


def _check(nginx: str, tmp: Path, main: Path) -> None:
    checked = subprocess.run([nginx, '-t', '-p', str(tmp), '-c', str(main)], capture_output=True, text=True,
                             check=False)
    assert checked.returncode == 0, checked.stderr


def test_the_tls_example_for_a_host_is_valid(tmp_path: Path):
    nginx = _nginx()
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj',
                    '/CN=workshop.example.org', '-keyout', str(tmp_path / 'key.pem'), '-out',
                    str(tmp_path / 'cert.pem')], check=True, capture_output=True)
    site = (DEPLOY / 'nginx' / 'workshop.conf').read_text(encoding='utf-8')
    site = site.replace('/etc/letsencrypt/live/workshop.example.org/fullchain.pem', str(tmp_path / 'cert.pem'))
    site = site.replace('/etc/letsencrypt/live/workshop.example.org/privkey.pem', str(tmp_path / 'key.pem'))
    site = site.replace('/var/log/nginx/', f'{tmp_path}/')
    _check(nginx, tmp_path, _prepare(tmp_path, site))


@pytest.fixture(scope='module')
def balancer(instances: Cluster, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """nginx on a free loopback port in front of instances A and B; yields its URL and its access log."""
    nginx = _nginx()
    tmp = tmp_path_factory.mktemp('nginx')
    port = free_port()
    site = (DEPLOY / 'docker' / 'nginx.conf').read_text(encoding='utf-8')
    site = site.replace('server app1:8080', f'server {instances.a.url.split("//")[1]}')
    site = site.replace('server app2:8080', f'server {instances.b.url.split("//")[1]}')
    site = site.replace('listen 80;', f'listen 127.0.0.1:{port};')
    site = site.replace('/var/log/nginx/access.log', str(tmp / 'access.log'))
    assert instances.a.url.split('//')[1] in site and f'127.0.0.1:{port}' in site
    main = _prepare(tmp, site)
    _check(nginx, tmp, main)
    process = subprocess.Popen([nginx, '-p', str(tmp), '-c', str(main), '-g', 'daemon off;'])
    try:
        wait_until(lambda: process.poll() is not None or _listens(port), 10, what='nginx listening')
        assert process.poll() is None, (tmp / 'error.log').read_text()
        yield f'http://127.0.0.1:{port}', tmp / 'access.log'
    finally:
        process.terminate()
        process.wait(timeout=10)


def _listens(port: int) -> bool:
    try:
        socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
    except OSError:
        return False
    return True


def _routes(log: Path) -> dict[str, set[str]]:
    """Route cookie → the upstreams that served it."""
    served = defaultdict(set)
    for line in log.read_text(encoding='utf-8').splitlines():
        match = re.search(r'upstream=(\S+) route=(\w+)', line)
        if match:
            served[match.group(2)].add(match.group(1))
    return served


def test_two_instances_behind_the_load_balancer_serve_one_workshop(instances: Cluster, balancer, browsers: Browsers):
    """Phones reach the workshop only through nginx; each stays on its instance (page and WebSocket alike),
    phones on different instances see each other's ideas at once."""
    from playwright.sync_api import expect
    url, log = balancer
    a, b = instances.a.url.split('//')[1], instances.b.url.split('//')[1]
    phones: dict[str, object] = {}  # upstream → a phone served by it
    for _attempt in range(16):  # new browsers land on a random instance: until both have one
        page = browsers.page()
        join(page, url, instances.join_code, 'W 1.3')
        route = page.context.cookies(url)
        route = next(c['value'] for c in route if c['name'] == 'workshop_route')
        served = _routes(log)[route]
        assert len(served) == 1, f'one browser, several instances: {served}'
        phones.setdefault(next(iter(served)), page)
        if {a, b} <= phones.keys():
            break
    assert {a, b} <= phones.keys(), 'nginx sent every new browser to the same instance'

    post(phones[a], 'Über nginx auf Instanz A')
    expect(phones[b].get_by_text('Über nginx auf Instanz A', exact=True)).to_be_visible(timeout=LIVE)
    post(phones[b], 'Über nginx auf Instanz B')
    expect(phones[a].get_by_text('Über nginx auf Instanz B', exact=True)).to_be_visible(timeout=LIVE)
    # the WebSockets went through nginx to the instance of their page
    for route, upstreams in _routes(log).items():
        assert len(upstreams) == 1, f'route {route} was served by {upstreams}'
    assert 'socket.io' in log.read_text(encoding='utf-8')


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def _forget_wrong_codes(instances: Cluster) -> None:
    """The wrong-code counters (the limits library's keys in the cluster's Redis, outside the test prefix)."""
    import redis
    client = redis.Redis.from_url(instances.redis_url)
    try:
        keys = list(client.scan_iter('*wrong-code*'))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def test_a_forged_x_forwarded_for_does_not_change_the_address_the_app_sees(instances: Cluster, balancer):
    """nginx tells the apps the address it saw (X-Forwarded-For: $remote_addr), not what the client claims:
    claiming other addresses neither dodges the per-address limits nor locks out somebody else."""
    from limits import parse_many

    from workshop.services import throttle
    url, _log = balancer
    # the most wrong codes one address may try per minute (earlier joins from 127.0.0.1 may allow a few more)
    allowance = min(item.amount for item in parse_many(throttle.WRONG_CODES)) + \
        getattr(throttle, 'WRONG_CODES_BONUS_MAX', 0)
    _forget_wrong_codes(instances)
    try:
        # wrong codes, each request claiming another address: counted against the real one, 127.0.0.1 …
        for n in range(allowance + 1):
            claimed = f"{('198.51.100', '203.0.113', '192.0.2')[n // 250 % 3]}.{n % 250}"  # documentation ranges
            status = _status(f'{url}/j/ZZZZZZ', {'X-Forwarded-For': claimed})
            if status == 429:
                break
            assert status == 404, status
        assert status == 429, 'claiming other addresses dodged the limit on wrong codes'
        # … so a request claiming 1.2.3.4 is refused, exactly like one from 127.0.0.1 straight to an instance
        assert _status(f'{url}/j/{instances.join_code}', {'X-Forwarded-For': '1.2.3.4'}) == 429
        assert _status(f'{instances.a.url}/j/{instances.join_code}') == 429
    finally:
        _forget_wrong_codes(instances)


def test_the_access_log_holds_no_secret(instances: Cluster, balancer):
    """nginx's log format masks the secret of /m/…, /lead/… and /admin/… links; the pages they lead to
    (/m/~/CODE/NUMBER …) hold none and are logged as they are."""
    url, log = balancer
    links = [instances.moderators['W 1.1'], instances.lead, f'{instances.lead}/edit', f'{instances.lead}/protocol',
             f'{instances.lead}/protocol/download/md', f'/admin/{instances.env["WORKSHOP_ADMIN_SECRET"]}',
             '/m/not-a-real-secret?lang=de']
    for link in links:
        assert _status(url + link) in (200, 404), link  # urllib follows the redirect (without the cookie)
    # nginx writes a line after it has answered: until the last request is in
    wait_until(lambda: '?lang=de' in log.read_text(encoding='utf-8'), 5, what='the last request in the access log')
    text = log.read_text(encoding='utf-8')
    for link in links:
        secret = link.split('/')[2].split('?')[0]
        assert secret not in text, link
    assert '"GET /m/[secret] HTTP/1.1" 303' in text and '"GET /m/[secret]?lang=de HTTP/1.1"' in text
    assert '/lead/[secret]/edit' in text and '/lead/[secret]/protocol/download/md' in text
    assert '"GET /admin/[secret] HTTP/1.1" 303' in text
    assert re.search(r'"GET /m/~/[A-Z0-9]{6}/\d+ HTTP/1.1" 200', text) and '"GET /admin/~ HTTP/1.1"' in text
