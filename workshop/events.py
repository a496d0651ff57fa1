"""Events: small, serialisable facts that a service publishes after it committed.

Events carry what a page needs to update itself (an idea's text, a count), so
that a thousand subscribed pages don't each query the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = 'event'
    workshop_id: int

    def to_dict(self) -> dict[str, Any]:
        data = {'kind': self.kind}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            data[f.name] = value.isoformat() if isinstance(value, dt.datetime) else value
        return data

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Event:
        data = dict(data)
        cls = EVENT_TYPES[data.pop('kind')]
        for f in dataclasses.fields(cls):
            if f.type in ('dt.datetime', 'dt.datetime | None') and isinstance(data.get(f.name), str):
                data[f.name] = dt.datetime.fromisoformat(data[f.name])
            elif isinstance(data.get(f.name), list):  # JSON has no tuples
                data[f.name] = tuple(tuple(x) if isinstance(x, list) else x for x in data[f.name])
        return cls(**data)


@dataclass(frozen=True)
class IdeaPosted(Event):
    kind: ClassVar[str] = 'idea_posted'
    breakout_id: int
    question_id: int
    idea_id: int
    participant_id: int | None
    text: str
    created_at: dt.datetime
    group: str | None = None


@dataclass(frozen=True)
class QuestionChanged(Event):
    """A breakout moved on to another guiding question; with what every page shows of it, so that
    no page has to read it (``facilitation.question_changed`` makes it)."""
    kind: ClassVar[str] = 'question_changed'
    breakout_id: int
    question_id: int | None
    phase: str  # the question's phase in this breakout
    dots_budget: int  # each participant's dots for this question


@dataclass(frozen=True)
class OpenQuestionsChanged(Event):
    """The moderator opened guiding questions next to the current one, or closed them again: all those open now
    that collect, in order (``facilitation.open_alongside``); phones show them with the current one as tabs."""
    kind: ClassVar[str] = 'open_questions_changed'
    breakout_id: int
    question_ids: tuple[int, ...]


@dataclass(frozen=True)
class MembersChanged(Event):
    """A participant entered or left a breakout (chose it, or another one, for its round)."""
    kind: ClassVar[str] = 'members_changed'
    breakout_id: int
    members: int  # participants who chose this breakout in its round


@dataclass(frozen=True)
class PresenceChanged(Event):
    """How many participant pages of a breakout are connected right now."""
    kind: ClassVar[str] = 'presence_changed'
    breakout_id: int
    online: int


@dataclass(frozen=True)
class IdeaChanged(Event):
    """A moderator curated an idea: edited, hid, grouped, marked it, or merged it into another."""
    kind: ClassVar[str] = 'idea_changed'
    breakout_id: int
    question_id: int
    idea_id: int
    text: str
    hidden: bool
    group: str | None
    marked: bool
    merged_into_id: int | None = None
    merges: int = 0  # ideas merged into this one (a card shows "2×" for one)


@dataclass(frozen=True)
class ClustersChanged(Event):
    """A question's clusters in a breakout, all of them in order: (id, title, colour, position) each."""
    kind: ClassVar[str] = 'clusters_changed'
    breakout_id: int
    question_id: int
    clusters: tuple[tuple[int, str, str, int], ...]


@dataclass(frozen=True)
class WallPinned(Event):
    """The moderator keeps one cluster of the current question on the room's wall (None: none). Not stored:
    what the room looks at now; it goes with the question (services/wall_pin.py)."""
    kind: ClassVar[str] = 'wall_pinned'
    breakout_id: int
    question_id: int
    cluster_id: int | None


@dataclass(frozen=True)
class PhaseChanged(Event):
    kind: ClassVar[str] = 'phase_changed'
    breakout_id: int
    question_id: int
    phase: str


@dataclass(frozen=True)
class VoteChanged(Event):
    """One participant's dots on one idea changed; ``total`` is the idea's new tally."""
    kind: ClassVar[str] = 'vote_changed'
    breakout_id: int
    question_id: int
    idea_id: int
    total: int
    breakout_dots: int = 0  # all dots cast in the breakout
    # ``Breakout.tally_seq`` of the transaction: events of several instances may arrive in any order;
    # the totals with the higher number are the newer ones (``bus.Hub`` keeps those)
    seq: int = 0


@dataclass(frozen=True)
class GallerySwitched(Event):
    """A later round's room switched its gallery walk on or off (dots and comments on earlier results)."""
    kind: ClassVar[str] = 'gallery_switched'
    breakout_id: int  # the room of the gallery walk
    on: bool


@dataclass(frozen=True)
class GalleryDotsChanged(Event):
    """A participant's gallery dots on an earlier round's idea changed in the room ``breakout_id``."""
    kind: ClassVar[str] = 'gallery_dots_changed'
    breakout_id: int  # the room of the gallery walk
    idea_id: int  # an idea of an earlier round
    participant_id: int
    mine: int  # the participant's gallery dots on the idea now
    total: int  # all gallery dots of the room on the idea


@dataclass(frozen=True)
class CommentChanged(Event):
    """A comment of a gallery walk was written, or its moderator hid or showed it again."""
    kind: ClassVar[str] = 'comment_changed'
    breakout_id: int  # the room of the gallery walk
    comment_id: int
    idea_id: int  # an idea of an earlier round
    participant_id: int | None
    text: str
    created_at: dt.datetime
    hidden: bool = False


@dataclass(frozen=True)
class TalliesChanged(Event):
    """Coalesced tallies of one question (idea id -> dots), at most a few per second per room."""
    kind: ClassVar[str] = 'tallies_changed'
    breakout_id: int
    question_id: int
    tallies: tuple[tuple[int, int], ...]
    dots_cast: int


@dataclass(frozen=True)
class TimerChanged(Event):
    """A countdown started or stopped; the end time is the server's."""
    kind: ClassVar[str] = 'timer_changed'
    breakout_id: int
    ends_at: dt.datetime | None
    seconds: int | None
    closes: bool = False  # collection closes when it runs out (every instance wakes up then: one does it)


@dataclass(frozen=True)
class KeyResultsChanged(Event):
    kind: ClassVar[str] = 'key_results_changed'
    breakout_id: int
    question_id: int | None  # None: the breakout's overall key results
    key_results: tuple[str, ...]
    sources: tuple[tuple[int, ...], ...] = ()  # per key result the ids of the ideas it rests on


@dataclass(frozen=True)
class RoundChanged(Event):
    """The lead moderator opened another round: phones ask for a room of it."""
    kind: ClassVar[str] = 'round_changed'
    round_id: int
    round_number: int


@dataclass(frozen=True)
class WorkshopChanged(Event):
    """Workshop-wide settings changed (notice, joining lock, plenary, agenda item, summary)."""
    kind: ClassVar[str] = 'workshop_changed'
    fields: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Resync(Event):
    """This app instance may have missed events of the workshop (its connection to the broker was
    lost and is back): pages reload what they show from the database. Made by the bus, never by services."""
    kind: ClassVar[str] = 'resync'


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in (IdeaPosted, QuestionChanged, MembersChanged, PresenceChanged, IdeaChanged,
                              OpenQuestionsChanged, ClustersChanged, WallPinned, PhaseChanged, VoteChanged,
                              TalliesChanged, TimerChanged,
                              KeyResultsChanged, RoundChanged, WorkshopChanged, Resync,
                              GallerySwitched, GalleryDotsChanged, CommentChanged)
}
