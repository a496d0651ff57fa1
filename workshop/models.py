"""Domain model: the tables of a workshop and the public shapes pages receive.

One workshop has an agenda, rounds ("Durchlauf 1, 2, …") and topics; a breakout
is one topic run in one round (W 1.2 = round 1, topic 2), so breakouts of
different rounds with the same topic belong together through their topic.
Guiding questions belong to the topic and are shared by all its rounds.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from .limits import COMMENT_MAX, IDEA_MODERATION_MAX
from .services.codes import new_secret


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class WorkshopFormat(str, enum.Enum):
    online = 'online'
    hybrid = 'hybrid'
    onsite = 'onsite'


class WorkshopStatus(str, enum.Enum):
    planned = 'planned'
    running = 'running'
    ended = 'ended'


class Phase(str, enum.Enum):
    """Where a guiding question stands in a breakout."""
    collect = 'collect'  # posting open
    vote = 'vote'  # posting closed, dot voting open
    discuss = 'discuss'  # results shown, ranked
    closed = 'closed'


class HideReason(str, enum.Enum):
    off_topic = 'off_topic'
    duplicate = 'duplicate'
    abuse = 'abuse'
    other = 'other'


class IdeaSource(str, enum.Enum):
    phone = 'phone'
    moderator = 'moderator'  # a paper card in the room, the video call's chat


class AgendaKind(str, enum.Enum):
    plenary = 'plenary'
    break_ = 'break'
    breakout_round = 'breakout_round'
    summary = 'summary'


# --- tables ---------------------------------------------------------------------------------------

class Workshop(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    subtitle: str | None = Field(default=None, max_length=300)
    date: dt.date | None = None
    start_time: str | None = Field(default=None, max_length=5)
    end_time: str | None = Field(default=None, max_length=5)
    format: WorkshopFormat = WorkshopFormat.online
    organiser: str = Field(default='', max_length=300)
    language: str = Field(default='de', max_length=5)
    context: str = ''
    stakeholder_groups: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    join_code: str = Field(index=True, unique=True, max_length=12)
    lead_secret: str = Field(index=True, unique=True, max_length=64)
    status: WorkshopStatus = WorkshopStatus.running
    current_round_id: int | None = None
    template: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow)
    # facilitation
    dots_per_question: int = Field(default=3, ge=1, le=20)
    max_dots_per_idea: int = Field(default=1, ge=1, le=20)
    hide_tallies: bool = True  # until voting ends, so that early dots don't steer later ones
    name_authors: bool = False  # the protocol names authors only when this is set
    # the protocol's options (pages/protocol.py): the dots and charts of the voting, questions nobody answered,
    # participation as a sentence ("rund 40 Vertreterinnen und Vertreter aus …") or as a table per group
    protocol_dots: bool = True
    protocol_omit_unanswered: bool = True
    protocol_participation_prose: bool = True
    # each key result in the protocol refers to the contributions it rests on in the appendix ("→ A.1, Frage 3")
    protocol_citations: bool = False
    joining_locked: bool = False
    require_new_topic: bool = False  # in a later round, a participant must pick a topic they have not had
    plenary: bool = False  # phones and walls show the plenary instead of the rooms
    summary_topic: int | None = None  # plenary summary ("Resümee"): topic number on the plenary wall
    current_agenda_item_id: int | None = None
    notice: str | None = Field(default=None, max_length=300)
    notice_at: dt.datetime | None = None
    notice_until: dt.datetime | None = None  # the notice goes by itself then (None: until the lead clears it)
    gong: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})  # walls sound when a timer ends
    participation_extra: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # the protocol's "Verlauf" (how the day ran): '' = drafted from the agenda (protocol/proceedings.py); and who
    # represented the organiser ("Dr. A. Beispiel, Ministerium für …"), in the title block and the Verlauf
    proceedings: str = Field(default='', sa_column_kwargs={'server_default': ''})
    representatives: list[str] = Field(default_factory=list,
                                       sa_column=Column(JSON, nullable=False, server_default='[]'))
    # privacy (services/privacy.py): personal data is anonymised ``retention_days`` after the end
    retention_days: int = Field(default=30, ge=0, le=3650)
    ended_at: dt.datetime | None = None
    anonymised_at: dt.datetime | None = None


class AgendaItem(SQLModel, table=True):
    __tablename__ = 'agenda_item'
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    position: int
    time: str | None = Field(default=None, max_length=5)
    title: str = Field(max_length=300)
    speaker: str | None = Field(default=None, max_length=300)
    kind: AgendaKind = AgendaKind.plenary
    round_id: int | None = Field(default=None, foreign_key='round.id')


class Round(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    number: int
    title: str = Field(max_length=300)


class Topic(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    number: int
    title: str = Field(max_length=300)
    # the topic's moderator link: opens its breakout of the current round, whichever that is (pages/moderator.py)
    moderator_secret: str = Field(default_factory=new_secret, index=True, unique=True, max_length=64)
    # the topic's key results over all its rounds (the Resümee, the protocol); empty: drafted from its breakouts.
    # ``key_result_sources``: per key result the ids of the ideas it rests on (services/results.py)
    key_results: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    key_result_sources: list[list[int]] = Field(default_factory=list,
                                                sa_column=Column(JSON, nullable=False))


class Question(SQLModel, table=True):
    """A guiding question. ``number`` is the top-level item (1, 2, 3 …); inside a
    themed ``block`` the sub-questions carry ``sub`` = 'a', 'b', …"""
    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key='topic.id', index=True)
    position: int
    number: int
    block: str | None = Field(default=None, max_length=300)
    sub: str | None = Field(default=None, max_length=3)
    text: str = Field(max_length=1000)
    dots_budget: int | None = Field(default=None, ge=1, le=20)  # overrides the workshop's dots_per_question
    summary: str = ''  # the moderation's summary of the answers, printed above them in the protocol

    @property
    def label(self) -> str:
        return f'{self.sub}.' if self.sub else f'{self.number}.'


class Breakout(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    round_id: int = Field(foreign_key='round.id', index=True)
    topic_id: int = Field(foreign_key='topic.id', index=True)
    label: str = Field(max_length=40)
    moderator_name: str | None = Field(default=None, max_length=300)
    moderator_organisation: str | None = Field(default=None, max_length=300)
    # further moderators of the room beside the one above: [{"name": …, "organisation": …}, …]
    co_moderators: list[dict[str, str | None]] = Field(default_factory=list,
                                                      sa_column=Column(JSON, nullable=False, server_default='[]'))
    moderator_secret: str = Field(index=True, unique=True, max_length=64)
    current_question_id: int | None = Field(default=None, foreign_key='question.id')
    key_results: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    key_result_sources: list[list[int]] = Field(default_factory=list,
                                                sa_column=Column(JSON, nullable=False))
    timer_ends_at: dt.datetime | None = None
    timer_seconds: int | None = None
    # the timer closes collection when it runs out (services/facilitation.close_due_collections); cleared by
    # whoever does it, so that it happens once
    timer_closes: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})
    # counts the transactions that changed the room's dots (votes, merges): they take this row's lock one
    # after the other, so a higher number carries newer tallies, on every instance (docs/deployment.md)
    tally_seq: int = Field(default=0, sa_column_kwargs={'server_default': '0'})
    # a later round's gallery walk ("Galerie-Rundgang", #16): its phones may give dots to and comment on the
    # earlier rounds' ideas of the topic (services/gallery.py); switched by the room's moderator
    gallery_walk: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})


class BreakoutQuestion(SQLModel, table=True):
    """A guiding question as handled in one breakout: its phase and key results."""
    __tablename__ = 'breakout_question'
    __table_args__ = (UniqueConstraint('breakout_id', 'question_id'),)
    id: int | None = Field(default=None, primary_key=True)
    breakout_id: int = Field(foreign_key='breakout.id', index=True)
    question_id: int = Field(foreign_key='question.id')
    phase: Phase = Phase.collect
    key_results: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # opened next to the current question: phones show it while it collects (facilitation.open_alongside)
    alongside: bool = Field(default=False, sa_column_kwargs={'server_default': '0'})
    key_result_sources: list[list[int]] = Field(default_factory=list,
                                                sa_column=Column(JSON, nullable=False))


class Conclusion(SQLModel, table=True):
    """A numbered conclusion or recommendation of the workshop, with optional prose."""
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    position: int
    title: str = Field(max_length=500)
    text: str = ''


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key='workshop.id', index=True)
    token: str = Field(index=True, unique=True, max_length=64)
    name: str | None = Field(default=None, max_length=120)
    organisation: str | None = Field(default=None, max_length=200)
    stakeholder_group: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime = Field(default_factory=utcnow)
    removed: bool = False  # removed by the lead moderator: can no longer post or vote


class Attendance(SQLModel, table=True):
    """Which breakout a participant chose in a round (one per round)."""
    __table_args__ = (UniqueConstraint('participant_id', 'round_id'),)
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key='participant.id', index=True)
    round_id: int = Field(foreign_key='round.id')
    breakout_id: int = Field(foreign_key='breakout.id', index=True)
    joined_at: dt.datetime = Field(default_factory=utcnow)


class Idea(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    breakout_id: int = Field(foreign_key='breakout.id', index=True)
    question_id: int = Field(foreign_key='question.id', index=True)
    participant_id: int | None = Field(default=None, foreign_key='participant.id', index=True)
    text: str = Field(max_length=IDEA_MODERATION_MAX)  # a phone's at most IDEA_MAX; the moderation's longer
    created_at: dt.datetime = Field(default_factory=utcnow)
    # made by the phone, so that a resend after a dropped connection is harmless
    client_id: str = Field(unique=True, max_length=64)
    source: IdeaSource = IdeaSource.phone
    original_text: str | None = Field(default=None, max_length=IDEA_MODERATION_MAX)  # kept when a moderator edits
    edited_at: dt.datetime | None = None
    hidden: bool = False
    hidden_reason: HideReason | None = None
    merged_into_id: int | None = Field(default=None, foreign_key='idea.id')
    group: str | None = Field(default=None, max_length=200)  # the moderator's heading (cluster)
    marked: bool = False  # a key point


class Cluster(SQLModel, table=True):
    """A moderator's named, coloured heading over ideas of one question in one breakout. Its ideas are those
    whose ``group`` is its title (unique per breakout and question)."""
    __table_args__ = (UniqueConstraint('breakout_id', 'question_id', 'title'),)
    id: int | None = Field(default=None, primary_key=True)
    breakout_id: int = Field(foreign_key='breakout.id', index=True)
    question_id: int = Field(foreign_key='question.id')
    title: str = Field(max_length=200)
    colour: str = Field(default='blue', max_length=20)  # one of clusters.COLOURS
    position: int = 0


class CurationStep(SQLModel, table=True):
    """One curation step of a moderator, with what undoing it needs (services/clusters.py)."""
    __tablename__ = 'curation_step'
    id: int | None = Field(default=None, primary_key=True)
    breakout_id: int = Field(foreign_key='breakout.id', index=True)
    question_id: int = Field(foreign_key='question.id')
    kind: str = Field(max_length=20)
    label: str = Field(max_length=300)  # what was done, for the undo history (English; pages translate the kind)
    undo: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)
    undone: bool = False


class Vote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint('idea_id', 'participant_id'),)
    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key='idea.id', index=True)
    participant_id: int = Field(foreign_key='participant.id', index=True)
    dots: int = Field(default=1, ge=0)
    created_at: dt.datetime = Field(default_factory=utcnow)


class GalleryDot(SQLModel, table=True):
    """Dots a participant gave in a later round's gallery walk (in ``breakout_id``) to an earlier round's idea:
    kept apart from the idea's own round's votes (``Vote``), so its tallies stay as they were."""
    __tablename__ = 'gallery_dot'
    __table_args__ = (UniqueConstraint('idea_id', 'participant_id', 'breakout_id'),)
    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key='idea.id', index=True)
    participant_id: int = Field(foreign_key='participant.id', index=True)
    breakout_id: int = Field(foreign_key='breakout.id', index=True)  # the room of the gallery walk
    dots: int = Field(default=1, ge=0)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """A participant's short comment on an earlier round's idea, written in a later round's gallery walk."""
    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key='idea.id', index=True)
    participant_id: int | None = Field(default=None, foreign_key='participant.id', index=True)  # None: anonymised
    breakout_id: int = Field(foreign_key='breakout.id', index=True)  # the room of the gallery walk
    text: str = Field(max_length=COMMENT_MAX)
    created_at: dt.datetime = Field(default_factory=utcnow)
    hidden: bool = False  # hidden by that room's moderator


# --- public shapes (what services return and events carry) ----------------------------------------

class IdeaPublic(SQLModel):
    id: int
    breakout_id: int
    question_id: int
    participant_id: int | None
    text: str
    created_at: dt.datetime
    client_id: str = ''
    hidden: bool = False
    group: str | None = None
    marked: bool = False
    edited: bool = False
    dots: int = 0
    merges: int = 0  # ideas merged into this one


class QuestionPublic(SQLModel):
    id: int
    position: int
    number: int
    block: str | None
    sub: str | None
    text: str
    label: str


class BreakoutPublic(SQLModel):
    id: int
    workshop_id: int
    round_id: int
    round_number: int
    topic_id: int
    topic_number: int
    topic_title: str
    label: str
    moderator_name: str | None
    moderator_organisation: str | None
    current_question_id: int | None
    co_moderators: list[str] = Field(default_factory=list)  # further moderators: "Name, Organisation"


class ParticipantPublic(SQLModel):
    id: int
    workshop_id: int
    name: str | None
    organisation: str | None
    stakeholder_group: str | None
