"""The gallery walk (#16) with simulated users: the round-2 moderator switches it on, a phone gives a dot to and
comments on a round-1 idea, the moderator and the room's wall see both live, the moderator hides the comment, the
phone and the wall see it go."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import lead
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until
from .test_live_loop import _join, _post

WAIT = 20


def _element(user: User, marker: str) -> ui.element:
    return next(iter(user.find(marker=marker).elements))


def _texts(user: User, marker: str) -> list[str]:
    return [e.text for e in user.find(marker=marker).elements if e.visible]


async def test_a_round_two_phone_walks_the_gallery_of_round_one(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    anna, bert, moderator, wall = user, create_user(), create_user(), create_user()
    await _join(anna, links.join_code, 'W 1.1')
    await _post(anna, 'Idee aus Durchlauf 1')
    await lead.open_round(rt.db, rt.bus, lead_secret=links.lead_secret, round_number=2)
    w21 = links.breakouts[3]
    await moderator.open(f'/m/{w21.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{w21.breakout_id}')
    await wall.should_not_see('Idee aus Durchlauf 1')  # the wall shows the earlier results only for the walk
    await _join(bert, links.join_code, 'W 2.1')
    await bert.should_see('Idee aus Durchlauf 1', retries=WAIT)
    await bert.should_see('Ergebnisse früherer Durchläufe (nur lesen)')
    await bert.should_not_see(marker='gallery-dot')  # no gallery walk yet: read only

    _element(moderator, 'gallery-switch').set_value(True)
    await bert.should_see('Ergebnisse früherer Durchläufe – Galerie-Rundgang', retries=WAIT)
    await bert.should_see(marker='gallery-dot', retries=WAIT)
    await wall.should_see('Idee aus Durchlauf 1', retries=WAIT)
    await wall.should_not_see(marker='gallery-dot')  # nobody gives dots on a wall
    await bert.should_see('Galerie-Rundgang: Sie haben noch 3 von 3 Punkten für diese Ergebnisse.')

    bert.find(marker='gallery-dot').click()
    await bert.should_see('Galerie-Rundgang: Sie haben noch 2 von 3 Punkten für diese Ergebnisse.', retries=WAIT)
    await until(lambda: _texts(moderator, 'gallery-total') == ['+1'], timeout=WAIT)
    assert _texts(bert, 'gallery-total') == ['+1']
    await until(lambda: _texts(wall, 'gallery-total') == ['+1'], timeout=WAIT)

    bert.find(marker='gallery-comment').click()
    await bert.should_see(marker='gallery-comment-input', retries=WAIT)
    bert.find(marker='gallery-comment-input').type('Gilt das auch für kleine Firmen?')
    bert.find(marker='gallery-comment-send').click()
    await bert.should_see('Kommentar gespeichert ✓', retries=WAIT)
    await moderator.should_see('Gilt das auch für kleine Firmen?', retries=WAIT)
    await bert.should_see('Gilt das auch für kleine Firmen?', retries=WAIT)
    await wall.should_see('Gilt das auch für kleine Firmen?', retries=WAIT)

    moderator.find(marker='gallery-hide').click()
    await bert.should_not_see('Gilt das auch für kleine Firmen?', retries=WAIT)
    await wall.should_not_see('Gilt das auch für kleine Firmen?', retries=WAIT)
    await moderator.should_see('Gilt das auch für kleine Firmen?')  # the moderator keeps seeing it, struck through
    await moderator.should_see('Einblenden', retries=WAIT)

    # the phone takes its dot back
    bert.find(marker='gallery-undot').click()
    await bert.should_see('Galerie-Rundgang: Sie haben noch 3 von 3 Punkten für diese Ergebnisse.', retries=WAIT)
    await moderator.should_not_see(marker='gallery-total', retries=WAIT)  # no dots in the gallery walk: no "+0"
