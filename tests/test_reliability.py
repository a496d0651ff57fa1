"""No accepted idea is ever lost: a real server, phones at the protocol level (bench/loadgen.py's screens).

* The server is killed hard (SIGKILL) while phones post ideas and give dots, then restarted:
  every idea and dot a phone was told was saved is in the database.
* A phone cuts its connection in the middle of sending and sends the same idea again after
  reconnecting (what ``outbox.js`` does): the idea is stored exactly once.
* In a real browser (Chromium): the draft survives a reload; an idea posted while the server
  is down shows "waiting", is kept in localStorage and sent — once — when the server is back.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'bench'))
import loadgen
from soak import LiveServer, Phone, token_of

from .waiting import until, wait_until

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path)
    # the phones post as fast as the server answers, so that posts are in flight when it is killed:
    # this is about losing nothing, not about the posting limits (tests/services/test_ideas.py)
    live.env.update(WORKSHOP_POST_LIMIT='1000/second', WORKSHOP_ROOM_POST_LIMIT='1000/second')
    live.start()
    yield live
    live.stop()


async def test_sigkill_during_a_busy_workshop_loses_nothing_that_was_confirmed(server: LiveServer):
    ctx = loadgen.Ctx(server.base, server.links['code'], loadgen.now())
    await ctx.open()
    rooms = ['W1.1', 'W1.2', 'W1.3']
    phones = [Phone(ctx, rooms[i % 3], f'P{i}') for i in range(12)]
    moderator = loadgen.Screen(ctx, 'moderator', 'W1.1')
    counter = iter(range(1, 1_000_000))
    try:
        await asyncio.gather(*(p.join() for p in phones))
        await moderator.open_screen(server.links['moderators']['W1.1'])
        # every phone posts two ideas, confirmed
        for _ in range(2):
            results = await asyncio.gather(*(p.post(token_of(next(counter))) for p in phones))
            assert all(results)
        # W 1.1 votes while W 1.2 and W 1.3 keep posting
        assert moderator.toggle is not None, 'no phase toggle on the moderator page'
        await moderator.emit_event(moderator.toggle[:2], [moderator.toggle[2]])
        voting = ("SELECT count(*) FROM breakout_question bq JOIN breakout b ON b.id = bq.breakout_id "
                  "WHERE b.label = 'W 1.1' AND bq.phase = 'vote'")
        await until(lambda: server.rows(voting) != [(0,)], 10, what='W 1.1 votes')
        w11_ideas = [i for p in phones if p.room == 'W1.1' for i in p.told_saved]
        voters = [p for p in phones if p.room == 'W1.1']

        async def keep_posting(phone: Phone) -> None:
            while phone.screen.connected:
                if not await phone.post(token_of(next(counter)), timeout=5):
                    return

        async def keep_voting(phone: Phone) -> None:
            rng = random.Random(phone.name)
            for token in rng.sample(w11_ideas, 3):
                for _ in range(100):  # the idea's id arrives with the board
                    if token in phone.screen.idea_ids:
                        break
                    await asyncio.sleep(0.02)
                idea_id = phone.screen.idea_ids[token]
                before = dict(phone.dots_told)
                await phone.screen.vote(token, +1)
                for _ in range(500):
                    if phone.dots_told.get(idea_id, 0) > before.get(idea_id, 0) or not phone.screen.connected:
                        break
                    await asyncio.sleep(0.01)
                if not phone.screen.connected:
                    return

        work = [asyncio.ensure_future(keep_posting(p)) for p in phones if p.room != 'W1.1'] + \
               [asyncio.ensure_future(keep_voting(p)) for p in voters]
        # under way: ideas posted and dots confirmed (more keep coming), then killed mid-stream
        await until(lambda: len([t for p in phones for t in p.told_saved]) > 24
                    and sum(n for p in voters for n in p.dots_told.values()) > 0,
                    30, what='ideas and dots confirmed before the kill')
        server.kill_hard()
        await asyncio.wait(work, timeout=15)
    finally:
        for s in [p.screen for p in phones] + [moderator]:
            await s.close()
        await ctx.close()

    told = [t for p in phones for t in p.told_saved]
    assert len(told) > 24, 'the phones should have posted under way before the kill'
    dots_told: dict[int, int] = {}
    for p in phones:
        for idea_id, n in p.dots_told.items():
            dots_told[idea_id] = dots_told.get(idea_id, 0) + n
    assert sum(dots_told.values()) > 0, 'some dots should have been confirmed before the kill'

    server.start()  # restart on the same file: SQLite recovers its write-ahead log
    try:
        texts = [t for (t,) in server.rows('SELECT text FROM idea')]
        stored = {t.split()[0] for t in texts}
        missing = [t for t in told if t not in stored]
        assert not missing, f'confirmed but lost: {missing}'
        assert len(texts) == len(set(texts)), 'an idea was stored twice'
        tallies = dict(server.rows('SELECT idea_id, SUM(dots) FROM vote GROUP BY idea_id'))
        lost_dots = {i: (n, tallies.get(i, 0)) for i, n in dots_told.items() if tallies.get(i, 0) < n}
        assert not lost_dots, f'confirmed dots lost (told, stored): {lost_dots}'
        # and the app serves again, with the ideas
        ctx = loadgen.Ctx(server.base, server.links['code'], loadgen.now())
        await ctx.open()
        try:
            wall = loadgen.Screen(ctx, 'wall', 'W1.2')
            await wall.open_screen(server.links['walls']['W1.2'])
            assert [t for t in told if t in json.dumps(wall.page.elements)] or wall.idea_ids
            await wall.close()
        finally:
            await ctx.close()
    finally:
        server.stop()
    for log in server.logs:  # neither before the kill nor after the restart did anything fail
        assert 'Traceback' not in log.read_text(), log.read_text()[-3000:]


async def test_a_phone_cutting_its_connection_mid_send_and_resending_stores_the_idea_once(server: LiveServer):
    ctx = loadgen.Ctx(server.base, server.links['code'], loadgen.now())
    await ctx.open()
    try:
        for n, delay in enumerate((0.0, 0.001, 0.005, 0.02, 0.05, 0.2)):
            phone = loadgen.Screen(ctx, 'phone', 'W1.2')
            await phone.join('W1.2')
            outbox = _outbox(phone.page.elements)
            assert outbox is not None, 'no outbox element on the room page'
            eid, element = outbox
            client_id = element['props']['next-id']
            token = token_of(900 + n)
            text = f'{token} abgerissen nach {delay * 1000:.0f} ms'
            await phone.post(text)
            await asyncio.sleep(delay)  # on purpose: cut after this long, wherever the sending then is
            await phone.sio.eio.disconnect(abort=True)  # the mobile network drops: no goodbye
            await phone.close()
            # the browser reloads the room and the outbox sends what it kept, with the same id
            page = await phone.load(f'/j/{server.links["code"]}/room')
            phone.take_page(page)
            await phone.connect(page)
            eid, element = _outbox(page.elements)
            resend = loadgen.listener(element, 'resend')
            confirmed: list[str] = []  # the messages confirming this idea: "saved" with its client id

            def raw(t: float, data: str, shown=phone.raw, client_id=client_id, confirmed=confirmed) -> None:
                shown(t, data)
                if client_id in data and 'saved' in data:
                    confirmed.append(data)
            phone.raw = raw
            await phone.emit_event((eid, resend), [{'id': client_id, 'text': text,
                                                    'question': element['props'].get('question')}])
            await until(lambda confirmed=confirmed: confirmed, what='the resend confirmed')
            await asyncio.sleep(0.2)  # on purpose: time for a second copy to be stored, were the resend not deduped
            await phone.close()
            rows = server.rows('SELECT text FROM idea WHERE client_id = ?', client_id)
            assert rows == [(text,)], (delay, rows)
    finally:
        await ctx.close()


def _outbox(elements: dict) -> tuple[str, dict] | None:
    for eid, el in elements.items():
        if 'storage-key' in (el.get('props') or {}):
            return eid, el
    return None


# --- the phone's outbox in a real browser (last in this module: Playwright's sync API keeps a loop) ---

CHROMIUM = Path('/usr/bin/chromium')


@pytest.mark.browser
def test_phone_keeps_draft_and_sends_queued_idea_after_the_server_comes_back(tmp_path):
    """Draft survives a reload; an idea posted while the server is down waits (and says so), and is
    sent — once — when the server is back, after the page reloaded itself."""
    if not CHROMIUM.exists():
        pytest.skip(f'Chromium not installed at {CHROMIUM}: apt-get install chromium')
    from playwright.sync_api import expect, sync_playwright
    live = LiveServer(tmp_path)
    live.start()
    code = live.links['code']
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=['--no-sandbox', '--disable-gpu', '--no-first-run'])
            page = browser.new_context(viewport={'width': 390, 'height': 844}).new_page()
            page.goto(f'{live.base}/j/{code}')
            page.get_by_text('W 1.1 ·').first.click()
            box = page.locator('textarea').first
            expect(box).to_be_visible(timeout=20_000)

            # a draft survives a reload
            box.fill('Ein Entwurf, der nicht verloren gehen darf')
            page.wait_for_function('() => Object.keys(localStorage).some(k => k.endsWith(":draft"))')
            page.reload()
            box = page.locator('textarea').first
            expect(box).to_have_value('Ein Entwurf, der nicht verloren gehen darf', timeout=20_000)

            # posted while the server is down: waits, says so, and goes out when the server is back
            box.fill('BX777776Q geschickt, als alles lief')
            page.locator('button:has(i:text("send"))').first.click()
            status = page.locator('[data-ws=post-status]')  # the post box's own line
            expect(status).to_have_text('Gespeichert ✓', timeout=10_000)
            live.kill_hard()
            page.wait_for_function('() => !(window.socket && window.socket.connected)')
            box.fill('BX777777Q geschickt, als der Server weg war')
            page.locator('button:has(i:text("send"))').first.click()
            waiting = page.locator('.ws-outbox-entry[data-state="waiting"]')
            expect(waiting).to_have_count(1, timeout=10_000)
            expect(waiting).to_contain_text('BX777777Q geschickt')  # the idea is in the queue, said so …
            expect(box).to_have_value('')  # … so the box is empty, and no old "saved" suggests it went out
            expect(status).to_have_text('')
            assert live.rows("SELECT count(*) FROM idea WHERE text LIKE 'BX777777Q%'") == [(0,)]
            live.start()
            wait_until(lambda: live.rows("SELECT count(*) FROM idea WHERE text LIKE 'BX777777Q%'") == [(1,)], 60,
                       interval=0.25, what='the queued idea stored')
            expect(page.get_by_text('BX777777Q geschickt').first).to_be_visible(timeout=20_000)
            page.wait_for_timeout(6000)  # on purpose: later resends (every few s while unconfirmed) change nothing
            assert live.rows("SELECT count(*) FROM idea WHERE text LIKE 'BX777777Q%'") == [(1,)]
            assert page.evaluate('Object.keys(localStorage).filter(k => k.endsWith(":queue")).length') == 0
            browser.close()
    finally:
        live.stop()
