"""The admin page creates workshops; the edit page changes them; the other pages show the result."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import editing
from workshop.services.workshops import WorkshopLinks, create_from_template, list_workshops
from workshop.templates import load_template

ADMIN = '/admin/test-admin-secret'  # tests/app_main.py sets this admin secret


def _set(user: User, marker: str, value: object) -> None:
    element = next(iter(user.find(marker=marker).elements))
    element.set_value(value)


async def _only_workshop():
    async with runtime().db.session() as s:
        (workshop,) = await list_workshops(s)
    return workshop


async def test_create_from_template_edit_a_question_and_moderator_sees_it(user: User, create_user: Callable[[], User]):
    await user.open(ADMIN)
    await user.should_see('Workshop anlegen')
    await user.should_see(marker='no-workshops')
    _set(user, 'template', 'cluster-workshop')
    user.find(marker='create').click()
    await user.should_see(marker='created', retries=20)
    workshop = await _only_workshop()
    await user.should_see(marker=f'workshop-{workshop.join_code}')
    await user.should_see('Clusterworkshop: Zukunft der Cluster – Cluster der Zukunft')

    user.find(marker='created-edit').click()
    await user.should_see('Workshop bearbeiten', retries=20)
    await user.should_see(marker='question-1-1-text')
    _set(user, 'question-1-1-text', 'Wer hat Ihr Cluster gegründet?')
    user.find(marker='question-1-1-save').click()
    await user.should_see('Gespeichert', retries=20)

    structure = await editing.load(runtime().db, lead_secret=workshop.lead_secret)
    w11 = structure.breakouts[0]
    moderator = create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await moderator.should_see('1. Wer hat Ihr Cluster gegründet?', retries=20)
    await moderator.should_not_see('Wer sind die Initiatoren')


async def test_create_from_scratch_then_add_a_round(user: User):
    await user.open(ADMIN)
    _set(user, 'title', 'Quartiersdialog')
    _set(user, 'question', 'Was fehlt in Ihrem Quartier?')
    user.find(marker='create').click()
    await user.should_see(marker='created', retries=20)
    workshop = await _only_workshop()
    assert workshop.title == 'Quartiersdialog' and workshop.template is None

    await user.open(f'/lead/{workshop.lead_secret}/edit')
    await user.should_see(marker='breakout-W1.1')
    await user.should_see(marker='round-1')
    user.find(marker='add-round').click()
    await user.should_see(marker='breakout-W2.1', retries=20)
    await user.should_see(marker='round-2')
    # the lead page shows the new round
    await user.open(f'/lead/{workshop.lead_secret}')
    await user.should_see('Durchlauf 2', retries=20)
    await user.should_see(marker='cockpit-W2.1')


async def test_scratch_needs_a_question_and_says_so(user: User):
    await user.open(ADMIN)
    _set(user, 'title', 'Ohne Frage')
    user.find(marker='create').click()
    await user.should_see('Leitfrage darf nicht leer sein', retries=20)
    await user.should_see(marker='no-workshops')


async def test_wrong_admin_secret_shows_a_message_and_nothing_else(user: User):
    await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    await user.open('/admin/not-the-secret')
    await user.should_see('Dieser Admin-Link ist nicht gültig.')
    await user.should_not_see(marker='create')
    await user.should_not_see(marker='workshops')
    await user.should_not_see('Clusterworkshop')


async def test_wrong_lead_secret_on_the_edit_page(user: User):
    await user.open('/lead/not-a-secret/edit')
    await user.should_see('Moderationslink ist nicht (mehr) gültig')
    await user.should_not_see(marker='details')


async def _cluster() -> WorkshopLinks:
    return await create_from_template(runtime().db, template=load_template('cluster-workshop'))


async def test_errors_are_translated_and_nothing_is_saved(user: User):
    links = await _cluster()
    await user.open(f'/lead/{links.lead_secret}/edit')
    _set(user, 'details-title', '')
    _set(user, 'details-start', '25:00')
    user.find(marker='details-save').click()
    await user.should_see('Titel darf nicht leer sein.', retries=20)
    _set(user, 'details-title', 'Neuer Titel')
    user.find(marker='details-save').click()
    await user.should_see('Beginn muss eine Uhrzeit wie 14:30 sein.', retries=20)
    _set(user, 'details-start', '9:00')
    user.find(marker='details-save').click()
    await user.should_see('Gespeichert', retries=20)
    await user.should_see(marker='workshop-title', content='Neuer Titel')
    assert next(iter(user.find(marker='details-start').elements)).value == '09:00'


async def test_delete_a_question_after_confirming(user: User):
    links = await _cluster()
    await user.open(f'/lead/{links.lead_secret}/edit')
    second = 'Bestanden bereits vor der Gründung des Netzwerks'
    await user.should_see(marker='question-1-2-text')
    user.find(marker='question-1-2-delete').click()
    await user.should_see(marker='confirm-delete', retries=20)
    user.find(marker='cancel-delete').click()
    await user.should_not_see(marker='confirm-delete', retries=20)
    assert second in next(iter(user.find(marker='question-1-2-text').elements)).value

    user.find(marker='question-1-2-delete').click()
    await user.should_see(marker='confirm-delete', retries=20)
    user.find(marker='confirm-delete').click()
    await user.should_see('Gespeichert', retries=20)
    texts = [e.value for e in user.find(kind=ui.textarea).elements]
    assert not any(second in t for t in texts if t)
    # the questions after it moved up: the third is now number 2
    assert 'Was macht erfolgreiche Netzwerkkonstrukte' in \
        next(iter(user.find(marker='question-1-2-text').elements)).value


async def test_moderator_typed_text_stays_text(user: User):
    links = await _cluster()
    await user.open(f'/lead/{links.lead_secret}/edit')
    payload = '<img src=x onerror=alert(1)>'
    _set(user, 'topic-1-title', payload)
    user.find(marker='topic-1-save').click()
    await user.should_see('Gespeichert', retries=20)
    assert not any(isinstance(e, ui.html) for e in user.current_layout.descendants())
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(f'W 1.1 · {payload}', retries=20)
