import datetime as dt
import uuid

import pytest
from sqlmodel import select

from workshop.events import QuestionChanged, RoundChanged, WorkshopChanged
from workshop.models import Attendance, Breakout, Idea, Participant, Question, Workshop
from workshop.services import editing, participants
from workshop.services.errors import Forbidden, Invalid, NotFound
from workshop.services.workshops import create_from_template
from workshop.templates import load_template


def _structure_events(bus, workshop_id, field='structure'):
    """The edits announced (``'questions'``: pages show the new questions without a reload)."""
    return [e for e in bus.published if isinstance(e, WorkshopChanged) and e.workshop_id == workshop_id
            and e.fields == (field,)]


async def _load(db, cluster):
    return await editing.load(db, lead_secret=cluster.lead_secret)


async def _questions(db, cluster, topic_number):
    s = await _load(db, cluster)
    topic = s.topics[topic_number - 1]
    return [(q.number, q.sub, q.block, q.text) for q in s.questions[topic.id]], s.questions[topic.id]


async def _add_idea(db, breakout_id, question_id):
    async with db.transaction() as s:
        s.add(Idea(breakout_id=breakout_id, question_id=question_id, text='Eine Idee', client_id=uuid.uuid4().hex))


async def _labels(db, cluster):
    s = await _load(db, cluster)
    return [b.label for b in s.breakouts]


# --- authorisation ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('call', [
    lambda db, bus, secret: editing.update_details(db, bus, lead_secret=secret, title='X'),
    lambda db, bus, secret: editing.add_round(db, bus, lead_secret=secret),
    lambda db, bus, secret: editing.add_topic(db, bus, lead_secret=secret, title='T', question='Q?'),
    lambda db, bus, secret: editing.add_agenda_item(db, bus, lead_secret=secret, title='Pause'),
    lambda db, bus, secret: editing.delete_question(db, bus, lead_secret=secret, question_id=1),
    lambda db, bus, secret: editing.load(db, lead_secret=secret),
])
async def test_wrong_or_empty_lead_secret_is_refused(db, bus, cluster, call):
    for secret in ('guess', '', None):
        with pytest.raises(Forbidden, match='Moderationslink|moderator link'):
            await call(db, bus, secret)
    assert bus.published == []


async def test_items_of_another_workshop_are_not_found(db, bus, cluster):
    other = await create_from_template(db, template=load_template('stakeholder-workshop-en'))
    theirs = await editing.load(db, lead_secret=other.lead_secret)
    topic, round_ = theirs.topics[0], theirs.rounds[0]
    question = theirs.questions[topic.id][0]
    calls = [
        editing.rename_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, title='Mine'),
        editing.rename_round(db, bus, lead_secret=cluster.lead_secret, round_id=round_.id, title='Mine'),
        editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=question.id, text='Mine?'),
        editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=theirs.breakouts[0].id,
                                moderator_name='Me', moderator_organisation=None),
        editing.add_agenda_item(db, bus, lead_secret=cluster.lead_secret, title='X', kind='breakout_round',
                                round_id=round_.id),
        editing.delete_agenda_item(db, bus, lead_secret=cluster.lead_secret, item_id=theirs.agenda[0].id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            await call
    assert bus.published == []


# --- workshop details -----------------------------------------------------------------------------------------

async def test_update_details(db, bus, cluster):
    workshop = await editing.update_details(
        db, bus, lead_secret=cluster.lead_secret, title='  Neuer   Titel ', subtitle='', date='26.05.2026',
        start_time='9:05', end_time='12:30', format='hybrid', organiser='Land', language='en',
        context='Zeile 1\r\n\r\n\r\n\r\nZeile 2', stakeholder_groups=['Unternehmen', ' ', 'Hochschulen'])
    async with db.session() as s:
        stored = await s.get(Workshop, cluster.workshop_id)
    assert stored.title == workshop.title == 'Neuer Titel'
    assert stored.subtitle is None
    assert stored.date == dt.date(2026, 5, 26)
    assert (stored.start_time, stored.end_time) == ('09:05', '12:30')
    assert stored.format.value == 'hybrid' and stored.organiser == 'Land' and stored.language == 'en'
    assert stored.context == 'Zeile 1\n\nZeile 2'
    assert stored.stakeholder_groups == ['Unternehmen', 'Hochschulen']
    assert bus.published == [WorkshopChanged(workshop_id=cluster.workshop_id, fields=('structure',))]

    # a partial update leaves everything else alone; ISO dates work as well
    await editing.update_details(db, bus, lead_secret=cluster.lead_secret, date='2026-06-01')
    async with db.session() as s:
        stored = await s.get(Workshop, cluster.workshop_id)
    assert stored.date == dt.date(2026, 6, 1) and stored.title == 'Neuer Titel' and stored.start_time == '09:05'


@pytest.mark.parametrize(('fields', 'message'), [
    ({'title': '  '}, 'Title must not be empty.'),
    ({'title': 'x' * 301}, 'Title is too long: 301 characters, at most 300 are allowed.'),
    ({'subtitle': 'x' * 301}, 'Subtitle is too long'),
    ({'start_time': '25:00'}, 'Start time must be a time like 14:30.'),
    ({'end_time': '14.30'}, 'End time must be a time like 14:30.'),
    ({'start_time': '16:00', 'end_time': '15:00'}, 'The end time must be after the start time.'),
    ({'end_time': '13:00'}, 'The end time must be after the start time.'),  # the stored start is 14:00
    ({'date': '31.02.2026'}, 'The date must look like 2026-05-26 or 26.05.2026.'),
    ({'format': 'zoom'}, 'Unknown workshop format.'),
    ({'language': 'fr'}, 'Unknown language.'),
    ({'organiser': 'x' * 301}, 'Organiser is too long'),
    ({'context': 'x' * 20_001}, 'Context is too long'),
    ({'stakeholder_groups': ['Kammern', 'kammern']}, 'The stakeholder group "kammern" is listed twice.'),
    ({'stakeholder_groups': [f'G{i}' for i in range(31)]}, 'At most 30 stakeholder groups are possible.'),
    ({'stakeholder_groups': ['x' * 301]}, 'Stakeholder group is too long'),
])
async def test_update_details_validation(db, bus, cluster, fields, message):
    with pytest.raises(Invalid) as e:
        await editing.update_details(db, bus, lead_secret=cluster.lead_secret, **fields)
    assert str(e.value).startswith(message)
    async with db.session() as s:
        assert (await s.get(Workshop, cluster.workshop_id)).title.startswith('Clusterworkshop')
    assert bus.published == []


# --- agenda -----------------------------------------------------------------------------------------------------

async def test_agenda_add_update_move_delete(db, bus, cluster):
    before = (await _load(db, cluster)).agenda
    rounds = (await _load(db, cluster)).rounds
    item_id = await editing.add_agenda_item(db, bus, lead_secret=cluster.lead_secret, title='Ausklang', time='17:00',
                                            speaker='Alle')
    s = await _load(db, cluster)
    assert [i.id for i in s.agenda] == [*(i.id for i in before), item_id]
    assert (s.agenda[-1].time, s.agenda[-1].kind.value, s.agenda[-1].speaker) == ('17:00', 'plenary', 'Alle')

    await editing.update_agenda_item(db, bus, lead_secret=cluster.lead_secret, item_id=item_id, title='Workshops',
                                     time='8:00', speaker=' ', kind='breakout_round', round_id=rounds[1].id)
    assert await editing.move_agenda_item(db, bus, lead_secret=cluster.lead_secret, item_id=item_id, step=-1)
    assert not await editing.move_agenda_item(db, bus, lead_secret=cluster.lead_secret, item_id=before[0].id,
                                              step=-1)  # already first
    s = await _load(db, cluster)
    moved = s.agenda[-2]
    assert (moved.id, moved.title, moved.time, moved.speaker, moved.kind.value, moved.round_id) == \
        (item_id, 'Workshops', '08:00', None, 'breakout_round', rounds[1].id)
    assert [i.position for i in s.agenda] == list(range(len(s.agenda)))

    # deleting the current agenda item clears it, positions stay consecutive
    async with db.transaction() as session:
        (await session.get(Workshop, cluster.workshop_id)).current_agenda_item_id = item_id
    await editing.delete_agenda_item(db, bus, lead_secret=cluster.lead_secret, item_id=item_id)
    s = await _load(db, cluster)
    assert [i.id for i in s.agenda] == [i.id for i in before]
    assert [i.position for i in s.agenda] == list(range(len(s.agenda)))
    assert s.workshop.current_agenda_item_id is None
    assert len(_structure_events(bus, cluster.workshop_id)) == 4  # the refused move published nothing


@pytest.mark.parametrize(('fields', 'message'), [
    ({'title': ''}, 'Title must not be empty.'),
    ({'title': 'Pause', 'time': '7'}, 'Time must be a time like 14:30.'),
    ({'title': 'Pause', 'kind': 'lunch'}, 'Unknown kind of agenda item.'),
    ({'title': 'Pause', 'speaker': 'x' * 301}, 'Speaker is too long'),
    ({'title': 'Pause', 'kind': 'plenary', 'round_id': 1},
     'Only an agenda item of the kind "breakout round" can name a round.'),
])
async def test_agenda_validation(db, bus, cluster, fields, message):
    with pytest.raises(Invalid) as e:
        await editing.add_agenda_item(db, bus, lead_secret=cluster.lead_secret, **fields)
    assert str(e.value).startswith(message)
    assert bus.published == []


async def test_agenda_missing_items_and_rounds(db, bus, cluster):
    with pytest.raises(NotFound, match='agenda item does not exist'):
        await editing.update_agenda_item(db, bus, lead_secret=cluster.lead_secret, item_id=999_999, title='X')
    with pytest.raises(NotFound, match='round does not exist'):
        await editing.add_agenda_item(db, bus, lead_secret=cluster.lead_secret, title='X', kind='breakout_round',
                                      round_id=999_999)
    with pytest.raises(Invalid, match='one place up or down'):
        await editing.move_question(db, bus, lead_secret=cluster.lead_secret, question_id=1, step=2)


# --- rounds ---------------------------------------------------------------------------------------------------------

async def test_adding_a_round_creates_its_breakouts(db, bus, cluster):
    round_id = await editing.add_round(db, bus, lead_secret=cluster.lead_secret)
    s = await _load(db, cluster)
    assert [r.title for r in s.rounds] == ['Durchlauf 1', 'Durchlauf 2', 'Durchlauf 3']
    new = [b for b in s.breakouts if b.round_id == round_id]
    assert [b.label for b in new] == ['W 3.1', 'W 3.2', 'W 3.3']
    assert [b.topic_id for b in new] == [t.id for t in s.topics]
    assert [b.current_question_id for b in new] == [s.questions[t.id][0].id for t in s.topics]
    assert [b.moderator_name for b in new] == ['Moderation W1', 'Moderation W2', 'Moderation W3']
    assert len({b.moderator_secret for b in s.breakouts}) == 9
    assert all(len(b.moderator_secret) >= 22 for b in new)  # 128 bits
    assert _structure_events(bus, cluster.workshop_id) == bus.published and len(bus.published) == 1

    await editing.add_round(db, bus, lead_secret=cluster.lead_secret, title='  Vertiefung ')
    await editing.rename_round(db, bus, lead_secret=cluster.lead_secret, round_id=round_id, title='Zusatzrunde')
    assert [r.title for r in (await _load(db, cluster)).rounds][2:] == ['Zusatzrunde', 'Vertiefung']
    with pytest.raises(Invalid, match='Round title must not be empty'):
        await editing.rename_round(db, bus, lead_secret=cluster.lead_secret, round_id=round_id, title=' ')
    with pytest.raises(Invalid, match='Round title is too long'):
        await editing.add_round(db, bus, lead_secret=cluster.lead_secret, title='x' * 301)


async def test_an_english_workshop_gets_english_round_titles(db, bus):
    links = await create_from_template(db, template=load_template('stakeholder-workshop-en'))
    await editing.add_round(db, bus, lead_secret=links.lead_secret)
    s = await editing.load(db, lead_secret=links.lead_secret)
    assert s.rounds[-1].title == f'Round {len(s.rounds)}'


async def test_deleting_a_round_renumbers_and_moves_the_current_round(db, bus, cluster):
    s = await _load(db, cluster)
    first, second = s.rounds
    agenda_item = next(i for i in s.agenda if i.round_id == first.id)
    await editing.delete_round(db, bus, lead_secret=cluster.lead_secret, round_id=first.id)
    s = await _load(db, cluster)
    assert [(r.id, r.number, r.title) for r in s.rounds] == [(second.id, 1, 'Durchlauf 1')]
    assert [b.label for b in s.breakouts] == ['W 1.1', 'W 1.2', 'W 1.3']
    assert s.workshop.current_round_id == second.id
    assert next(i for i in s.agenda if i.id == agenda_item.id).round_id is None
    assert RoundChanged(workshop_id=cluster.workshop_id, round_id=second.id, round_number=1) in bus.published
    assert bus.published[-1] == WorkshopChanged(workshop_id=cluster.workshop_id, fields=('structure',))

    with pytest.raises(Invalid, match='A workshop needs at least one round.'):
        await editing.delete_round(db, bus, lead_secret=cluster.lead_secret, round_id=second.id)


async def test_a_round_with_ideas_or_participants_is_not_deleted(db, bus, cluster):
    s = await _load(db, cluster)
    second = s.rounds[1]
    breakout = next(b for b in s.breakouts if b.round_id == second.id)
    async with db.transaction() as session:  # somebody chose a room of round 2
        participant = Participant(workshop_id=cluster.workshop_id, token='t-1')
        session.add(participant)
        await session.flush()
        session.add(Attendance(participant_id=participant.id, round_id=second.id, breakout_id=breakout.id))
    with pytest.raises(Invalid, match='Participants have already joined rooms of this round'):
        await editing.delete_round(db, bus, lead_secret=cluster.lead_secret, round_id=second.id)
    await _add_idea(db, breakout.id, breakout.current_question_id)
    with pytest.raises(Invalid, match='This round already has ideas and cannot be deleted.'):
        await editing.delete_round(db, bus, lead_secret=cluster.lead_secret, round_id=second.id)
    assert len((await _load(db, cluster)).rounds) == 2
    assert bus.published == []


# --- topics ------------------------------------------------------------------------------------------------------

async def test_adding_a_topic_adds_a_breakout_in_every_round(db, bus, cluster):
    topic_id = await editing.add_topic(db, bus, lead_secret=cluster.lead_secret, title='Fachkräfte',
                                       question='Wo fehlen Fachkräfte?')
    s = await _load(db, cluster)
    assert s.topics[-1].id == topic_id and s.topics[-1].number == 4
    question = s.questions[topic_id][0]
    assert (question.number, question.sub, question.block, question.text) == (1, None, None, 'Wo fehlen Fachkräfte?')
    new = [b for b in s.breakouts if b.topic_id == topic_id]
    assert [b.label for b in new] == ['W 1.4', 'W 2.4']
    assert all(b.current_question_id == question.id and b.moderator_name is None for b in new)
    await editing.rename_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic_id, title='Fachkräfte 2030')
    assert (await _load(db, cluster)).topics[-1].title == 'Fachkräfte 2030'
    assert len(_structure_events(bus, cluster.workshop_id)) == 2

    with pytest.raises(Invalid, match='Guiding question must not be empty'):
        await editing.add_topic(db, bus, lead_secret=cluster.lead_secret, title='Leer', question='')
    with pytest.raises(Invalid, match='Topic title must not be empty'):
        await editing.rename_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic_id, title='')


async def test_deleting_a_topic_renumbers_topics_and_labels(db, bus, cluster):
    s = await _load(db, cluster)
    t1, t2, t3 = s.topics
    async with db.transaction() as session:
        (await session.get(Workshop, cluster.workshop_id)).summary_topic = 3
    await editing.delete_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=t2.id)
    s = await _load(db, cluster)
    assert [(t.id, t.number) for t in s.topics] == [(t1.id, 1), (t3.id, 2)]
    assert [b.label for b in s.breakouts] == ['W 1.1', 'W 1.2', 'W 2.1', 'W 2.2']
    assert [b.topic_id for b in s.breakouts] == [t1.id, t3.id, t1.id, t3.id]
    assert s.workshop.summary_topic == 2
    async with db.session() as session:
        assert (await session.exec(select(Question).where(Question.topic_id == t2.id))).all() == []

    await editing.delete_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=t3.id)
    with pytest.raises(Invalid, match='A workshop needs at least one topic.'):
        await editing.delete_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=t1.id)


async def test_a_topic_with_ideas_or_participants_is_not_deleted(db, bus, cluster):
    s = await _load(db, cluster)
    topic = s.topics[2]
    _, token = await participants.join(db, code=cluster.join_code)
    await participants.choose_breakout(db, bus, token=token, workshop_id=cluster.workshop_id,
                                       breakout_id=cluster.breakouts[2].breakout_id)
    bus.published.clear()
    with pytest.raises(Invalid, match='Participants have already joined rooms of this topic'):
        await editing.delete_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id)
    breakout_round_2 = next(b for b in s.breakouts if b.topic_id == topic.id and b.round_id == s.rounds[1].id)
    await _add_idea(db, breakout_round_2.id, s.questions[topic.id][3].id)
    with pytest.raises(Invalid, match='This topic already has ideas and cannot be deleted.'):
        await editing.delete_topic(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id)
    assert len((await _load(db, cluster)).topics) == 3
    assert bus.published == []


# --- breakouts ------------------------------------------------------------------------------------------------------

async def test_breakout_moderator(db, bus, cluster):
    b = cluster.breakouts[0]
    await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=b.breakout_id,
                                  moderator_name=' Dr. Anna  Schmidt ', moderator_organisation='')
    async with db.session() as s:
        stored = await s.get(Breakout, b.breakout_id)
    assert (stored.moderator_name, stored.moderator_organisation) == ('Dr. Anna Schmidt', None)
    with pytest.raises(Invalid, match='Moderator name is too long'):
        await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=b.breakout_id,
                                      moderator_name='x' * 301, moderator_organisation=None)
    with pytest.raises(Invalid, match='Organisation is too long'):
        await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=b.breakout_id,
                                      moderator_name=None, moderator_organisation='x' * 301)
    with pytest.raises(NotFound, match='This breakout does not exist.'):
        await editing.update_breakout(db, bus, lead_secret=cluster.lead_secret, breakout_id=999_999,
                                      moderator_name=None, moderator_organisation=None)
    assert len(bus.published) == 1


# --- guiding questions ---------------------------------------------------------------------------------------------

BLOCK_A = 'Generelle Leistungsfähigkeit von Clusterinitiativen'
BLOCK_B = 'Identifizierung von strategischen Themen in der Clusterinitiative'


async def test_template_numbering_is_what_the_editor_keeps(db, cluster):
    shape, _ = await _questions(db, cluster, 2)
    assert [(n, sub, block) for n, sub, block, _t in shape] == [
        (1, 'a', BLOCK_A), (1, 'b', BLOCK_A), (2, 'a', BLOCK_B), (2, 'b', BLOCK_B), (3, None, None)]


async def test_add_question_plain_and_into_a_block(db, bus, cluster):
    s = await _load(db, cluster)
    topic = s.topics[1]
    await editing.add_question(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, text='Was noch?')
    await editing.add_question(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, text='Welche Faktoren?',
                               block=BLOCK_A, dots_budget=5)
    await editing.add_question(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, text='Wer hilft?',
                               block='Neuer Block')
    shape, questions = await _questions(db, cluster, 2)
    assert [(n, sub, block, text) for n, sub, block, text in shape] == [
        (1, 'a', BLOCK_A, 'Wo werden Faktoren gesehen, um generell die Leistungsfähigkeit zu steigern?'),
        (1, 'b', BLOCK_A, 'Beitrag von Clusterstrategien zur Steigerung der Leistungsfähigkeit?'),
        (1, 'c', BLOCK_A, 'Welche Faktoren?'),
        (2, 'a', BLOCK_B, 'Einsatz von Methoden / Instrumenten'),
        (2, 'b', BLOCK_B, 'Organisation des Clusterstrategieprozesses'),
        (3, None, None, 'Unterstützungsbedarfe bei der Strategieentwicklung'),
        (4, None, None, 'Was noch?'),
        (5, 'a', 'Neuer Block', 'Wer hilft?'),
    ]
    assert [q.position for q in questions] == list(range(8))
    assert questions[2].dots_budget == 5
    assert len(_structure_events(bus, cluster.workshop_id, 'questions')) == 3


@pytest.mark.parametrize(('fields', 'message'), [
    ({'text': ' '}, 'Guiding question must not be empty.'),
    ({'text': 'x' * 1001}, 'Guiding question is too long: 1001 characters, at most 1000 are allowed.'),
    ({'text': 'Frage?', 'block': 'x' * 301}, 'Block is too long'),
    ({'text': 'Frage?', 'dots_budget': 0}, 'The dots per person must be a number between 1 and 20.'),
    ({'text': 'Frage?', 'dots_budget': 21}, 'The dots per person must be a number between 1 and 20.'),
    ({'text': 'Frage?', 'dots_budget': 2.5}, 'The dots per person must be a number between 1 and 20.'),
])
async def test_question_validation(db, bus, cluster, fields, message):
    topic = (await _load(db, cluster)).topics[0]
    with pytest.raises(Invalid) as e:
        await editing.add_question(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, **fields)
    assert str(e.value).startswith(message)
    question = (await _load(db, cluster)).questions[topic.id][0]
    update = {k: v for k, v in fields.items() if k != 'text' or len(fields) == 1}
    with pytest.raises(Invalid) as e:
        await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=question.id, **update)
    assert str(e.value).startswith(message)
    assert bus.published == []


async def test_update_question_text_and_dots(db, bus, cluster):
    _, questions = await _questions(db, cluster, 1)
    await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=questions[1].id,
                                  text='  Gab es schon vorher Beziehungen? ', dots_budget=4)
    shape, questions = await _questions(db, cluster, 1)
    assert shape[1] == (2, None, None, 'Gab es schon vorher Beziehungen?') and questions[1].dots_budget == 4
    await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=questions[1].id,
                                  dots_budget=None)
    _, questions = await _questions(db, cluster, 1)
    assert questions[1].dots_budget is None and questions[1].text == 'Gab es schon vorher Beziehungen?'
    with pytest.raises(NotFound, match='guiding question does not exist'):
        await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=999_999, text='X')


async def test_moving_questions_keeps_blocks_together(db, bus, cluster):
    _, qs = await _questions(db, cluster, 2)
    a1, a2, b1, b2, plain = qs
    # a sub-question moves within its block only
    assert await editing.move_question(db, bus, lead_secret=cluster.lead_secret, question_id=a2.id, step=-1)
    assert not await editing.move_question(db, bus, lead_secret=cluster.lead_secret, question_id=a2.id, step=-1)
    assert not await editing.move_question(db, bus, lead_secret=cluster.lead_secret, question_id=b2.id, step=1)
    # a plain question jumps over a whole block
    assert await editing.move_question(db, bus, lead_secret=cluster.lead_secret, question_id=plain.id, step=-1)
    shape, qs = await _questions(db, cluster, 2)
    assert [q.id for q in qs] == [a2.id, a1.id, plain.id, b1.id, b2.id]
    assert [(n, sub) for n, sub, _b, _t in shape] == [(1, 'a'), (1, 'b'), (2, None), (3, 'a'), (3, 'b')]
    # a whole block moves
    assert await editing.move_block(db, bus, lead_secret=cluster.lead_secret, question_id=a1.id, step=1)
    assert not await editing.move_block(db, bus, lead_secret=cluster.lead_secret, question_id=b2.id, step=1)
    shape, qs = await _questions(db, cluster, 2)
    assert [q.id for q in qs] == [plain.id, a2.id, a1.id, b1.id, b2.id]
    assert [(n, sub) for n, sub, _b, _t in shape] == [(1, None), (2, 'a'), (2, 'b'), (3, 'a'), (3, 'b')]
    assert [q.position for q in qs] == list(range(5))
    assert len(_structure_events(bus, cluster.workshop_id, 'questions')) == 3  # refused moves publish nothing


async def test_changing_the_block_of_a_question(db, bus, cluster):
    _, qs = await _questions(db, cluster, 2)
    a1, a2, b1, b2, plain = qs
    # into another block: to its end
    await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=a1.id, block=BLOCK_B)
    shape, qs = await _questions(db, cluster, 2)
    assert [q.id for q in qs] == [a2.id, b1.id, b2.id, a1.id, plain.id]
    assert [(n, sub) for n, sub, _b, _t in shape] == [(1, 'a'), (2, 'a'), (2, 'b'), (2, 'c'), (3, None)]
    # out of a block: right after it, as a question of its own
    await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=b1.id, block='')
    shape, qs = await _questions(db, cluster, 2)
    assert [q.id for q in qs] == [a2.id, b2.id, a1.id, b1.id, plain.id]
    assert [(n, sub, b) for n, sub, b, _t in shape] == [
        (1, 'a', BLOCK_A), (2, 'a', BLOCK_B), (2, 'b', BLOCK_B), (3, None, None), (4, None, None)]
    # a plain question becomes a block of its own where it is
    await editing.update_question(db, bus, lead_secret=cluster.lead_secret, question_id=plain.id, block='Bedarfe')
    shape, _ = await _questions(db, cluster, 2)
    assert shape[-1][:3] == (4, 'a', 'Bedarfe')


async def test_rename_and_dissolve_a_block(db, bus, cluster):
    _, qs = await _questions(db, cluster, 2)
    a1, a2, b1, _b2, plain = qs
    await editing.rename_block(db, bus, lead_secret=cluster.lead_secret, question_id=a2.id, block='Leistung')
    shape, _ = await _questions(db, cluster, 2)
    assert [b for _n, _s, b, _t in shape][:2] == ['Leistung', 'Leistung']
    with pytest.raises(Invalid, match='already has a block with this title'):
        await editing.rename_block(db, bus, lead_secret=cluster.lead_secret, question_id=a1.id, block=BLOCK_B)
    with pytest.raises(Invalid, match='not part of a block'):
        await editing.rename_block(db, bus, lead_secret=cluster.lead_secret, question_id=plain.id, block='X')
    await editing.rename_block(db, bus, lead_secret=cluster.lead_secret, question_id=b1.id, block=' ')
    shape, _ = await _questions(db, cluster, 2)
    assert [(n, sub, b) for n, sub, b, _t in shape] == [
        (1, 'a', 'Leistung'), (1, 'b', 'Leistung'), (2, None, None), (3, None, None), (4, None, None)]


async def test_a_block_holds_at_most_26_sub_questions(db, bus, cluster):
    topic = (await _load(db, cluster)).topics[1]
    for i in range(24):
        await editing.add_question(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, text=f'F{i}',
                                   block=BLOCK_A)
    shape, _ = await _questions(db, cluster, 2)
    assert shape[25][:2] == (1, 'z')
    with pytest.raises(Invalid, match='A block can hold at most 26 sub-questions.'):
        await editing.add_question(db, bus, lead_secret=cluster.lead_secret, topic_id=topic.id, text='zu viel',
                                   block=BLOCK_A)


async def test_delete_question_renumbers_and_moves_breakouts_on(db, bus, cluster):
    _, qs = await _questions(db, cluster, 2)
    a1, a2, b1, b2, plain = qs
    w12 = cluster.breakouts[1]
    async with db.transaction() as s:  # W 1.2 shows 1a.
        assert (await s.get(Breakout, w12.breakout_id)).current_question_id == a1.id
    await editing.delete_question(db, bus, lead_secret=cluster.lead_secret, question_id=a1.id)
    shape, qs = await _questions(db, cluster, 2)
    assert [(n, sub) for n, sub, _b, _t in shape] == [(1, 'a'), (2, 'a'), (2, 'b'), (3, None)]
    async with db.session() as s:
        assert (await s.get(Breakout, w12.breakout_id)).current_question_id == a2.id
    changed = [e for e in bus.published if isinstance(e, QuestionChanged)]
    assert {(e.breakout_id, e.question_id) for e in changed} == \
        {(b.breakout_id, a2.id) for b in cluster.breakouts if b.topic == cluster.breakouts[1].topic}
    assert bus.published[-1] == WorkshopChanged(workshop_id=cluster.workshop_id, fields=('questions',))

    await editing.delete_question(db, bus, lead_secret=cluster.lead_secret, question_id=a2.id)
    shape, _ = await _questions(db, cluster, 2)
    assert [(n, sub) for n, sub, _b, _t in shape] == [(1, 'a'), (1, 'b'), (2, None)]
    await editing.delete_question(db, bus, lead_secret=cluster.lead_secret, question_id=b1.id)
    await editing.delete_question(db, bus, lead_secret=cluster.lead_secret, question_id=plain.id)
    with pytest.raises(Invalid, match='A topic needs at least one guiding question.'):
        await editing.delete_question(db, bus, lead_secret=cluster.lead_secret, question_id=b2.id)


async def test_a_question_with_ideas_is_not_deleted(db, bus, cluster):
    _, qs = await _questions(db, cluster, 1)
    await _add_idea(db, cluster.breakouts[0].breakout_id, qs[0].id)
    with pytest.raises(Invalid, match='This guiding question already has ideas and cannot be deleted.'):
        await editing.delete_question(db, bus, lead_secret=cluster.lead_secret, question_id=qs[0].id)
    s = await _load(db, cluster)
    assert s.ideas_per_question == {qs[0].id: 1}
    assert len(s.questions[s.topics[0].id]) == 6
    assert bus.published == []


async def test_load_orders_everything(db, cluster):
    s = await _load(db, cluster)
    assert s.workshop.id == cluster.workshop_id
    assert [r.number for r in s.rounds] == [1, 2] and [t.number for t in s.topics] == [1, 2, 3]
    assert [b.label for b in s.breakouts] == ['W 1.1', 'W 1.2', 'W 1.3', 'W 2.1', 'W 2.2', 'W 2.3']
    assert [i.position for i in s.agenda] == list(range(len(s.agenda)))

