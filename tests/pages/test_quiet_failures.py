"""What used to end in a traceback on the server ends in one warning line, and the page says what happened.

* An event for a listener the element no longer has (the page changed under the browser's click).
* A lead page still open when its workshop is deleted (by another lead page or the command line).
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from nicegui import core, ui
from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import privacy
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from ..waiting import until


def _problems(caplog: pytest.LogCaptureFixture) -> tuple[list[logging.LogRecord], list[logging.LogRecord]]:
    """(records with a traceback or of level ERROR and above, warnings)"""
    records = caplog.get_records('call')
    tracebacks = [r for r in records if r.exc_info or r.levelno >= logging.ERROR]
    return tracebacks, [r for r in records if r.levelno == logging.WARNING]


async def test_an_event_for_a_listener_that_is_gone_is_one_warning(user: User, caplog):
    links = await create_from_template(runtime().db, template=load_template('cluster-workshop'))
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(marker='agenda-next')
    client = user.client
    socket_id = next(iter(client._socket_to_document_id))  # the socket the simulated user's page handshook on
    button = next(iter(user.find(marker='agenda-next').elements))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        # as Socket.IO calls it: the page was rebuilt and the browser still clicked the old listener
        core.sio.handlers['/']['event'](socket_id, {'client_id': client.id, 'id': button.id,
                                                    'listener_id': 'a-listener-that-is-gone', 'args': []})
        await until(lambda: any('dropped an event' in r.getMessage() for r in caplog.records), 2,
                    what='the warning')
    tracebacks, warnings = _problems(caplog)
    assert tracebacks == []
    assert [r.getMessage() for r in warnings] == \
        [f'dropped an event for element {button.id}: the page no longer listens to it there']


async def test_a_lead_page_of_a_deleted_workshop_says_so_and_logs_nothing_alarming(user: User, caplog):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(marker='agenda-next')
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        await privacy.delete_workshop(rt.db, rt.bus, lead_secret=links.lead_secret)  # e.g. from another lead page
        await user.should_see('Dieser Workshop wurde gelöscht.', retries=20)
        await asyncio.sleep(0.3)  # on purpose: what the page reloads after the event has run must log nothing
        user.find(marker='agenda-next').click()  # a control clicked anyway: a message, no error in the log
        await asyncio.sleep(0.3)  # on purpose: nor what the click sets off
    tracebacks, warnings = _problems(caplog)
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    assert warnings == []  # deleting is a normal action: the page says so, the log has nothing to report


async def test_the_gone_message_is_translated(user: User):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('stakeholder-workshop-en'))
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see(marker='agenda-next')
    await privacy.delete_workshop(rt.db, rt.bus, lead_secret=links.lead_secret)
    await user.should_see('This workshop has been deleted.', retries=20)
    user.find(marker='workshop-deleted-home').click()
    await user.should_see(kind=ui.input, retries=20)  # the start page with its code box


async def test_every_open_page_of_a_deleted_workshop_says_so_without_errors(user: User, create_user, caplog):
    """Moderator page, phone, breakout wall and plenary wall, all open when the workshop is deleted."""
    from ..joining import join
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    w11 = links.breakouts[0]
    moderator, phone, wall, plenary = user, create_user(), create_user(), create_user()
    await moderator.open(f'/m/{w11.moderator_secret}')
    await moderator.should_see('Wer sind die Initiatoren', retries=20)
    await join(phone, links.join_code, 'W 1.1')
    await phone.should_see('W 1.1', retries=20)
    await wall.open(f'/wall/{links.join_code}/{w11.breakout_id}')
    await plenary.open(f'/wall/{links.join_code}')
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        await privacy.delete_workshop(rt.db, rt.bus, lead_secret=links.lead_secret)
        for page in (moderator, phone, wall, plenary):
            await page.should_see('Dieser Workshop wurde gelöscht.', retries=20)
        await asyncio.sleep(0.3)  # on purpose: anything the pages would still load must log nothing
    tracebacks, warnings = _problems(caplog)
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    assert warnings == []
