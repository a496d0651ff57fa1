"""Clusters and undo: every curation step of a question can be undone, newest first."""

import pytest
from sqlmodel import select

from workshop.events import ClustersChanged, IdeaPosted
from workshop.i18n import translate_error, translator
from workshop.limits import CLUSTERS_MAX
from workshop.models import Cluster, Idea, Vote
from workshop.services import clusters, curation, facilitation, votes
from workshop.services.errors import Forbidden, Invalid, NotFound

from .helpers import member, post


async def _ideas(db, breakout_id):
    async with db.session() as s:
        return {i.id: i for i in (await s.exec(select(Idea).where(Idea.breakout_id == breakout_id))).all()}


async def _clusters(db, breakout_id, question_id):
    async with db.session() as s:
        return [(c.title, c.colour) for c in await clusters.clusters_of(s, breakout_id=breakout_id,
                                                                         question_id=question_id)]


async def test_clusters_are_made_renamed_recoloured_moved_and_dissolved(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, room = await member(db, bus, cluster)
    a = await post(db, bus, token, room, 'Fachkräfte gewinnen')
    b = await post(db, bus, token, room, 'Azubis halten')
    q = (await _ideas(db, room))[a].question_id
    skills = await clusters.create_cluster(db, bus, secret=secret, title='Fachkräfte')
    data = await clusters.create_cluster(db, bus, secret=secret, title='Daten', colour='teal')
    assert await _clusters(db, room, q) == [('Fachkräfte', 'blue'), ('Daten', 'teal')]
    assert isinstance(bus.published[-1], ClustersChanged) and len(bus.published[-1].clusters) == 2
    await clusters.file_idea(db, bus, secret=secret, idea_id=a, cluster_id=skills)
    await clusters.file_idea(db, bus, secret=secret, idea_id=b, cluster_id=skills)
    await clusters.rename_cluster(db, bus, secret=secret, cluster_id=skills, title='Fachkräfte & Nachwuchs')
    assert {i.group for i in (await _ideas(db, room)).values()} == {'Fachkräfte & Nachwuchs'}
    await clusters.recolour_cluster(db, bus, secret=secret, cluster_id=data, colour='orange')
    await clusters.move_cluster(db, bus, secret=secret, cluster_id=data, position=0)
    assert await _clusters(db, room, q) == [('Daten', 'orange'), ('Fachkräfte & Nachwuchs', 'blue')]
    await clusters.dissolve_cluster(db, bus, secret=secret, cluster_id=skills)
    assert await _clusters(db, room, q) == [('Daten', 'orange')]
    assert {i.group for i in (await _ideas(db, room)).values()} == {None}  # the ideas stay, without a heading

    # undo, newest first: the dissolved cluster comes back with its ideas, then the order, the colour, the name …
    await clusters.undo_last(db, bus, secret=secret)
    assert await _clusters(db, room, q) == [('Daten', 'orange'), ('Fachkräfte & Nachwuchs', 'blue')]
    assert {i.group for i in (await _ideas(db, room)).values()} == {'Fachkräfte & Nachwuchs'}
    for _ in range(3):
        await clusters.undo_last(db, bus, secret=secret)
    assert await _clusters(db, room, q) == [('Fachkräfte', 'blue'), ('Daten', 'teal')]
    assert {i.group for i in (await _ideas(db, room)).values()} == {'Fachkräfte'}
    while await clusters.undo_last(db, bus, secret=secret) is not None:
        pass
    assert await _clusters(db, room, q) == [] and {i.group for i in (await _ideas(db, room)).values()} == {None}
    async with db.session() as s:
        assert await clusters.history(s, breakout_id=room, question_id=q) == []


async def test_a_merge_is_undone_with_every_dot_where_it_was(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    anna, room = await member(db, bus, cluster)
    ben, _ = await member(db, bus, cluster)
    keep = await post(db, bus, anna, room, 'Wasserstoff-Netzwerk gründen')
    dup = await post(db, bus, ben, room, 'Netzwerk für Wasserstoff gründen')
    await curation.set_group(db, bus, secret=secret, idea_id=dup, group='Energie')
    await facilitation.set_phase(db, bus, secret=secret, phase='vote')
    await votes.cast_dot(db, bus, token=anna, idea_id=keep)
    await votes.cast_dot(db, bus, token=anna, idea_id=dup)
    await votes.cast_dot(db, bus, token=ben, idea_id=dup)
    await curation.merge_ideas(db, bus, secret=secret, keep_id=keep, merge_id=dup)
    merged = await _ideas(db, room)
    assert merged[dup].merged_into_id == keep and merged[keep].group == 'Energie'
    undone = await clusters.undo_last(db, bus, secret=secret)
    assert undone.kind == 'merge' and undone.label == 'Netzwerk für Wasserstoff gründen'
    back = await _ideas(db, room)
    assert back[dup].merged_into_id is None and back[keep].group is None and back[dup].group == 'Energie'
    async with db.session() as s:
        dots = sorted((v.idea_id, v.participant_id, v.dots) for v in (await s.exec(select(Vote))).all())
    assert [(i, n) for i, _p, n in dots] == sorted([(keep, 1), (dup, 1), (dup, 1)])
    assert any(isinstance(e, IdeaPosted) and e.idea_id == dup for e in bus.published[-5:])  # screens show it again


async def test_hiding_marking_editing_and_filing_are_undone(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, room = await member(db, bus, cluster)
    idea = await post(db, bus, token, room, 'Tippfeler')
    await curation.edit_idea(db, bus, secret=secret, idea_id=idea, text='Tippfehler')
    await curation.hide_idea(db, bus, secret=secret, idea_id=idea, reason='off_topic')
    await curation.set_marked(db, bus, secret=secret, idea_id=idea, marked=True)
    await curation.set_group(db, bus, secret=secret, idea_id=idea, group='Sonstiges')
    kinds = [(await clusters.undo_last(db, bus, secret=secret)).kind for _ in range(4)]
    assert kinds == ['file', 'fields', 'fields', 'fields']
    stored = (await _ideas(db, room))[idea]
    assert (stored.text, stored.original_text, stored.edited_at, stored.hidden, stored.marked, stored.group) == \
        ('Tippfeler', None, None, False, False, None)
    q = stored.question_id
    assert await _clusters(db, room, q) == [('Sonstiges', 'blue')]  # made by filing; filing undone leaves it


async def test_bad_cluster_input_gets_a_clear_message(db, bus, cluster):
    secret, other = cluster.breakouts[0].moderator_secret, cluster.breakouts[1].moderator_secret
    token, room = await member(db, bus, cluster)
    idea = await post(db, bus, token, room, 'Eine Idee')
    first = await clusters.create_cluster(db, bus, secret=secret, title='Thema')
    with pytest.raises(Invalid, match='name already'):
        await clusters.create_cluster(db, bus, secret=secret, title=' Thema ')
    with pytest.raises(Invalid):
        await clusters.create_cluster(db, bus, secret=secret, title='   ')
    with pytest.raises(Invalid, match='colour'):
        await clusters.recolour_cluster(db, bus, secret=secret, cluster_id=first, colour='#ff0000')
    with pytest.raises(NotFound):  # another room's moderator can't touch it
        await clusters.rename_cluster(db, bus, secret=other, cluster_id=first, title='Fremd')
    with pytest.raises(NotFound):
        await clusters.file_idea(db, bus, secret=other, idea_id=idea, cluster_id=None)
    with pytest.raises(Forbidden):
        await clusters.undo_last(db, bus, secret='wrong')
    for n in range(CLUSTERS_MAX - 1):
        await clusters.create_cluster(db, bus, secret=secret, title=f'Thema {n}')
    with pytest.raises(Invalid, match='at most'):
        await clusters.create_cluster(db, bus, secret=secret, title='Eins zu viel')
    async with db.session() as s:
        assert len((await s.exec(select(Cluster))).all()) == CLUSTERS_MAX


async def test_an_accepted_theme_is_one_step(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, room = await member(db, bus, cluster)
    a = await post(db, bus, token, room, 'Wasserstoff-Tankstellen bauen')
    b = await post(db, bus, token, room, 'Wasserstoffnetz für die Region')
    c = await post(db, bus, token, room, 'Fachkräfte halten')
    await curation.set_group(db, bus, secret=secret, idea_id=b, group='Energie')
    q = (await _ideas(db, room))[a].question_id
    await clusters.accept_theme(db, bus, secret=secret, title='Wasserstoff', idea_ids=[a, b, 99999])
    stored = await _ideas(db, room)
    assert (stored[a].group, stored[b].group, stored[c].group) == ('Wasserstoff', 'Wasserstoff', None)
    assert [t for t, _c in await _clusters(db, room, q)] == ['Energie', 'Wasserstoff']
    undone = await clusters.undo_last(db, bus, secret=secret)
    assert undone.kind == 'theme'
    stored = await _ideas(db, room)
    assert (stored[a].group, stored[b].group) == (None, 'Energie')
    assert [t for t, _c in await _clusters(db, room, q)] == ['Energie']
    with pytest.raises(Invalid):
        await clusters.accept_theme(db, bus, secret=secret, title='Leer', idea_ids=[99999])


async def test_filing_by_a_new_heading_makes_the_cluster_known_to_every_screen(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, room = await member(db, bus, cluster)
    idea = await post(db, bus, token, room, 'Fachkräfte gewinnen')
    await curation.set_group(db, bus, secret=secret, idea_id=idea, group='Fachkräfte')
    made = [e for e in bus.published if isinstance(e, ClustersChanged)]
    assert [[c[1] for c in e.clusters] for e in made] == [['Fachkräfte']]
    assert bus.published.index(made[0]) < len(bus.published) - 1  # before the idea's change: its column exists
    await curation.set_group(db, bus, secret=secret, idea_id=idea, group=None)
    await curation.set_group(db, bus, secret=secret, idea_id=idea, group='Fachkräfte')  # exists: no second event
    await curation.add_idea(db, bus, secret=secret, text='Azubis halten', group='Nachwuchs')
    made = [e for e in bus.published if isinstance(e, ClustersChanged)]
    assert [[c[1] for c in e.clusters] for e in made] == [['Fachkräfte'], ['Fachkräfte', 'Nachwuchs']]
    assert isinstance(bus.published[-1], IdeaPosted) and bus.published[-1].group == 'Nachwuchs'



async def test_a_step_that_cannot_be_undone_any_more_does_not_block_the_ones_before(db, bus, cluster):
    secret = cluster.breakouts[0].moderator_secret
    token, room = await member(db, bus, cluster)
    idea = await post(db, bus, token, room, 'Azubis halten')
    first = await clusters.create_cluster(db, bus, secret=secret, title='Fachkräfte')
    await clusters.rename_cluster(db, bus, secret=secret, cluster_id=first, title='Nachwuchs')
    # filing under the old title makes a new cluster of it; undoing the filing leaves that cluster
    await curation.set_group(db, bus, secret=secret, idea_id=idea, group='Fachkräfte')
    assert (await clusters.undo_last(db, bus, secret=secret)).kind == 'file'
    question_id = (await _ideas(db, room))[idea].question_id
    assert await _clusters(db, room, question_id) == [('Nachwuchs', 'blue'), ('Fachkräfte', 'green')]

    with pytest.raises(Invalid) as refused:  # the rename back: the title is taken
        await clusters.undo_last(db, bus, secret=secret)
    assert str(refused.value).startswith('“Nachwuchs” cannot be undone any more: There is a cluster of this name')
    assert translate_error(translator('de'), refused.value).startswith(
        '„Nachwuchs“ lässt sich nicht mehr rückgängig machen: Es gibt schon einen Cluster mit diesem Namen.')
    async with db.session() as s:
        assert [step.kind for step in await clusters.history(s, breakout_id=room,
                                                             question_id=question_id, limit=10)] == ['create']
    assert (await clusters.undo_last(db, bus, secret=secret)).kind == 'create'  # the step before still undoes
    assert await _clusters(db, room, question_id) == [('Fachkräfte', 'green')]
