import pytest
from sqlmodel import select

from workshop.events import KeyResultsChanged, RoundChanged, WorkshopChanged
from workshop.models import AgendaItem, AgendaKind, Workshop
from workshop.services import curation, facilitation, ideas, lead, participants, results, votes, workshops
from workshop.services.errors import Forbidden, Invalid, NotFound

from .helpers import member, post


async def test_key_results_draft_and_save(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    voter, _ = await member(db, bus, cluster)
    marked = await post(db, bus, token, breakout_id, 'Markierter Kernpunkt')
    popular = await post(db, bus, token, breakout_id, 'Beliebte Idee')
    await post(db, bus, token, breakout_id, 'Ohne Punkte')
    await curation.set_marked(db, bus, secret=secret, idea_id=marked, marked=True)
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    await votes.cast_dot(db, bus, token=voter, idea_id=popular)
    async with db.session() as s:
        question_id = (await s.get(ideas.Idea, marked)).question_id
        draft = await results.draft(s, breakout_id=breakout_id, question_id=question_id)
    assert draft == ['Markierter Kernpunkt', 'Beliebte Idee']
    saved = await results.save(db, bus, secret=secret, question_id=question_id,
                               items=['  Netzwerke brauchen Kümmerer ', '', 'Finanzierung sichern'])
    assert saved == ['Netzwerke brauchen Kümmerer', 'Finanzierung sichern']
    assert bus.published[-1] == KeyResultsChanged(workshop_id=cluster.workshop_id, breakout_id=breakout_id,
                                                  question_id=question_id, key_results=tuple(saved),
                                                  sources=((), ()))  # typed anew: resting on no idea
    await results.save(db, bus, secret=secret, items=['Gesamtergebnis'])
    async with db.session() as s:
        overall, per_question = await results.of_breakout(s, await s.get(ideas.Breakout, breakout_id))
    assert overall == ['Gesamtergebnis'] and per_question == {question_id: saved}
    with pytest.raises(Invalid):
        await results.save(db, bus, secret=secret, items=[f'Punkt {i}' for i in range(21)])
    with pytest.raises(Forbidden):
        await results.save(db, bus, secret=token, items=['x'])


async def test_second_round_sees_the_first_rounds_results(db, bus, cluster):
    secret_11 = cluster.breakouts[0].moderator_secret
    token, w11 = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, w11, 'Ergebnis aus Durchlauf 1')
    async with db.session() as s:
        question_id = (await s.get(ideas.Idea, idea_id)).question_id
    await results.save(db, bus, secret=secret_11, question_id=question_id, items=['Kernergebnis D1'])

    bus.published.clear()
    await lead.open_round(db, bus, lead_secret=cluster.lead_secret, round_number=2)
    assert isinstance(bus.published[0], RoundChanged) and bus.published[0].round_number == 2
    w21 = cluster.breakouts[3].breakout_id
    with pytest.raises(Forbidden):  # still in round 1's room: can't post there any more
        await ideas.post_idea(db, bus, token=token, breakout_id=w11, text='zu spät', client_id='r1')
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id, breakout_id=w21)
    await post(db, bus, token, w21, 'Neue Idee in Durchlauf 2')
    async with db.session() as s:
        earlier = await results.earlier_rounds(s, breakout_id=w21, question_id=question_id)
        summary = await results.topic_summary(s, workshop_id=cluster.workshop_id, topic_number=1)
    assert [(r.label, r.round_number, r.key_results) for r in earlier] == [('W 1.1', 1, ['Kernergebnis D1'])]
    assert earlier[0].ideas == [('Ergebnis aus Durchlauf 1', 0)]
    assert summary.rooms == [('W 1.1', 'Moderation W1'), ('W 2.1', 'Moderation W1')]
    with pytest.raises(NotFound):
        await lead.open_round(db, bus, lead_secret=cluster.lead_secret, round_number=3)


async def test_round_two_can_require_a_new_topic(db, bus, cluster):
    await lead.update_voting(db, bus, lead_secret=cluster.lead_secret, require_new_topic=True)
    token, _ = await member(db, bus, cluster, index=0)  # topic 1 in round 1
    await lead.open_round(db, bus, lead_secret=cluster.lead_secret, round_number=2)
    with pytest.raises(Invalid) as e:
        await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id,
                                           breakout_id=cluster.breakouts[3].breakout_id)  # topic 1 again
    assert 'earlier round' in str(e.value)
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id,
                                       breakout_id=cluster.breakouts[4].breakout_id)


async def test_lead_controls(db, bus, cluster):
    s = cluster.lead_secret
    await lead.send_notice(db, bus, lead_secret=s, text='Die Pause endet in 5 Minuten')
    await lead.set_joining_locked(db, bus, lead_secret=s, locked=True)
    with pytest.raises(Forbidden):
        await participants.join(db, code=cluster.join_code)
    await lead.set_joining_locked(db, bus, lead_secret=s, locked=False)
    await participants.join(db, code=cluster.join_code)
    first = await lead.next_agenda_item(db, bus, lead_secret=s)
    second = await lead.next_agenda_item(db, bus, lead_secret=s)
    assert second != first
    assert await lead.step_summary(db, bus, lead_secret=s, step=1) == 1
    assert await lead.step_summary(db, bus, lead_secret=s, step=1) == 2
    assert await lead.step_summary(db, bus, lead_secret=s, step=-1) == 1
    async with db.session() as session:
        workshop = await session.get(Workshop, cluster.workshop_id)
    assert workshop.notice == 'Die Pause endet in 5 Minuten' and workshop.plenary and workshop.summary_topic == 1
    async with db.session() as session:  # starting the Resümee moved the run of show to its item
        summary = (await session.exec(select(AgendaItem).where(AgendaItem.workshop_id == cluster.workshop_id,
                                                               AgendaItem.kind == AgendaKind.summary))).one()
    assert workshop.current_agenda_item_id == summary.id != second
    assert bus.published[-3].fields == ('summary', 'agenda') and bus.published[-1].fields == ('summary',)
    await lead.set_plenary(db, bus, lead_secret=s, plenary=False)
    await lead.send_notice(db, bus, lead_secret=s, text='  ')
    async with db.session() as session:
        workshop = await session.get(Workshop, cluster.workshop_id)
    assert workshop.notice is None and workshop.summary_topic is None and not workshop.plenary
    assert all(isinstance(e, WorkshopChanged) for e in bus.published)
    for action in (lead.send_notice(db, bus, lead_secret='nope', text='x'),
                   lead.open_round(db, bus, lead_secret=cluster.breakouts[0].moderator_secret, round_number=2)):
        with pytest.raises(Forbidden):
            await action


async def test_removed_participant_can_no_longer_act(db, bus, cluster):
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Spam')
    async with db.session() as s:
        participant_id = (await s.get(ideas.Idea, idea_id)).participant_id
    await lead.remove_participant(db, bus, lead_secret=cluster.lead_secret, participant_id=participant_id)
    with pytest.raises(Forbidden) as e:
        await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text='mehr Spam', client_id='s2')
    assert 'removed' in str(e.value)
    with pytest.raises(NotFound):
        await lead.remove_participant(db, bus, lead_secret=cluster.lead_secret, participant_id=9999)


async def test_removing_a_participant_can_hide_all_their_ideas(db, bus, cluster):
    from workshop.events import IdeaChanged
    from workshop.models import HideReason, Idea
    secret = cluster.breakouts[0].moderator_secret
    spammer, breakout_id = await member(db, bus, cluster)
    other, _ = await member(db, bus, cluster)
    spam = [await post(db, bus, spammer, breakout_id, f'Spam {n}') for n in range(4)]
    kept = await post(db, bus, other, breakout_id, 'Eine echte Idee')
    await curation.hide_idea(db, bus, secret=secret, idea_id=spam[0], reason='off_topic')  # hidden already
    await curation.merge_ideas(db, bus, secret=secret, keep_id=spam[1], merge_id=spam[2])  # merged away
    async with db.session() as s:
        spammer_id = (await s.get(Idea, spam[1])).participant_id
        rows = await lead.participant_rows(db, lead_secret=cluster.lead_secret)
    assert rows[0].id == spammer_id and rows[0].ideas == 3 and rows[0].hidden == 1  # the flood stands at the top
    assert rows[0].latest == 'Spam 3'
    bus.published.clear()
    hidden = await lead.remove_participant(db, bus, lead_secret=cluster.lead_secret, participant_id=spammer_id,
                                           hide_ideas=True)
    assert hidden == 2
    changed = [e for e in bus.published if isinstance(e, IdeaChanged)]
    assert sorted(e.idea_id for e in changed) == [spam[1], spam[3]]
    assert all(e.hidden and e.breakout_id == breakout_id and e.merged_into_id is None for e in changed)
    async with db.session() as s:
        stored = {i: await s.get(Idea, i) for i in (*spam, kept)}
        shown = await ideas.ideas_of(s, breakout_id=breakout_id)
    assert [i.id for i in shown] == [kept]  # phones and walls show only the other person's idea
    assert stored[spam[3]].hidden_reason == HideReason.abuse
    assert stored[spam[0]].hidden_reason.value == 'off_topic'  # a moderator's earlier reason stays
    assert stored[spam[2]].merged_into_id == spam[1] and not stored[spam[2]].hidden
    assert not stored[kept].hidden
    rows = await lead.participant_rows(db, lead_secret=cluster.lead_secret)
    assert rows[0].removed and rows[0].hidden == 3
    # without the option the ideas stay for curation, as before
    assert await lead.remove_participant(db, bus, lead_secret=cluster.lead_secret,
                                         participant_id=rows[1].id) == 0
    async with db.session() as s:
        assert not (await s.get(Idea, kept)).hidden



async def _agenda(db, cluster) -> list:
    async with db.session() as session:
        return await workshops.agenda_of(session, cluster.workshop_id)


async def test_opening_a_round_moves_the_run_of_show_and_clears_the_notice(db, bus, cluster):
    s = cluster.lead_secret
    agenda = await _agenda(db, cluster)
    round_two = next(i for i, item in enumerate(agenda) if item.title.startswith('Parallele Workshops – Durchlauf 2'))
    await lead.send_notice(db, bus, lead_secret=s, text='Die Pause endet in 5 Minuten')
    await lead.open_round(db, bus, lead_secret=s, round_number=2)
    async with db.session() as session:
        workshop = await session.get(Workshop, cluster.workshop_id)
    assert workshop.current_agenda_item_id == agenda[round_two].id and workshop.notice is None
    assert isinstance(bus.published[-1], WorkshopChanged) and set(bus.published[-1].fields) == {'agenda', 'notice'}
    # the next item is the one after round 2's (the summary), not the first of the day
    assert await lead.next_agenda_item(db, bus, lead_secret=s) == agenda[round_two + 1].id


async def test_next_agenda_item_starts_where_the_day_stands(db, bus, cluster):
    s = cluster.lead_secret
    agenda = await _agenda(db, cluster)
    assert await lead.next_agenda_item(db, bus, lead_secret=s) == agenda[0].id  # round 1: the top of the day
    await lead.open_round(db, bus, lead_secret=s, round_number=2)
    await lead.set_agenda_item(db, bus, lead_secret=s, item_id=None)  # the lead took the pointer away
    round_two = next(item for item in agenda if item.title.startswith('Parallele Workshops – Durchlauf 2'))
    assert await lead.next_agenda_item(db, bus, lead_secret=s) == round_two.id
