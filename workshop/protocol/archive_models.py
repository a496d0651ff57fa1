"""The shape of the workshop archive as pydantic models: its fields, types, limits and allowed values.

``archive.validate_archive`` checks data against ``Archive`` and then, in code, what refers to
what. The numbers come from ``workshop/limits.py``, the ones the services use for what people
type, and ``docs/archive.schema.json`` is generated from these models (a test compares them):

    python -m workshop.protocol.archive_models > docs/archive.schema.json

``problem_of`` turns pydantic's first error into the archive's place and problem, e.g.
``('workshop.rounds[0].breakouts[1].questions[2].ideas[5].votes[0].dots', 'must be ≥ 0')``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import sys
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, WithJsonSchema, field_validator
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError, core_schema

from ..i18n import LANGUAGES
from ..limits import (
    CO_MODERATORS_MAX,
    COMMENT_MAX,
    CONCLUSION_TEXT_MAX,
    CONCLUSION_TITLE_MAX,
    CONCLUSIONS_MAX,
    CONTEXT_MAX,
    CORRECTION_MAX,
    DOTS_MAX,
    DOTS_MIN,
    IDEA_GROUP_MAX,
    IDEA_MAX,
    IDEA_MODERATION_MAX,
    KEY_RESULT_MAX,
    KEY_RESULTS_MAX,
    LABEL_MAX,
    LOGO_MAX_BYTES,
    LOGO_TYPES,
    NAME_MAX,
    NOTICE_MAX,
    ORGANISATION_MAX,
    PROCEEDINGS_MAX,
    QUESTION_MAX,
    QUESTION_SUMMARY_MAX,
    REPRESENTATIVES_MAX,
    RETENTION_MAX_DAYS,
    SUB_LABEL_MAX,
    TEMPLATE_NAME_MAX,
    TITLE_MAX,
)
from ..models import AgendaKind, HideReason, IdeaSource, Phase, WorkshopFormat, WorkshopStatus
from ..services.clusters import COLOURS

FORMAT = 'workshop-archive'
VERSION = 2  # the version written; 2: clusters per breakout question
READS = (1, 2)  # the versions read: a version 1 archive is upgraded first (archive.upgrade)
SCHEMA_ID = f'https://workshop.example.org/archive/v{VERSION}.schema.json'


def _values(kind: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


# --- texts with a form: timestamps, dates, times of day --------------------------------------------------
# One regular expression each, used by the validator and written into the schema (ASCII digits, as in JSON
# Schema's regular expressions; Python's \d would also take other scripts' digits).

_TIMESTAMP = r'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'
_DATE = r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
_CLOCK = r'^([01]?[0-9]|2[0-3]):[0-5][0-9]$'
_TIMESTAMP_EXAMPLE = 'must be a date and time like "2026-05-26T14:03:00+00:00"'


def parse_timestamp(value: Any) -> dt.datetime:
    """An archive's timestamp as an aware UTC datetime; a ``PydanticCustomError`` (a ValueError) says what is wrong."""
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise PydanticCustomError('timestamp', _TIMESTAMP_EXAMPLE)
    if parsed.tzinfo is None:
        raise PydanticCustomError('timestamp', 'needs a time zone, e.g. "+00:00"')
    if not re.match(_TIMESTAMP, value):  # what fromisoformat takes beyond the schema ("14:03", a space for "T")
        raise PydanticCustomError('timestamp', _TIMESTAMP_EXAMPLE)
    return parsed.astimezone(dt.UTC)


def _timestamp(value: Any) -> str:
    parse_timestamp(value)
    return value


def _date(value: Any) -> str:
    try:
        if isinstance(value, str) and re.match(_DATE, value) and dt.date.fromisoformat(value):
            return value
    except ValueError:
        pass  # 2026-02-30
    raise PydanticCustomError('date', 'must be a date like "2026-05-26"')


def _clock(value: Any) -> str:
    if isinstance(value, str) and re.match(_CLOCK, value):
        return value
    raise PydanticCustomError('clock', 'must be a time like "14:00"')


Timestamp = Annotated[str, PlainValidator(_timestamp), WithJsonSchema({
    'type': 'string', 'format': 'date-time', 'pattern': _TIMESTAMP,
    'description': 'ISO 8601 with a time zone; the app writes UTC (+00:00)'})]
Date = Annotated[str, PlainValidator(_date), WithJsonSchema({'type': 'string', 'format': 'date', 'pattern': _DATE})]
Clock = Annotated[str, PlainValidator(_clock), WithJsonSchema({
    'type': 'string', 'pattern': _CLOCK, 'description': 'a time of day, HH:MM'})]
KeyResult = Annotated[str, Field(min_length=1, max_length=KEY_RESULT_MAX)]
# per key result (in the same order) the ids of the ideas it rests on; optional (absent: none cited)
KeyResultSources = Annotated[list[list[Annotated[int, Field(ge=1)]]], Field(
    max_length=KEY_RESULTS_MAX, json_schema_extra=lambda schema: schema.pop('default', None),
    description='per key result, in the same order, the ids of the ideas it rests on (a cited cluster: its '
                'ideas); optional, since #15')]


class _Part(BaseModel):
    """Exact types (no "3" for 3, no 1 for true) and no fields beyond the documented ones."""
    model_config = ConfigDict(strict=True, extra='forbid')


# --- the models, from the inside out ----------------------------------------------------------------------

class Settings(_Part):
    dots_per_question: int = Field(ge=DOTS_MIN, le=DOTS_MAX)
    max_dots_per_idea: int = Field(ge=DOTS_MIN, le=DOTS_MAX)
    hide_tallies: bool
    name_authors: bool = Field(description='the protocol names authors only when true')
    joining_locked: bool
    require_new_topic: bool


class Live(_Part):
    """Where the live workshop stood."""
    current_round: int | None = Field(ge=1, description='a round number')
    current_agenda_item: int | None = Field(ge=0, description='index into agenda, counting from 0')
    plenary: bool
    summary_topic: int | None = Field(ge=1, description='a topic number')
    notice: str | None = Field(max_length=NOTICE_MAX)
    notice_at: Timestamp | None
    notice_until: Timestamp = Field(default=None, json_schema_extra=lambda schema: schema.pop('default', None),
                                    description='optional: when the notice goes by itself (absent: when cleared)')
    gong: bool = Field(default=False, description='optional: walls sound a gong when their timer ends')


class Privacy(_Part):
    """Optional: personal data (names, organisations) is anonymised retention_days after the workshop ended."""
    retention_days: int = Field(ge=0, le=RETENTION_MAX_DAYS)
    ended_at: Timestamp | None
    anonymised_at: Timestamp | None


class ProtocolOptions(_Part):
    """Optional (absent in older archives: these defaults): how the protocol is written."""
    dots: bool = Field(default=True, description='the dots and charts of the dot voting are shown')
    omit_unanswered: bool = Field(default=True, description='questions without contributions are left out')
    participation_prose: bool = Field(default=True, description='participation as a sentence, not as a table')
    citations: bool = Field(default=False,
                            description='each key result of a topic refers to its contributions in the appendix; '
                                        'written only when true')


class Logo(_Part):
    media_type: Literal[LOGO_TYPES]
    data: str = Field(max_length=4 * LOGO_MAX_BYTES, json_schema_extra={'contentEncoding': 'base64'},
                      description=f'at most {LOGO_MAX_BYTES} bytes')


class AgendaItem(_Part):
    time: Clock | None
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    speaker: str | None = Field(max_length=TITLE_MAX)
    kind: Literal[_values(AgendaKind)]
    round: int | None = Field(ge=1, description='a round number')


class TopicQuestion(_Part):
    id: int = Field(ge=1)
    number: int = Field(ge=1)
    block: str | None = Field(max_length=TITLE_MAX)
    sub: str | None = Field(min_length=1, max_length=SUB_LABEL_MAX)
    text: str = Field(min_length=1, max_length=QUESTION_MAX)
    dots_budget: int | None = Field(ge=DOTS_MIN, le=DOTS_MAX)
    summary: str = Field(default='', max_length=QUESTION_SUMMARY_MAX,
                         description="the moderation's summary of the answers, in the protocol above them; optional")


class Topic(_Part):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    questions: list[TopicQuestion]
    key_results: list[KeyResult] = Field(default_factory=list, max_length=KEY_RESULTS_MAX,
                                         json_schema_extra=lambda schema: schema.pop('default', None),
                                         description="the topic's own key results (the Resümee and the protocol); "
                                                     "optional: absent or empty, they are its breakouts'")
    key_result_sources: KeyResultSources = Field(default_factory=list)


class Attendance(_Part):
    breakout: int = Field(ge=1, description='a breakout id')
    joined_at: Timestamp


class Participant(_Part):
    id: int = Field(ge=1)
    name: str | None = Field(max_length=NAME_MAX)
    organisation: str | None = Field(max_length=ORGANISATION_MAX)
    group: str | None = Field(max_length=TITLE_MAX)
    created_at: Timestamp
    removed: bool
    attendance: list[Attendance]


class Vote(_Part):
    participant: int = Field(ge=1, description='a participant id')
    dots: int = Field(ge=0)
    created_at: Timestamp


def _absent_when_empty(schema: dict[str, Any]) -> None:
    schema.pop('default', None)  # optional (since #16): absent when empty, so older archives stay as they are


class GalleryDot(_Part):
    """Dots given to an earlier round's idea in a later round's gallery walk (apart from the idea's votes)."""
    breakout: int = Field(ge=1, description='a breakout id: the later round\'s room of the gallery walk')
    participant: int = Field(ge=1, description='a participant id')
    dots: int = Field(ge=0)
    created_at: Timestamp


class Comment(_Part):
    """A comment on an earlier round's idea, written in a later round's gallery walk."""
    breakout: int = Field(ge=1, description='a breakout id: the later round\'s room of the gallery walk')
    author: int | None = Field(ge=1, description='a participant id; null: anonymised')
    text: str = Field(min_length=1, max_length=COMMENT_MAX)
    created_at: Timestamp
    hidden: bool = Field(description='hidden by the moderator of that room')


_IDEA_LENGTH = (f'a phone posts at most {IDEA_MAX} characters; the moderation may add or edit up to '
                f'{IDEA_MODERATION_MAX:,}, in lines')


class Idea(_Part):
    id: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=IDEA_MODERATION_MAX, description=_IDEA_LENGTH)
    author: int | None = Field(ge=1, description='a participant id; null: added by the moderation')
    created_at: Timestamp
    source: Literal[_values(IdeaSource)]
    original_text: str | None = Field(max_length=IDEA_MODERATION_MAX)
    edited_at: Timestamp | None
    hidden: bool
    hidden_reason: Literal[_values(HideReason)] | None
    merged_into: int | None = Field(ge=1, description='an idea id of the same breakout and question')
    group: str | None = Field(max_length=IDEA_GROUP_MAX, description="the title of the idea's cluster")
    marked: bool
    votes: list[Vote]
    gallery: list[GalleryDot] = Field(default_factory=list, json_schema_extra=_absent_when_empty,
                                      description='dots of later rounds\' gallery walks; optional')
    comments: list[Comment] = Field(default_factory=list, json_schema_extra=_absent_when_empty,
                                    description='comments of later rounds\' gallery walks, oldest first; optional')


class Cluster(_Part):
    """A named, coloured heading of the moderation over the ideas of a breakout question whose group is its title."""
    title: str = Field(min_length=1, max_length=IDEA_GROUP_MAX, description='unique in its breakout question')
    colour: Literal[COLOURS]
    position: int = Field(ge=0, description='its place among the clusters (they are listed in this order)')


class BreakoutQuestion(_Part):
    question: int = Field(ge=1, description="a question id of the breakout's topic")
    number: int = Field(ge=1)
    block: str | None = Field(max_length=TITLE_MAX)
    sub: str | None = Field(min_length=1, max_length=SUB_LABEL_MAX)
    text: str = Field(min_length=1, max_length=QUESTION_MAX)
    phase: Literal[_values(Phase)]
    key_results: list[KeyResult] = Field(max_length=KEY_RESULTS_MAX)
    key_result_sources: KeyResultSources = Field(default_factory=list)
    clusters: list[Cluster] = Field(description='in order (by position); since version 2')
    ideas: list[Idea]


class Moderator(_Part):
    name: str | None = Field(max_length=TITLE_MAX)
    organisation: str | None = Field(max_length=TITLE_MAX)


class Timer(_Part):
    ends_at: Timestamp | None
    seconds: int | None = Field(ge=1)
    closes: bool = Field(default=False, description='optional: collection closes when the time is up')


class Breakout(_Part):
    id: int = Field(ge=1)
    label: str = Field(min_length=1, max_length=LABEL_MAX)
    topic: int = Field(ge=1, description='a topic number')
    moderator: Moderator | None
    key_results: list[KeyResult] = Field(max_length=KEY_RESULTS_MAX)
    key_result_sources: KeyResultSources = Field(default_factory=list)
    current_question: int | None = Field(ge=1, description='a question id')
    timer: Timer | None
    questions: list[BreakoutQuestion]
    co_moderators: list[Moderator] = Field(default_factory=list, max_length=CO_MODERATORS_MAX,
                                           json_schema_extra=_absent_when_empty,
                                           description='further moderators of the room; optional (absent: none)')
    gallery_walk: bool = Field(default=False, json_schema_extra=_absent_when_empty,
                               description='its gallery walk on earlier rounds\' results is on; optional')


class Round(_Part):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    breakouts: list[Breakout]


class Conclusion(_Part):
    title: str = Field(min_length=1, max_length=CONCLUSION_TITLE_MAX)
    text: str = Field(max_length=CONCLUSION_TEXT_MAX)


_DESCRIPTION = (
    'A whole workshop as the app exports it (`workshop export CODE --format json`) and imports it '
    '(`workshop import FILE`). See docs/archive-format.md. Ids (participant, question, breakout, idea) are numbers '
    'local to the archive. Checks the schema cannot express (references between ids, one breakout per participant '
    'and round, merges within the same breakout and question, cluster titles unique per breakout question) are '
    'made by the importer, which also reads version 1 (without clusters).')


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop('default', None)  # an optional field that must not be null: absent, not "default null"


class Workshop(_Part):
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    subtitle: str | None = Field(max_length=TITLE_MAX)
    date: Date | None
    start_time: Clock | None
    end_time: Clock | None
    format: Literal[_values(WorkshopFormat)]
    organiser: str = Field(max_length=TITLE_MAX)
    language: Literal[tuple(LANGUAGES)]
    status: Literal[_values(WorkshopStatus)]
    template: str | None = Field(max_length=TEMPLATE_NAME_MAX)
    created_at: Timestamp
    context: str = Field(max_length=CONTEXT_MAX)
    settings: Settings
    live: Live
    privacy: Privacy = Field(default=None, json_schema_extra=_no_default)
    protocol: ProtocolOptions = Field(default_factory=ProtocolOptions, json_schema_extra=_no_default)
    stakeholder_groups: list[Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]]
    participation_extra: dict[Annotated[str, Field(max_length=TITLE_MAX)],
                              Annotated[int, Field(ge=-CORRECTION_MAX, le=CORRECTION_MAX)]] = Field(
        description='the lead\'s correction of the head count per stakeholder group ("" = not stated)')
    logo: Logo | None
    agenda: list[AgendaItem]
    topics: list[Topic] = Field(min_length=1)
    participants: list[Participant]
    rounds: list[Round] = Field(min_length=1)
    conclusions: list[Conclusion] = Field(max_length=CONCLUSIONS_MAX)
    proceedings: str = Field(default='', max_length=PROCEEDINGS_MAX, json_schema_extra=_no_default,
                             description='the protocol\'s "Verlauf" as the lead wrote it; optional (absent: drafted '
                                         'from the agenda)')
    representatives: list[Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]] = Field(
        default_factory=list, max_length=REPRESENTATIVES_MAX, json_schema_extra=_no_default,
        description='who represented the organiser ("Dr. A. Beispiel, Ministerium für …"); optional')


class Archive(_Part):
    """The whole archive; its description in the schema is ``_DESCRIPTION``."""
    model_config = ConfigDict(title=f'Workshop archive, version {VERSION}',
                              json_schema_extra={'description': _DESCRIPTION})

    format: Literal[FORMAT]
    version: int = Field(json_schema_extra={'const': VERSION})
    workshop: Workshop

    @field_validator('version')
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != VERSION:  # an older version this app reads is upgraded before (archive.upgrade)
            known = ' and '.join(str(v) for v in READS)
            raise PydanticCustomError('version', 'this app reads archive versions {known}, not {version}',
                                      {'known': known, 'version': value})
        return value


# --- pydantic's errors in the archive's words --------------------------------------------------------------

_TYPES = {
    'model_type': 'must be an object', 'dict_type': 'must be an object', 'list_type': 'must be a list',
    'string_type': 'must be a text', 'int_type': 'must be a whole number', 'bool_type': 'must be true or false',
}


def problem_of(error: ValidationError) -> tuple[str, str]:
    """The place and the problem of the first error, in the archive's terms (see the module's docstring)."""
    first = error.errors(include_url=False)[0]
    loc = list(first['loc'])
    if loc[-1:] == ['[key]']:  # a key of participation_extra: the place is the object, as the key may be long
        return _path(loc[:-2]), 'a key ' + _problem(first, str)
    return _path(loc), _problem(first, _expected(loc))


def _path(loc: list[str | int]) -> str:
    return ''.join(f'[{part}]' if isinstance(part, int) else f'.{part}' for part in loc).removeprefix('.')


def _problem(error: Any, expected: Any) -> str:
    kind, ctx = error['type'], error.get('ctx') or {}
    or_null = ' or null' if _nullable(expected) else ''
    if kind in _TYPES:
        return _TYPES[kind] + or_null
    if kind == 'literal_error':
        choices = get_args(_bare(expected))
        if not choices:
            return error['msg']
        if len(choices) == 1:
            return f'must be "{choices[0]}"'
        return 'must be one of ' + ', '.join(f'"{c}"' for c in choices) + or_null
    if kind == 'missing':
        return 'is missing'
    if kind == 'extra_forbidden':
        return 'is not a known field'
    if kind in ('string_too_short', 'too_short'):
        if ctx['min_length'] == 1:
            return 'must not be empty'
        return f'needs at least {ctx["min_length"]} ' + ('characters' if kind == 'string_too_short' else 'items')
    if kind == 'string_too_long':
        return f'is too long ({len(error["input"])} characters, at most {ctx["max_length"]})'
    if kind == 'too_long':
        return f'has too many items ({ctx["actual_length"]}, at most {ctx["max_length"]})'
    if kind == 'greater_than_equal':
        return f'must be ≥ {ctx["ge"]}'
    if kind == 'less_than_equal':
        return f'must be ≤ {ctx["le"]}'
    if kind in ('timestamp', 'date', 'clock') and error['msg'].startswith('must be'):
        return error['msg'] + or_null
    return error['msg']  # our own validators' words, or pydantic's for what the models do not use yet


def _expected(loc: list[str | int]) -> Any:
    """The type the models expect at a place (to say "or null" and name the choices); None where unknown."""
    expected: Any = Archive
    for part in loc:
        expected = _bare(expected)
        if isinstance(expected, type) and issubclass(expected, BaseModel) and part in expected.model_fields:
            expected = expected.model_fields[str(part)].annotation
        elif get_origin(expected) is list and isinstance(part, int):
            expected = get_args(expected)[0]
        elif get_origin(expected) is dict:
            expected = get_args(expected)[1]
        else:
            return None
    return expected


def _bare(expected: Any) -> Any:
    """Without ``Annotated`` and without ``| None``."""
    while True:
        if get_origin(expected) is Annotated:
            expected = get_args(expected)[0]
        elif _nullable(expected):
            expected = next(arg for arg in get_args(expected) if arg is not type(None))
        else:
            return expected


def _nullable(expected: Any) -> bool:
    if get_origin(expected) is Annotated:
        return _nullable(get_args(expected)[0])
    return get_origin(expected) in (Union, types.UnionType) and type(None) in get_args(expected)


# --- the JSON Schema ---------------------------------------------------------------------------------------

class _Schema(GenerateJsonSchema):
    """No titles made from field names ("Dots Per Question"): the names themselves say it."""

    def field_title_should_be_set(self, schema: core_schema.CoreSchemaOrField) -> bool:
        return False


def json_schema() -> dict[str, Any]:
    """The archive's JSON Schema (draft 2020-12), as in ``docs/archive.schema.json``."""
    schema = Archive.model_json_schema(schema_generator=_Schema)
    return {'$schema': 'https://json-schema.org/draft/2020-12/schema', '$id': SCHEMA_ID, **schema}


def schema_text() -> str:
    """The schema as the file ``docs/archive.schema.json`` holds it."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + '\n'


if __name__ == '__main__':
    sys.stdout.buffer.write(schema_text().encode('utf-8'))
