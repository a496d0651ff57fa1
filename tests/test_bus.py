import logging

from workshop.bus import InProcessBus
from workshop.events import Event, IdeaPosted, MembersChanged, QuestionChanged
from workshop.models import utcnow


async def test_events_reach_only_subscribers_of_their_workshop_in_order():
    bus = InProcessBus()
    seen_1, seen_2 = [], []
    bus.subscribe(1, seen_1.append)
    bus.subscribe(2, seen_2.append)
    events = [QuestionChanged(workshop_id=1, breakout_id=1, question_id=q) for q in range(5)]
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
