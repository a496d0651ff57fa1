"""Two app instances serve one workshop as if they were one (PostgreSQL + Redis, real browsers).

Each test uses its own breakout of the shared workshop, so that they don't see each other's ideas.
"""

from __future__ import annotations

import re
import time

import pytest
import redis

from ..waiting import wait_until
from .conftest import Browsers, Cluster, redis_acl

pytestmark = [pytest.mark.postgresql, pytest.mark.redis, pytest.mark.browser]

LIVE = 10000  # ms: how fast a change must reach the pages of the other instance (generous for a busy CI machine)


def join(page, base: str, code: str, room: str) -> None:
    from playwright.sync_api import expect
    page.goto(f'{base}/j/{code}')
    button = page.get_by_role('button', name=re.compile(re.escape(room) + ' ·'))
    expect(button).to_be_visible()
    button.click()
    page.wait_for_url(re.compile(r'/j/[A-Z0-9]+/room$'))
    expect(page.get_by_role('heading', level=1, name=re.compile(re.escape(room) + ' ·'))).to_be_visible()


def post(page, text: str) -> None:
    from playwright.sync_api import expect
    box = page.get_by_label('Ihre Idee')
    box.fill(text)
    page.get_by_role('button', name='Senden').click()
    expect(box).to_have_value('', timeout=LIVE)  # emptied once saved
    expect(page.get_by_role('list', name='Beiträge').get_by_text(text, exact=True)).to_be_visible(timeout=LIVE)


def _shown(page, text: str):  # a playwright Locator
    """The text where it can be seen (the wall also has a hidden copy of each card to measure it)."""
    return page.get_by_text(text, exact=True).filter(visible=True)


def test_a_phone_on_a_posts_a_phone_and_the_wall_on_b_see_it(instances: Cluster, browsers: Browsers):
    from playwright.sync_api import expect
    a, b = instances.a.url, instances.b.url
    wall_b = browsers.page(Browsers.LAPTOP)
    wall_b.goto(b + instances.walls['W 1.1'])
    moderator_a = browsers.page(Browsers.LAPTOP)
    moderator_a.goto(a + instances.moderators['W 1.1'])
    phone_a, phone_b = browsers.page(), browsers.page()
    join(phone_a, a, instances.join_code, 'W 1.1')
    join(phone_b, b, instances.join_code, 'W 1.1')

    post(phone_a, 'Hochschulen als Initiatoren (über A)')
    for page in (phone_b, wall_b, moderator_a):
        expect(_shown(page, 'Hochschulen als Initiatoren (über A)')).to_be_visible(timeout=LIVE)
    post(phone_b, 'Kammern als Türöffner (über B)')
    for page in (phone_a, wall_b, moderator_a):
        expect(_shown(page, 'Kammern als Türöffner (über B)')).to_be_visible(timeout=LIVE)

    # presence is the sum over both instances: the moderator on A counts the phone on B too
    expect(moderator_a.get_by_text('2 online', exact=True)).to_be_visible(timeout=LIVE)
    phone_b.close()
    expect(moderator_a.get_by_text('1 online', exact=True)).to_be_visible(timeout=LIVE)


def test_a_moderator_on_a_moves_phase_question_and_timer_and_phones_on_b_follow(instances: Cluster,
                                                                                browsers: Browsers):
    from playwright.sync_api import expect
    a, b = instances.a.url, instances.b.url
    moderator = browsers.page(Browsers.LAPTOP)
    moderator.goto(a + instances.moderators['W 1.3'])
    phone_b, wall_b = browsers.page(), browsers.page(Browsers.LAPTOP)
    join(phone_b, b, instances.join_code, 'W 1.3')
    wall_b.goto(b + instances.walls['W 1.3'])
    post(phone_b, 'Wasserstoff als Zukunftsthema')
    expect(moderator.get_by_text('Wasserstoff als Zukunftsthema', exact=True)).to_be_visible(timeout=LIVE)

    vote = moderator.get_by_role('button', name='Punktabfrage', exact=True)
    vote.click()
    expect(vote).to_have_attribute('aria-pressed', 'true')
    expect(phone_b.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=LIVE)
    expect(phone_b.get_by_label('Ihre Idee')).to_be_hidden()

    first, second = _questions(instances, 'W 1.3')[:2]
    for page in (phone_b, wall_b):
        expect(page.get_by_text(first).filter(visible=True).first).to_be_visible(timeout=LIVE)
    moderator.get_by_role('button', name='Nächste Frage').click()
    for page in (moderator, phone_b, wall_b):
        expect(page.get_by_text(second).filter(visible=True).first).to_be_visible(timeout=LIVE)
    for page in (phone_b, wall_b):
        ideas = page.get_by_role('list', name='Beiträge')  # the current question's ideas (not the earlier ones)
        expect(ideas.get_by_text('Wasserstoff als Zukunftsthema', exact=True)).to_be_hidden(timeout=LIVE)

    # a timer started on A ends at the same moment on B's pages (database time)
    moderator.get_by_role('button', name='5 Min.', exact=True).click()
    ends = {}
    for name, page in (('moderator', moderator), ('phone', phone_b), ('wall', wall_b)):
        page.wait_for_function('() => [...document.querySelectorAll("*")].some(e => /^[0-4]:[0-5][0-9]$/'
                               '.test(e.textContent.trim()) && e.children.length === 0)', timeout=LIVE)
        ends[name] = _countdown_seconds(page)
    assert max(ends.values()) - min(ends.values()) <= 2, ends


def _countdown_seconds(page) -> int:
    text = page.evaluate('() => [...document.querySelectorAll("*")].find(e => e.children.length === 0 && '
                         '/^[0-9]+:[0-5][0-9]$/.test(e.textContent.trim())).textContent.trim()')
    minutes, seconds = text.split(':')
    return int(minutes) * 60 + int(seconds)


def test_one_participants_dots_through_both_instances_at_once_never_exceed_the_budget(instances: Cluster,
                                                                                       browsers: Browsers):
    """The same phone (one session cookie, so one participant) has the room open on A and on B, and taps
    every dot button on both as fast as the browser can: the budget of 3 holds."""
    from playwright.sync_api import expect
    a, b = instances.a.url, instances.b.url
    moderator = browsers.page(Browsers.LAPTOP)
    moderator.goto(a + instances.moderators['W 1.2'])
    authors = browsers.page()
    join(authors, b, instances.join_code, 'W 1.2')
    for n in range(5):
        post(authors, f'Strategie-Idee {n}')
    phone = browsers.context()
    on_a = phone.new_page()
    join(on_a, a, instances.join_code, 'W 1.2')
    on_b = phone.new_page()
    on_b.goto(f'{b}/j/{instances.join_code}/room')  # the same participant, found through the shared storage
    expect(on_b.get_by_role('heading', level=1, name=re.compile('W 1.2 ·'))).to_be_visible()
    vote = moderator.get_by_role('button', name='Punktabfrage', exact=True)
    vote.click()
    for page in (on_a, on_b):
        expect(page.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=LIVE)
        expect(page.get_by_role('button', name='Punkt vergeben')).to_have_count(5, timeout=LIVE)
    burst = '() => { for (let i = 0; i < 3; i++) document.querySelectorAll(\'button[aria-label="Punkt vergeben"]\')' \
            '.forEach(b => b.click()); }'
    on_a.evaluate(burst)
    on_b.evaluate(burst)
    wait_until(lambda: _dots_of_the_busiest_participant(instances) >= 3, LIVE / 1000, interval=0.2,
               what='the first three dots stored')
    time.sleep(1.0)  # on purpose: the remaining taps (to be refused) get time to be answered, and must add nothing
    assert _dots_of_the_busiest_participant(instances) == 3
    for page in (on_a, on_b):  # a page shows what its own taps got; after a reload both agree
        page.reload()
        expect(page.get_by_text('Sie haben noch 0 von 3 Punkten.')).to_be_visible(timeout=LIVE)


def _query(instances: Cluster, sql: str, *params: object) -> list[tuple]:
    import psycopg
    from sqlalchemy.engine import make_url
    url = make_url(instances.database_url)
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username, dbname=url.database) as c:
        return c.execute(sql, params).fetchall()


def _questions(instances: Cluster, label: str) -> list[str]:
    return [text for (text,) in _query(instances, 'SELECT q.text FROM question q JOIN breakout b ON b.topic_id = '
                                                'q.topic_id WHERE b.label = %s ORDER BY q.position', label)]


def _dots_of_the_busiest_participant(instances: Cluster) -> int:
    [(most,)] = _query(instances, 'SELECT max(n) FROM (SELECT sum(dots) AS n FROM vote GROUP BY participant_id) AS s')
    return int(most or 0)


def test_a_cut_broker_connection_leaves_no_page_stale(instances: Cluster, browsers: Browsers):
    """B loses Redis (its connections cut, and it cannot connect again for a while), an idea is posted on A
    meanwhile — B misses the event; once B is back its pages catch up from the database."""
    from playwright.sync_api import expect
    a, b = instances.a.url, instances.b.url
    phone_a, phone_b, wall_b = browsers.page(), browsers.page(), browsers.page(Browsers.LAPTOP)
    join(phone_a, a, instances.join_code, 'W 1.1')
    join(phone_b, b, instances.join_code, 'W 1.1')
    wall_b.goto(b + instances.walls['W 1.1'])
    resyncs = instances.b.output().count('resynchronising pages')
    redis_acl('SETUSER', instances.b_redis_user, 'off')
    try:
        _cut(instances, f'USER {instances.b_redis_user}')
        wait_until(lambda: 'lost Redis' in instances.b.output(), 15, what='B notices that Redis is gone')
        post(phone_a, 'Gepostet während B die Verbindung verlor')  # returns once A's own page shows it
        time.sleep(1.0)  # on purpose: time for the event to reach B, were B still subscribed; it must not
        for page in (phone_b, wall_b):  # missed: B was not subscribed
            expect(_shown(page, 'Gepostet während B die Verbindung verlor')).to_be_hidden()
    finally:
        redis_acl('SETUSER', instances.b_redis_user, 'on')
    wait_until(lambda: instances.b.output().count('resynchronising pages') > resyncs, 15, what='B reconnects')
    for page in (phone_b, wall_b):
        expect(_shown(page, 'Gepostet während B die Verbindung verlor')).to_be_visible(timeout=LIVE)
    # and B follows live events again
    post(phone_a, 'Nach der Rückkehr von B')
    for page in (phone_b, wall_b):
        expect(_shown(page, 'Nach der Rückkehr von B')).to_be_visible(timeout=LIVE)


def _cut(instances: Cluster, kill_filter: str) -> None:
    client = redis.Redis.from_url(instances.redis_url)
    try:
        client.execute_command('CLIENT', 'KILL', *kill_filter.split())
    finally:
        client.close()
