"""The protocol's options and the summaries of the guiding questions on the lead's protocol page."""

from __future__ import annotations

import asyncio
import inspect

from nicegui.testing import User
from sqlmodel import col, select

from workshop.models import Question, Workshop
from workshop.runtime import runtime
from workshop.services.workshops import create_from_template
from workshop.templates import load_template


def _preview(user: User) -> str:
    return next(iter(user.find(marker='preview').elements)).content


async def _until(check, *, seconds: float = 6) -> bool:
    """Whether ``check`` (a function, or a coroutine function) comes true within ``seconds``."""
    for _ in range(int(seconds * 10)):
        result = check()
        if await result if inspect.isawaitable(result) else result:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_set_the_options_and_a_summary(user: User):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    await user.open(f'/lead/{links.lead_secret}/protocol')
    for text in ('Optionen für das Protokoll', 'Punkte und Diagramme der Punktabfrage zeigen',
                 'Fragen ohne Beiträge weglassen', 'Teilnahme als Satz (statt einer Tabelle je Gruppe)',
                 'Zusammenfassungen der Leitfragen'):
        await user.should_see(text)
    assert 'Keine Beiträge' not in _preview(user)  # no question answered yet: none listed

    async def workshop() -> Workshop:
        async with rt.db.session() as session:
            return await session.get(Workshop, links.workshop_id)

    user.find(marker='protocol-omit-unanswered').click()
    user.find(marker='protocol-dots').click()
    user.find(marker='protocol-participation-prose').click()

    async def all_off() -> bool:
        w = await workshop()
        return not (w.protocol_dots or w.protocol_omit_unanswered or w.protocol_participation_prose)
    assert await _until(all_off)
    assert await _until(lambda: 'Keine Beiträge.' in _preview(user))  # every question now, in the preview
    # participation as the table (its listed groups, also with 0), once the preview has taken the last switch
    assert await _until(lambda: '| Unternehmen | 0 |' in _preview(user))

    async with rt.db.session() as session:
        question = (await session.exec(select(Question).where(col(Question.text).startswith('Wer sind')))).first()
    user.find(marker=f'summary-{question.id}').type('Vor allem die Wirtschaftsförderung stößt Netzwerke an.')
    user.find(marker=f'save-summary-{question.id}').click()
    await user.should_see('Gespeichert ✓')
    assert await _until(lambda: 'Vor allem die Wirtschaftsförderung stößt Netzwerke an.' in _preview(user))
    async with rt.db.session() as session:
        assert (await session.get(Question, question.id)).summary == \
            'Vor allem die Wirtschaftsförderung stößt Netzwerke an.'
