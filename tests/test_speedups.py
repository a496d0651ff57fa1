"""NiceGUI's hot spots replaced (workshop/speedups.py): each test fails without its replacement.

Whether NiceGUI's sources are still the ones the replacements were written for: tests/test_nicegui_guards.py.
"""

import functools
import inspect

from nicegui import helpers

from workshop import speedups


class _Element:
    def update(self) -> None: ...

    def handle(self, event) -> None: ...


def test_the_cached_answers_are_the_originals(monkeypatch):
    from nicegui.helpers.functions import expects_arguments as original
    calls = []

    def counting(func):
        calls.append(func)
        return original(func)
    cached = speedups.cached_expects_arguments(counting)
    a, b = _Element(), _Element()
    cases = [a.update, a.handle, b.update, b.handle, lambda: None, lambda e: None,
             functools.partial(lambda x, y: None, 1), print]
    for func in cases:
        assert cached(func) == original(func), func
    assert calls.count(a.update) == 1 and all(c is not b.update for c in calls)  # b's methods: from the cache
    assert len(calls) == 6


def test_the_app_installs_it_once(monkeypatch):
    from nicegui.helpers import functions
    monkeypatch.setattr(helpers, 'expects_arguments', functions.expects_arguments)  # NiceGUI's, whatever ran before
    speedups.install()
    installed = helpers.expects_arguments
    assert installed is not functions.expects_arguments and installed.cached
    assert installed.original is functions.expects_arguments and inspect.isfunction(installed.original)
    speedups.install()
    assert helpers.expects_arguments is installed
    assert installed(_Element().handle) is True and installed(_Element().update) is False
    assert installed.answers[_Element.handle] is True and installed.answers[_Element.update] is False


def test_elements_ask_it_and_still_work(monkeypatch):
    from nicegui.helpers import functions
    from nicegui.observables import ObservableList
    monkeypatch.setattr(helpers, 'expects_arguments', functions.expects_arguments)
    speedups.install()
    seen = []

    class _Holder:
        def changed(self) -> None:
            seen.append('method')

        def changed_with(self, event) -> None:
            seen.append(('method with', event.sender))

    ObservableList([], on_change=lambda: seen.append('no args')).append(1)
    holder = _Holder()
    ObservableList([], on_change=holder.changed).append(2)
    items = ObservableList([], on_change=holder.changed_with)
    items.append(3)
    holder.changed = lambda: seen.append('instance attribute')  # not a bound method: asked as before
    ObservableList([], on_change=holder.changed).append(4)
    assert seen == ['no args', 'method', ('method with', items), 'instance attribute']
    # NiceGUI's collections got their answers from the cache
    answers = helpers.expects_arguments.answers
    assert answers[_Holder.changed] is False and answers[_Holder.changed_with] is True


def test_the_outbox_loop_is_replaced_only_over_the_loop_it_was_written_for(monkeypatch, caplog):
    from nicegui.outbox import Outbox

    monkeypatch.setattr(Outbox, 'loop', speedups.NICEGUI_OUTBOX_LOOP)
    speedups.install()
    assert Outbox.loop is speedups.outbox_loop, 'kept NiceGUI\'s loop: see tests/test_nicegui_guards.py'

    async def changed_loop(self):  # an upgrade's different loop
        pass
    monkeypatch.setattr(Outbox, 'loop', changed_loop)
    with caplog.at_level('INFO', logger='workshop.speedups'):
        speedups.install()
    assert Outbox.loop is changed_loop
    assert 'keeping it' in caplog.text


def test_a_changed_middleware_or_expects_arguments_is_kept(monkeypatch, caplog):
    from nicegui import middlewares, storage, ui_run
    from nicegui.helpers import functions
    from starlette.middleware.base import BaseHTTPMiddleware

    class ChangedTracking(BaseHTTPMiddleware):  # an upgrade's different middleware
        pass

    def changed_expects_arguments(func):
        return functions.expects_arguments(func)
    monkeypatch.setattr(storage, 'RequestTrackingMiddleware', ChangedTracking)
    monkeypatch.setattr(ui_run, 'RedirectWithPrefixMiddleware', middlewares.RedirectWithPrefixMiddleware)
    monkeypatch.setattr(helpers, 'expects_arguments', changed_expects_arguments)
    with caplog.at_level('INFO', logger='workshop.speedups'):
        speedups.install()
    assert storage.RequestTrackingMiddleware is ChangedTracking
    assert helpers.expects_arguments is changed_expects_arguments
    assert caplog.text.count('keeping it') == 2
    assert ui_run.RedirectWithPrefixMiddleware is speedups.RedirectWithPrefix  # NiceGUI 3.18's: replaced


async def test_the_replacement_loop_sends_waits_and_stops():
    """Ours beside NiceGUI's: both send; while idle, NiceGUI's wakes up every second and ours does not."""
    import asyncio

    class _Client:
        id = 'c1'
        has_socket_connection = True

    class _CountingEvent:
        """The loop's event, counting how often the loop looks at it."""

        def __init__(self, event: asyncio.Event) -> None:
            self.event, self.looks = event, 0

        def is_set(self) -> bool:
            self.looks += 1
            return self.event.is_set()

        def set(self) -> None:
            self.event.set()

        def clear(self) -> None:
            self.event.clear()

        async def wait(self) -> bool:
            return await self.event.wait()

    class _Box:
        def __init__(self) -> None:
            self.client = _Client()
            self.updates, self.messages = {}, []
            self._loaded_components = set()
            self._should_stop = False
            self._event = None
            self.sent = []

        @property
        def _enqueue_event(self) -> _CountingEvent | None:
            return self._event

        @_enqueue_event.setter
        def _enqueue_event(self, event: asyncio.Event | None) -> None:
            self._event = None if event is None else _CountingEvent(event)

        async def _emit(self, message) -> None:
            self.sent.append(message)

    ours, theirs = _Box(), _Box()
    tasks = [asyncio.create_task(speedups.outbox_loop(ours)),
             asyncio.create_task(speedups.NICEGUI_OUTBOX_LOOP(theirs))]
    await asyncio.sleep(0.05)
    for box in (ours, theirs):
        box.messages.append(('c1', 'run_javascript', {'code': '1'}))
        box._enqueue_event.set()
    await asyncio.sleep(0.05)
    for box in (ours, theirs):
        assert box.sent == [('c1', 'run_javascript', {'code': '1'})] and not box.messages
    looks = ours._enqueue_event.looks, theirs._enqueue_event.looks
    await asyncio.sleep(1.2)  # nothing to send
    assert ours._enqueue_event.looks == looks[0], 'the replacement loop woke up with nothing to send'
    assert theirs._enqueue_event.looks > looks[1]  # NiceGUI's 1-s timeout: what the replacement saves
    assert len(ours.sent) == len(theirs.sent) == 1 and not any(task.done() for task in tasks)
    for box in (ours, theirs):
        box._should_stop = True
        box._enqueue_event.set()  # what Outbox.stop does
    await asyncio.wait_for(asyncio.gather(*tasks), 1)


async def test_the_plain_middlewares_behave_as_nicegui_s(monkeypatch):
    from types import SimpleNamespace

    import httpx
    from nicegui import core, middlewares
    from nicegui.version import __version__
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, RedirectResponse
    from starlette.routing import Route

    def make(*wrappers):
        app = Starlette(routes=[
            Route('/go', lambda r: RedirectResponse('/room', status_code=303)),
            Route('/away', lambda r: RedirectResponse('https://example.org/x', status_code=303)),
            Route('/{path:path}', lambda r: PlainTextResponse('x', headers={'Cache-Control': 'no-store'})),
        ])
        for wrapper in wrappers:
            app.add_middleware(wrapper)
        return app
    config = SimpleNamespace(
        cache_control_directives='public, max-age=31536000, immutable, stale-while-revalidate=31536000')
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


async def test_ui_run_gets_the_plain_middlewares(user):
    """The app as ui.run builds it (tests/app_main.py): our three middlewares, none of NiceGUI's."""
    from nicegui import core, middlewares
    added = {m.cls for m in core.app.user_middleware}
    assert {speedups.RequestTracking, speedups.RedirectWithPrefix, speedups.SetCacheControl} <= added, added
    assert not added & {speedups.NICEGUI_REQUEST_TRACKING, middlewares.RedirectWithPrefixMiddleware,
                        middlewares.SetCacheControlMiddleware}, added


async def test_the_plain_request_tracking_behaves_as_nicegui_s(monkeypatch, tmp_path):
    import httpx
    from nicegui import app as nicegui_app, storage
    from nicegui.storage import Storage
    from starlette.applications import Starlette
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    monkeypatch.setattr(Storage, 'path', tmp_path)
    monkeypatch.setattr(Storage, 'redis_url', None)
    monkeypatch.setattr(nicegui_app.storage, '_users', {})

    def seen(request):
        current = storage.request_contextvar.get()
        session_id = request.session['id']
        return JSONResponse({'same_request': current is not None and current.scope is request.scope,
                             'session': session_id, 'storage': session_id in nicegui_app.storage._users,
                             'active': nicegui_app.storage._active_request_sessions[session_id],
                             'responded': request.state.responded})

    def make(tracking):
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
