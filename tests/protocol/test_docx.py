"""The Word document, checked by its heading structure and list paragraphs."""

import io
import zipfile

from docx import Document

from workshop.protocol.docx import render_docx

from .helpers import archive_of, document_from_archive, docx_paragraphs


async def _docx(db, ran) -> bytes:
    return render_docx(await document_from_archive(db, await archive_of(db, ran.links.workshop_id)))


async def test_real_heading_styles_in_order(db, ran):
    paragraphs = docx_paragraphs(await _docx(db, ran))
    assert [t for s, t in paragraphs if s == 'Title'] == ['Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft']
    assert [t.replace('\u2002', ' ') for s, t in paragraphs if s == 'Heading 1'] == [
        '1 Ablauf', '2 Ausgangssituation', '3 Teilnahme', '4 Verlauf', '5 Kernergebnisse der einzelnen Workshops',
        '6 Schlussfolgerungen und Handlungsempfehlungen', 'Anlage: Beiträge zu den Leitfragen']
    level2 = [t.replace('\u2002', ' ') for s, t in paragraphs if s == 'Heading 2']
    assert level2 == ['5.1 Workshop 1: Entstehung von Netzwerken und Clustern',
                      '5.2 Workshop 2: Clusterstrategien und Strategieentwicklung',
                      '5.3 Workshop 3: Zukunftsthemen und Cross-Innovationen',
                      '1. Netzwerke gezielt anstoßen', '2. Strategieprozesse begleiten',
                      'A.1 Workshop 1: Entstehung von Netzwerken und Clustern',
                      'A.2 Workshop 2: Clusterstrategien und Strategieentwicklung',
                      'A.3 Workshop 3: Zukunftsthemen und Cross-Innovationen']
    level3 = [t.replace('\u2002', ' ') for s, t in paragraphs if s == 'Heading 3']
    assert level3[0] == '1. Wer sind die Initiatoren und Organisationen Ihres Clusters/Netzwerks?'
    assert '1. Generelle Leistungsfähigkeit von Clusterinitiativen' in level3  # a themed block ...
    level4 = [t.replace('\u2002', ' ') for s, t in paragraphs if s == 'Heading 4']
    sub_questions = [t for t in level4 if t[:3] in ('a. ', 'b. ')]  # ... and its sub-questions (clusters: Heading 4, 5)
    assert sub_questions[:2] == [
        'a. Wo werden Faktoren gesehen, um generell die Leistungsfähigkeit zu steigern?',
        'b. Beitrag von Clusterstrategien zur Steigerung der Leistungsfähigkeit?']


async def test_ideas_once_with_dots_hidden_absent(db, ran):
    paragraphs = docx_paragraphs(await _docx(db, ran))
    bullets = [t for s, t in paragraphs if s == 'Contribution']  # a List Bullet with a right tab for the dots
    for idea, dots in ran.visible.items():
        matching = [b for b in bullets if b.startswith(idea)]
        assert len(matching) == 1, idea
        if idea in ran.unvoted or not dots:  # no dots: no count at all, never "0 Punkte"
            assert '\t' not in matching[0] and 'Punkt' not in matching[0], matching[0]
        else:
            assert matching[0].endswith(f'\t{dots} Punkt' if dots == 1 else f'\t{dots} Punkte'), matching[0]
    everything = '\n'.join(t for _s, t in paragraphs)
    for gone in ran.hidden + ran.merged:
        assert gone not in everything
    door = next(b for b in bullets if b.startswith('Wirtschaftsförderung der Region'))
    assert '2× genannt' in door
    order = [b.split('\t')[0] for b in bullets]
    assert order.index('Wirtschaftsförderung der Region als „Türöffner“ für KMU (2× genannt)') < \
        order.index('Hochschulen und Kammern als Initiatoren')


async def test_properties_language_header_and_footer_fields(db, ran):
    content = await _docx(db, ran)
    document = Document(io.BytesIO(content))
    props = document.core_properties
    assert props.title == 'Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft'
    assert props.author == 'Ministerium für Wirtschaft (Landesministerium)'
    assert props.subject == 'Protokoll des Workshops' and props.language == 'de-DE'
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        styles = z.read('word/styles.xml').decode()
        footers = ''.join(z.read(n).decode() for n in z.namelist() if n.startswith('word/footer'))
    assert 'w:val="de-DE"' in styles
    assert 'NUMPAGES' in footers and 'Seite ' in footers
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    table = document.tables[1]  # the agenda
    assert table.rows[0].cells[0].text == '13:00'
