"""NiceGUI at arm's length: what the app copies from NiceGUI or relies on inside it, pinned to the source it
was written against (NiceGUI 3.18.0). docs/nicegui-patches.md lists each one, why, and the upstream change
that would make it unnecessary; the Socket.IO message guard has its own fingerprints in tests/test_security.py.

After a NiceGUI upgrade, a test here fails for each source that changed and says what to re-check. Re-check
that against the new source (adapt the patch, or drop it if NiceGUI now does the job), record the new
fingerprints (``.venv/bin/python -m tests.test_nicegui_guards`` prints them), and set pyproject.toml's
nicegui version to the release they were recorded for (``VERIFIED``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from workshop import speedups, static_cache

VERIFIED = '3.18.0'  # the NiceGUI release all fingerprints here were recorded for

# what workshop/speedups.py replaces (fingerprints: speedups.NICEGUI_SOURCES) → what to re-check when it changes
PATCHED = {
    'nicegui.outbox.Outbox.loop':
        'speedups.outbox_loop is this loop with a plain wait instead of the 1-s timeout: copy the new loop, '
        'or drop the patch if NiceGUI no longer polls',
    'nicegui.helpers.functions.expects_arguments':
        'speedups.cached_expects_arguments keeps one answer per method function: does the answer still '
        'depend on the signature alone?',
    'nicegui.middlewares.RedirectWithPrefixMiddleware':
        'speedups.RedirectWithPrefix repeats it as plain ASGI (tests/test_speedups.py compares them)',
    'nicegui.middlewares.SetCacheControlMiddleware':
        'speedups.SetCacheControl repeats it as plain ASGI (tests/test_speedups.py compares them)',
    'nicegui.storage.RequestTrackingMiddleware':
        'speedups.RequestTracking repeats it as plain ASGI (tests/test_speedups.py compares them)',
}
# NiceGUI's own, as speedups found them before installing over them
ORIGINALS = {'nicegui.outbox.Outbox.loop': speedups.NICEGUI_OUTBOX_LOOP,
             'nicegui.storage.RequestTrackingMiddleware': speedups.NICEGUI_REQUEST_TRACKING}

_SAME_ANSWER = 'static_cache.StaticCache replays the first answer under this URL: is it the same for every request?'
_SILENT = 'pages/boards.py changes props silently (the seed list, my-dots): do such changes still send nothing?'

# what the app relies on without replacing it → (fingerprint in NiceGUI 3.18.0, what to re-check)
RELIED_ON = {
    # speedups.outbox_loop
    'nicegui.outbox.Outbox': (
        '56e59c8fce3c0b1e',
        'speedups.outbox_loop sleeps until _enqueue_event is set: does everything that must wake the loop '
        '(stop, enqueue_*, try_rewind) still set it?'),
    # speedups.RequestTracking, app._revive_storage_listeners
    'nicegui.storage.Storage.__init__': (
        '1768e26ce02c7d37',
        'speedups.RequestTracking counts requests in _active_request_sessions and fills _users; '
        'app._revive_storage_listeners walks _users'),
    'nicegui.storage.Storage._create_user_storage': (
        '200453fcd9c67c00',
        'speedups.RequestTracking calls it for a session without user storage, as NiceGUI\'s middleware'),
    'nicegui.storage.Storage.browser': (
        '5ab51bd621f66b3e', 'speedups.RequestTracking sets request.state.responded once the response has started'),
    'nicegui.app.app.prune_user_storage': (
        'b9eed42626e91f8c', 'speedups.RequestTracking keeps a session\'s storage from being pruned mid-request '
        '(_active_request_sessions)'),
    'nicegui.persistence.redis_persistent_dict.RedisPersistentDict.initialize': (
        '9377f3b91c902338', 'app._revive_storage_listeners calls it to load and listen again after Redis was away'),
    'nicegui.persistence.redis_persistent_dict.RedisPersistentDict._start_listening': (
        '865cfa1af7b50a87', 'app._revive_storage_listeners takes a done _listener_task for a listener that gave up'),
    # static_cache.StaticCache replays the first answer to a GET under these URLs
    'nicegui.nicegui._get_library': ('40cf56087d3d6985', _SAME_ANSWER),
    'nicegui.nicegui._get_component': ('1212c01f3ec86d9f', _SAME_ANSWER),
    'nicegui.nicegui._get_resource': ('ae45dc7003f61019', _SAME_ANSWER),
    'nicegui.nicegui._get_esm': ('137f964962103119', _SAME_ANSWER),
    'nicegui.staticfiles.CacheControlledStaticFiles': ('0b3ff0b7ed6da9c1', _SAME_ANSWER),
    # pages/boards.py: the ws_board broadcast
    'nicegui.nicegui._on_handshake': (
        'ebde10092987736d',
        'pages/boards.py sends ws_board to the Socket.IO rooms named by client ids: does every socket '
        'of a page still enter the room of its client id?'),
    # pages/boards.py, countdown.py, outbox.py: props written without an update
    'nicegui.element.Element.props': (
        '2fc4634e77c9d8d5', 'the pages\' own elements write self._props: is it still what element.props is?'),
    'nicegui.props.Props.suspend_updates': ('97142a902c185c55', _SILENT),
    'nicegui.props.Props._update': ('164aa3048426594a', _SILENT),
    # pages/frame.py: a page's language per page view
    'nicegui.page.page.resolve_language': (
        '32eeaa061ed85b82', 'frame._set_page_language gives a client a copy of its page with another language'),
}


def resolve(name: str) -> Any:
    """The object a dotted name names: the longest importable module, then attributes (a property's getter)."""
    parts = name.split('.')
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj.fget if isinstance(obj, property) else obj
    raise ModuleNotFoundError(name)


def _changed(name: str, recheck: str) -> str:
    import nicegui
    return (f'{name} in NiceGUI {nicegui.__version__} is not the source recorded for {VERIFIED}.\n'
            f'Re-check: {recheck}\nThen record its fingerprint (python -m tests.test_nicegui_guards); '
            'see docs/nicegui-patches.md.')


def test_every_patch_has_its_guard():
    assert set(PATCHED) == set(speedups.NICEGUI_SOURCES)


@pytest.mark.parametrize('name', sorted(PATCHED))
def test_what_speedups_replaces_is_the_source_it_was_written_for(name):
    original = ORIGINALS.get(name) or resolve(name)
    assert speedups.fingerprint(original) == speedups.NICEGUI_SOURCES[name], _changed(name, PATCHED[name])


@pytest.mark.parametrize('name', sorted(RELIED_ON))
def test_what_the_app_relies_on_is_the_source_it_was_written_for(name):
    recorded, recheck = RELIED_ON[name]
    assert speedups.fingerprint(resolve(name)) == recorded, _changed(name, recheck)


def _nicegui_sources() -> dict[str, str]:
    import nicegui
    root = Path(nicegui.__file__).parent
    return {str(path.relative_to(root)): path.read_text(encoding='utf-8') for path in root.rglob('*.py')}


def test_nicegui_asks_expects_arguments_through_the_helpers_module():
    """speedups replaces ``nicegui.helpers.expects_arguments``: a caller holding the function itself would
    bypass the cache (and the page-building CPU it saves)."""
    callers = {}
    for path, text in _nicegui_sources().items():
        if path.startswith('helpers/'):
            continue
        for line in text.splitlines():
            if 'expects_arguments' in line:
                assert 'helpers.expects_arguments(' in line, \
                    _changed(f'nicegui/{path}', f'"{line.strip()}" bypasses speedups.cached_expects_arguments')
                callers[path] = callers.get(path, 0) + 1
    assert callers.get('observables.py') == 2, _changed('nicegui/observables.py', 'its collections (three per '
                                                        'element) no longer ask helpers.expects_arguments: '
                                                        'is speedups.cached_expects_arguments still worth it?')


def test_static_cache_replays_only_nicegui_s_unchanging_urls():
    """NiceGUI's URLs under /_nicegui/<version>/ are the same file for every request, except dynamic_resources."""
    from nicegui import __version__, app
    versioned = f'/_nicegui/{__version__}/'
    kinds = {route.path[len(versioned):].split('/')[0] for route in app.routes
             if getattr(route, 'path', '').startswith(versioned)}
    assert kinds == {'static', 'libraries', 'components', 'resources', 'dynamic_resources', 'esm'}, \
        _changed(f'the routes under {versioned}', 'which of them answer every request alike '
                 '(static_cache.NICEGUI_ASSETS)?')
    assert set(static_cache.NICEGUI_ASSETS) == {f'{versioned}{kind}/' for kind in kinds - {'dynamic_resources'}}


def test_nicegui_js_gives_components_the_page_s_socket():
    """board_channel.js (both idea boards) listens to ws_board on NiceGUI's socket; outbox.js follows its connection."""
    import nicegui
    script = (Path(nicegui.__file__).parent / 'static' / 'nicegui.js').read_text(encoding='utf-8')
    for needed in ('window.socket = io(', 'window.did_handshake = true'):
        assert needed in script, _changed('static/nicegui.js', f'"{needed}" is gone: pages/board_channel.js and '
                                          'pages/outbox.js use window.socket and window.did_handshake')


def test_a_page_s_language_comes_from_its_client_s_page():
    """frame._set_page_language sets the language of one page view in a copy of ``client.page``."""
    import inspect

    from nicegui.client import Client
    assert 'html_lang = self.page.resolve_language()' in inspect.getsource(Client.build_response), \
        _changed('Client.build_response', '<html lang> and Quasar\'s language pack must come from client.page, '
                 'which frame._set_page_language replaces by a copy')


def test_pyproject_allows_only_the_nicegui_the_guards_verified():
    """Exactly the release the fingerprints were recorded for: even a patch release may change what the app
    copies, and a fresh install must not pick one up unchecked (upgrade: docs/nicegui-patches.md)."""
    import nicegui
    assert nicegui.__version__ == VERIFIED, \
        f'NiceGUI {nicegui.__version__} is installed; the guards were recorded for {VERIFIED}'
    pyproject = (Path(__file__).resolve().parent.parent / 'pyproject.toml').read_text(encoding='utf-8')
    assert f'"nicegui=={VERIFIED}"' in pyproject


if __name__ == '__main__':  # the fingerprints of this NiceGUI, to record after re-checking
    for name in sorted(PATCHED):
        print(f'{name}: {speedups.fingerprint(ORIGINALS.get(name) or resolve(name))}')
    for name in sorted(RELIED_ON):
        print(f'{name}: {speedups.fingerprint(resolve(name))}')
