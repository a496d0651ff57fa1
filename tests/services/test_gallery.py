"""The gallery walk (#16): a round-2 room gives dots to and comments on round 1's results."""

import pytest
from sqlmodel import select

from workshop.events import CommentChanged, Event, GalleryDotsChanged, GallerySwitched
from workshop.models import Comment, GalleryDot, Idea, Participant, Vote
from workshop.protocol.archive import export_archive
from workshop.protocol.document import load_document
from workshop.rooms.state import load_rooms
from workshop.services import gallery, ideas, lead, privacy
from workshop.services.errors import Forbidden, Invalid, NotFound
from workshop.services.imports import import_archive
from workshop.services.post_limits import PostLimits, TooManyPosts

from .helpers import member, post


async def _two_rounds(db, bus, cluster):
    """Round 1 in W 1.1 with two ideas, round 2 open; a phone in W 2.1 (the same topic) and one in W 2.2."""
    author, w11 = await member(db, bus, cluster, index=0)
    first = await post(db, bus, author, w11, 'Netzwerke stärken')
    second = await post(db, bus, author, w11, 'Förderung vereinfachen')
    await lead.open_round(db, bus, lead_secret=cluster.lead_secret, round_number=2)
    w21, w22 = cluster.breakouts[3].breakout_id, cluster.breakouts[4].breakout_id
    walker, _ = await member(db, bus, cluster, index=3)
    other_topic, _ = await member(db, bus, cluster, index=4)
    return {'author': author, 'w11': w11, 'w21': w21, 'w22': w22, 'first': first, 'second': second,
            'walker': walker, 'other_topic': other_topic, 'secret': cluster.breakouts[3].moderator_secret}


async def test_the_moderator_of_a_later_round_switches_the_gallery_walk(db, bus, cluster):
    g = await _two_rounds(db, bus, cluster)
    with pytest.raises(Invalid, match='gallery walk needs an earlier round'):
        await gallery.switch(db, bus, secret=cluster.breakouts[0].moderator_secret, on=True)
    with pytest.raises(Forbidden):
        await gallery.switch(db, bus, secret=g['walker'], on=True)
    with pytest.raises(Invalid, match='not open'):  # not yet switched on
        await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'])
    bus.published.clear()
    assert await gallery.switch(db, bus, secret=g['secret'], on=True) is True
    assert bus.published == [GallerySwitched(workshop_id=cluster.workshop_id, breakout_id=g['w21'], on=True)]
    await gallery.switch(db, bus, secret=g['secret'], on=True)
    assert len(bus.published) == 1  # no change, no event


async def test_gallery_dots_have_their_own_budget_and_leave_the_votes_alone(db, bus, cluster):
    g = await _two_rounds(db, bus, cluster)
    await gallery.switch(db, bus, secret=g['secret'], on=True)
    bus.published.clear()
    status = await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'])
    assert (status.mine, status.left, status.budget, status.total) == (1, 2, 3, 1)
    event = bus.published[-1]
    assert isinstance(event, GalleryDotsChanged) and (event.breakout_id, event.idea_id, event.mine, event.total) \
        == (g['w21'], g['first'], 1, 1)
    with pytest.raises(Invalid, match='one dot per idea'):
        await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'])
    await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['second'])
    status = await gallery.remove_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['second'])
    assert (status.mine, status.left) == (0, 2)
    with pytest.raises(Invalid, match='no dot'):
        await gallery.remove_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['second'])
    async with db.session() as s:
        assert (await s.exec(select(Vote))).all() == []  # round 1's tallies stay as they were
        assert [(d.idea_id, d.breakout_id, d.dots) for d in (await s.exec(select(GalleryDot))).all()] \
            == [(g['first'], g['w21'], 1)]


async def test_only_the_rooms_participants_on_earlier_ideas_of_its_topic(db, bus, cluster):
    g = await _two_rounds(db, bus, cluster)
    await gallery.switch(db, bus, secret=g['secret'], on=True)
    with pytest.raises(Forbidden):  # in another room of round 2
        await gallery.cast_dot(db, bus, token=g['other_topic'], breakout_id=g['w21'], idea_id=g['first'])
    with pytest.raises(Forbidden):
        await gallery.comment(db, bus, token='nobody', breakout_id=g['w21'], idea_id=g['first'], text='x')
    this_round = await post(db, bus, g['walker'], g['w21'], 'Idee aus Durchlauf 2')
    with pytest.raises(NotFound):  # an idea of the room's own round
        await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=this_round)
    with pytest.raises(NotFound):
        await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=10_000)
    # an earlier idea of another topic
    async with db.transaction() as s:  # written directly: round 1 is over for the phones
        other = Idea(breakout_id=cluster.breakouts[1].breakout_id,
                     question_id=(await s.get(Idea, g['first'])).question_id, text='Anderes Thema',
                     client_id=ideas.new_client_id())
        s.add(other)
        await s.flush()
        other_id = other.id
    with pytest.raises(NotFound):
        await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=other_id, text='x')


async def test_comments_are_checked_limited_and_hidden_by_the_moderator(db, bus, cluster):
    g = await _two_rounds(db, bus, cluster)
    await gallery.switch(db, bus, secret=g['secret'], on=True)
    with pytest.raises(Invalid, match='must not be empty'):
        await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'], text='  ')
    with pytest.raises(Invalid, match='too long'):
        await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'], text='x' * 501)
    bus.published.clear()
    c = await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'],
                              text='  Gute Idee, <b>aber</b> wer zahlt?  ')
    assert c.text == 'Gute Idee, <b>aber</b> wer zahlt?' and not c.hidden  # text only: shown as typed
    event = bus.published[-1]
    assert isinstance(event, CommentChanged) and event.comment_id == c.id and event.text == c.text
    limits = PostLimits(per_participant='2/minute')
    for n in range(2):
        await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'], text=f'k{n}',
                              limits=limits)
    with pytest.raises(TooManyPosts):
        await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'], text='k3',
                              limits=limits)
    with pytest.raises(Forbidden):
        await gallery.hide_comment(db, bus, secret='wrong', comment_id=c.id)
    with pytest.raises(NotFound):  # another room's moderator
        await gallery.hide_comment(db, bus, secret=cluster.breakouts[4].moderator_secret, comment_id=c.id)
    hidden = await gallery.hide_comment(db, bus, secret=g['secret'], comment_id=c.id)
    assert hidden.hidden and bus.published[-1].hidden


async def test_the_rooms_live_state_holds_and_follows_the_gallery_walk(db, bus, cluster):
    g = await _two_rounds(db, bus, cluster)
    await gallery.switch(db, bus, secret=g['secret'], on=True)
    await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'])
    c = await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'], text='Ja!')
    async with db.read_session() as s:
        state = (await load_rooms(s, [g['w21']]))[g['w21']]
        walker_id = (await s.exec(select(Participant.id).where(Participant.token == g['walker']))).one()
    assert state.gallery_walk and state.gallery_dots == {g['first']: 1}
    assert state.gallery_mine == {walker_id: {g['first']: 1}} and list(state.comments) == [c.id]
    bus.published.clear()
    await gallery.remove_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'])
    await gallery.hide_comment(db, bus, secret=g['secret'], comment_id=c.id)
    await gallery.switch(db, bus, secret=g['secret'], on=False)
    for event in bus.published:
        assert Event.from_dict(event.to_dict()) == event  # as it crosses instances (Redis)
        assert state.apply(event)
    assert state.gallery_dots == {g['first']: 0} and state.comments[c.id].hidden and not state.gallery_walk


async def _walked(db, bus, cluster) -> dict:
    g = await _two_rounds(db, bus, cluster)
    await gallery.switch(db, bus, secret=g['secret'], on=True)
    await gallery.cast_dot(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'])
    second, _ = await member(db, bus, cluster, index=3)
    await gallery.cast_dot(db, bus, token=second, breakout_id=g['w21'], idea_id=g['first'])
    await gallery.comment(db, bus, token=g['walker'], breakout_id=g['w21'], idea_id=g['first'], text='Wer zahlt?')
    gone = await gallery.comment(db, bus, token=second, breakout_id=g['w21'], idea_id=g['first'], text='Unsinn')
    await gallery.hide_comment(db, bus, secret=g['secret'], comment_id=gone.id)
    return g


async def test_the_protocol_shows_gallery_dots_and_comments_apart(db, bus, cluster):
    await _walked(db, bus, cluster)
    async with db.session() as s:
        doc = await load_document(s, cluster.workshop_id)
    item = next(i for t in doc.topics for q in t.questions for i in q.ideas if i.text == 'Netzwerke stärken')
    assert item.dots == 0 and item.gallery == [(2, 2)]
    assert [(c.text, c.round_number) for c in item.comments] == [('Wer zahlt?', 2)]  # the hidden one left out


async def test_the_archive_keeps_the_gallery_walk_exactly(db, bus, cluster):
    await _walked(db, bus, cluster)
    async with db.session() as s:
        exported = await export_archive(s, cluster.workshop_id)
    idea = next(i for r in exported['workshop']['rounds'] for b in r['breakouts'] for q in b['questions']
                for i in q['ideas'] if i['text'] == 'Netzwerke stärken')
    assert [d['dots'] for d in idea['gallery']] == [1, 1] and [c['hidden'] for c in idea['comments']] == [False, True]
    assert exported['workshop']['rounds'][1]['breakouts'][0]['gallery_walk'] is True
    untouched = next(i for r in exported['workshop']['rounds'] for b in r['breakouts'] for q in b['questions']
                     for i in q['ideas'] if i['text'] == 'Förderung vereinfachen')
    assert 'gallery' not in untouched and 'comments' not in untouched  # absent when empty: older archives stay
    copy = await import_archive(db, exported)
    async with db.session() as s:
        again = await export_archive(s, copy)
    assert again == exported


async def test_anonymising_keeps_the_gallery_walks_counts_but_not_who(db, bus, cluster):
    await _walked(db, bus, cluster)
    await privacy.anonymise_workshop(db, bus, lead_secret=cluster.lead_secret)
    async with db.session() as s:
        dots = (await s.exec(select(GalleryDot))).all()
        comments = (await s.exec(select(Comment))).all()
        holder = await s.get(Participant, dots[0].participant_id)
    assert [d.dots for d in dots] == [2] and holder.removed and holder.name is None
    assert [c.participant_id for c in comments] == [None, None]
    walked = {'author': 1, 'votes': [], 'comments': [{'author': 2, 'text': 't'}],
              'gallery': [{'breakout': 2, 'participant': 1, 'dots': 1, 'created_at': 'x'},
                          {'breakout': 2, 'participant': 2, 'dots': 2, 'created_at': 'w'}]}
    data = {'workshop': {'participants': [{'id': 1, 'name': 'A'}, {'id': 2, 'name': 'B'}],
                         'rounds': [{'breakouts': [{'questions': [{'ideas': [walked]}]}]}]}}
    privacy.scrub_archive(data)
    idea = data['workshop']['rounds'][0]['breakouts'][0]['questions'][0]['ideas'][0]
    assert idea['comments'][0]['author'] is None
    assert idea['gallery'] == [{'breakout': 2, 'participant': 3, 'dots': 3, 'created_at': 'w'}]
