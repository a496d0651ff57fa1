import pickle

from workshop.protocol.document import load_document

from .conftest import SCRIPT_IDEA


async def _doc(db, ran):
    async with db.session() as s:
        return await load_document(s, ran.links.workshop_id)


async def test_topics_merge_their_rounds_and_order_ideas_by_dots(db, ran):
    doc = await _doc(db, ran)
    topic = doc.topics[0]
    assert [b.label for b in topic.breakouts] == ['W 1.1', 'W 2.1']
    first = topic.questions[0]
    # the moderator's headings, the one with the most dots first; ideas without a heading last
    assert [g.heading for g in first.groups] == ['Öffentliche Hand & Wissenschaft', 'Wirtschaft', None]
    assert [(i.text, i.dots) for i in first.groups[0].ideas] == [
        ('Wirtschaftsförderung der Region als „Türöffner“ für KMU', 3), ('Hochschulen und Kammern als Initiatoren', 1)]
    # round 2's idea sits with round 1's under the same question
    assert [(i.text, i.dots, i.breakout_label) for i in first.groups[2].ideas] == [
        ('Landesministerium als Initiator von Clustern', 1, 'W 2.1'), (SCRIPT_IDEA, 0, 'W 1.1')]
    assert first.voted and first.top(2)[0].dots == 3


async def test_hidden_and_merged_ideas_are_left_out_and_the_kept_idea_counts_mentions(db, ran):
    doc = await _doc(db, ran)
    texts = [i.text for t in doc.topics for q in t.questions for i in q.ideas]
    assert sorted(texts) == sorted(ran.visible)
    for gone in ran.hidden + ran.merged:
        assert gone not in texts
    door = next(i for t in doc.topics for q in t.questions for i in q.ideas if 'Türöffner' in i.text)
    assert door.mentions == 2
    # the CSV rows keep everything, with a status
    statuses = {r.text: r.status for r in doc.idea_rows}
    assert statuses['Kaufen Sie jetzt günstige Uhren'] == 'hidden'
    assert statuses['Wirtschaftsförderung als Türöffner'] == 'merged'


async def test_key_results_participation_conclusions_and_blocks(db, ran):
    doc = await _doc(db, ran)
    # both rounds' key results, the repeated one once
    assert doc.topics[0].key_results == ran.key_results
    assert doc.topics[0].questions[0].key_results == ['Öffentliche Hand als Türöffner']
    rows = {r.group: (r.joined, r.extra, r.total) for r in doc.participation}
    assert rows['Unternehmen'] == (2, 2, 4) and rows['Hochschulen'] == (1, 0, 1) and rows[None] == (1, 0, 1)
    assert doc.participants == 7
    assert [c.title for c in doc.conclusions] == ran.conclusions
    strategy = doc.topics[1].questions
    assert [(q.number, q.sub, q.block is not None) for q in strategy] == [
        (1, 'a', True), (1, 'b', True), (2, 'a', True), (2, 'b', True), (3, None, False)]
    assert strategy[0].label == 'a.' and strategy[0].full_label == '1a.'
    agenda_round = next(a for a in doc.agenda if a.kind == 'breakout_round')
    assert [b.label for b in agenda_round.breakouts] == ['W 1.1', 'W 1.2', 'W 1.3']
    assert not doc.final and doc.last_version is None


async def test_authors_only_when_the_workshop_names_them(db, bus, ran):
    from workshop.services import protocol
    doc = await _doc(db, ran)
    assert all(i.author is None for t in doc.topics for q in t.questions for i in q.ideas)
    await protocol.set_name_authors(db, bus, lead_secret=ran.lead_secret, name_authors=True)
    doc = await _doc(db, ran)
    authors = {i.text: i.author for t in doc.topics for q in t.questions for i in q.ideas}
    assert authors['Großunternehmen mit ihren Zulieferern (Automobil, Maschinenbau)'] == \
        'Jörg Müller, Müller & Söhne GmbH'
    assert authors['Wirtschaftsförderung der Region als „Türöffner“ für KMU'] is None  # gave no name


async def test_the_document_is_picklable_for_a_worker_process(db, ran):
    doc = await _doc(db, ran)
    assert pickle.loads(pickle.dumps(doc)) == doc
