"""The join page (plain HTML and a form, workshop/pages/join.py): what a phone sees and what its form does."""

from __future__ import annotations

import re

from nicegui.testing import User
from sqlalchemy import func
from sqlmodel import select

from workshop.models import Attendance, Participant
from workshop.runtime import runtime
from workshop.services import lead
from workshop.services.workshops import WorkshopLinks, create_from_template
from workshop.templates import load_template

from ..joining import choose, join, open_join_page, read_join_page


async def _workshop() -> WorkshopLinks:
    return await create_from_template(runtime().db, template=load_template('cluster-workshop'))


async def _participants() -> list[Participant]:
    async with runtime().db.session() as session:
        return list((await session.exec(select(Participant))).all())


async def _attendances() -> int:
    async with runtime().db.session() as session:
        return (await session.exec(select(func.count()).select_from(Attendance))).one()


async def test_the_page_is_small_plain_and_complete(user: User):
    links = await _workshop()
    page = await open_join_page(user, links.join_code)
    assert page.status == 200 and set(page.rooms) == {'W1.1', 'W1.2', 'W1.3'}
    text = page.text()
    for seen in ('Clusterworkshop', 'Sie nehmen anonym teil', 'Name und Organisation angeben (freiwillig)',
                 'Wählen Sie Ihren Workshop-Raum', 'W 1.1 · Entstehung von Netzwerken und Clustern',
                 'Moderation:', 'Datenschutz:', 'Akteursgruppe', 'Forschungseinrichtungen'):
        assert seen in text, seen
    assert '<html lang="de">' in page.html
    assert len(page.html.encode()) < 8000  # no framework to load before a phone can choose its room
    scripts = re.findall(r'<script[^>]*>', page.html)
    assert scripts == ['<script>'] and 'src=' not in ''.join(scripts)  # only the small double-tap guard
    assert '/_nicegui/' not in page.html


async def test_choosing_a_room_joins_and_opens_it(user: User):
    links = await _workshop()
    await join(user, links.join_code, 'W 1.2', name='Anna Amsel', organisation='Amt', group='Hochschulen')
    await user.should_see('W 1.2', retries=20)
    [anna] = await _participants()
    assert (anna.name, anna.organisation, anna.stakeholder_group) == ('Anna Amsel', 'Amt', 'Hochschulen')
    # the join link now leads straight to the room; "change room" shows the rooms again, without the profile
    direct = await user.http_client.get(f'/j/{links.join_code}')
    assert direct.status_code == 303 and direct.headers['location'] == f'/j/{links.join_code}/room'
    switch = await open_join_page(user, links.join_code, switch=True)
    assert switch.rooms and 'data-ws="profile"' not in switch.html
    assert await choose(user, links.join_code, 'W 1.3', page=switch) is None
    await user.should_see('W 1.3', retries=20)
    assert len(await _participants()) == 1 and await _attendances() == 1  # moved, not joined twice


async def test_a_post_from_another_site_does_nothing(user: User, create_user):
    links = await _workshop()
    page = await open_join_page(user, links.join_code)
    other = create_user()  # another browser session: its cookie does not match the token of this form
    refused = await choose(other, links.join_code, 'W 1.1', page=page)
    assert refused.status == 403 and 'nicht mehr aktuell' in refused.message
    no_token = await user.http_client.post(f'/j/{links.join_code}', data={'breakout': str(page.rooms['W1.1'])})
    assert no_token.status_code == 403
    assert await _participants() == [] and refused.csrf and refused.rooms  # a fresh form to try again


async def test_bad_input_keeps_what_was_typed(user: User):
    links = await _workshop()
    page = await open_join_page(user, links.join_code)
    refused = await choose(user, links.join_code, 'W 1.1', name='Anna <Amsel>', organisation='Amt',
                           group='Astronauten', page=page)
    assert refused.status == 400 and 'Bitte wählen Sie eine Akteursgruppe aus der Liste' in refused.message
    assert 'value="Anna &lt;Amsel&gt;"' in refused.html and 'value="Amt"' in refused.html  # escaped, kept
    assert '<details class="ws-profile" data-ws="profile" open>' in refused.html
    too_long = await choose(user, links.join_code, 'W 1.1', name='x' * 121, page=refused)
    assert too_long.status == 400 and too_long.message
    no_room = await user.http_client.post(f'/j/{links.join_code}', data={'csrf': page.csrf, 'breakout': 'x'})
    assert no_room.status_code == 400 and 'Bitte wählen Sie einen Workshop-Raum' in read_join_page(no_room).message
    gone = await user.http_client.post(f'/j/{links.join_code}', data={'csrf': page.csrf, 'breakout': '999999'})
    assert gone.status_code == 404 and 'Diesen Workshop-Raum gibt es nicht' in read_join_page(gone).message
    assert await _participants() == []  # nothing half-done
    assert await choose(user, links.join_code, 'W 1.1', name='Anna Amsel', page=refused) is None


async def test_an_earlier_topic_can_be_required_to_change(user: User):
    rt = runtime()
    links = await _workshop()
    await join(user, links.join_code, 'W 1.1')
    await lead.open_round(rt.db, rt.bus, lead_secret=links.lead_secret, round_number=2)
    await lead.update_voting(rt.db, rt.bus, lead_secret=links.lead_secret, require_new_topic=True)
    page = await open_join_page(user, links.join_code, switch=True)
    assert 'W2.1' in page.disabled and 'Sie hatten dieses Thema bereits' in page.text()
    forced = await choose(user, links.join_code, 'W 2.1', page=page)  # the button is disabled; a forged post
    assert forced.status == 400 and 'bereits in einem früheren Durchlauf' in forced.message
    assert await choose(user, links.join_code, 'W 2.2', page=page) is None


async def test_the_language_switch_is_remembered(user: User):
    links = await _workshop()
    switched = await user.http_client.get(f'/j/{links.join_code}?lang=en')
    assert switched.status_code == 303 and switched.headers['location'] == f'/j/{links.join_code}'
    page = await open_join_page(user, links.join_code)
    assert '<html lang="en-GB">' in page.html and 'Choose your breakout room' in page.text()
    assert 'aria-pressed="true"' in re.search(r'<button [^>]*value="en"[^>]*>', page.html).group()
    await join(user, links.join_code, 'W 1.1')
    await user.should_see('Your idea', retries=20)  # the room page in English too
    await user.http_client.get(f'/j/{links.join_code}?lang=xx')  # an unknown language changes nothing
    assert 'Choose your breakout room' in (await open_join_page(user, links.join_code, switch=True)).text()


async def test_the_code_box_of_the_error_page(user: User):
    links = await _workshop()
    code = f' {links.join_code[:3].lower()}-{links.join_code[3:]}'
    typed = await user.http_client.get('/join', params={'code': code})
    assert typed.status_code == 303 and typed.headers['location'] == f'/j/{links.join_code}'
    short = await user.http_client.get('/join', params={'code': 'abc'})
    assert short.status_code == 400 and 'Ein Teilnahmecode hat 6 Zeichen' in read_join_page(short).message
    assert 'value="abc"' in short.text
    lower = await user.http_client.get(f'/j/{links.join_code.lower()}')
    assert lower.status_code == 307 and lower.headers['location'] == f'/j/{links.join_code}'
