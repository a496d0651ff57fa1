"""Each audience is spoken to as itself: an empty board invites a phone, tells the room how on the wall and gives
the moderator a hint."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .test_facilitation_flow import _board
from .test_live_loop import _join


async def test_an_empty_board_says_what_its_reader_can_do(user: User, create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    room = links.breakouts[0]
    moderator, wall, phone = user, create_user(), create_user()
    await moderator.open(f'/m/{room.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{room.breakout_id}')
    await _join(phone, links.join_code, 'W 1.1')
    said = {name: _board(u).props['labels']['empty'] for name, u in
            (('moderator', moderator), ('wall', wall), ('phone', phone))}
    assert said == {
        'phone': 'Noch keine Beiträge – schreiben Sie den ersten!',
        'wall': 'Noch keine Beiträge. Code scannen oder Link öffnen und den ersten schreiben.',
        'moderator': 'Noch keine Beiträge. Sie erscheinen hier, sobald sie eintreffen; Moderationskarten und '
                     'Beiträge aus dem Chat oben erfassen.',
    }
