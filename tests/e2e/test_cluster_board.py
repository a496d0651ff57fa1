"""The moderator's clustering board in Chromium: 60 raw ideas become 6 named clusters, by dragging with the mouse,
with the keyboard and by touch on a tablet; a card dropped onto another is merged once confirmed ("2×"); columns
move; everything can be undone; search and the compact list; axe on the page with the board; screenshots of a
laptop (1920×1080) and a tablet (1024×768).

Each test uses a room of its own (W 1.1, W 1.2, W 1.3 of one workshop).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .conftest import Axe, LiveServer, LiveWorkshop
from .helpers import SOON, UPDATE_DOCS, Browsers

pytestmark = pytest.mark.browser

LAPTOP_FHD = {'viewport': {'width': 1920, 'height': 1080}, 'locale': 'de-DE'}
TABLET = {'viewport': {'width': 1024, 'height': 768}, 'has_touch': True, 'locale': 'de-DE'}

# 60 contributions as people write them on cards, 10 for each of 6 themes
THEMES = {
    'Fachkräfte': [
        'Fachkräfte aus der Region halten statt abwandern lassen', 'Gemeinsame Ausbildungsmessen der Clusterfirmen',
        'Duale Studiengänge mit der Hochschule ausbauen', 'Azubi-Austausch zwischen den Mitgliedsunternehmen',
        'Weiterbildung für Beschäftigte über 50', 'Willkommensservice für internationale Fachkräfte',
        'Mehr Frauen in technische Berufe holen', 'Praktikumsbörse für Schülerinnen und Schüler',
        'Gemeinsames Employer Branding der Region', 'Wohnraum für Azubis bereitstellen',
    ],
    'Finanzierung': [
        'Anschubfinanzierung durch das Land für drei Jahre', 'Mitgliedsbeiträge nach Unternehmensgröße staffeln',
        'EU-Fördermittel gemeinsam beantragen', 'Sponsoring durch die regionale Sparkasse',
        'Eigenes Budget für Pilotprojekte', 'Förderlotsen, die bei Anträgen helfen',
        'Risikokapital für Ausgründungen vermitteln', 'Projektförderung statt Dauerfinanzierung?',
        'Transparenz, wofür die Beiträge verwendet werden', 'Stiftung als zweites Standbein',
    ],
    'Digitalisierung': [
        'Gemeinsame Datenplattform für alle Partner', 'Digitale Plattform für Kooperationsanfragen',
        'Schulungen zu KI für kleine Betriebe', 'Breitbandausbau in den Gewerbegebieten',
        'Gemeinsamer Cybersecurity-Check', 'Online-Marktplatz für freie Kapazitäten',
        'Open-Data-Strategie der Region', 'Digitale Zwillinge in der Produktion erproben',
        'IT-Fachleute teilen zwischen Firmen', 'Videokonferenzen statt langer Anfahrten',
    ],
    'Hochschulen und Forschung': [
        'Hochschulen als Initiatoren und Wissensquelle', 'Forschungseinrichtungen früh einbinden',
        'Gemeinsame Labore nutzen', 'Abschlussarbeiten mit Praxispartnern',
        'Transferstelle an der Hochschule stärken', 'Professorinnen im Beirat des Clusters',
        'Reallabore in der Innenstadt', 'Forschungsergebnisse verständlich aufbereiten',
        'Gastvorträge aus der Praxis an der Uni', 'Patente gemeinsam verwerten',
    ],
    'Politik und Verwaltung': [
        'Wirtschaftsförderung der Region als Motor', 'Kammern als neutrale Moderatoren',
        'Schnellere Genehmigungen für Clusterprojekte', 'Landrat als Schirmherr gewinnen',
        'Eine feste Ansprechperson in der Verwaltung', 'Clusterstrategie im Landesentwicklungsplan verankern',
        'Kommunen über Kreisgrenzen hinweg zusammenbringen', 'Politik regelmäßig über Ergebnisse informieren',
        'Bürokratie bei Förderanträgen abbauen', 'Regionale Innovationsstrategie mitgestalten',
    ],
    'Netzwerk und Austausch': [
        'Regelmäßiger Stammtisch der Geschäftsführer', 'Große Unternehmen als Ankerpartner',
        'Start-ups gezielt einladen', 'Jährliches Clusterfest mit Ausstellung',
        'Arbeitskreise zu konkreten Themen', 'Mentoring für Gründerinnen', 'Betriebsbesichtigungen reihum',
        'Newsletter mit Erfolgsgeschichten', 'Vertrauen aufbauen braucht Zeit', 'Kooperation mit Nachbarclustern',
    ],
}
THEME_OF = {text: theme for theme, texts in THEMES.items() for text in texts}
FEW_MINUTES = 180  # s: what "60 raw ideas into 6 named clusters in a few minutes" allows the browser here


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


# --- what a moderator sees and does ------------------------------------------------------------------------

def _board(page):  # a playwright Locator
    return page.get_by_role('list', name='Beiträge')


def _card(page, text: str):  # a playwright Locator
    """The card of an idea (it holds the text and the card's actions)."""
    return _board(page).locator('[data-id]').filter(has=page.get_by_text(text, exact=True))


def _column(page, title: str):  # a playwright Locator: a cluster's list of cards
    return page.get_by_role('list', name=title, exact=True)


def _heading(page, title: str):  # a playwright Locator
    return _board(page).get_by_role('heading', name=title, exact=True)


def _centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box, f'{locator} is not on the screen'
    return box['x'] + box['width'] / 2, box['y'] + box['height'] / 2


def _add_ideas(page, texts: list[str]) -> None:
    """Typed into "add on someone's behalf" one after the other, as from paper cards."""
    from playwright.sync_api import expect

    box = page.get_by_label('Beitrag', exact=True)
    for text in texts:
        box.fill(text)
        box.press('Enter')
        expect(box).to_have_value('', timeout=SOON)  # emptied once the server has stored it
    expect(_card(page, texts[-1])).to_be_visible(timeout=SOON)


def _create_clusters(page, titles: list[str]) -> None:
    from playwright.sync_api import expect

    box = page.get_by_label('Neuer Cluster', exact=True)
    for title in titles:
        box.fill(title)
        box.press('Enter')
        expect(_heading(page, title)).to_be_visible(timeout=SOON)


def _mouse_drag(page, source, to: tuple[float, float], *, hold: int = 0) -> None:
    """Press on ``source`` (its middle), move in steps, (wait ``hold`` ms,) let go at ``to``."""
    x, y = _centre(source)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 12, y + 8, steps=3)  # past SortableJS's threshold: the card is lifted
    page.mouse.move(*to, steps=10)
    if hold:
        page.wait_for_timeout(hold)
    page.mouse.up()


def _touch_drag(page, source, to: tuple[float, float], *, press: int = 400) -> None:
    """A finger on ``source``: a long press (``press`` ms) lifts the card, then it moves to ``to``."""
    cdp = page.context.new_cdp_session(page)
    x, y = _centre(source)
    cdp.send('Input.dispatchTouchEvent', {'type': 'touchStart', 'touchPoints': [{'x': x, 'y': y}]})
    page.wait_for_timeout(press)
    for n in range(1, 13):
        cdp.send('Input.dispatchTouchEvent', {'type': 'touchMove', 'touchPoints': [
            {'x': x + (to[0] - x) * n / 12, 'y': y + (to[1] - y) * n / 12}]})
        page.wait_for_timeout(20)
    cdp.send('Input.dispatchTouchEvent', {'type': 'touchEnd', 'touchPoints': []})
    cdp.detach()


def _first_unclustered(page) -> str:
    """The text of the topmost card without a cluster."""
    return _column(page, 'Ohne Cluster').locator('[data-id]').first.locator('.ws-card-text').inner_text()


def _show_board(page) -> None:
    """Scrolled to the board's section: its heading, the boxes to add an idea and a cluster, the undo bar."""
    page.get_by_role('heading', name='Beiträge und Cluster').evaluate('e => e.scrollIntoView()')


def _screenshot(page, screenshots: Path, name: str) -> None:
    """The screen as the moderator sees it with the board (not the whole page); docs/screenshots too on request."""
    import shutil

    from playwright.sync_api import expect

    from .helpers import DOCS_SCREENSHOTS

    expect(page.locator('.q-notification')).to_have_count(0, timeout=SOON)  # "Undone: …" has gone again
    page.evaluate('document.activeElement && document.activeElement.blur()')  # no focus ring in the picture
    page.wait_for_timeout(400)  # Quasar's transitions (menus, dialogs closing) are over
    path = screenshots / name
    page.screenshot(path=str(path))
    if UPDATE_DOCS:
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / name)


def _no_serious_findings(axe: Axe, page, name: str) -> None:
    found = [v for v in axe.check(page, name) if v['impact'] in ('serious', 'critical')]
    assert not found, f'serious or critical accessibility findings on {name}:\n{axe.details({name: found})}'


# --- the tests ---------------------------------------------------------------------------------------------

@pytest.mark.timeout(400)
def test_sixty_ideas_become_six_clusters_with_the_mouse(chromium, workshop: LiveWorkshop, screenshots: Path,
                                                        axe: Axe) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        page = browsers.page(LAPTOP_FHD)
        page.goto(workshop.moderators['W 1.1'])
        _add_ideas(page, [text for texts in THEMES.values() for text in texts])
        _create_clusters(page, list(THEMES))
        expect(_column(page, 'Ohne Cluster').locator('[data-id]')).to_have_count(60)
        _show_board(page)

        # every card from "Ohne Cluster" onto its theme's column (dropped on the column's title), one by one
        started = time.monotonic()
        for n in range(60):
            text = _first_unclustered(page)
            theme = THEME_OF[text]
            _mouse_drag(page, _card(page, text).locator('.ws-card-text'), _centre(_heading(page, theme)))
            expect(_column(page, theme).get_by_text(text, exact=True)).to_be_visible(timeout=SOON)
            if n == 40:
                _screenshot(page, screenshots, 'cluster-board-sorting-laptop.png')
        seconds = time.monotonic() - started
        assert seconds < FEW_MINUTES, f'60 cards took {seconds:.0f} s'
        expect(_column(page, 'Ohne Cluster').locator('[data-id]')).to_have_count(0)
        for theme in THEMES:
            expect(_column(page, theme).locator('[data-id]')).to_have_count(10)
        expect(_board(page).get_by_text(re.compile(r'^10 Beiträge'))).to_have_count(6)

        # a late paper card, dropped onto the middle of the card it repeats: merged once confirmed, "2×"
        duplicate = 'Eine Datenplattform für alle Partner im Cluster'
        keep = 'Gemeinsame Datenplattform für alle Partner'
        _add_ideas(page, [duplicate])
        _card(page, keep).scroll_into_view_if_needed()
        _mouse_drag(page, _card(page, duplicate).locator('.ws-card-text'), _centre(_card(page, keep)), hold=150)
        dialog = page.get_by_role('dialog')
        expect(dialog).to_contain_text(f'„{duplicate}“ mit „{keep}“ zusammenführen?')
        dialog.get_by_role('button', name='Zusammenführen').click()
        expect(_card(page, duplicate)).to_have_count(0, timeout=SOON)
        expect(_card(page, keep).get_by_text('2×', exact=True)).to_be_visible()
        expect(page.get_by_role('status').filter(has_text='Rückgängig:')).to_have_text(
            f'Rückgängig: „{duplicate}“ zusammengeführt')
        _show_board(page)
        _screenshot(page, screenshots, 'cluster-board-laptop.png')

        # a column dragged by its handle to the front; undone with the undo bar
        _mouse_drag(page, _board(page).get_by_role('button', name='Cluster „Netzwerk und Austausch“ verschieben',
                                                   exact=False),
                    _centre(_heading(page, 'Fachkräfte')), hold=200)  # SortableJS swaps on its animation frame
        expect(_board(page).get_by_role('heading', level=3).nth(1)).to_have_text('Netzwerk und Austausch',
                                                                                 timeout=SOON)
        page.get_by_role('button', name='Rückgängig', exact=True).click()
        expect(_board(page).get_by_role('heading', level=3)).to_have_text(['Ohne Cluster', *THEMES], timeout=SOON)
        axe_with_board = axe.check(page, 'moderator: cluster board')

        # search: only matching cards stay
        page.get_by_label('Beiträge suchen').fill('hochschule')
        expect(page.get_by_text('3 Beiträge gefunden')).to_be_visible()
        expect(_board(page).locator('[data-id]')).to_have_count(3)
        page.get_by_label('Beiträge suchen').fill('')

        # the compact list: the clusters one under the other, a line per idea
        page.get_by_role('switch', name='Kompakte Liste').click()
        expect(page.locator('.ws-compact')).to_be_visible()
        expect(_column(page, 'Fachkräfte').locator('[data-id]')).to_have_count(10)
        _no_serious_findings(axe, page, 'moderator: compact list')
        _screenshot(page, screenshots, 'cluster-board-compact-laptop.png')
        found = [v for v in axe_with_board if v['impact'] in ('serious', 'critical')]
        assert not found, axe.details({'board': found})
    finally:
        browsers.close()


def test_the_board_by_keyboard_only(chromium, workshop: LiveWorkshop) -> None:
    """Every drag has a keyboard way: Alt+arrows and "Move to cluster" on a card, arrows on a column's handle,
    "Merge with …" with a searchable list, undo."""
    from playwright.sync_api import expect

    from .test_accessibility import _assert_focus_visible, _tab_to

    browsers = Browsers(chromium)
    try:
        page = browsers.page(LAPTOP_FHD)
        page.goto(workshop.moderators['W 1.2'])
        texts = THEMES['Finanzierung'][:4]
        _add_ideas(page, texts)
        _create_clusters(page, ['Förderung', 'Beiträge der Mitglieder'])
        first = texts[-1]  # the newest is the first card

        _tab_to(page, _card(page, first), limit=80)
        assert page.evaluate('document.activeElement.dataset.id') is not None  # the card itself
        _assert_focus_visible(page)
        page.keyboard.press('Alt+ArrowRight')
        expect(_column(page, 'Förderung').get_by_text(first, exact=True)).to_be_visible(timeout=SOON)
        page.keyboard.press('Alt+ArrowRight')  # the focus stayed on the card: on to the next cluster
        expect(_column(page, 'Beiträge der Mitglieder').get_by_text(first, exact=True)).to_be_visible(timeout=SOON)
        page.keyboard.press('Alt+ArrowLeft')
        expect(_column(page, 'Förderung').get_by_text(first, exact=True)).to_be_visible(timeout=SOON)

        # "Move to cluster": arrow keys step through the clusters, the card moves when the choice is made
        second = texts[-2]
        select = _card(page, second).get_by_label('In Cluster verschieben')
        _card(page, second).focus()
        _tab_to(page, select, limit=3)
        page.keyboard.press('ArrowDown')
        page.keyboard.press('ArrowDown')  # past "Förderung" to "Beiträge der Mitglieder": no move on the way
        page.keyboard.press('Enter')
        expect(_column(page, 'Beiträge der Mitglieder').get_by_text(second, exact=True)).to_be_visible(timeout=SOON)
        expect(_column(page, 'Förderung').get_by_text(second, exact=True)).to_have_count(0)

        # a column's handle: arrow keys move the cluster
        handle = _board(page).get_by_role('button', name='Cluster „Beiträge der Mitglieder“ verschieben', exact=False)
        page.get_by_label('Beiträge suchen').focus()
        _tab_to(page, handle, limit=40)
        _assert_focus_visible(page)
        page.keyboard.press('ArrowLeft')
        expect(_board(page).get_by_role('heading', level=3).nth(1)).to_have_text('Beiträge der Mitglieder',
                                                                                 timeout=SOON)

        # merging without dragging: "Merge with …", the other idea chosen by typing, confirmed
        third = texts[-3]
        merge = _card(page, third).get_by_role('button', name='Zusammenführen mit …')
        page.get_by_label('Beiträge suchen').focus()  # from the board's search on, whatever stands above it
        _tab_to(page, merge, limit=60)
        page.keyboard.press('Enter')
        dialog = page.get_by_role('dialog')
        expect(dialog).to_be_visible()
        page.wait_for_function('document.activeElement.closest(".q-dialog")')  # the dialog has taken the focus
        _tab_to(page, dialog.get_by_role('combobox'), limit=5)  # the list of the other ideas, searchable
        page.keyboard.type(texts[0][:12])
        expect(page.get_by_role('option', name=texts[0])).to_be_visible()  # the only one left
        page.keyboard.press('ArrowDown')
        page.keyboard.press('Enter')
        dialog.get_by_role('button', name='Zusammenführen').focus()
        page.keyboard.press('Enter')
        expect(_card(page, third)).to_have_count(0, timeout=SOON)
        expect(_card(page, texts[0]).get_by_text('2×', exact=True)).to_be_visible()

        # undo, by keyboard too
        undo = page.get_by_role('button', name='Rückgängig', exact=True)
        page.get_by_label('Neuer Cluster', exact=True).focus()
        _tab_to(page, undo, limit=5)
        page.keyboard.press('Enter')
        expect(_card(page, third)).to_be_visible(timeout=SOON)
    finally:
        browsers.close()


@pytest.mark.timeout(300)
def test_a_tablet_sorts_by_touch(chromium, workshop: LiveWorkshop, screenshots: Path, axe: Axe) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        page = browsers.page(TABLET)
        page.goto(workshop.moderators['W 1.3'])
        texts = [*THEMES['Finanzierung'][:2], *THEMES['Digitalisierung'], *THEMES['Fachkräfte'],
                 *THEMES['Netzwerk und Austausch']]
        _add_ideas(page, texts)  # 32 ideas
        # the first two columns fit beside "Ohne Cluster" on a tablet; the newest cards are about networks
        _create_clusters(page, ['Netzwerk und Austausch', 'Fachkräfte', 'Digitalisierung'])
        _show_board(page)

        # a quick swipe over the cards lifts none (it is for scrolling)
        swiped = _first_unclustered(page)
        _touch_drag(page, _card(page, swiped).locator('.ws-card-text'), _centre(_heading(page, THEME_OF[swiped])),
                    press=0)
        page.wait_for_timeout(500)  # on purpose: time in which nothing may be filed
        expect(_column(page, 'Ohne Cluster').get_by_text(swiped, exact=True)).to_be_visible()
        _show_board(page)

        for _ in range(4):  # a long press lifts a card, the finger carries it onto its cluster
            text = _first_unclustered(page)
            _touch_drag(page, _card(page, text).locator('.ws-card-text'), _centre(_heading(page, THEME_OF[text])))
            expect(_column(page, THEME_OF[text]).get_by_text(text, exact=True)).to_be_visible(timeout=SOON)

        # onto another card: merged after the moderator taps "Zusammenführen"
        duplicate, keep = _first_unclustered(page), 'Kooperation mit Nachbarclustern'
        _touch_drag(page, _card(page, duplicate).locator('.ws-card-text'), _centre(_card(page, keep)))
        page.get_by_role('dialog').get_by_role('button', name='Zusammenführen').tap()
        expect(_card(page, duplicate)).to_have_count(0, timeout=SOON)
        expect(_card(page, keep).get_by_text('2×', exact=True)).to_be_visible()

        _no_serious_findings(axe, page, 'moderator: cluster board on a tablet')
        _show_board(page)
        _screenshot(page, screenshots, 'cluster-board-tablet.png')
    finally:
        browsers.close()
