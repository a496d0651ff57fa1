"""A whole workshop in real browsers, as it runs on the day.

The lead moderator creates it from a template on the admin page; two breakout moderators on laptops, six
phones (390×844, touch) split across two rooms, a breakout wall and the plenary wall on projectors. Round 1
goes through its phases (collect → vote → discuss → closed) with posting and dot voting by tapping, round 2
follows, then the plenary summary, and at the end the protocol's PDF is downloaded and its text checked.

On the way, axe-core checks every kind of page (no serious or critical WCAG 2.1 AA violations; all findings
in artifacts/axe.json) and a screenshot of every kind of page lands in artifacts/screenshots/.

Run: .venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, Axe, LiveServer
from .helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    SOON,
    Browsers,
    end_timer_soon,
    give_dot,
    idea as idea_in,
    join,
    pdf_text,
    post,
    set_phase,
    shoot,
    squash,
    wait_for_room,
)

pytestmark = pytest.mark.browser

TEMPLATE = 'cluster-workshop'
TITLE = 'Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft'

# round 1: three phones in W 1.1, three in W 1.2
IDEAS_W11 = ['Gemeinsame Plattform für Kooperationen',
             'Regelmäßige Matchmaking-Formate zwischen Hochschulen, Forschungseinrichtungen und KMU – mit einer '
             'Ansprechperson pro Cluster, die Förderaufrufe übersetzt und Partner zusammenbringt.',
             'Größere Sichtbarkeit der Netzwerke über Ländergrenzen hinweg']
IDEAS_W12 = ['Strategieprozess mit externer Begleitung', 'Kennzahlen für die Leistungsfähigkeit prüfen']
IDEA_W21 = 'Frühe Einbindung der Gründerszene'
DRAFT = 'Noch nicht gesendet: Transferstellen'
EDITED_QUESTION = 'Wer hat Ihr Netzwerk gegründet, und wer trägt es heute?'
GALLERY_COMMENT = 'Wer betreibt die Plattform nach der Förderung?'
IDEA_OFFLINE = 'Im Funkloch geschrieben: Austausch mit den Kammern'
KEY_RESULT_W12 = 'Strategien regelmäßig überprüfen (Übersicht für alle Akteure)'


def _room_link(lead, room: str, link: str) -> str:
    """The href of a link ("Moderationsansicht", "Wand") on the lead page's card of one breakout."""
    card = lead.get_by_role('group', name=re.compile('^' + re.escape(room) + ' ·'))
    return card.get_by_role('link', name=link).get_attribute('href')


@pytest.mark.timeout(400)  # a whole workshop with eleven browsers; about a minute on an idle machine
def test_a_whole_workshop(chromium, live_server: LiveServer, screenshots: Path, axe: Axe) -> None:
    from playwright.sync_api import expect

    base = live_server.base_url
    browsers = Browsers(chromium)
    started = time.monotonic()

    def step(name: str) -> None:  # printed on failure: how far it got, and how long each part took
        print(f'{time.monotonic() - started:6.1f} s  {name}')
    try:
        # --- the lead moderator creates the workshop from a template --------------------------------------------
        step('admin')
        lead = browsers.page(LAPTOP)
        lead.goto(live_server.admin)
        expect(lead.get_by_role('heading', level=1)).to_have_text('Workshops auf diesem Server')
        lead.get_by_role('combobox', name='Vorlage').click()
        lead.get_by_role('option', name=re.compile('^' + re.escape(TEMPLATE) + ' –')).click()
        lead.get_by_role('button', name='Workshop anlegen').click()
        created = lead.get_by_role('status').filter(has_text='Workshop angelegt')
        expect(created).to_contain_text(TITLE)
        axe.check(lead, 'admin')
        shoot(lead, screenshots / 'admin-desktop.png')
        created.get_by_role('link', name='Gesamtmoderation').click()

        expect(lead.get_by_role('heading', level=1)).to_have_text(TITLE)
        lead_link = lead.url
        join_link = lead.get_by_role('link', name=re.compile(r'\/j\/[A-Z0-9]{6}$')).get_attribute('href')
        moderator_links = {room: base + _room_link(lead, room, 'Moderationsansicht')
                           for room in ('W 1.1', 'W 1.2', 'W 2.1')}
        wall_link = base + _room_link(lead, 'W 1.1', 'Wand')
        plenary_link = base + lead.get_by_role('link', name='Plenumswand').get_attribute('href')
        edit_link = base + lead.get_by_role('link', name='Workshop bearbeiten').get_attribute('href')
        axe.check(lead, 'lead')

        lead.get_by_role('link', name='Workshop bearbeiten').click()
        expect(lead.get_by_role('heading', level=1)).to_have_text(TITLE)
        expect(lead.get_by_text('Workshop bearbeiten', exact=True)).to_be_visible()
        axe.check(lead, 'edit')
        shoot(lead, screenshots / 'edit-desktop.png')
        lead.goto(lead_link)
        expect(lead.get_by_role('heading', name='Steuerung des Workshops')).to_be_visible()

        # --- moderators, walls, phones -------------------------------------------------------------------------
        step('moderators, walls, phones')
        mod11, mod12 = browsers.page(LAPTOP), browsers.page(LAPTOP)
        for moderator, room in ((mod11, 'W 1.1'), (mod12, 'W 1.2')):
            moderator.goto(moderator_links[room])
            expect(moderator.get_by_role('heading', level=1, name=re.compile('^' + re.escape(room)))).to_be_visible()
        wall, plenary = browsers.page(PROJECTOR), browsers.page(PROJECTOR)
        wall.goto(wall_link)
        expect(wall.get_by_role('heading', level=1, name=re.compile('^W 1.1 ·'))).to_be_visible()
        plenary.goto(plenary_link)
        expect(plenary.get_by_role('heading', level=1)).to_have_text(TITLE)
        shoot(plenary, screenshots / 'plenary-wall-desktop.png')

        step('phones')
        phones = [browsers.page(PHONE) for _ in range(6)]
        phones[0].goto(join_link)
        expect(phones[0].get_by_role('heading', level=1)).to_have_text(TITLE)
        axe.check(phones[0], 'join')
        shoot(phones[0], screenshots / 'join-phone.png')
        step('joining')
        join(phones[0], join_link, 'W 1.1', name='Jörg Müller', organisation='Universität Süd')
        for phone in phones[1:3]:
            join(phone, join_link, 'W 1.1')
        for phone in phones[3:]:
            join(phone, join_link, 'W 1.2')
        in_w11, in_w12 = phones[:3], phones[3:]
        step('joined')
        expect(lead.get_by_role('group', name=re.compile('^W 1.1 ·')).get_by_text('3 beigetreten')) \
            .to_be_visible(timeout=SOON)

        # --- round 1: collect ----------------------------------------------------------------------------------
        step('round 1: collect')
        expect(in_w12[0].get_by_text('Noch keine Beiträge', exact=False)).to_be_visible()
        axe.check(in_w12[0], 'room: empty')
        for phone, idea in zip(in_w11, IDEAS_W11, strict=True):
            post(phone, idea)
        for phone, idea in zip(in_w12, IDEAS_W12, strict=False):
            post(phone, idea)
        for screen in (*in_w11, wall, mod11):
            for text in IDEAS_W11:
                expect(idea_in(screen, text)).to_be_visible(timeout=SOON)
        for screen in (*in_w12, mod12):
            for text in IDEAS_W12:
                expect(idea_in(screen, text)).to_be_visible(timeout=SOON)
        for text in IDEAS_W11:  # nothing of W 1.1 in W 1.2 (the events had ample time to arrive by now)
            expect(in_w12[0].get_by_text(text, exact=True)).to_have_count(0)

        # --- an edit during collection: the question's new wording reaches the room, nobody reloads -----------------
        step('an edit during collection')
        typing = in_w11[1].get_by_label('Ihre Idee')
        typing.fill(DRAFT)  # typed, not sent: it stays through the edit
        editor = lead.context.new_page()  # the lead moderator's second tab (the secret link's cookie)
        editor.goto(edit_link)
        editor.get_by_role('button', name=re.compile(r'1\. Entstehung von Netzwerken')).click()  # the topic opens
        question = editor.get_by_label('Leitfrage', exact=True).first
        question.fill(EDITED_QUESTION)
        row = question.locator('xpath=ancestor::div[contains(@class, "nicegui-row")][1]')
        row.get_by_role('button', name='Speichern').click()
        expect(editor.get_by_text('Gespeichert', exact=True)).to_be_visible(timeout=SOON)
        for screen in (*in_w11, mod11, wall):
            expect(screen.get_by_text(EDITED_QUESTION, exact=False).first).to_be_visible(timeout=SOON)
            expect(screen.get_by_role('button', name='Neu laden')).to_have_count(0)
        expect(typing).to_have_value(DRAFT)
        typing.fill('')
        editor.close()

        # --- a phone offline and back: its idea waits visibly, leaves the box, and arrives once -------------------
        step('a phone offline and back')
        offline = in_w11[2]
        offline.evaluate('window.socket.disconnect()')  # as a dropped mobile connection does
        box = offline.get_by_label('Ihre Idee')
        box.fill(IDEA_OFFLINE)
        offline.get_by_role('button', name='Senden').tap()
        expect(box).to_have_value('')
        expect(offline.get_by_text('Wartet auf die Verbindung – wird automatisch gesendet')).to_be_visible()
        expect(idea_in(mod11, IDEA_OFFLINE)).to_have_count(0)
        offline.evaluate('window.socket.connect()')
        for screen in (offline, mod11, wall):
            expect(idea_in(screen, IDEA_OFFLINE)).to_be_visible(timeout=SOON)
        expect(offline.get_by_text('Wartet auf die Verbindung – wird automatisch gesendet')).to_have_count(0)
        expect(idea_in(mod11, IDEA_OFFLINE)).to_have_count(1)
        axe.check(in_w11[0], 'room: collect')
        axe.check(mod11, 'moderator')
        axe.check(wall, 'wall')
        shoot(in_w11[0], screenshots / 'room-phone.png')
        shoot(mod11, screenshots / 'moderator-desktop.png')
        shoot(wall, screenshots / 'wall-desktop.png')

        # --- round 1: dot voting by tapping --------------------------------------------------------------------
        step('round 1: vote')
        set_phase(mod11, 'Punktabfrage')
        set_phase(mod12, 'Punktabfrage')
        for phone in in_w11:
            expect(phone.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)
            expect(phone.get_by_label('Ihre Idee')).to_be_hidden()
        for phone in in_w11:  # one dot per idea and person: the long idea gets three, the first one
            give_dot(phone, IDEAS_W11[1], left=2)
        give_dot(in_w11[0], IDEAS_W11[0], left=1)
        for phone in in_w12:
            expect(phone.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)
            give_dot(phone, IDEAS_W12[0], left=2)
        expect(mod11.get_by_text('4 Punkte vergeben')).to_be_visible(timeout=SOON)
        axe.check(in_w11[0], 'room: vote')
        shoot(in_w11[0], screenshots / 'room-vote-phone.png')

        # --- round 1: discussion (ranking, the wall's chart), closed, key results -------------------------------
        step('round 1: discuss')
        set_phase(mod11, 'Diskussion')
        set_phase(mod12, 'Diskussion')
        for phone in (*in_w11, *in_w12):
            expect(phone.get_by_role('heading', name='Ergebnis: Beiträge nach Punkten')).to_be_visible(timeout=SOON)
        expect(wall.get_by_text('Diskussion', exact=True)).to_be_visible(timeout=SOON)
        axe.check(in_w11[0], 'room: discuss')
        axe.check(wall, 'wall: results')
        shoot(in_w11[0], screenshots / 'room-discuss-phone.png')
        shoot(wall, screenshots / 'wall-results-desktop.png')

        step('key results')
        mod11.get_by_role('button', name='Entwurf aus Clustern, markierten und meistbepunkteten Beiträgen').click()
        results = mod11.get_by_label('Ein Kernergebnis pro Zeile').first
        expect(results).to_have_value(re.compile(re.escape(IDEAS_W11[1][:30])), timeout=SOON)
        mod11.get_by_role('button', name='Kernergebnisse speichern').click()
        expect(mod11.get_by_text('Kernergebnisse gespeichert')).to_be_visible(timeout=SOON)
        # the breakout's own key results (below its questions) go to the plenary summary and the protocol
        mod12.get_by_label('Ein Kernergebnis pro Zeile').last.fill(KEY_RESULT_W12)
        mod12.get_by_role('button', name='Speichern', exact=True).click()
        expect(mod12.get_by_text('Kernergebnisse gespeichert')).to_be_visible(timeout=SOON)

        step('closed')
        set_phase(mod11, 'Abgeschlossen')
        for phone in in_w11:
            expect(phone.get_by_text('Abgeschlossen', exact=True)).to_be_visible(timeout=SOON)
        axe.check(in_w11[0], 'room: closed')
        shoot(in_w11[0], screenshots / 'room-closed-phone.png')

        # --- round 2 ---------------------------------------------------------------------------------------------
        step('round 2')
        lead.get_by_role('button', name='Durchlauf 2', exact=True).click()
        dialog = lead.get_by_role('dialog')  # what is still going on in round 1, before every phone moves
        expect(dialog).to_contain_text('Durchlauf 2 öffnen?')
        expect(dialog).to_contain_text('Handys sind gerade in den Räumen.')
        shoot(lead, screenshots / 'lead-open-round-desktop.png')
        dialog.get_by_role('button', name='Durchlauf 2 öffnen').click()
        for phone in phones:
            expect(phone.get_by_text('Durchlauf 2 hat begonnen', exact=False)).to_be_visible(timeout=SOON)
        expect(plenary.get_by_text(re.compile('^W 2.1 ·'))).to_be_visible(timeout=SOON)
        mod21 = mod11
        mod21.goto(moderator_links['W 2.1'])
        expect(mod21.get_by_role('heading', level=1, name=re.compile('^W 2.1 ·'))).to_be_visible()
        for phone, room in ((in_w12[0], 'W 2.1'), (in_w12[1], 'W 2.1'), (in_w11[0], 'W 2.2')):
            phone.get_by_role('link', name='Raum wählen').tap()
            phone.get_by_role('button', name=re.compile('^' + re.escape(room) + ' ·')).tap()
            wait_for_room(phone, room)
        post(in_w12[0], IDEA_W21)
        expect(idea_in(in_w12[1], IDEA_W21)).to_be_visible(timeout=SOON)
        expect(idea_in(mod21, IDEA_W21)).to_be_visible(timeout=SOON)
        # the timer runs out and closes collection by itself: the phones go on to the dot voting
        step('round 2: a timer that closes collection')
        mod21.get_by_role('checkbox', name='Sammeln bei Zeitende beenden').click()
        mod21.get_by_role('button', name='2 Min.', exact=True).click()
        expect(in_w12[1].get_by_role('timer')).to_have_text(re.compile(r'^[12]:\d\d$'), timeout=SOON)
        end_timer_soon(live_server, 'W 2.1', 1)  # as if the two minutes had passed
        for phone in in_w12[:2]:
            expect(phone.get_by_label('Ihre Idee')).to_be_hidden(timeout=25000)
            expect(phone.get_by_text('Sie haben noch 3 von 3 Punkten.')).to_be_visible(timeout=SOON)
        give_dot(in_w12[1], IDEA_W21, left=2)

        # the gallery walk: round 2 gives dots to and comments on round 1's results of the topic
        step('round 2: gallery walk')
        mod21.get_by_role('switch', name=re.compile('^Galerie-Rundgang')).click()
        walker = in_w12[1]
        earlier = walker.locator('.ws-earlier')
        shown = earlier.get_by_text(IDEAS_W11[0], exact=True)
        expect(shown).to_be_visible(timeout=SOON)
        card = shown.locator('xpath=ancestor::*[.//button[contains(normalize-space(), "Kommentieren")]][1]')
        card.get_by_role('button', name='Punkt', exact=True).tap()
        expect(walker.get_by_text('Galerie-Rundgang: Sie haben noch 2 von 3 Punkten für diese Ergebnisse.')) \
            .to_be_visible(timeout=SOON)
        card.get_by_role('button', name='Kommentieren').tap()
        walker.get_by_label('Ihr Kommentar').fill(GALLERY_COMMENT)
        walker.get_by_role('dialog').get_by_role('button', name='Senden').tap()
        expect(walker.get_by_text('Kommentar gespeichert ✓')).to_be_visible(timeout=SOON)
        expect(mod21.locator('.ws-earlier').get_by_text(GALLERY_COMMENT)).to_be_visible(timeout=SOON)
        axe.check(walker, 'room: gallery walk')
        shoot(walker, screenshots / 'room-gallery-phone.png')
        set_phase(mod21, 'Diskussion')
        expect(in_w12[1].get_by_role('heading', name='Ergebnis: Beiträge nach Punkten')).to_be_visible(timeout=SOON)

        # --- the plenary summary ---------------------------------------------------------------------------------
        step('plenary summary')
        lead.get_by_role('button', name='Nächstes Thema').click()
        expect(plenary.get_by_role('heading', level=1)).to_have_text('1. Entstehung von Netzwerken und Clustern',
                                                                     timeout=SOON)
        expect(plenary.get_by_text(IDEAS_W11[1][:40], exact=False).first).to_be_visible(timeout=SOON)
        expect(in_w12[1].get_by_text('Plenum: Bitte folgen Sie dem Hauptbildschirm.')).to_be_visible(timeout=SOON)
        lead.get_by_role('button', name='Nächstes Thema').click()
        expect(plenary.get_by_role('heading', level=1)).to_have_text('2. Clusterstrategien und Strategieentwicklung',
                                                                     timeout=SOON)
        expect(plenary.get_by_text(KEY_RESULT_W12, exact=False)).to_be_visible(timeout=SOON)
        axe.check(plenary, 'plenary wall: summary')
        shoot(plenary, screenshots / 'plenary-summary-desktop.png')
        shoot(lead, screenshots / 'lead-desktop.png')

        # --- the protocol: page, PDF download, its text ---------------------------------------------------------
        step('protocol')
        lead.get_by_role('link', name='Protokoll').click()
        expect(lead.get_by_role('heading', level=1, name='Protokoll')).to_be_visible()
        axe.check(lead, 'protocol')
        shoot(lead, screenshots / 'protocol-desktop.png')
        with lead.expect_download() as download:
            lead.get_by_role('link', name='PDF').click()
        pdf = download.value
        assert pdf.suggested_filename.endswith('.pdf')
        text = pdf_text(Path(pdf.path()).read_bytes())
        _check_protocol(text)
    finally:
        axe.save(ARTIFACTS / 'axe.json')
        browsers.close()

    blocking = axe.blocking()
    assert not blocking, f'serious or critical accessibility violations:\n{axe.report()}\n{axe.details(blocking)}'


def _check_protocol(text: str) -> None:
    flat = squash(text)
    assert squash(TITLE) in flat
    for idea in (*IDEAS_W11, *IDEAS_W12, IDEA_W21, IDEA_OFFLINE):  # every idea, umlauts and all
        assert squash(idea) in flat, f'idea missing from the PDF: {idea}'
    assert KEY_RESULT_W12 in flat
    assert squash(GALLERY_COMMENT) in flat and 'Galerie-Rundgang (Durchlauf 2)' in flat  # marked as such
    assert 'Entstehung von Netzwerken und Clustern' in flat
    assert '1 Ablauf' in flat and 'Kernergebnisse der einzelnen Workshops' in flat  # the workshop's language
    # the dots: the idea with three dots carries its tally
    assert re.search(r'Matchmaking-Formate.{0,400}?\b3\b', flat) or re.search(r'\b3\b.{0,40}Regelmäßige', flat), \
        'no tally of 3 dots near the most-voted idea'
