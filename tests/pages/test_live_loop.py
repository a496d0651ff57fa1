"""The live loop with simulated users: a moderator and two phones in W 1.1, one phone in W 1.2, a wall.

Checks of what *another* page shows retry for up to two seconds: updates travel through the
database and the bus, as in the real app.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import workshops
from workshop.services.workshops import WorkshopLinks, create_from_template
from workshop.templates import load_template

from ..joining import join, open_join_page, read_join_page
from ..waiting import until


async def _workshop() -> WorkshopLinks:
    return await create_from_template(runtime().db, template=load_template('cluster-workshop'))


async def _join(user: User, code: str, label: str, *, name: str | None = None) -> None:
    await join(user, code, label, name=name)
    await user.should_see(label, retries=20)


async def _post(user: User, text: str) -> None:
    user.find(marker='idea-input').type(text)
    user.find(marker='post').click()
    await user.should_see('Gespeichert ✓', retries=20)


def _board(user: User):
    return next(iter(user.find(marker='ideas').elements))


def _idea_texts(user: User) -> list[str]:
    """Texts of the ideas as the board shows them while collecting: newest first."""
    items = sorted(_board(user).items.values(), key=lambda i: -i['id'])
    return [i['text'] for i in items]


async def test_ideas_appear_where_they_should_and_nowhere_else(user: User, create_user: Callable[[], User]):
    links = await _workshop()
    w11, w12 = links.breakouts[0], links.breakouts[1]
    moderator, anna, ben, cara, wall, other_wall = user, create_user(), create_user(), create_user(), \
        create_user(), create_user()

    await moderator.open(f'/m/{w11.moderator_secret}')
    await moderator.should_see('Wer sind die Initiatoren', retries=20)
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await other_wall.open(f'/wall/{links.join_code}/{w12.breakout_id}')
    await _join(anna, links.join_code, 'W 1.1', name='Anna')
    await _join(ben, links.join_code, 'W 1.1')
    await _join(cara, links.join_code, 'W 1.2')
    await anna.should_see('Wer sind die Initiatoren', retries=20)
    await cara.should_see('Generelle Leistungsfähigkeit von Clusterinitiativen', retries=20)

    await _post(anna, 'Hochschulen und Kammern als Initiatoren')
    for viewer in (anna, ben, moderator, wall):
        await viewer.should_see('Hochschulen und Kammern als Initiatoren', retries=20)
    for outsider in (cara, other_wall):
        await outsider.should_not_see('Hochschulen und Kammern als Initiatoren')

    await moderator.should_see('1 Beitrag zu dieser Frage', retries=20)  # the singular, not "1 Beiträge"

    # the author's own idea is marked, on her phone only
    assert [i['own'] for i in _board(anna).items.values()] == [True]
    assert [i['own'] for i in _board(ben).items.values()] == [False]

    await _post(ben, 'Wirtschaftsförderung der Region')
    await _post(cara, 'Strategieprozess mit Roadmap')
    await anna.should_see('Wirtschaftsförderung der Region', retries=20)
    await cara.should_not_see('Wirtschaftsförderung der Region')
    await other_wall.should_see('Strategieprozess mit Roadmap', retries=20)
    await moderator.should_not_see('Strategieprozess mit Roadmap')
    assert _idea_texts(ben) == ['Wirtschaftsförderung der Region', 'Hochschulen und Kammern als Initiatoren']

    # the moderator sees how many people are in the room
    await moderator.should_see('2 beigetreten', retries=20)
    await moderator.should_see('2 Beiträge zu dieser Frage', retries=20)


async def test_question_change_reaches_phones_and_wall(user: User, create_user: Callable[[], User]):
    links = await _workshop()
    w11 = links.breakouts[0]
    moderator, anna, wall, cara = user, create_user(), create_user(), create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await _join(anna, links.join_code, 'W 1.1')
    await _join(cara, links.join_code, 'W 1.2')
    await _post(anna, 'Idee zur ersten Frage')

    moderator.find(marker='next-question').click()
    second = 'Bestanden bereits vor der Gründung des Netzwerks geschäftliche Beziehungen'
    for viewer in (moderator, anna, wall):
        await viewer.should_see(second, retries=20)
        await viewer.should_not_see('Idee zur ersten Frage')  # the list shows the new question's ideas
    await cara.should_not_see(second)
    await cara.should_see('Generelle Leistungsfähigkeit von Clusterinitiativen', retries=20)

    await _post(anna, 'Idee zur zweiten Frage')
    await wall.should_see('Idee zur zweiten Frage', retries=20)

    moderator.find(marker='previous-question').click()
    await anna.should_see('Wer sind die Initiatoren', retries=20)
    await anna.should_see('Idee zur ersten Frage', retries=20)
    await anna.should_not_see('Idee zur zweiten Frage')
    async with runtime().db.session() as s:
        breakout = await workshops.get_breakout(s, w11.breakout_id)
        first = (await workshops.questions_of(s, breakout.topic_id))[0]
    assert breakout.current_question_id == first.id


async def test_lead_sees_all_rooms_live(user: User, create_user: Callable[[], User]):
    links = await _workshop()
    lead, anna = user, create_user()
    await lead.open(f'/lead/{links.lead_secret}')
    for b in links.breakouts:
        await lead.should_see(marker=f'cockpit-{b.label.replace(" ", "")}')
    await lead.should_see('Durchlauf 2', retries=20)
    await lead.should_see(links.join_code, retries=20)
    await lead.should_see('Eröffnung und Begrüßung', retries=20)  # the agenda
    await _join(anna, links.join_code, 'W 1.3')
    await lead.should_see(marker='members-W1.3', content='1 beigetreten', retries=20)
    await lead.should_see(marker='online-W1.3', content='1 online', retries=20)
    await _post(anna, 'Wasserstoff als Zukunftsthema')
    await lead.should_see(marker='ideas-W1.3', content='1 Beitrag', retries=20)
    await lead.should_see(marker='ideas-W1.1', content='0 Beiträge', retries=20)


async def test_empty_and_too_long_ideas_get_a_message_and_keep_the_text(user: User):
    links = await _workshop()
    await _join(user, links.join_code, 'W 1.1')
    user.find(marker='post').click()
    await user.should_see('Bitte schreiben Sie zuerst Ihre Idee.', retries=20)
    # the textarea caps input at 500 characters in the browser; the server refuses longer text on its own
    box = user.find(marker='idea-input').elements.pop()
    box.set_value('x' * 501)
    user.find(marker='post').click()
    await user.should_see('ist zu lang: 501 Zeichen', retries=20)
    assert box.value == 'x' * 501


async def test_join_flow_start_page_and_reload(user: User, monkeypatch):
    links = await _workshop()
    targets = []
    monkeypatch.setattr(user.navigate, 'to', lambda target, new_tab=False: targets.append(target))
    await user.open('/')
    user.find(marker='join-code').type('zzzzzz')
    user.find(marker='join-submit').click()
    await user.should_see('Es gibt keinen Workshop mit dem Code ZZZZZZ', retries=20)
    user.find(marker='join-code').clear().type(links.join_code.lower())
    user.find(marker='join-submit').click()
    # the start page sends the browser on to the join page (plain HTML, not simulated)
    await until(lambda: targets, 2, what='a navigation')
    assert targets == [f'/j/{links.join_code}']
    page = await open_join_page(user, links.join_code.lower())  # a typed link in lower case is canonicalised
    assert 'Wählen Sie Ihren Workshop-Raum' in page.text() and 'Datenschutz' in page.text()
    await join(user, links.join_code, 'W 1.2')
    # coming back to the join link lands in the room again
    await user.open(f'/j/{links.join_code}')
    await user.should_see(marker='idea-input', retries=20)
    await user.should_see('W 1.2', retries=20)


async def test_bad_links_get_a_clear_message(user: User):
    page = await open_join_page(user, 'ABCDEF')
    assert page.status == 404 and 'Es gibt keinen Workshop mit dem Code ABCDEF' in page.message
    assert 'data-ws="join-code"' in page.html  # and a box to type the code again
    await user.open('/m/not-a-secret')
    await user.should_see('Moderationslink ist nicht (mehr) gültig')
    await user.open('/lead/not-a-secret')
    await user.should_see('Moderationslink ist nicht (mehr) gültig')
    room = await user.http_client.get('/j/ABCDEF/room', follow_redirects=True)  # sent to the join page's message
    assert 'Es gibt keinen Workshop' in read_join_page(room).message


async def test_participant_text_is_shown_as_text(user: User, create_user: Callable[[], User]):
    links = await _workshop()
    moderator = create_user()
    await moderator.open(f'/m/{links.breakouts[0].moderator_secret}')
    await _join(user, links.join_code, 'W 1.1')
    payload = '<img src=x onerror=alert(1)><script>alert(2)</script>'
    await _post(user, payload)
    await moderator.should_see(payload, retries=20)
    # the board renders text with Vue's text interpolation only (no v-html anywhere)
    from pathlib import Path

    import workshop.pages
    component = (Path(workshop.pages.__file__).parent / 'idea_board.js').read_text()
    assert 'v-html' not in component and 'innerHTML' not in component
    assert payload in [i['text'] for i in _board(moderator).items.values()]
