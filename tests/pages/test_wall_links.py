"""A breakout wall's address says which room: ``w1`` is topic 1's room in the current round (and moves on with the
rounds), ``W1.2`` a room by its label, a number a room's id (links of earlier versions); anything else is a clear
error page."""

from __future__ import annotations

from collections.abc import Callable

from nicegui.testing import User

from workshop.runtime import runtime
from workshop.services import lead
from workshop.services.workshops import create_from_template
from workshop.templates import load_template

from .test_facilitation_flow import WAIT


async def test_wall_addresses_by_topic_label_and_id(user: User, create_user: Callable[[], User]):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    code = links.join_code
    topic_wall, other = user, create_user()
    await topic_wall.open(f'/wall/{code}/w1')
    await topic_wall.should_see('W 1.1 · Entstehung von Netzwerken und Clustern', retries=WAIT)
    for key, room in (('W1.1', 'W 1.1 · Entstehung'), ('w1.2', 'W 1.2 · Clusterstrategien'),
                      (str(links.breakouts[2].breakout_id), 'W 1.3 · Zukunftsthemen')):
        await other.open(f'/wall/{code}/{key}')
        await other.should_see(room, retries=WAIT)
    await other.open(f'/wall/{code}/w9')
    await other.should_see('Diesen Workshop-Raum gibt es nicht.', retries=WAIT)

    await lead.open_round(rt.db, rt.bus, lead_secret=links.lead_secret, round_number=2)
    # the topic's wall follows the rounds by itself; a room by its label stays that room
    await topic_wall.should_see('W 2.1 · Entstehung von Netzwerken und Clustern', retries=WAIT)
    await other.open(f'/wall/{code}/W1.1')
    await other.should_see('W 1.1 · Entstehung von Netzwerken und Clustern', retries=WAIT)
