"""NiceGUI's expects_arguments, answered once per method (workshop/speedups.py)."""

import functools
import inspect

from nicegui import helpers

from workshop import speedups


class _Element:
    def update(self) -> None: ...

    def handle(self, event) -> None: ...  # noqa: ANN001


def test_the_cached_answers_are_the_originals(monkeypatch):
    calls = []
    original = helpers.expects_arguments.original if hasattr(helpers.expects_arguments, 'original') \
        else helpers.expects_arguments

    def counting(func):  # noqa: ANN001, ANN202
        calls.append(func)
        return original(func)
    cached = speedups.cached_expects_arguments(counting)
    a, b = _Element(), _Element()
    cases = [a.update, a.handle, b.update, b.handle, lambda: None, lambda e: None,  # noqa: ARG005
             functools.partial(lambda x, y: None, 1), print]
    for func in cases:
        assert cached(func) == original(func), func
    assert calls.count(a.update) == 1 and all(c is not b.update for c in calls)  # b's methods: from the cache
    assert len(calls) == 6


def test_the_app_installs_it_once(monkeypatch):
    monkeypatch.setattr(helpers, 'expects_arguments', helpers.expects_arguments)
    speedups.install()
    installed = helpers.expects_arguments
    speedups.install()
    assert helpers.expects_arguments is installed and installed.cached
    assert installed(_Element().handle) is True and installed(_Element().update) is False
    assert inspect.isfunction(installed.original)


def test_elements_still_work_with_it(monkeypatch):
    monkeypatch.setattr(helpers, 'expects_arguments', helpers.expects_arguments)
    speedups.install()
    from nicegui.observables import ObservableList
    seen = []
    items = ObservableList([], on_change=lambda: seen.append('no args'))
    items.append(1)
    holder = _Element()
    holder.update = lambda: seen.append('method')  # noqa: E731 - an instance attribute, not a bound method
    ObservableList([], on_change=holder.update).append(2)
    assert seen == ['no args', 'method']


def test_the_outbox_loop_is_replaced_only_over_the_loop_it_was_written_for(monkeypatch, caplog):
    from nicegui.outbox import Outbox

    original = speedups.NICEGUI_OUTBOX_LOOP
    monkeypatch.setattr(Outbox, 'loop', original)
    known = speedups.loop_fingerprint(original) == speedups.OUTBOX_LOOP_SHA256
    speedups.install()
    assert (Outbox.loop is speedups.outbox_loop) == known

    async def changed_loop(self):  # noqa: ANN001, ANN202 - an upgrade's different loop
        pass
    monkeypatch.setattr(Outbox, 'loop', changed_loop)
    with caplog.at_level('INFO', logger='workshop.speedups'):
        speedups.install()
    assert Outbox.loop is changed_loop
    assert 'keeping it' in caplog.text


async def test_the_replacement_loop_sends_waits_and_stops():
    import asyncio

    class _Client:
        id = 'c1'
        has_socket_connection = True

    sent = []

    class _Box:
        def __init__(self) -> None:
            self.client = _Client()
            self.updates, self.messages = {}, []
            self._loaded_components = set()
            self._should_stop = False
            self._enqueue_event = None

        async def _emit(self, message) -> None:  # noqa: ANN001
            sent.append(message)

    box = _Box()
    task = asyncio.create_task(speedups.outbox_loop(box))
    await asyncio.sleep(0.05)
    box.messages.append(('c1', 'run_javascript', {'code': '1'}))
    box._enqueue_event.set()
    await asyncio.sleep(0.05)
    assert sent == [('c1', 'run_javascript', {'code': '1'})] and not box.messages
    await asyncio.sleep(1.2)  # nothing to send: it sleeps (no timeout wake-ups) and sends nothing
    assert len(sent) == 1 and not task.done()
    box._should_stop = True
    box._enqueue_event.set()  # what Outbox.stop does
    await asyncio.wait_for(task, 1)


async def test_the_plain_middlewares_behave_as_nicegui_s(monkeypatch):
    from types import SimpleNamespace

    import httpx
    from nicegui import core
    from nicegui import middlewares
    from nicegui.version import __version__
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, RedirectResponse
    from starlette.routing import Route

    def make(*wrappers):  # noqa: ANN002, ANN202
        app = Starlette(routes=[
            Route('/go', lambda r: RedirectResponse('/room', status_code=303)),
            Route('/away', lambda r: RedirectResponse('https://example.org/x', status_code=303)),
            Route('/{path:path}', lambda r: PlainTextResponse('x', headers={'Cache-Control': 'no-store'})),
        ])
        for wrapper in wrappers:
            app.add_middleware(wrapper)
        return app
    config = SimpleNamespace(cache_control_directives='public, max-age=31536000, immutable, stale-while-revalidate=31536000')
    monkeypatch.setattr(core, 'app', SimpleNamespace(config=config))
    theirs = make(middlewares.RedirectWithPrefixMiddleware, middlewares.SetCacheControlMiddleware)
    ours = make(speedups.RedirectWithPrefix, speedups.SetCacheControl)
    requests = [('/go', {}), ('/go', {'X-Forwarded-Prefix': '/ws'}), ('/away', {'X-Forwarded-Prefix': '/ws'}),
                (f'/_nicegui/{__version__}/static/nicegui.js', {}),
                (f'/_nicegui/{__version__}/dynamic_resources/x.js', {}), ('/_nicegui/0.0.1/static/x.js', {}),
                ('/assets/style.css', {})]
    seen = []
    for path, headers in requests:
        answers = []
        for app in (theirs, ours):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url='http://t') as client:
                r = await client.get(path, headers=headers)
                answers.append((r.status_code, r.headers.get('location'), r.headers.get('cache-control'), r.text))
        assert answers[0] == answers[1], (path, headers, answers)
        seen.append(answers[0])
    assert seen[1][1] == '/ws/room' and seen[2][1] == 'https://example.org/x'
    assert 'immutable' in seen[3][2] and seen[4][2] == seen[5][2] == seen[6][2] == 'no-store'


def test_ui_run_gets_the_plain_middlewares():
    from nicegui import storage, ui_run
    speedups.install()
    assert storage.RequestTrackingMiddleware is speedups.RequestTracking
    assert ui_run.RedirectWithPrefixMiddleware is speedups.RedirectWithPrefix
    assert ui_run.SetCacheControlMiddleware is speedups.SetCacheControl


async def test_the_plain_request_tracking_behaves_as_nicegui_s(monkeypatch, tmp_path):
    import httpx
    from nicegui import app as nicegui_app
    from nicegui import storage
    from nicegui.storage import Storage
    from starlette.applications import Starlette
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    monkeypatch.setattr(Storage, 'path', tmp_path)
    monkeypatch.setattr(Storage, 'redis_url', None)
    monkeypatch.setattr(nicegui_app.storage, '_users', {})

    def seen(request):  # noqa: ANN001, ANN202
        current = storage.request_contextvar.get()
        session_id = request.session['id']
        return JSONResponse({'same_request': current is not None and current.scope is request.scope,
                             'session': session_id, 'storage': session_id in nicegui_app.storage._users,
                             'active': nicegui_app.storage._active_request_sessions[session_id],
                             'responded': request.state.responded})

    def make(tracking):  # noqa: ANN001, ANN202
        app = Starlette(routes=[Route('/', seen)])
        app.add_middleware(tracking)
        app.add_middleware(SessionMiddleware, secret_key='s')
        return app
    for tracking in (speedups.NICEGUI_REQUEST_TRACKING, speedups.RequestTracking):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make(tracking)), base_url='http://t') as client:
            first = (await client.get('/')).json()
            again = (await client.get('/')).json()  # the session cookie came back: the same session
        assert first == {'same_request': True, 'session': first['session'], 'storage': True, 'active': 1,
                         'responded': False}, tracking
        assert again['session'] == first['session']
        assert nicegui_app.storage._active_request_sessions[first['session']] == 0  # counted out again
