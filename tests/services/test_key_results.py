"""One key-results model (#15): per question → per breakout → per topic → Resümee → protocol, each level drafted
from the one below, editable, and citing the ideas it rests on."""

import pytest

from workshop.events import KeyResultsChanged, WorkshopChanged
from workshop.models import Breakout, Idea, Topic
from workshop.protocol.document import load_document
from workshop.services import clusters, curation, facilitation, lead, participants, protocol_options, results, votes
from workshop.services.errors import Forbidden, Invalid
from workshop.services.results import KeyResult, carry

from .helpers import member, post


async def _room(db, bus, cluster):
    """W 1.1 with a cluster of two ideas (3 dots), a marked idea and a voted idea outside any cluster."""
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    voters = [(await member(db, bus, cluster))[0] for _ in range(3)]
    a = await post(db, bus, token, breakout_id, 'Hochschulen stoßen Netzwerke an')
    b = await post(db, bus, token, breakout_id, 'Kammern als Initiatoren')
    marked = await post(db, bus, token, breakout_id, 'Ein Kümmerer ist nötig')
    loose = await post(db, bus, token, breakout_id, 'Förderung über drei Jahre')
    async with db.session() as s:
        question_id = (await s.get(Idea, a)).question_id
    cluster_id = await clusters.create_cluster(db, bus, secret=secret, title='Wissenschaft und Kammern',
                                               question_id=question_id)
    for idea in (a, b):
        await clusters.file_idea(db, bus, secret=secret, idea_id=idea, cluster_id=cluster_id)
    await curation.set_marked(db, bus, secret=secret, idea_id=marked, marked=True)
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    for voter in voters:
        await votes.cast_dot(db, bus, token=voter, idea_id=a)
    await votes.cast_dot(db, bus, token=voters[0], idea_id=loose)
    return secret, breakout_id, question_id, {'a': a, 'b': b, 'marked': marked, 'loose': loose}


async def test_a_question_is_drafted_from_clusters_and_marked_ideas_citing_them(db, bus, cluster):
    secret, breakout_id, question_id, ids = await _room(db, bus, cluster)
    async with db.session() as s:
        draft = await results.draft_results(s, breakout_id=breakout_id, question_id=question_id)
    assert draft == [KeyResult('Ein Kümmerer ist nötig', (ids['marked'],)),
                     KeyResult('Wissenschaft und Kammern', (ids['a'], ids['b'])),  # the cluster: its ideas by dots
                     KeyResult('Förderung über drei Jahre', (ids['loose'],))]
    # saved as drafted, a line edited in place, one typed anew
    saved = await results.save(db, bus, secret=secret, question_id=question_id,
                               items=['Ein Kümmerer ist nötig', 'Wissenschaft und Kammern stoßen an', 'Neu'])
    event = bus.published[-1]
    assert isinstance(event, KeyResultsChanged) and event.key_results == tuple(saved)
    assert event.sources == ((ids['marked'],), (), ())  # a line that reads like no draft bullet cites nothing
    # the draft's bullets carry their citations; a saved line keeps its citations when edited in place
    await results.save(db, bus, secret=secret, question_id=question_id,
                       items=['Ein Kümmerer ist nötig', 'Wissenschaft und Kammern', 'Förderung über drei Jahre'])
    assert bus.published[-1].sources == ((ids['marked'],), (ids['a'], ids['b']), (ids['loose'],))
    await results.save(db, bus, secret=secret, question_id=question_id,
                       items=['Ein Kümmerer ist unbedingt nötig', 'Wissenschaft und Kammern',
                              'Förderung über drei Jahre'])
    assert bus.published[-1].sources == ((ids['marked'],), (ids['a'], ids['b']), (ids['loose'],))
    async with db.session() as s:
        found = await results.question_results(s, breakout_id=breakout_id, question_id=question_id)
    assert [(kr.text, sup.contributions, sup.dots) for kr, sup in found] == [
        ('Ein Kümmerer ist unbedingt nötig', 1, 0), ('Wissenschaft und Kammern', 2, 3),
        ('Förderung über drei Jahre', 1, 1)]
    with pytest.raises(Forbidden):
        await results.save(db, bus, secret='nope', question_id=question_id, items=['x'])


def test_carry_keeps_sources_by_text_then_by_place():
    before = [KeyResult('A', (1,)), KeyResult('B', (2,)), KeyResult('C', (3,))]
    # reordered: by text; "b" reads like "B" (case and spacing ignored)
    assert carry(['C', ' b ', 'A'], before) == [KeyResult('C', (3,)), KeyResult(' b ', (2,)), KeyResult('A', (1,))]
    # edited in place: the same number of lines, the old line at its place gone
    assert carry(['A', 'B, genauer', 'C'], before)[1] == KeyResult('B, genauer', (2,))
    # a line added: no place to carry from; a candidate's text takes the candidate's sources
    assert carry(['A', 'Neu', 'B', 'C'], before, [KeyResult('Neu', (9,))])[1] == KeyResult('Neu', (9,))
    assert carry(['A', 'Anders'], before)[1] == KeyResult('Anders', ())


async def test_support_follows_merges_and_leaves_out_hidden_ideas(db, bus, cluster):
    secret, breakout_id, question_id, ids = await _room(db, bus, cluster)
    await results.save(db, bus, secret=secret, question_id=question_id, items=['Wissenschaft und Kammern'])
    await curation.merge_ideas(db, bus, secret=secret, keep_id=ids['loose'], merge_id=ids['b'])
    await curation.hide_idea(db, bus, secret=secret, idea_id=ids['a'], hidden=True)
    async with db.session() as s:
        found = await results.question_results(s, breakout_id=breakout_id, question_id=question_id)
    assert [(sup.contributions, sup.dots) for _kr, sup in found] == [(1, 1)]  # b now counts as "loose"


async def test_breakout_and_topic_levels_are_drafted_from_below_and_the_summary_says_what_the_protocol_says(
        db, bus, cluster):
    secret, breakout_id, question_id, ids = await _room(db, bus, cluster)
    await results.save(db, bus, secret=secret, question_id=question_id,
                       items=['Ein Kümmerer ist nötig', 'Wissenschaft und Kammern'])
    # the reported bug: per-question key results only, and the Resümee showed none
    async with db.session() as s:
        summary = await results.topic_summary(s, workshop_id=cluster.workshop_id, topic_number=1)
        doc = await load_document(s, cluster.workshop_id)
    assert summary.key_results == doc.topics[0].key_results == ['Ein Kümmerer ist nötig', 'Wissenschaft und Kammern']
    assert [(s.contributions, s.dots) for s in summary.support] == [(1, 0), (2, 3)]
    assert doc.topics[0].key_result_questions == [['1.'], ['1.']]

    # the breakout level: drafted from its questions' key results, citations carried
    async with db.session() as s:
        draft = await results.draft_results(s, breakout_id=breakout_id)
    assert draft[:2] == [KeyResult('Ein Kümmerer ist nötig', (ids['marked'],)),
                         KeyResult('Wissenschaft und Kammern', (ids['a'], ids['b']))]
    await results.save(db, bus, secret=secret, items=['Wissenschaft und Kammern', 'Ein Gesamtergebnis'])
    async with db.session() as s:
        assert (await s.get(Breakout, breakout_id)).key_result_sources == [[ids['a'], ids['b']], []]

    # round 2's breakout of the same topic adds its own; the topic level merges both, repeats dropped
    token, _ = await member(db, bus, cluster)
    await lead.open_round(db, bus, lead_secret=cluster.lead_secret, round_number=2)
    w21 = cluster.breakouts[3]
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id,
                                       breakout_id=w21.breakout_id)
    idea = await post(db, bus, token, w21.breakout_id, 'Das Land als Initiator')
    await curation.set_marked(db, bus, secret=w21.moderator_secret, idea_id=idea, marked=True)
    await results.save(db, bus, secret=w21.moderator_secret, question_id=question_id,
                       items=['Das Land als Initiator', 'wissenschaft und kammern'])
    async with db.session() as s:
        topic = await s.get(Topic, (await s.get(Breakout, breakout_id)).topic_id)
        drafted = await results.draft_topic(s, topic_id=topic.id)
    assert drafted == [KeyResult('Wissenschaft und Kammern', (ids['a'], ids['b'])), KeyResult('Ein Gesamtergebnis'),
                       KeyResult('Das Land als Initiator', (idea,))]

    # the lead edits the topic level: lines that read like the breakouts' cite their ideas
    bus.published.clear()
    with pytest.raises(Forbidden):
        await results.save_topic(db, bus, lead_secret=secret, topic_id=topic.id, items=['x'])
    await results.save_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id,
                             items=['Das Land als Initiator', 'Ein Kümmerer ist nötig', 'Eigene Zusammenfassung'])
    assert bus.published == [WorkshopChanged(workshop_id=cluster.workshop_id, fields=('protocol', 'key_results'))]
    async with db.session() as s:
        topic = await s.get(Topic, topic.id)
        assert topic.key_result_sources == [[idea], [ids['marked']], []]
        summary = await results.topic_summary(s, workshop_id=cluster.workshop_id, topic_number=1)
        doc = await load_document(s, cluster.workshop_id)
    assert summary.key_results == doc.topics[0].key_results == ['Das Land als Initiator', 'Ein Kümmerer ist nötig',
                                                               'Eigene Zusammenfassung']
    assert [(s.contributions, s.dots) for s in summary.support] == [(1, 0), (1, 0), (0, 0)]
    # emptied again: the breakouts' once more
    await results.save_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, items=['', ' '])
    async with db.session() as s:
        summary = await results.topic_summary(s, workshop_id=cluster.workshop_id, topic_number=1)
    assert summary.key_results == ['Wissenschaft und Kammern', 'Ein Gesamtergebnis', 'Das Land als Initiator']


async def test_a_moderator_writes_the_summary_of_a_question_of_the_topic(db, bus, cluster):
    w11, w12 = cluster.breakouts[0], cluster.breakouts[1]
    async with db.session() as s:
        own = (await s.get(Breakout, w11.breakout_id)).current_question_id
        other = (await s.get(Breakout, w12.breakout_id)).current_question_id
    assert await protocol_options.set_question_summary_by_moderator(
        db, bus, secret=w11.moderator_secret, question_id=own, text=' Vor allem Kammern. ') == 'Vor allem Kammern.'
    assert bus.published[-1] == WorkshopChanged(workshop_id=cluster.workshop_id, fields=('protocol',))
    with pytest.raises(Invalid):  # another topic's question
        await protocol_options.set_question_summary_by_moderator(db, bus, secret=w11.moderator_secret,
                                                                 question_id=other, text='x')
    with pytest.raises(Forbidden):
        await protocol_options.set_question_summary_by_moderator(db, bus, secret='nope', question_id=own, text='x')
    async with db.session() as s:
        doc = await load_document(s, cluster.workshop_id)
    assert doc.topics[0].questions[0].summary == 'Vor allem Kammern.'
