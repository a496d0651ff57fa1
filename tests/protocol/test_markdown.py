import markdown2

from workshop.protocol.markdown import escape, render_markdown

from .conftest import SCRIPT_IDEA
from .helpers import archive_of, document_from_archive


def test_escape_keeps_text_as_text():
    nasty = '<img src=x onerror=alert(1)> *a* _b_ [link](http://x) # no heading | cell ` & `'
    html = markdown2.markdown(f'- {escape(nasty)}', extras=['tables'])
    assert '<img' not in html and '<a ' not in html and '<em>' not in html and '<code>' not in html
    assert '&lt;img src=x onerror=alert(1)&gt;' in html
    assert escape('1. not a list') == '1\\. not a list' and escape('- not a bullet') == '\\- not a bullet'


async def test_same_content_in_order_and_participant_text_escaped(db, ran):
    md = render_markdown(await document_from_archive(db, await archive_of(db, ran.links.workshop_id)))
    headings = [line for line in md.splitlines() if line.startswith('## ')]
    assert [h.replace('\u2002', ' ') for h in headings] == [
        '## 1 Ablauf', '## 2 Ausgangssituation', '## 3 Teilnahme', '## 4 Verlauf',
        '## 5 Kernergebnisse der einzelnen Workshops', '## 6 Schlussfolgerungen und Handlungsempfehlungen',
        '## Anlage: Beiträge zu den Leitfragen']
    assert md.startswith('*Protokoll*\n\n# Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft')
    assert '<script>' not in md and '&lt;script&gt;' in md
    html = markdown2.markdown(md, extras=['tables'])
    assert '<script>' not in html and '<strong>fett' not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; **fett**" in html.replace('&#39;', "'")
    for idea in ran.visible:
        if idea != SCRIPT_IDEA:
            assert md.count(f'- {escape(idea)}') == 1, idea
    for gone in ran.hidden + ran.merged:
        assert gone not in md
    assert '*(3 Punkte, 2× genannt)*' in md
    assert ('Am Workshop nahmen rund 7 Vertreterinnen und Vertreter aus Unternehmen, Hochschulen und '
            'Forschungseinrichtungen teil. Davon 4 aus Unternehmen, 1 aus Hochschulen und 1 aus '
            'Forschungseinrichtungen.') in md  # participation in prose (the option's default), no zero rows
