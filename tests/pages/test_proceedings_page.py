"""The Verlauf editor on the protocol page, the server's Word template on the admin page, and several moderators
per room on the edit page (#15)."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from workshop.models import Breakout, Workshop
from workshop.protocol.document import load_document
from workshop.runtime import runtime
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..protocol.test_final_and_look import _template
from ..waiting import until
from .test_admin_edit import ADMIN
from .test_protocol_look import _upload


def _value(user: User, marker: str) -> str:
    return next(iter(user.find(marker=marker).elements)).value or ''


def _set(user: User, marker: str, value: str) -> None:
    next(iter(user.find(marker=marker).elements)).set_value(value)


async def _workshop(workshop_id: int) -> Workshop:
    async with runtime().db.session() as session:
        return await session.get(Workshop, workshop_id)


async def test_write_the_verlauf_from_the_agenda_and_name_the_representatives(user: User):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    await user.open(f'/lead/{links.lead_secret}/protocol')
    await user.should_see('Verlauf')
    drafted = _value(user, 'proceedings')
    assert drafted.startswith('Die Veranstaltung begann um 14:00 Uhr mit dem Tagesordnungspunkt')

    _set(user, 'proceedings', 'Frau Dr. Beispiel eröffnete die Veranstaltung und begrüßte die Teilnehmenden.')
    _set(user, 'representatives', 'Dr. A. Beispiel, Ministerium für Wirtschaft\n\nJ. Muster, Referat Cluster')
    user.find(marker='save-proceedings').click()

    async def saved() -> bool:
        w = await _workshop(links.workshop_id)
        return w.representatives == ['Dr. A. Beispiel, Ministerium für Wirtschaft', 'J. Muster, Referat Cluster']
    await until(saved, what='the Verlauf saved')
    assert (await _workshop(links.workshop_id)).proceedings.startswith('Frau Dr. Beispiel eröffnete')

    async def previewed() -> bool:
        return 'Frau Dr. Beispiel eröffnete' in next(iter(user.find(marker='preview').elements)).content
    await until(previewed, what='the preview with the Verlauf')

    user.find(marker='draft-proceedings').click()  # back to the agenda's draft
    await until(lambda: _value(user, 'proceedings') == drafted, what='the draft in the editor')
    user.find(marker='save-proceedings').click()

    async def drafted_again() -> bool:
        return (await _workshop(links.workshop_id)).proceedings == ''  # as drafted: it follows the agenda
    await until(drafted_again, what='the Verlauf drafted again')


async def test_the_admin_uploads_the_servers_word_template(user: User):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    await user.open(ADMIN)
    await user.should_see('Gestaltung der Protokolle auf diesem Server')
    await user.should_see('Keine Word-Vorlage · Kein Logo · Farbe: Blau')
    await _upload(user, 'server-word-template', 'kein-word.docx', b'nur Text')
    await user.should_see('Die Vorlage muss ein Word-Dokument oder eine Word-Vorlage sein (.docx oder .dotx).')
    await _upload(user, 'server-word-template', 'Land.docx', _template())
    await user.should_see('Word-Vorlage: Land.docx · Kein Logo · Farbe: Blau')
    async with runtime().db.session() as session:
        assert (await load_document(session, links.workshop_id)).word_template is not None

    await user.open(f'/lead/{links.lead_secret}/protocol')
    await user.should_see('Keine eigene Vorlage: Das Word-Protokoll nutzt die Vorlage des Servers, Land.docx.')

    await user.open(ADMIN)
    user.find(marker='remove-server-word-template').click()
    await user.should_see('Keine Word-Vorlage · Kein Logo · Farbe: Blau')
    async with runtime().db.session() as session:
        assert (await load_document(session, links.workshop_id)).word_template is None


async def test_add_and_remove_further_moderators_of_a_room(user: User):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    w11 = next(b.breakout_id for b in links.breakouts if b.label == 'W 1.1')
    await user.open(f'/lead/{links.lead_secret}/edit')
    await user.should_see(marker='breakout-W1.1')
    user.find(marker='breakout-W1.1-add-moderator').click()
    user.find(marker='breakout-W1.1-add-moderator').click()
    await user.should_see(marker='breakout-W1.1-co-2-name')
    _set(user, 'breakout-W1.1-co-1-name', 'Lena Vogt')
    _set(user, 'breakout-W1.1-co-1-organisation', 'Innovationsberatung Nordstadt')
    _set(user, 'breakout-W1.1-co-2-name', 'Tom Weber')
    user.find(marker='breakout-W1.1-save').click()

    async def co_moderators() -> list:
        async with runtime().db.session() as session:
            return (await session.get(Breakout, w11)).co_moderators

    async def two() -> bool:
        return await co_moderators() == [{'name': 'Lena Vogt', 'organisation': 'Innovationsberatung Nordstadt'},
                                         {'name': 'Tom Weber', 'organisation': None}]
    await until(two, what='two further moderators saved')

    # after a reload they are there; one is removed and the room saved again
    await user.open(f'/lead/{links.lead_secret}/edit')
    await user.should_see(marker='breakout-W1.1-co-2-name')
    assert _value(user, 'breakout-W1.1-co-1-name') == 'Lena Vogt'
    user.find(marker='breakout-W1.1-co-1-remove').click()
    await user.should_not_see(marker='breakout-W1.1-co-1-name')
    user.find(marker='breakout-W1.1-save').click()

    async def one() -> bool:
        return await co_moderators() == [{'name': 'Tom Weber', 'organisation': None}]
    await until(one, what='one further moderator left')

    # the lead's room card names them all
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(marker='moderators-W1.1')
    label = next(iter(user.find(marker='moderators-W1.1').elements))
    assert isinstance(label, ui.label) and label.text.endswith('Tom Weber')
