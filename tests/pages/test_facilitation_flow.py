"""A two-round workshop run with simulated users: phases, timer, dots, curation, key results, rounds, plenary.

Checks of what *another* page shows retry for up to two seconds: updates travel through the
database and the bus, as in the real app.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import facilitation
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..joining import choose, open_join_page
from ..waiting import until
from .test_live_loop import _join, _post

WAIT = 20


def _element(user: User, marker: str) -> ui.element:
    return next(iter(user.find(marker=marker).elements))


def _board(user: User):
    return _element(user, 'ideas')


def _idea(user: User, text: str) -> dict:
    return next(i for i in _board(user).items.values() if i['text'] == text)


async def _vote(user: User, text: str, delta: int) -> None:
    """What tapping + or − on an idea does: the board emits a vote event."""
    await until(lambda: any(i['text'] == text for i in _board(user).items.values()))
    user.find(marker='ideas').trigger('vote', {'id': _idea(user, text)['id'], 'delta': delta})


async def test_a_breakout_through_all_phases(user: User, create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, lead, anna, ben, wall = user, create_user(), create_user(), create_user(), create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await lead.open(f'/lead/{links.lead_secret}')
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await _join(anna, links.join_code, 'W 1.1')
    await _join(ben, links.join_code, 'W 1.1')
    await anna.should_see('Ideen sammeln', retries=WAIT)

    await _post(anna, 'Gemeinsame Datenplattform für alle Cluster')
    await _post(ben, 'Mentoring für Gründerinnen')
    await _post(ben, 'gemeinsame Daten-Plattform für alle Cluster!')

    # the timer: the server's end time reaches every screen
    moderator.find(marker='timer-5').click()
    for viewer in (anna, wall):
        await until(lambda v=viewer: _element(v, 'timer').ends_at_ms is not None)
    await until(lambda: _element(lead, 'timer-W1.1').ends_at_ms == _element(anna, 'timer').ends_at_ms)

    # voting: the post box goes, the dots come; tallies stay hidden on phones
    _element(moderator, 'phase-toggle').set_value('vote')
    await anna.should_see('Sie haben noch 3 von 3 Punkten.', retries=WAIT)
    await anna.should_not_see(marker='idea-input', retries=WAIT)
    await lead.should_see(marker='phase-W1.1', content='Punktabfrage', retries=WAIT)
    await _vote(anna, 'Mentoring für Gründerinnen', 1)
    await anna.should_see('Sie haben noch 2 von 3 Punkten.', retries=WAIT)
    await _vote(ben, 'Mentoring für Gründerinnen', 1)
    await moderator.should_see(marker='dots-cast', content='2 Punkte vergeben', retries=WAIT)
    await lead.should_see(marker='dots-W1.1', content='2 Punkte vergeben', retries=WAIT)
    assert not _board(anna).tallies_visible and _board(anna).props['hide-tallies']  # hidden until voting ends
    await until(lambda: _idea(moderator, 'Mentoring für Gründerinnen')['dots'] == 2)
    assert _board(moderator).tallies_visible
    # taking a dot back
    await _vote(anna, 'Mentoring für Gründerinnen', -1)
    await anna.should_see('Sie haben noch 3 von 3 Punkten.', retries=WAIT)
    await _vote(anna, 'Mentoring für Gründerinnen', 1)

    # curation: merge the duplicate (its dots carry over), hide nothing else
    async with runtime().db.session() as s:
        from workshop.services import curation
        found = await curation.suggest_duplicates(s, breakout_id=w11.breakout_id,
                                                  question_id=_first_question(moderator))
    assert len(found) == 1
    await curation.merge_ideas(runtime().db, runtime().bus, secret=w11.moderator_secret, keep_id=found[0].keep.id,
                               merge_id=found[0].duplicate.id)
    for viewer in (anna, ben, moderator, wall):
        await viewer.should_not_see('gemeinsame Daten-Plattform für alle Cluster!', retries=WAIT)

    # discussion: ranking with tallies, and the wall's bar chart
    _element(moderator, 'phase-toggle').set_value('discuss')
    await anna.should_see('Ergebnis: Beiträge nach Punkten', retries=WAIT)
    await wall.should_see(marker='chart', retries=WAIT)
    await until(lambda: _board(anna).props['phase'] == 'discuss' and _board(anna).tallies_visible)
    assert _idea(anna, 'Mentoring für Gründerinnen')['dots'] == 2  # the tallies arrive with the list
    chart = _element(wall, 'chart')
    assert chart.options['series'][0]['data'] == [2]

    # key results: drafted from the top-voted ideas, saved
    moderator.find(marker='draft-results').click()
    await until(lambda: 'Mentoring für Gründerinnen' in (_element(moderator, 'question-results').value or ''))
    moderator.find(marker='save-results').click()
    await moderator.should_see('Kernergebnisse gespeichert', retries=WAIT)

    _element(moderator, 'phase-toggle').set_value('closed')
    await anna.should_see('Abgeschlossen', retries=WAIT)


def _first_question(moderator: User) -> int:
    buttons = [e for e in moderator.find(kind=ui.button).elements if any(m.startswith('question-') for m in e._markers)]
    return min(int(next(m for m in b._markers if m.startswith('question-')).split('-')[1]) for b in buttons)


async def test_second_round_plenary_and_notice(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    lead, anna, plenary_wall = user, create_user(), create_user()
    await lead.open(f'/lead/{links.lead_secret}')
    await plenary_wall.open(f'/wall/{links.join_code}')
    await _join(anna, links.join_code, 'W 1.1')
    await _post(anna, 'Idee aus Durchlauf 1')
    await facilitation.set_phase(rt.db, rt.bus, secret=links.breakouts[0].moderator_secret, phase='discuss')
    from workshop.services import results
    await results.save(rt.db, rt.bus, secret=links.breakouts[0].moderator_secret, items=['Kernergebnis W 1.1'])

    # a notice reaches phones and walls
    lead.find(marker='notice-input').type('Die Pause endet in 5 Minuten')
    lead.find(marker='send-notice').click()
    await anna.should_see('Die Pause endet in 5 Minuten', retries=WAIT)
    await plenary_wall.should_see('Die Pause endet in 5 Minuten', retries=WAIT)

    # round 2: phones ask for a room; the round-2 room shows round 1's results read-only
    lead.find(marker='open-round-2').click()
    await lead.should_see('Durchlauf 2 öffnen?', retries=WAIT)
    await lead.should_see('Der Hinweis „Die Pause endet in 5 Minuten“ wird entfernt.')
    lead.find(marker='round-ok').click()
    await anna.should_see('Durchlauf 2 hat begonnen', retries=WAIT)
    await lead.should_see(marker='current-round-2', retries=WAIT)
    await plenary_wall.should_see('W 2.1 · Entstehung von Netzwerken und Clustern', retries=WAIT)
    await anna.should_not_see('Die Pause endet in 5 Minuten', retries=WAIT)  # the new round cleared the notice
    await plenary_wall.should_see('Jetzt: 15:45 Parallele Workshops – Durchlauf 2', retries=WAIT)  # run of show
    assert _element(lead, 'notice-input').value == ''
    anna.find(marker='choose-new-room').click()
    page = await open_join_page(anna, links.join_code, switch=True)
    assert 'Sie hatten dieses Thema bereits in einem früheren Durchlauf.' in page.text()
    assert await choose(anna, links.join_code, 'W 2.1', page=page) is None
    await anna.should_see(marker='earlier', retries=WAIT)
    await anna.should_see('Idee aus Durchlauf 1', retries=WAIT)
    await anna.should_see(marker='idea-input', retries=WAIT)
    await _post(anna, 'Idee aus Durchlauf 2')

    # plenary summary: the wall steps through the topics
    lead.find(marker='summary-next').click()
    await plenary_wall.should_see('1. Entstehung von Netzwerken und Clustern', retries=WAIT)
    await plenary_wall.should_see('Kernergebnis W 1.1', retries=WAIT)
    await anna.should_see('Plenum: Bitte folgen Sie dem Hauptbildschirm.', retries=WAIT)
    await plenary_wall.should_not_see('Plenum: Bitte folgen Sie dem Hauptbildschirm.')  # it is the main screen
    await anna.should_not_see(marker='idea-input', retries=WAIT)  # the rooms pause while the plenary runs
    lead.find(marker='summary-next').click()
    await plenary_wall.should_see('2. Clusterstrategien und Strategieentwicklung', retries=WAIT)
    lead.find(marker='summary-end').click()
    await plenary_wall.should_see('Scannen Sie den Code mit der Handykamera und wählen Sie Ihren Raum.', retries=WAIT)
    _element(lead, 'plenary-mode').set_value(False)  # back to the rooms
    await anna.should_see(marker='idea-input', retries=WAIT)


async def test_joining_can_be_locked(user: User, create_user: Callable[[], User]):
    links = await create_from_template(runtime().db, template=load_template('cluster-strategy'))
    lead, late = user, create_user()
    await lead.open(f'/lead/{links.lead_secret}')
    opened_before = await open_join_page(late, links.join_code)  # a phone that had the page open already
    lead.find(marker='lock-joining').click()
    await until(lambda: _element(lead, 'lock-joining').value is True)
    from workshop.models import Workshop
    async def locked() -> bool:
        async with runtime().db.session() as s:
            return (await s.get(Workshop, links.workshop_id)).joining_locked
    await until(locked, what='joining locked')
    page = await open_join_page(late, links.join_code)
    assert 'Die Teilnahme an diesem Workshop ist geschlossen' in page.message and not page.rooms
    first_room = next(iter(opened_before.rooms)).replace('W', 'W ', 1)
    refused = await choose(late, links.join_code, first_room, name='Lena Spät', page=opened_before)
    assert refused.status == 403 and 'Die Teilnahme an diesem Workshop ist geschlossen' in refused.message
