"""Before and after a final version (findings, the draft's changes since) and the organisation's look (a Word
template for the DOCX, a colour for the PDF) — workshop/services/protocol.py, protocol/changes.py, docx.py, pdf.py."""

import io
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from PIL import Image
from pypdf import PdfReader

from workshop.i18n import translate_error, translator
from workshop.limits import WORD_TEMPLATE_MAX_BYTES
from workshop.protocol.document import load_document
from workshop.protocol.docx import WORD_DOCUMENT, WORD_TEMPLATE, render_docx
from workshop.protocol.markdown import render_markdown
from workshop.protocol.pdf import render_pdf
from workshop.services import curation, protocol, results
from workshop.services.errors import Invalid

from .helpers import pdf_text, squash


async def _doc(db, workshop_id):
    async with db.session() as s:
        return await load_document(s, workshop_id)


def _said(findings) -> list[str]:
    de = translator('de')
    return [translate_error(de, f) for f in findings]


async def test_findings_list_placeholders_and_gaps_before_final(db, bus, cluster):
    await protocol.set_context(db, bus, lead_secret=cluster.lead_secret, text='')
    said = _said(await protocol.check_final(db, lead_secret=cluster.lead_secret))
    assert said[0] == 'Die Ausgangssituation ist leer (im Protokoll steht „Noch kein Text zur Ausgangssituation.“).'
    assert 'Es sind keine Schlussfolgerungen erfasst (im Protokoll steht „Noch keine Schlussfolgerungen erfasst.“).' \
        in said
    assert 'Es ist niemand als teilnehmende Person gezählt.' in said
    assert any(s.startswith('Workshop 1 (') and s.endswith(') hat keine Kernergebnisse.') for s in said)
    assert any(s.startswith('Workshop 1: ') and 'Leitfragen haben keine Beiträge' in s for s in said)


async def test_findings_of_a_workshop_that_ran(db, bus, ran):
    doc = await _doc(db, ran.links.workshop_id)
    said = _said(protocol.final_findings(doc))
    # background, conclusions and participants are there; topic 1 has key results, the others not
    assert not any('Ausgangssituation' in s or 'Schlussfolgerungen' in s or 'niemand' in s for s in said)
    assert not any(s.startswith('Workshop 1 (') for s in said)
    assert any(s.startswith('Workshop 2 (') and 'Kernergebnisse' in s for s in said)
    assert said == [
        'Workshop 1: 4 Leitfragen haben keine Beiträge (3., 4., 5., 6.; sie werden ausgelassen).',
        'Workshop 2 (Clusterstrategien und Strategieentwicklung) hat keine Kernergebnisse.',
        'Workshop 2: 3 Leitfragen haben keine Beiträge (2a., 2b., 3.; sie werden ausgelassen).',
        'Workshop 3 (Zukunftsthemen und Cross-Innovationen) hat keine Kernergebnisse.',
        'Workshop 3: 6 Leitfragen haben keine Beiträge (1., 2., 3., 4., 5., 6.; sie werden ausgelassen).']
    doc.topics = doc.topics[:1]
    doc.topics[0].questions = doc.topics[0].questions[:3]  # one empty question: the singular
    assert _said(protocol.final_findings(doc)) == [
        'Workshop 1: Leitfrage 3. hat keine Beiträge (sie wird ausgelassen).']


async def test_a_draft_after_a_final_version_says_what_changed(db, bus, ran):
    secret, wid = ran.lead_secret, ran.links.workshop_id
    s11 = next(b for b in ran.links.breakouts if b.label == 'W 1.1').moderator_secret
    assert (await _doc(db, wid)).changes == []  # no final version: nothing to compare
    await protocol.mark_final(db, bus, lead_secret=secret)
    doc = await _doc(db, wid)
    assert doc.last_version == 1 and doc.changes == []  # nothing changed yet: no list
    assert 'Änderungen seit' not in render_markdown(doc)

    await curation.add_idea(db, bus, secret=s11, text='Nachgetragen vom Flipchart')
    await curation.add_idea(db, bus, secret=s11, text='Noch eine Karte')
    async with db.session() as s:
        from workshop.services.ideas import ideas_of
        rows = await ideas_of(s, breakout_id=next(b for b in ran.links.breakouts if b.label == 'W 1.1').breakout_id)
    initiators = next(i for i in rows if i.text == 'Hochschulen und Kammern als Initiatoren')
    big = next(i for i in rows if i.text.startswith('Großunternehmen'))
    await curation.edit_idea(db, bus, secret=s11, idea_id=initiators.id, text='Hochschulen, Kammern als Initiatoren')
    await curation.hide_idea(db, bus, secret=s11, idea_id=big.id, reason='off_topic')
    await results.save(db, bus, secret=s11, items=['Ein neues Kernergebnis'])

    doc = await _doc(db, wid)
    de = translator('de')
    lines = [c.text(de) for c in doc.changes]
    assert lines[0].startswith('Kernergebnisse zu Workshop 1 (') and lines[0].endswith(') geändert')
    assert lines[1:] == ['2 Beiträge hinzugefügt', 'Ein Beitrag bearbeitet',
                         'Ein Beitrag ausgeblendet oder zusammengeführt']
    markdown = render_markdown(doc)
    assert 'Änderungen seit Endfassung 1:' in markdown and '2 Beiträge hinzugefügt' in markdown
    text = squash(pdf_text(render_pdf(doc)))
    assert squash('Änderungen seit Endfassung 1:') in text and squash('Ein Beitrag bearbeitet') in text
    # the next final version lists nothing: it is the new reference
    await protocol.mark_final(db, bus, lead_secret=secret)
    doc = await _doc(db, wid)
    assert doc.last_version == 2 and doc.changes == []
    async with db.session() as s:
        v2 = await protocol.version_file(s, workshop_id=wid, number=2, fmt='md')
    assert 'Änderungen seit' not in v2.content.decode('utf-8')


# --- the organisation's look ----------------------------------------------------------------------------

def _template(*, dotx: bool = False, drop: tuple[str, ...] = (), german_ids: bool = False) -> bytes:
    """A Word template as an organisation would have it: its header, a red Heading 1, text in the body."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = 'Ministerium für Wirtschaft · Kopfzeile'
    document.styles['Heading 1'].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    document.add_paragraph('Text der Vorlage, der nicht ins Protokoll gehört')
    if german_ids:  # Word in German names the built-in styles' ids "berschrift1" …
        document.styles['Heading 1'].element.set(qn('w:styleId'), 'berschrift1')
    for name in drop:
        element = document.styles[name].element
        element.getparent().remove(element)
    buffer = io.BytesIO()
    document.save(buffer)
    if not dotx:
        return buffer.getvalue()
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, 'w') as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == '[Content_Types].xml':
                data = data.replace(WORD_DOCUMENT.encode(), WORD_TEMPLATE.encode())
            target.writestr(item, data)
    return out.getvalue()


async def test_the_word_template_is_checked_on_upload(db, bus, cluster):
    secret = cluster.lead_secret
    de = translator('de')

    async def refused(content: bytes) -> str:
        with pytest.raises(Invalid) as error:
            await protocol.set_word_template(db, bus, lead_secret=secret, content=content, filename='x.docx')
        return translate_error(de, error.value)

    assert await refused(b'PK\x03\x04 no zip') == \
        'Die Vorlage muss ein Word-Dokument oder eine Word-Vorlage sein (.docx oder .dotx).'
    no_word = io.BytesIO()
    with zipfile.ZipFile(no_word, 'w') as z:
        z.writestr('[Content_Types].xml', '<Types/>')
        z.writestr('ppt/presentation.xml', '<p/>')
    assert 'Word-Dokument' in await refused(no_word.getvalue())
    assert await refused(b'x' * (WORD_TEMPLATE_MAX_BYTES + 1)) == 'Die Word-Vorlage ist zu groß: höchstens 5 MB.'
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, 'w') as z:
        z.writestr('[Content_Types].xml', f'<Types><Override ContentType="{WORD_DOCUMENT}"/></Types>')
        z.writestr('word/document.xml', '<not-word/>')
    assert (await refused(broken.getvalue())).startswith('Die Word-Vorlage konnte nicht gelesen werden.')

    await protocol.set_word_template(db, bus, lead_secret=secret, content=_template(dotx=True),
                                     filename='Hausvorlage.dotx')
    async with db.session() as s:
        assert await protocol.word_template_name(s, cluster.workshop_id) == 'Hausvorlage.dotx'
    assert (await _doc(db, cluster.workshop_id)).word_template is not None
    await protocol.set_word_template(db, bus, lead_secret=secret, content=None)
    async with db.session() as s:
        assert await protocol.word_template_name(s, cluster.workshop_id) is None
    assert (await _doc(db, cluster.workshop_id)).word_template is None


@pytest.mark.parametrize('dotx', [False, True], ids=['docx', 'dotx'])
async def test_the_docx_is_written_into_the_template(db, bus, ran, dotx):
    await protocol.set_word_template(db, bus, lead_secret=ran.lead_secret,
                                     content=_template(dotx=dotx, german_ids=True), filename='vorlage')
    content = render_docx(await _doc(db, ran.links.workshop_id))
    with zipfile.ZipFile(io.BytesIO(content)) as z:  # saved as a document, not as a template
        assert WORD_DOCUMENT in z.read('[Content_Types].xml').decode()
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert 'Text der Vorlage, der nicht ins Protokoll gehört' not in texts  # the template's body is gone
    assert document.sections[0].header.paragraphs[0].text == 'Ministerium für Wirtschaft · Kopfzeile'  # kept
    heading = next(p for p in document.paragraphs if p.text.endswith('Ausgangssituation'))
    assert heading.style.name == 'Heading 1' and heading.style.style_id == 'berschrift1'
    assert heading.style.font.color.rgb == RGBColor(0xC0, 0x00, 0x00)  # the template's style, not restyled
    assert any(p.style.name == 'Contribution' and 'Initiatoren' in p.text for p in document.paragraphs)


async def test_styles_missing_in_the_template_fall_back(db, bus, ran):
    await protocol.set_word_template(db, bus, lead_secret=ran.lead_secret,
                                     content=_template(drop=('List Bullet', 'Light List Accent 1', 'Subtitle')),
                                     filename='schlank.docx')
    document = Document(io.BytesIO(render_docx(await _doc(db, ran.links.workshop_id))))
    names = {s.name for s in document.styles}
    assert {'List Bullet', 'Light List Accent 1', 'Subtitle', 'Contribution'} <= names
    bullets = [p for p in document.paragraphs if p.style.name == 'List Bullet']
    assert any('Initiatoren sind meist Hochschulen' in p.text for p in bullets)


async def test_the_pdf_takes_the_organisations_colour_and_logo(db, bus, ran):
    secret, wid = ran.lead_secret, ran.links.workshop_id
    de = translator('de')
    for wrong in ('rot', '#12345', '#12345g'):
        with pytest.raises(Invalid) as error:
            await protocol.set_colour(db, bus, lead_secret=secret, colour=wrong)
        assert translate_error(de, error.value) == 'Die Farbe muss ein Hex-Farbwert wie #1f4e79 sein.'
    assert await protocol.set_colour(db, bus, lead_secret=secret, colour=' 7A1F3D ') == '#7a1f3d'
    logo = io.BytesIO()
    Image.new('RGB', (240, 80), (122, 31, 61)).save(logo, format='PNG')
    await protocol.set_logo(db, bus, lead_secret=secret, content=logo.getvalue())
    doc = await _doc(db, wid)
    assert doc.colour == '#7a1f3d'
    content = render_pdf(doc)
    first = PdfReader(io.BytesIO(content)).pages[0]
    stream = first.get_contents().get_data().decode('latin-1')
    assert '.478431 .121569 .239216 rg' in stream  # the kicker in the organisation's colour
    assert '/Image' in str(first['/Resources']['/XObject'][next(iter(first['/Resources']['/XObject']))]['/Subtype'])
    # the DOCX has the colour where it sets one itself (the kicker, the clusters' titles)
    document = Document(io.BytesIO(render_docx(doc)))
    assert document.paragraphs[1].runs[0].font.color.rgb == RGBColor(0x7A, 0x1F, 0x3D)
    assert await protocol.set_colour(db, bus, lead_secret=secret, colour='') is None
    assert '.478431 .121569 .239216 rg' not in \
        PdfReader(io.BytesIO(render_pdf(await _doc(db, wid)))).pages[0].get_contents().get_data().decode('latin-1')
