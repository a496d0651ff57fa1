"""Web addresses in ideas become links on a phone and short text on the wall; everything else stays text."""

from __future__ import annotations

from .node import PAGES, run_in_node


def _parts(*cases: tuple[str, bool]) -> list[list[dict]]:
    import json
    return run_in_node('idea_links.mjs', str(PAGES / 'idea_board.js'), json.dumps(cases))


def test_addresses_become_links_and_the_rest_stays_text():
    phone, wall, plain, hostile = _parts(
        ('Siehe https://www.innovation.example.de/foerderung/programm-2026?x=1. Danke!', False),
        ('Siehe https://www.innovation.example.de/foerderung/programm-2026-sehr-langer-pfad (Stand heute)', True),
        ('Keine Adresse, nur <b>Text</b> und javascript:alert(1)', False),
        ('www.example.org und ftp://example.org', False))
    assert phone == [{'text': 'Siehe '},
                     {'text': 'https://www.innovation.example.de/foerderung/programm-2026?x=1',
                      'href': 'https://www.innovation.example.de/foerderung/programm-2026?x=1'},
                     {'text': '. Danke!'}]
    assert wall[1] == {'text': 'innovation.example.de/foerderun…',
                       'href': 'https://www.innovation.example.de/foerderung/programm-2026-sehr-langer-pfad'}
    assert wall[2] == {'text': ' (Stand heute)'}
    assert plain == [{'text': 'Keine Adresse, nur <b>Text</b> und javascript:alert(1)'}]  # shown as text, no link
    assert hostile == [{'text': 'www.example.org', 'href': 'https://www.example.org'},
                       {'text': ' und ftp://example.org'}]  # only http(s)
