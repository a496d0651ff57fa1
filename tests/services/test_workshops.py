import datetime as dt

from sqlmodel import select

from workshop.models import AgendaItem, AgendaKind, Breakout, Question, Round, Topic, Workshop
from workshop.services import workshops
from workshop.services.codes import JOIN_ALPHABET, JOIN_CODE_LENGTH
from workshop.templates import load_template


async def test_template_becomes_a_running_workshop(db, cluster):
    async with db.session() as s:
        workshop = await s.get(Workshop, cluster.workshop_id)
        rounds = await workshops.rounds_of(s, workshop.id)
        breakouts = await workshops.breakouts_of(s, workshop.id)
        topics = (await s.exec(select(Topic).where(Topic.workshop_id == workshop.id))).all()
        agenda = await workshops.agenda_of(s, workshop.id)

    assert workshop.title.startswith('Clusterworkshop')
    assert workshop.language == 'de' and workshop.start_time == '14:00'
    assert workshop.date == dt.date.today()
    assert 'Hochschulen' in workshop.stakeholder_groups
    assert [r.title for r in rounds] == ['Durchlauf 1', 'Durchlauf 2']
    assert workshop.current_round_id == rounds[0].id
    assert [b.label for b in breakouts] == ['W 1.1', 'W 1.2', 'W 1.3', 'W 2.1', 'W 2.2', 'W 2.3']
    # breakouts of different rounds with the same topic share the topic
    assert breakouts[0].topic_id == breakouts[3].topic_id != breakouts[1].topic_id
    assert len(topics) == 3
    assert [b.moderator_name for b in breakouts[:3]] == [b.moderator_name for b in breakouts[3:]]
    kinds = {item.kind for item in agenda}
    assert {AgendaKind.plenary, AgendaKind.break_, AgendaKind.breakout_round, AgendaKind.summary} <= kinds
    assert sum(item.round_id is not None for item in agenda) == 2


async def test_questions_keep_blocks_and_sub_questions(db, cluster):
    async with db.session() as s:
        breakouts = await workshops.breakouts_of(s, cluster.workshop_id)
        strategy = await workshops.questions_of(s, breakouts[1].topic_id)
        formation = await workshops.questions_of(s, breakouts[0].topic_id)
    assert len(formation) == 6 and [q.label for q in formation] == ['1.', '2.', '3.', '4.', '5.', '6.']
    assert [(q.number, q.sub) for q in strategy] == [(1, 'a'), (1, 'b'), (2, 'a'), (2, 'b'), (3, None)]
    assert strategy[0].block == 'Generelle Leistungsfähigkeit von Clusterinitiativen'
    assert strategy[0].label == 'a.'
    assert strategy[4].block is None and 'Unterstützungsbedarfe' in strategy[4].text
    # every breakout starts at its first question
    assert breakouts[1].current_question_id == strategy[0].id


async def test_codes_and_secrets(db, cluster):
    other = await workshops.create_from_template(db, template=load_template('cluster-strategy'))
    assert len(cluster.join_code) == JOIN_CODE_LENGTH and set(cluster.join_code) <= set(JOIN_ALPHABET)
    assert cluster.join_code != other.join_code
    secrets_ = [cluster.lead_secret, *(b.moderator_secret for b in cluster.breakouts)]
    assert len(set(secrets_)) == len(secrets_)
    assert all(len(s) >= 22 for s in secrets_)  # 16 random bytes, base64url


async def test_single_room_template(db):
    links = await workshops.create_from_template(db, template=load_template('cluster-strategy'),
                                                 date=dt.date(2026, 12, 1))
    async with db.session() as s:
        workshop = await s.get(Workshop, links.workshop_id)
        n_questions = len((await s.exec(select(Question))).all())
        rounds = (await s.exec(select(Round).where(Round.workshop_id == workshop.id))).all()
        breakouts = (await s.exec(select(Breakout).where(Breakout.workshop_id == workshop.id))).all()
        agenda = (await s.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop.id))).all()
    assert workshop.date == dt.date(2026, 12, 1)
    assert len(rounds) == 1 and len(breakouts) == 1 and n_questions > 5 and agenda


async def test_find_by_code_is_forgiving_and_clear(db, cluster):
    import pytest

    from workshop.services.errors import NotFound
    async with db.session() as s:
        typed = cluster.join_code.lower()[:3] + '-' + cluster.join_code.lower()[3:]
        assert (await workshops.find_by_code(s, typed)).id == cluster.workshop_id
        with pytest.raises(NotFound) as e:
            await workshops.find_by_code(s, 'XXXXXX')
    assert 'XXXXXX' in str(e.value)
