"""The operators' kit in deploy/ fits the app: what the compose file and the systemd unit name exists."""

from __future__ import annotations

import configparser
import ipaddress
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / 'deploy'


def test_compose_runs_two_instances_behind_nginx_with_postgresql_and_redis():
    compose = yaml.safe_load((DEPLOY / 'docker-compose.yml').read_text(encoding='utf-8'))
    services = compose['services']
    assert {'postgres', 'redis', 'migrate', 'app1', 'app2', 'nginx'} <= services.keys()
    for name in ('app1', 'app2'):
        app = services[name]
        env = app['environment']
        assert env['WORKSHOP_DATABASE_URL'].startswith('postgresql://')
        assert env['WORKSHOP_BROKER_URL'].startswith('redis://redis:')
        assert 'WORKSHOP_STORAGE_SECRET' in env and 'WORKSHOP_PUBLIC_URL' in env
        assert app['command'][:2] == ['workshop', 'serve'] and '--no-migrate' in app['command']
        assert app['depends_on']['migrate']['condition'] == 'service_completed_successfully'
    assert services['migrate']['command'] == ['workshop', 'db', 'upgrade']
    for volume in services['nginx']['volumes']:
        source = volume.split(':')[0]
        assert (DEPLOY / source).exists(), source
    site = (DEPLOY / 'docker' / 'nginx.conf').read_text(encoding='utf-8')
    assert re.search(r'server app1:8080', site) and re.search(r'server app2:8080', site)
    dockerfile = (DEPLOY / 'docker' / 'Dockerfile').read_text(encoding='utf-8')
    for copied in re.findall(r'^COPY (\S+)', dockerfile, re.MULTILINE):
        assert (REPO / copied).exists(), copied


def test_nginx_sites_include_the_shared_snippets():
    for site in (DEPLOY / 'nginx' / 'workshop.conf', DEPLOY / 'docker' / 'nginx.conf'):
        text = site.read_text(encoding='utf-8')
        assert 'include snippets/workshop-http.conf;' in text and 'include snippets/workshop-proxy.conf;' in text
        assert 'hash $workshop_route consistent;' in text
    for snippet in ('workshop-http.conf', 'workshop-proxy.conf'):
        assert (DEPLOY / 'nginx' / 'snippets' / snippet).is_file()


def test_systemd_unit_serves_one_instance_per_port():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((DEPLOY / 'systemd' / 'workshop@.service').read_text(encoding='utf-8'))
    service = unit['Service']
    assert service['ExecStart'].split()[1:3] == ['serve', '--no-migrate']
    assert 'WORKSHOP_PORT=%i' in service['Environment'] or 'WORKSHOP_PORT=%i' in \
        (DEPLOY / 'systemd' / 'workshop@.service').read_text(encoding='utf-8')
    env = (DEPLOY / 'systemd' / 'workshop.env').read_text(encoding='utf-8')
    for name in ('WORKSHOP_PUBLIC_URL', 'WORKSHOP_DATABASE_URL', 'WORKSHOP_BROKER_URL', 'WORKSHOP_STORAGE_SECRET'):
        assert re.search(rf'^{name}=', env, re.MULTILINE), name


def test_the_apps_believe_forwarded_addresses_only_from_nginx():
    """The rate limits count per client address: the apps take X-Forwarded-For only from nginx's own address
    (compose gives nginx a fixed one), and nginx passes the address it saw, not what the client claimed."""
    compose = yaml.safe_load((DEPLOY / 'docker-compose.yml').read_text(encoding='utf-8'))
    services = compose['services']
    address = services['nginx']['networks']['default']['ipv4_address']
    subnet = compose['networks']['default']['ipam']['config'][0]['subnet']
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    for name in ('migrate', 'app1', 'app2'):
        assert services[name]['environment']['FORWARDED_ALLOW_IPS'] == address, name
    dockerfile = (DEPLOY / 'docker' / 'Dockerfile').read_text(encoding='utf-8')
    assert 'FORWARDED_ALLOW_IPS=*' not in dockerfile  # the image alone trusts nobody but 127.0.0.1 (uvicorn)
    configs = [*(DEPLOY / 'nginx').rglob('*.conf'), DEPLOY / 'docker' / 'nginx.conf']
    for conf in configs:
        text = conf.read_text(encoding='utf-8')
        assert '$proxy_add_x_forwarded_for' not in text and '$http_x_forwarded_for' not in text, conf
    proxy = (DEPLOY / 'nginx' / 'snippets' / 'workshop-proxy.conf').read_text(encoding='utf-8')
    assert re.search(r'^proxy_set_header X-Forwarded-For \$remote_addr;', proxy, re.MULTILINE)
