"""The lead moderator's protocol page with NiceGUI's simulated user, and its download routes."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import ideas, participants
from workshop.services.workshops import create_from_template
from workshop.templates import load_template


async def _workshop():
    return await create_from_template(runtime().db, template=load_template('cluster-workshop'))


def _preview(user: User) -> str:
    return next(iter(user.find(marker='preview').elements)).content


async def _preview_shows(user: User, text: str, *, seconds: float = 6) -> str:
    """The preview's Markdown once it contains ``text`` (it reloads after saves and, gathered, live)."""
    for _ in range(int(seconds * 10)):
        if text in _preview(user):
            break
        await asyncio.sleep(0.1)
    return _preview(user)


async def test_write_the_protocol_and_see_the_preview(user: User):
    links = await _workshop()
    await user.open(f'/lead/{links.lead_secret}/protocol')
    for text in ('Protokoll', 'Ausgangssituation', 'Schlussfolgerungen und Handlungsempfehlungen', 'Teilnahme',
                 'Vorschau', 'Herunterladen', 'Noch keine Endfassung.'):
        await user.should_see(text)
    assert 'Kernergebnisse der einzelnen Workshops' in _preview(user)

    user.find(marker='context').clear().type('Warum wir uns trafen: <b>fett</b> & *kursiv*')
    user.find(marker='save-context').click()
    escaped = 'Warum wir uns trafen: &lt;b&gt;fett&lt;/b&gt; &amp; \\*kursiv\\*'  # participant text stays text
    assert escaped in await _preview_shows(user, 'Warum wir uns trafen')
    await user.should_see('Gespeichert ✓')

    user.find(marker='new-conclusion').type('Netzwerke gezielt anstoßen')
    user.find(marker='add-conclusion').click()
    await user.should_see(marker='conclusion-title-1', retries=30)
    assert '**1\\. Netzwerke gezielt anstoßen**' in await _preview_shows(user, 'Netzwerke gezielt')

    # a topic's key results: what the Resümee and the protocol say for it
    user.find(marker='topic-results-1').type('Kernergebnis zu Workshop 1')
    user.find(kind=ui.button, content='Kernergebnisse zu Workshop 1 speichern').click()
    assert '- Kernergebnis zu Workshop 1' in await _preview_shows(user, 'Kernergebnis zu Workshop 1')


async def test_preview_follows_the_live_workshop(user: User):
    links = await _workshop()
    await user.open(f'/lead/{links.lead_secret}/protocol')
    rt = runtime()
    _p, token = await participants.join(rt.db, code=links.join_code)
    await participants.choose_breakout(rt.db, rt.bus, token=token, workshop_id=links.workshop_id,
                                       breakout_id=links.breakouts[0].breakout_id)
    await ideas.post_idea(rt.db, rt.bus, token=token, breakout_id=links.breakouts[0].breakout_id,
                          text='Neue Idee während des Workshops', client_id='live-1')
    # the preview gathers changes and reloads every two seconds
    assert '- Neue Idee während des Workshops' in await _preview_shows(user, 'Neue Idee', seconds=8)


async def test_downloads_and_final_versions(user: User):
    import httpx
    from nicegui import core
    links = await _workshop()
    client = user.http_client
    await user.open(f'/lead/{links.lead_secret}/protocol')  # the secret link leaves its cookie in this browser
    base = f'/lead/~/{links.join_code}/protocol'  # the page's downloads carry no secret
    assert next(iter(user.find(marker='download-pdf').elements)).props['href'] == f'{base}/download/pdf'
    for fmt, media in (('pdf', 'application/pdf'), ('docx', 'application/vnd.openxmlformats'),
                       ('md', 'text/markdown'), ('csv', 'text/csv'), ('json', 'application/json'),
                       ('pptx', 'application/vnd.openxmlformats-officedocument.presentationml')):
        response = await client.get(f'{base}/download/{fmt}')
        assert response.status_code == 200 and response.headers['content-type'].startswith(media), fmt
        assert response.headers['content-disposition'].startswith("attachment; filename*=UTF-8''")
        assert response.headers['cache-control'] == 'no-store'
    assert (await client.get(f'{base}/download/pdf')).content.startswith(b'%PDF')
    assert (await client.get(f'{base}/download/exe')).status_code == 404
    # the old address with the secret still works: exchanged for the cookie on the way
    old = await client.get(f'/lead/{links.lead_secret}/protocol/download/md', follow_redirects=True)
    assert old.status_code == 200 and old.url.path == f'{base}/download/md'
    assert (await client.get('/lead/not-the-secret/protocol/download/pdf')).status_code == 404
    # another browser, without the cookie, gets nothing
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url='http://test') as stranger:
        assert (await stranger.get(f'{base}/download/pdf')).status_code == 404

    await user.open(f'/lead/{links.lead_secret}/protocol')
    user.find(marker='mark-final').click()
    await user.should_see(marker='confirm-final', retries=50)
    # the dialog lists what the final version would still leave open: topics without key results, empty questions
    await user.should_see(marker='final-findings')
    await user.should_see('hat keine Kernergebnisse.')
    await user.should_see('Leitfragen haben keine Beiträge')
    user.find(marker='confirm-final').click()
    await user.should_see('Endfassung 1 gespeichert', retries=100)
    await user.should_see('Fassung 1', retries=30)
    # the final version is now the download, the draft comes second and says what changed since
    final_pdf = next(iter(user.find(marker='download-final-pdf').elements))
    assert final_pdf.props['href'] == f'{base}/versions/1/pdf' and 'unelevated' in final_pdf.props
    assert 'flat' in next(iter(user.find(marker='download-pdf').elements)).props
    await user.should_not_see(marker='download-final-pptx')  # the slides are not frozen
    response = await client.get(f'{base}/versions/1/pdf')
    assert response.status_code == 200 and response.content.startswith(b'%PDF')
    assert '-v1.pdf' in response.headers['content-disposition']
    assert (await client.get(f'{base}/versions/2/pdf')).status_code == 404
    assert (await client.get(f'{base}/versions/1/pptx')).status_code == 404  # the slides are made afresh only
    old = await client.get(f'/lead/{links.lead_secret}/protocol/versions/1/pdf', follow_redirects=True)
    assert old.status_code == 200 and old.url.path == f'{base}/versions/1/pdf'
    assert (await client.get('/lead/wrong/protocol/versions/1/pdf')).status_code == 404


async def test_unknown_secret_shows_an_error(user: User):
    await user.open('/lead/not-a-secret/protocol')
    await user.should_see('nicht (mehr) gültig')
