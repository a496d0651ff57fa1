"""Serving costs: unchanging assets compressed once (workshop/static_cache.py); fewer garbage-collection pauses."""

import gzip

import httpx
from fastapi.middleware.gzip import GZipMiddleware
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from workshop.static_cache import NICEGUI_ASSETS, StaticCache

BODY = 'const x = 1;\n' * 500


def _app() -> tuple[StaticCache, dict]:
    calls = {'n': 0}

    async def asset(request):
        calls['n'] += 1
        if 'missing' in request.url.path:
            return PlainTextResponse('not found', status_code=404)
        response = PlainTextResponse(BODY, media_type='text/javascript')
        response.set_cookie('session', f'browser-{calls["n"]}')
        return response

    async def page(_request):
        calls['n'] += 1
        return Response('<html></html>', media_type='text/html')

    inner = Starlette(routes=[Route(NICEGUI_ASSETS[0] + '{path:path}', asset), Route('/page', page)])
    return StaticCache(GZipMiddleware(inner, minimum_size=500, compresslevel=9)), calls


async def _get(app, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url='http://test') as client:
        return await client.get(path, headers=headers)


async def test_an_asset_is_compressed_once_and_sent_again_as_stored():
    app, calls = _app()
    url = NICEGUI_ASSETS[0] + 'vue.js'
    first = await _get(app, url, **{'accept-encoding': 'gzip'})
    second = await _get(app, url, **{'accept-encoding': 'gzip, deflate, br'})
    assert calls['n'] == 1
    assert first.headers['content-encoding'] == second.headers['content-encoding'] == 'gzip'
    assert first.text == second.text == BODY  # httpx decodes: the same bytes arrive
    assert 'set-cookie' in first.headers and 'set-cookie' not in second.headers  # a cookie is for one browser only
    assert int(second.headers['content-length']) == len(gzip.compress(BODY.encode(), 9)) or \
        int(second.headers['content-length']) < len(BODY) / 5


async def test_a_browser_without_gzip_gets_the_plain_asset_kept_apart():
    app, calls = _app()
    url = NICEGUI_ASSETS[0] + 'quasar.js'
    await _get(app, url, **{'accept-encoding': 'gzip'})
    plain = await _get(app, url, **{'accept-encoding': 'identity'})
    again = await _get(app, url, **{'accept-encoding': 'identity'})
    assert calls['n'] == 2
    assert 'content-encoding' not in plain.headers and 'content-encoding' not in again.headers
    assert again.text == BODY


async def test_pages_errors_and_ranges_are_never_stored():
    app, calls = _app()
    for _ in range(2):
        assert (await _get(app, '/page')).status_code == 200
        assert (await _get(app, NICEGUI_ASSETS[0] + 'missing.js')).status_code == 404
        await _get(app, NICEGUI_ASSETS[0] + 'font.woff2', range='bytes=0-10')
    assert calls['n'] == 6
    assert list(app.entries) == []


async def test_the_store_has_a_size_limit():
    app, calls = _app()
    app.max_bytes = 10  # smaller than one compressed asset
    for _ in range(2):
        await _get(app, NICEGUI_ASSETS[0] + 'big.js', **{'accept-encoding': 'gzip'})
    assert calls['n'] == 2 and app.entries == {}


def test_the_app_uses_it_for_nicegui_assets_and_the_stylesheet():
    from workshop.app import compress_assets_once
    cache = compress_assets_once(lambda *_: None)
    assert isinstance(cache, StaticCache) and isinstance(cache.app, GZipMiddleware)
    assert '/assets/' in cache.prefixes and all(p.startswith('/_nicegui/') for p in NICEGUI_ASSETS)
    assert not any('dynamic_resources' in p for p in cache.prefixes)


def test_the_server_collects_garbage_in_fewer_pauses():
    import gc

    from workshop.app import tune_garbage_collection
    before = gc.get_threshold()
    try:
        tune_garbage_collection()
        assert gc.get_threshold() == (20_000, 10, 50)
        assert gc.get_freeze_count() > 0  # what exists after start-up is left out of the collections
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
