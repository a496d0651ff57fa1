"""Theme suggestions in Chromium: 60 raw ideas, the moderator asks for clusters, renames one suggestion and accepts
it (a column appears with its cards), rejects another; a screenshot of the suggestions beside the board."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..services.theme_data import load
from .conftest import Axe, LiveServer, LiveWorkshop
from .helpers import SOON, Browsers
from .test_cluster_board import LAPTOP_FHD, _add_ideas, _column, _heading, _no_serious_findings, _screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope='module')
def workshop(live_server: LiveServer) -> LiveWorkshop:
    return live_server.new('cluster-workshop')


@pytest.mark.timeout(300)
def test_the_moderator_accepts_and_rejects_suggested_clusters(chromium, workshop: LiveWorkshop, screenshots: Path,
                                                             axe: Axe) -> None:
    from playwright.sync_api import expect

    browsers = Browsers(chromium)
    try:
        page = browsers.page(LAPTOP_FHD)
        page.goto(workshop.moderators['W 1.1'])
        _add_ideas(page, [text for _id, text in load('themes_de').texts[:60]])  # the labelled set
        page.get_by_text('Cluster vorschlagen', exact=True).click()
        page.get_by_role('button', name='Cluster für diese Frage vorschlagen').click()
        status = page.get_by_role('status').filter(has_text='Vorschl')
        expect(status).to_contain_text('bleiben ohne Cluster', timeout=SOON)  # the method leaves unclear ones out
        suggestions = page.get_by_role('listitem').filter(has=page.get_by_label('Clustertitel'))
        assert suggestions.count() >= 2, status.inner_text()
        page.get_by_role('heading', name='Beiträge und Cluster').scroll_into_view_if_needed()
        _screenshot(page, screenshots, 'theme-suggestions-laptop.png')
        _no_serious_findings(axe, page, 'moderator: theme suggestions')

        shown = suggestions.count()
        first = suggestions.nth(0)
        proposed = first.get_by_label('Clustertitel').input_value()
        count = int(first.get_by_text(' Beiträge', exact=False).first.inner_text().split()[0])
        first.get_by_label('Clustertitel').fill(f'{proposed} (Vorschlag)')
        first.get_by_role('button', name='Übernehmen').click()
        expect(_heading(page, f'{proposed} (Vorschlag)')).to_be_visible(timeout=SOON)
        expect(_column(page, f'{proposed} (Vorschlag)').locator('[data-id]')).to_have_count(count)
        expect(page.get_by_role('status').filter(has_text='Rückgängig:')).to_contain_text(
            f'Themenvorschlag „{proposed} (Vorschlag)“ übernommen')
        expect(suggestions).to_have_count(shown - 1)  # accepted: off the list

        second = suggestions.nth(0)
        rejected = second.get_by_label('Clustertitel').input_value()
        second.get_by_role('button', name='Verwerfen').click()
        expect(suggestions).to_have_count(shown - 2)
        expect(_heading(page, rejected)).to_have_count(0)  # rejected: nothing changed on the board
    finally:
        browsers.close()
