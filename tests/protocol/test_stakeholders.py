"""Contributions and dots per stakeholder group: the counting, the privacy rule, the protocol's table, the cockpit."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from workshop.protocol.document import load_document
from workshop.protocol.markdown import render_markdown
from workshop.runtime import runtime
from workshop.services import facilitation, ideas, participants, votes
from workshop.services.stakeholders import GroupRow, by_group, tally
from workshop.services.workshops import create_from_template
from workshop.templates import load_template


def test_groups_of_fewer_than_three_go_together_under_other_groups():
    groups = {1: 'Unternehmen', 2: 'Unternehmen', 3: 'Unternehmen', 4: 'Hochschulen', 5: 'Hochschulen', 6: None,
              7: 'Verbände', 8: 'Verbände', 9: 'Verbände'}
    ideas_ = [(1, 2), (2, 1), (3, 1), (4, 1), (6, 3), (7, 1), (8, 1), (9, 1)]
    dots = [(1, 3), (5, 2), (9, 4)]
    rows = tally(['Verbände', 'Hochschulen', 'Unternehmen'], groups, ideas_, dots)
    assert rows == [GroupRow('Verbände', 3, 3, 4), GroupRow('Unternehmen', 3, 4, 3),
                    GroupRow(None, 3, 4, 2)]  # two people of Hochschulen and one without a group
    assert tally([], {1: 'A'}, [], []) == []
    # a group known to the workshop but not listed comes after the listed ones, by name
    many = {n: ('Z' if n < 4 else 'B') for n in range(1, 7)}
    assert [r.group for r in tally(['Z'], many, [(n, 1) for n in range(1, 7)], [])] == ['Z', 'B']


async def test_per_topic_from_the_workshop_and_in_the_protocol(db, bus, ran):
    wid = ran.links.workshop_id
    async with db.session() as session:
        topics = await by_group(session, wid)
    # topic 1: Anna (Hochschulen), Ben and Cara (Unternehmen), Dora (Forschung) – every group under three people;
    # visible contributions of participants only (hidden, merged and the moderator's paper card left out)
    assert [(t.number, t.rows) for t in topics] == [(1, [GroupRow(None, 4, 6, 7)]), (2, [GroupRow(None, 2, 2, 0)])]

    code = ran.links.join_code
    b = {x.label: x.breakout_id for x in ran.links.breakouts}
    for n in range(3):  # three more people of Unternehmen write in topic 2
        _p, token = await participants.join(db, code=code, stakeholder_group='Unternehmen')
        await participants.choose_breakout(db, bus, token=token, workshop_id=wid, breakout_id=b['W 2.2'])
        await ideas.post_idea(db, bus, token=token, breakout_id=b['W 2.2'], text=f'Idee {n}', client_id=f'x{n}')
    async with db.session() as session:
        topics = await by_group(session, wid)
        doc = await load_document(session, wid)
    assert topics[1].rows == [GroupRow('Unternehmen', 3, 3, 0), GroupRow(None, 2, 2, 0)]
    assert doc.topics[1].by_group == topics[1].rows and doc.topics[2].by_group == []
    text = render_markdown(doc)
    assert '| Unternehmen | 3 | 3 | 0 |' in text and '| weitere Gruppen | 2 | 2 | 0 |' in text
    assert 'Gruppen mit weniger als 3 Personen in diesem Workshop werden nicht einzeln ausgewiesen' in text
    assert text.index('| Unternehmen | 3 | 3 | 0 |') < text.index('Anlage')  # with the topic's key results


async def test_nobody_gave_a_group_no_table(db, bus, cluster):
    _p, token = await participants.join(db, code=cluster.join_code)
    b = cluster.breakouts[0].breakout_id
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=b)
    await ideas.post_idea(db, bus, token=token, breakout_id=b, text='Ohne Gruppe', client_id='n1')
    async with db.session() as session:
        assert await by_group(session, cluster.workshop_id) == []
        doc = await load_document(session, cluster.workshop_id)
    assert 'weitere Gruppen' not in render_markdown(doc)


async def test_the_lead_sees_the_table_and_refreshes_it(user: User):
    rt = runtime()
    links = await create_from_template(rt.db, template=load_template('cluster-workshop'))
    b = links.breakouts[0].breakout_id
    tokens = []
    for _n in range(3):
        _p, token = await participants.join(rt.db, code=links.join_code, stakeholder_group='Hochschulen')
        await participants.choose_breakout(rt.db, rt.bus, token=token, workshop_id=links.workshop_id, breakout_id=b)
        tokens.append(token)
    await ideas.post_idea(rt.db, rt.bus, token=tokens[0], breakout_id=b, text='Erste Idee', client_id='h0')
    await user.open(f'/lead/{links.lead_secret}')
    await user.should_see('Nach Akteursgruppen')
    await user.should_see('weitere Gruppen')  # one person so far
    idea = await ideas.post_idea(rt.db, rt.bus, token=tokens[1], breakout_id=b, text='Zweite', client_id='h1')
    await ideas.post_idea(rt.db, rt.bus, token=tokens[2], breakout_id=b, text='Dritte', client_id='h2')
    await facilitation.set_phase(rt.db, rt.bus, secret=links.breakouts[0].moderator_secret, phase='vote')
    await votes.cast_dot(rt.db, rt.bus, token=tokens[0], idea_id=idea.id)
    await user.should_not_see('Hochschulen')  # not on events: only when asked
    user.find(marker='stakeholders-refresh').click()
    await user.should_see('Hochschulen')
    box = next(iter(user.find(marker='stakeholders').elements))
    labels = [element.text for element in box.descendants() if isinstance(element, ui.label)]
    assert labels[labels.index('Hochschulen'):labels.index('Hochschulen') + 4] == ['Hochschulen', '3', '3', '1']
