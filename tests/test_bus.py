import logging

from workshop.bus import InProcessBus
from workshop.events import Event, IdeaPosted, MembersChanged, QuestionChanged
from workshop.models import utcnow

from .waiting import until


async def test_events_reach_only_subscribers_of_their_workshop_in_order():
    bus = InProcessBus()
    seen_1, seen_2 = [], []
    bus.subscribe(1, seen_1.append)
    bus.subscribe(2, seen_2.append)
    events = [QuestionChanged(workshop_id=1, breakout_id=1, question_id=q, phase='collect', dots_budget=3)
              for q in range(5)]
    for event in events:
        await bus.publish(event)
    assert seen_1 == events and seen_2 == []


async def test_unsubscribe_and_failing_handler(caplog):
    bus = InProcessBus()
    seen = []

    def broken(_event: Event) -> None:
        raise RuntimeError('page gone')
    bus.subscribe(1, broken)
    subscription = bus.subscribe(1, seen.append)
    with caplog.at_level(logging.ERROR):
        await bus.publish(MembersChanged(workshop_id=1, breakout_id=1, members=2))
    assert len(seen) == 1 and 'event handler failed' in caplog.text
    subscription.close()
    subscription.close()  # closing twice is harmless
    await bus.publish(MembersChanged(workshop_id=1, breakout_id=1, members=3))
    assert len(seen) == 1 and bus.subscriber_count(1) == 1


def test_events_round_trip_through_dicts():
    event = IdeaPosted(workshop_id=1, breakout_id=2, question_id=3, idea_id=4, participant_id=None,
                       text='Grüße „zitiert“', created_at=utcnow())
    data = event.to_dict()
    assert data['kind'] == 'idea_posted'
    assert Event.from_dict(data) == event


async def test_pages_get_coalesced_tallies_not_single_votes():
    from workshop.bus import Hub
    from workshop.events import TalliesChanged, VoteChanged
    bus = InProcessBus(Hub(tally_window=0.05))
    seen, observed = [], []
    bus.subscribe(1, seen.append)
    bus.hub.observe(observed.append)
    for total in range(1, 31):
        await bus.publish(VoteChanged(workshop_id=1, breakout_id=2, question_id=3, idea_id=total % 4, total=total,
                                      breakout_dots=total))
    assert seen == [] and len(observed) == 30  # observers see each vote; pages none of them
    await until(lambda: seen, what='the tallies of the window')
    assert seen == [TalliesChanged(workshop_id=1, breakout_id=2, question_id=3,
                                   tallies=((0, 28), (1, 29), (2, 30), (3, 27)), dots_cast=30)]


async def test_a_room_subscription_gets_its_room_and_the_workshop_wide_events():
    from workshop.events import RoundChanged, WorkshopChanged
    bus = InProcessBus()
    room_1, room_2, everything = [], [], []
    s1 = bus.subscribe(1, room_1.append, breakout_id=10)
    bus.subscribe(1, room_2.append, breakout_id=20)
    bus.subscribe(1, everything.append)
    assert bus.subscriber_count(1) == 3 and bus.hub.workshop_ids() == [1]
    in_10 = QuestionChanged(workshop_id=1, breakout_id=10, question_id=1, phase='collect', dots_budget=3)
    in_20 = MembersChanged(workshop_id=1, breakout_id=20, members=4)
    wide = [WorkshopChanged(workshop_id=1, fields=('notice',)), RoundChanged(workshop_id=1, round_id=2, round_number=2)]
    elsewhere = QuestionChanged(workshop_id=2, breakout_id=10, question_id=1, phase='collect', dots_budget=3)
    for event in (in_10, in_20, *wide, elsewhere):
        await bus.publish(event)
    assert room_1 == [in_10, *wide] and room_2 == [in_20, *wide] and everything == [in_10, in_20, *wide]
    s1.close()
    await bus.publish(in_10)
    assert room_1 == [in_10, *wide] and bus.subscriber_count(1) == 2


async def test_presence_updates_a_big_room_less_often(monkeypatch):
    import asyncio

    from nicegui import core

    from workshop.events import PresenceChanged
    from workshop.presence import PRESENCE_WINDOW, PRESENCE_WINDOW_MAX, Presence
    monkeypatch.setattr(core, 'loop', asyncio.get_running_loop())  # presence updates are NiceGUI background tasks
    bus = InProcessBus()
    seen = []
    bus.subscribe(1, seen.append)
    presence = Presence(bus, window=0.05)
    await presence.enter(workshop_id=1, breakout_id=7, client_id='a')
    assert presence.window(7) == 0.05
    await until(lambda: seen, what='the first presence count')
    assert seen == [PresenceChanged(workshop_id=1, breakout_id=7, online=1)]
    for n in range(300):  # a room filling up: one update per few seconds, with the count at its end
        await presence.enter(workshop_id=1, breakout_id=8, client_id=f'p{n}')
    assert presence.window(8) == 3.0 and len(seen) == 1
    assert Presence(bus).window(8) == PRESENCE_WINDOW  # another process: none of these pages
    for n in range(300, 1000):
        await presence.enter(workshop_id=1, breakout_id=8, client_id=f'p{n}')
    assert presence.window(8) == PRESENCE_WINDOW_MAX


async def test_an_older_total_arriving_late_does_not_replace_a_newer_one():
    """Two instances' vote events can reach Redis in another order than they committed: the tally
    sequence number decides, per idea and for the room's count; a deleted workshop starts afresh."""
    from workshop.bus import Hub
    from workshop.events import TalliesChanged, VoteChanged, WorkshopChanged
    hub = Hub(tally_window=0)
    seen = []
    hub.subscribe(1, seen.append)

    def vote(idea_id: int, total: int, dots: int, seq: int) -> None:
        hub.deliver(VoteChanged(workshop_id=1, breakout_id=2, question_id=3, idea_id=idea_id, total=total,
                                breakout_dots=dots, seq=seq))
        hub.flush_tallies()
    vote(10, total=5, dots=9, seq=7)
    vote(10, total=3, dots=6, seq=5)  # older: dropped
    vote(11, total=4, dots=6, seq=5)  # older than the room's count, but this idea's newest total
    vote(10, total=6, dots=10, seq=8)
    tallies = [e for e in seen if isinstance(e, TalliesChanged)]
    assert [(e.tallies, e.dots_cast) for e in tallies] == [(((10, 5),), 9), (((11, 4),), 9), (((10, 6),), 10)]
    hub.deliver(WorkshopChanged(workshop_id=1, fields=('deleted', 'structure')))
    vote(10, total=1, dots=1, seq=1)  # the same id in a new workshop (SQLite may reuse ids)
    assert seen[-1] == TalliesChanged(workshop_id=1, breakout_id=2, question_id=3, tallies=((10, 1),), dots_cast=1)
