"""The organisation's look on the protocol page: its Word template (checked, named, removable) and its colour."""

from __future__ import annotations

import io

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from workshop.protocol.document import load_document
from workshop.runtime import runtime
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..protocol.test_final_and_look import _template
from ..waiting import until


async def _doc(workshop_id: int):
    async with runtime().db.session() as session:
        return await load_document(session, workshop_id)


def _upload(user: User, marker: str, name: str, data: bytes):
    upload = next(iter(user.find(marker=marker).elements))
    assert isinstance(upload, ui.upload)
    return upload.handle_uploads([SmallFileUpload(name=name, content_type='application/octet-stream', _data=data)])


async def test_upload_a_word_template_and_choose_a_colour(user: User):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    await user.open(f'/lead/{links.lead_secret}/protocol')
    await user.should_see('Keine Vorlage: Das Word-Protokoll nutzt seine eigenen Formatvorlagen.')

    await _upload(user, 'word-template-upload', 'kein-word.docx', b'nur Text')
    await user.should_see('Die Vorlage muss ein Word-Dokument oder eine Word-Vorlage sein (.docx oder .dotx).')
    assert (await _doc(links.workshop_id)).word_template is None

    await _upload(user, 'word-template-upload', 'Hausvorlage.dotx', _template(dotx=True))
    await user.should_see('In Verwendung: Hausvorlage.dotx')
    assert (await _doc(links.workshop_id)).word_template is not None
    # the Word download is written into it: the template's header
    response = await user.http_client.get(f'/lead/~/{links.join_code}/protocol/download/docx')
    from docx import Document
    header = Document(io.BytesIO(response.content)).sections[0].header.paragraphs[0].text
    assert header == 'Ministerium für Wirtschaft · Kopfzeile'

    user.find(kind=ui.button, content='Word-Vorlage entfernen').click()
    await user.should_see('Keine Vorlage: Das Word-Protokoll nutzt seine eigenen Formatvorlagen.')
    assert (await _doc(links.workshop_id)).word_template is None

    user.find(marker='colour').type('lila').trigger('change')
    await user.should_see('Die Farbe muss ein Hex-Farbwert wie #1f4e79 sein.')
    user.find(marker='colour').clear().type('#7A1F3D').trigger('change')

    async def saved() -> bool:
        return (await _doc(links.workshop_id)).colour == '#7a1f3d'
    await until(saved, what='the colour saved')
