"""Secret links are exchanged for a cookie: after opening one, the address holds no secret (pages/secret_links.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import httpx
from nicegui import core
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import rotation
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

ADMIN_SECRET = 'test-admin-secret'  # tests/app_main.py sets this admin secret
INVALID = 'Moderationslink ist nicht (mehr) gültig'


async def _workshop():
    return await create_from_template(runtime().db, template=load_template('cluster-workshop'))


def _cookie(response: httpx.Response) -> dict[str, str]:
    """The cookie an exchange sets (besides NiceGUI's session): its name, value and attributes (keys lower-case)."""
    (header,) = [v for k, v in response.headers.multi_items() if k == 'set-cookie' and not v.startswith('session=')]
    first, *attributes = [part.strip() for part in header.split(';')]
    name, _, value = first.partition('=')
    found = {'name': name, 'value': value}
    for attribute in attributes:
        key, _, val = attribute.partition('=')
        found[key.lower()] = val
    return found


async def test_opening_a_secret_link_leaves_an_address_without_the_secret(user: User):
    links = await _workshop()
    b = links.breakouts[0]
    code = links.join_code
    cases = [  # link → where it leads, the cookie's name and path
        (f'/m/{b.moderator_secret}', f'/m/~/{code}/{b.breakout_id}', f'ws_m_{code}_{b.breakout_id}',
         f'/m/~/{code}/{b.breakout_id}'),
        (f'/lead/{links.lead_secret}', f'/lead/~/{code}', f'ws_lead_{code}', f'/lead/~/{code}'),
        (f'/lead/{links.lead_secret}/edit', f'/lead/~/{code}/edit', f'ws_lead_{code}', f'/lead/~/{code}'),
        (f'/lead/{links.lead_secret}/protocol', f'/lead/~/{code}/protocol', f'ws_lead_{code}', f'/lead/~/{code}'),
        (f'/admin/{ADMIN_SECRET}', '/admin/~', 'ws_admin', '/admin/~'),
    ]
    for link, page, name, path in cases:
        secret = link.split('/')[2]
        final = await user.http_client.get(link, follow_redirects=True)
        assert final.status_code == 200 and final.url.path == page, link
        assert secret not in str(final.url) and secret not in final.text, link  # nor in the page's HTML
        (exchange,) = final.history
        assert exchange.status_code == 303 and exchange.headers['location'] == page
        cookie = _cookie(exchange)
        assert cookie['name'] == name and cookie['value'] == secret and cookie['path'] == path, cookie
        assert 'httponly' in cookie and cookie['samesite'].lower() == 'lax' and 'secure' not in cookie, cookie
        assert exchange.headers['cache-control'] == 'no-store'

    # and the pages work there
    await user.open(f'/m/{b.moderator_secret}')
    await user.should_see(marker='breakout')
    await user.should_see(marker='next-question')
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(marker='privacy-controls', retries=20)
    assert next(iter(user.find(marker='edit-link').elements)).props['href'] == f'/lead/~/{code}/edit'
    await user.open(f'/lead/~/{code}/edit')  # as the button does: the cookie opens it
    await user.should_see(marker='workshop-title')
    await user.open('/admin/~')
    await user.should_see(marker=f'workshop-{code}')


async def test_the_page_without_the_secret_opens_only_with_its_own_cookie(user: User,
                                                                          create_user: Callable[[], User]):
    one, two = await _workshop(), await _workshop()
    w11, w12 = one.breakouts[0], one.breakouts[1]
    await user.open(f'/m/{w11.moderator_secret}')
    await user.open(f'/lead/{one.lead_secret}')
    await user.open(f'/lead/~/{one.join_code}')
    await user.should_see(marker='privacy-controls', retries=20)
    # the cookie of W 1.1 does not open W 1.2, nor the lead's page of another workshop, nor the admin's
    for page in (f'/m/~/{one.join_code}/{w12.breakout_id}', f'/lead/~/{two.join_code}',
                 f'/lead/~/{two.join_code}/edit', f'/lead/~/{two.join_code}/protocol'):
        await user.open(page)
        await user.should_see(INVALID)
    await user.open('/admin/~')
    await user.should_see('Dieser Admin-Link ist nicht gültig')
    # a stranger's browser has no cookie: the same message as for a wrong link
    stranger = create_user()
    await stranger.open(f'/m/~/{one.join_code}/{w11.breakout_id}')
    await stranger.should_see(INVALID)
    await stranger.should_not_see(marker='next-question')
    # a cookie forged for another place, holding a real secret of another room or role, opens nothing either
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url='http://test') as forger:
        forged = [(f'/m/~/{one.join_code}/{w12.breakout_id}', f'ws_m_{one.join_code}_{w12.breakout_id}',
                   w11.moderator_secret),
                  (f'/lead/~/{two.join_code}', f'ws_lead_{two.join_code}', one.lead_secret),
                  (f'/lead/~/{one.join_code}', f'ws_lead_{one.join_code}', w11.moderator_secret),
                  (f'/lead/~/{two.join_code}/protocol/download/md', f'ws_lead_{two.join_code}', one.lead_secret)]
        for page, name, secret in forged:
            response = await forger.get(page, headers={'Cookie': f'{name}={secret}'})
            if '/download/' in page:
                assert response.status_code == 404, page
            else:
                assert response.status_code == 200 and INVALID in response.text, page
        # the right cookie does open them (the check above is not vacuous)
        response = await forger.get(f'/lead/~/{two.join_code}/protocol/download/md',
                                    headers={'Cookie': f'ws_lead_{two.join_code}={two.lead_secret}'})
        assert response.status_code == 200


async def test_a_replaced_link_no_longer_opens_the_page_its_cookie_opened(user: User):
    rt = runtime()
    links = await _workshop()
    w11 = links.breakouts[0]
    await user.open(f'/m/{w11.moderator_secret}')
    await user.should_see(marker='next-question')
    await rotation.rotate_moderator_secret(rt.db, rt.bus, lead_secret=links.lead_secret, breakout_id=w11.breakout_id)
    await user.open(f'/m/~/{links.join_code}/{w11.breakout_id}')
    await user.should_see(INVALID)


async def test_copy_my_link_shows_the_secret_link_only_when_asked(user: User):
    rt = runtime()
    links = await _workshop()
    w11 = links.breakouts[0]
    for link, marker in ((f'/m/{w11.moderator_secret}', 'next-question'), (f'/lead/{links.lead_secret}', 'edit-link'),
                         (f'/admin/{ADMIN_SECRET}', 'create')):
        await user.open(link)
        await user.should_see(marker=marker, retries=20)
        field = next(iter(user.find(marker='my-link-value').elements))
        assert field.value in ('', None)  # the page holds no secret until asked
        user.find(marker='my-link').click()
        await user.should_see('Mein Link zu dieser Seite')
        assert field.value == rt.link(link)


async def test_the_cookie_is_secure_behind_https(user: User, monkeypatch):
    rt = runtime()
    links = await _workshop()
    monkeypatch.setattr(rt, 'settings', dataclasses.replace(rt.settings, public_url='https://ws.example.org'))
    response = await user.http_client.get(f'/m/{links.breakouts[0].moderator_secret}')
    assert response.status_code == 303 and 'secure' in _cookie(response)


async def test_an_invalid_secret_link_sets_no_cookie(user: User):
    for link in ('/m/not-a-secret', '/lead/not-a-secret', '/lead/not-a-secret/edit', '/admin/not-the-secret'):
        response = await user.http_client.get(link)
        assert response.status_code == 200, link
        assert not [v for k, v in response.headers.multi_items() if k == 'set-cookie' and v.startswith('ws_')], link
    await user.open('/m/not-a-secret')
    await user.should_see(INVALID)
    await user.should_not_see(marker='my-link')
