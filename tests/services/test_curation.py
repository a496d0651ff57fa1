import pytest
from sqlmodel import select

from workshop.events import IdeaChanged, IdeaPosted
from workshop.limits import IDEA_MAX, IDEA_MODERATION_MAX
from workshop.models import Idea, IdeaSource, Vote
from workshop.services import curation, facilitation, ideas, lead, votes
from workshop.services.errors import Forbidden, Invalid, NotFound

from .helpers import member, post


async def test_edit_keeps_the_original(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Netzwerk mit Tippfeler')
    await curation.edit_idea(db, bus, secret=secret, idea_id=idea_id, text='Netzwerk ohne Tippfehler')
    await curation.edit_idea(db, bus, secret=secret, idea_id=idea_id, text='Netzwerk, zweite Korrektur')
    async with db.session() as s:
        stored = await s.get(Idea, idea_id)
    assert stored.text == 'Netzwerk, zweite Korrektur'
    assert stored.original_text == 'Netzwerk mit Tippfeler'
    assert isinstance(bus.published[-1], IdeaChanged) and bus.published[-1].text == stored.text
    with pytest.raises(Invalid):
        await curation.edit_idea(db, bus, secret=secret, idea_id=idea_id, text='   ')


async def test_the_moderation_writes_up_to_2000_characters_in_lines_a_phone_500_in_one(db, bus, cluster):
    """What the moderation enters on someone's behalf (the video call's chat) or edits may be a long summary with
    "- " sub-points; a phone's idea stays short and in one line. (On PostgreSQL the column must be wide enough.)"""
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    expected = 'Aus dem Chat zusammengefasst (drei Beiträge):\n- erstens\n\n- zweitens\n- '
    expected += 'ä' * (IDEA_MODERATION_MAX - len(expected))
    typed = expected.replace('- erstens\n\n', '- erstens  \n\n\n\n')  # lines stripped, one blank line at most
    added = await curation.add_idea(db, bus, secret=secret, text=typed)
    assert added.text == expected and len(expected) == IDEA_MODERATION_MAX
    with pytest.raises(Invalid, match=f'too long: {IDEA_MODERATION_MAX + 1} characters, at most {IDEA_MODERATION_MAX}'):
        await curation.add_idea(db, bus, secret=secret, text='x' * (IDEA_MODERATION_MAX + 1))

    phone = await post(db, bus, token, breakout_id, 'Kurz vom Handy\n- mit Zeilen')
    with pytest.raises(Invalid, match=f'too long: {IDEA_MAX + 1} characters, at most {IDEA_MAX}'):
        await post(db, bus, token, breakout_id, 'x' * (IDEA_MAX + 1))
    summary = 'Kurz vom Handy, ergänzt aus dem Gespräch:\n- ' + 'ö' * (IDEA_MODERATION_MAX - 44)
    await curation.edit_idea(db, bus, secret=secret, idea_id=phone, text=summary)
    with pytest.raises(Invalid, match='too long'):
        await curation.edit_idea(db, bus, secret=secret, idea_id=phone, text=summary + '!')
    async with db.session() as s:
        stored, card = await s.get(Idea, phone), await s.get(Idea, added.id)
    assert (stored.text, stored.original_text) == (summary, 'Kurz vom Handy - mit Zeilen')  # a phone's: one line
    assert len(stored.text) == IDEA_MODERATION_MAX and card.text == expected


async def test_hide_and_show(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Werbung für mein Produkt')
    await curation.hide_idea(db, bus, secret=secret, idea_id=idea_id, reason='abuse')
    async with db.session() as s:
        assert await ideas.ideas_of(s, breakout_id=breakout_id) == []
        assert len(await ideas.ideas_of(s, breakout_id=breakout_id, include_hidden=True)) == 1
        assert (await s.get(Idea, idea_id)).hidden_reason == 'abuse'
    await curation.hide_idea(db, bus, secret=secret, idea_id=idea_id, hidden=False)
    async with db.session() as s:
        assert len(await ideas.ideas_of(s, breakout_id=breakout_id)) == 1
    with pytest.raises(Invalid):
        await curation.hide_idea(db, bus, secret=secret, idea_id=idea_id, reason='boring')


async def test_merge_carries_dots_and_counts_a_person_once(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    await lead.update_voting(db, bus, lead_secret=cluster.lead_secret, dots_per_question=5, max_dots_per_idea=3)
    anna, breakout_id = await member(db, bus, cluster)
    ben, _ = await member(db, bus, cluster)
    cara, _ = await member(db, bus, cluster)
    keep = await post(db, bus, anna, breakout_id, 'Gemeinsame Datenplattform')
    dup = await post(db, bus, ben, breakout_id, 'Eine gemeinsame Datenplattform')
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    await votes.cast_dot(db, bus, token=anna, idea_id=keep)  # anna: 1 on keep, 2 on dup -> counts once, with 2
    for _ in range(2):
        await votes.cast_dot(db, bus, token=anna, idea_id=dup)
    await votes.cast_dot(db, bus, token=ben, idea_id=dup)  # ben: only on dup -> carried over
    await votes.cast_dot(db, bus, token=cara, idea_id=keep)  # cara: only on keep -> stays
    total = await curation.merge_ideas(db, bus, secret=secret, keep_id=keep, merge_id=dup)
    assert total == 2 + 1 + 1
    async with db.session() as s:
        by_person = {v.participant_id: v.dots for v in (await s.exec(select(Vote))).all()}
        merged = await s.get(Idea, dup)
        visible = await ideas.ideas_of(s, breakout_id=breakout_id)
    assert sorted(by_person.values()) == [1, 1, 2] and merged.merged_into_id == keep
    assert [i.id for i in visible] == [keep]
    # the merged duplicate is gone for voting and curation
    with pytest.raises(NotFound):
        await votes.cast_dot(db, bus, token=ben, idea_id=dup)
    with pytest.raises(NotFound):
        await curation.merge_ideas(db, bus, secret=secret, keep_id=keep, merge_id=dup)
    with pytest.raises(Invalid):
        await curation.merge_ideas(db, bus, secret=secret, keep_id=keep, merge_id=keep)


async def test_merge_only_within_one_question_and_breakout(db, bus, cluster):
    from workshop.services import moderation
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    first = await post(db, bus, token, breakout_id, 'Erste Frage')
    await moderation.step_question(db, bus, secret=secret, step=1)
    second = await post(db, bus, token, breakout_id, 'Zweite Frage')
    with pytest.raises(Invalid):
        await curation.merge_ideas(db, bus, secret=secret, keep_id=first, merge_id=second)
    other_token, other_breakout = await member(db, bus, cluster, index=1)
    foreign = await post(db, bus, other_token, other_breakout, 'Anderer Raum')
    with pytest.raises(NotFound):
        await curation.merge_ideas(db, bus, secret=secret, keep_id=first, merge_id=foreign)


async def test_groups_marks_and_ideas_on_behalf(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Hochschule als Initiator')
    await curation.set_group(db, bus, secret=secret, idea_id=idea_id, group='  Wissenschaft ')
    await curation.set_marked(db, bus, secret=secret, idea_id=idea_id, marked=True)
    card = await curation.add_idea(db, bus, secret=secret, text='Kammer (Karte aus dem Raum)', group='Wirtschaft')
    assert isinstance(bus.published[-1], IdeaPosted) and bus.published[-1].group == 'Wirtschaft'
    async with db.session() as s:
        stored = await s.get(Idea, idea_id)
        added = await s.get(Idea, card.id)
    assert (stored.group, stored.marked) == ('Wissenschaft', True)
    assert added.participant_id is None and added.source == IdeaSource.moderator
    await curation.set_group(db, bus, secret=secret, idea_id=idea_id, group='')
    async with db.session() as s:
        assert (await s.get(Idea, idea_id)).group is None


async def test_curation_is_refused_for_participants_and_other_moderators(db, bus, cluster):
    token, breakout_id = await member(db, bus, cluster)
    idea_id = await post(db, bus, token, breakout_id, 'Meine Idee')
    other_moderator = cluster.breakouts[1].moderator_secret
    for action in (
        curation.edit_idea(db, bus, secret=token, idea_id=idea_id, text='gehackt'),
        curation.hide_idea(db, bus, secret=token, idea_id=idea_id),
        curation.set_marked(db, bus, secret=cluster.lead_secret, idea_id=idea_id, marked=True),
        curation.add_idea(db, bus, secret=token, text='untergeschoben'),
    ):
        with pytest.raises(Forbidden):
            await action
    with pytest.raises(NotFound):
        await curation.hide_idea(db, bus, secret=other_moderator, idea_id=idea_id)


async def test_duplicate_suggestions_use_fuzzy_matching(db, bus, cluster):
    token, breakout_id = await member(db, bus, cluster)
    a = await post(db, bus, token, breakout_id, 'Gemeinsame Datenplattform für alle Cluster')
    b = await post(db, bus, token, breakout_id, 'gemeinsame Daten-Plattform für alle Cluster!')
    await post(db, bus, token, breakout_id, 'Mehr Förderung für Start-ups')
    async with db.session() as s:
        question_id = (await s.get(Idea, a)).question_id
        found = await curation.suggest_duplicates(s, breakout_id=breakout_id, question_id=question_id)
    assert [(f.keep.id, f.duplicate.id) for f in found] == [(a, b)]
    assert found[0].score >= 80
