"""Theme suggestions on the moderator's board: proposed, renamed, accepted as one undoable step, or rejected."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from workshop.runtime import runtime
from workshop.services import curation

from ..waiting import until
from .test_cluster_board import _clusters, _room, _undo_says
from .test_facilitation_flow import _board, _element

HYDROGEN = ['Wasserstoff-Tankstellen entlang der Autobahn', 'Grünen Wasserstoff für die Stahlindustrie erzeugen',
            'Ein Wasserstoff-Netzwerk der Zulieferer gründen', 'Wasserstoff in Bussen und Bahnen testen']
DATA = ['Offene Daten der Kommunen bereitstellen', 'Eine Datenplattform für alle Partner aufbauen',
        'Daten aus der Produktion gemeinsam auswerten']


def _titles(moderator: User) -> list[str]:
    return [e.value for e in _element(moderator, 'theme-list').descendants() if 'theme-title' in e._markers]


async def test_the_moderator_accepts_a_renamed_theme_and_rejects_another(user: User,
                                                                         create_user: Callable[[], User]):
    links, moderator, phone, wall = await _room(user, create_user)
    secret = links.breakouts[0].moderator_secret
    for text in HYDROGEN + DATA:
        await curation.add_idea(runtime().db, runtime().bus, secret=secret, text=text)
    await until(lambda: len(_board(moderator).items) == 10)
    filed_by_hand = next(i for i, item in _board(moderator).items.items() if item['text'] == HYDROGEN[0])
    moderator.find(marker='suggest-themes').click()
    await until(lambda: {'Wasserstoff', 'Daten'} <= set(_titles(moderator)),
                what=lambda: f'suggestions Wasserstoff and Daten, shown: {_titles(moderator)} '
                             f'({_element(moderator, "themes-status").text})')
    assert 'Vorschläge' in _element(moderator, 'themes-status').text
    assert _clusters(moderator) == []  # nothing applied by itself

    # meanwhile one of the hydrogen ideas is filed by hand: accepting the theme leaves it where it is
    await curation.set_group(runtime().db, runtime().bus, secret=secret, idea_id=filed_by_hand, group='Verkehr')
    await until(lambda: _board(moderator).items[filed_by_hand]['group'] == 'Verkehr')

    def card(title: str):
        return next(c for c in _element(moderator, 'theme-list').descendants() if 'theme' in c._markers
                    and any(getattr(e, 'value', None) == title for e in c.descendants()))

    def button(card_, marker: str):
        found = next(e for e in card_.descendants() if marker in e._markers)
        return UserInteraction(moderator, {found}, None)

    hydrogen = card('Wasserstoff')
    next(e for e in hydrogen.descendants() if getattr(e, 'value', None) == 'Wasserstoff') \
        .set_value('Wasserstoff-Wirtschaft')
    button(hydrogen, 'accept-theme').click()
    await until(lambda: [t for t, _c in _clusters(moderator)] == ['Verkehr', 'Wasserstoff-Wirtschaft'])
    for viewer in (moderator, wall):
        await until(lambda v=viewer: sorted(i['text'] for i in _board(v).items.values()
                                            if i['group'] == 'Wasserstoff-Wirtschaft') == sorted(HYDROGEN[1:]))
    assert _board(moderator).items[filed_by_hand]['group'] == 'Verkehr'
    await _undo_says(moderator, 'Rückgängig: Themenvorschlag „Wasserstoff-Wirtschaft“ übernommen')
    assert 'Wasserstoff' not in _titles(moderator)  # accepted: gone from the list

    button(card('Daten'), 'reject-theme').click()
    await until(lambda: 'Daten' not in _titles(moderator))
    assert [t for t, _c in _clusters(moderator)] == ['Verkehr', 'Wasserstoff-Wirtschaft']  # rejected: nothing changed

    # one undo takes the whole theme back
    moderator.find(marker='undo').click()
    await until(lambda: not any(i['group'] == 'Wasserstoff-Wirtschaft' for i in _board(moderator).items.values()))
    await until(lambda: [t for t, _c in _clusters(phone)] == ['Verkehr'])
