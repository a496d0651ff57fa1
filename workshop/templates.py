"""Workshop templates: human-editable YAML files in ``sessions/``.

A template is validated on load; every problem is reported with the file, the
place (line and path inside the document) and what is wrong, so that a
moderator who edits a template by hand can fix it without reading code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .models import AgendaKind, WorkshopFormat

SESSIONS_DIR = Path(__file__).resolve().parent.parent / 'sessions'

_TIME = re.compile(r'^([01]?\d|2[0-3]):[0-5]\d$')

ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class TemplateError(ValueError):
    """A template could not be loaded; the message names file, place and problem."""


class _PlacedError(ValueError):
    """A cross-reference problem that knows where in the document it is (path below the model)."""

    def __init__(self, message: str, loc: list[Any]) -> None:
        super().__init__(message)
        self.loc = loc


class _Strict(BaseModel):
    model_config = ConfigDict(extra='forbid', str_strip_whitespace=True)


class PersonSpec(_Strict):
    name: ShortText
    organisation: str | None = Field(default=None, max_length=300)


class AgendaItemSpec(_Strict):
    time: str | None = None
    title: ShortText
    speaker: str | None = Field(default=None, max_length=300)
    kind: AgendaKind = AgendaKind.plenary
    round: int | None = Field(default=None, ge=1, description='for kind breakout_round: which round')

    @field_validator('time', mode='before')
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _check_time(value)

    @model_validator(mode='after')
    def _round_only_for_breakouts(self) -> AgendaItemSpec:
        if self.round is not None and self.kind != AgendaKind.breakout_round:
            raise ValueError('"round" is only allowed for items of kind breakout_round')
        return self


class QuestionBlockSpec(_Strict):
    """A themed block; its sub-questions are labelled a., b., …"""
    block: ShortText
    questions: list[Annotated[str, Field(min_length=1, max_length=1000)]] = Field(default_factory=list)


QuestionSpec = Annotated[str, Field(min_length=1, max_length=1000)] | QuestionBlockSpec


class TopicSpec(_Strict):
    title: ShortText
    moderator: PersonSpec | None = None
    questions: list[QuestionSpec] = Field(min_length=1)


class RoundSpec(_Strict):
    title: ShortText | None = None
    topics: list[int] | None = Field(default=None,
                                     description='topic numbers (1-based) run in this round; default: all')
    moderators: dict[int, PersonSpec] = Field(default_factory=dict,
                                              description='per topic number, overrides the topic moderator')


class WorkshopTemplate(_Strict):
    title: ShortText
    subtitle: str | None = Field(default=None, max_length=300)
    language: Literal['de', 'en'] = 'de'
    format: WorkshopFormat = WorkshopFormat.online
    organiser: str = Field(default='', max_length=300)
    date: dt.date | None = None
    start: str | None = None
    end: str | None = None
    context: str = Field(default='', max_length=20_000)
    stakeholder_groups: list[ShortText] = Field(default_factory=list)
    breakout_label: str = Field(default='W {round}.{topic}', max_length=40,
                                description='label pattern of a breakout; placeholders {round} and {topic}')
    agenda: list[AgendaItemSpec] = Field(default_factory=list)
    rounds: list[RoundSpec] = Field(default_factory=lambda: [RoundSpec()], min_length=1)
    topics: list[TopicSpec] = Field(min_length=1)

    @field_validator('start', 'end', mode='before')
    @classmethod
    def _time(cls, value: Any) -> Any:
        return _check_time(value)

    @field_validator('breakout_label')
    @classmethod
    def _label(cls, value: str) -> str:
        try:
            value.format(round=1, topic=1)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f'only the placeholders {{round}} and {{topic}} are allowed ({e})') from e
        return value

    @field_validator('stakeholder_groups')
    @classmethod
    def _unique_groups(cls, value: list[str]) -> list[str]:
        seen = set()
        for group in value:
            if group.casefold() in seen:
                raise ValueError(f'stakeholder group "{group}" is listed twice')
            seen.add(group.casefold())
        return value

    @model_validator(mode='after')
    def _cross_references(self) -> WorkshopTemplate:
        n_topics = len(self.topics)
        for r, round_ in enumerate(self.rounds, start=1):
            refs = [*((n, ['topics', i]) for i, n in enumerate(round_.topics or [])),
                    *((n, ['moderators', n]) for n in round_.moderators)]
            for number, place in refs:
                if not 1 <= number <= n_topics:
                    raise _PlacedError(f'round {r} refers to topic {number}, but there are only {n_topics} topics',
                                       ['rounds', r - 1, *place])
        for i, item in enumerate(self.agenda):
            if item.round is not None and item.round > len(self.rounds):
                raise _PlacedError(f'agenda item "{item.title}" refers to round {item.round}, '
                                   f'but there are only {len(self.rounds)} rounds', ['agenda', i, 'round'])
        return self

    def round_topics(self, round_index: int) -> list[int]:
        """1-based topic numbers that run in the given 0-based round."""
        round_ = self.rounds[round_index]
        return list(round_.topics) if round_.topics else list(range(1, len(self.topics) + 1))


def _check_time(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, int):  # YAML 1.1 reads 14:00 unquoted as a sexagesimal number
        value = f'{value // 60:02d}:{value % 60:02d}'
    if not isinstance(value, str) or not _TIME.match(value.strip()):
        raise ValueError(f'time must look like 14:30, not {value!r}')
    hours, minutes = value.strip().split(':')
    return f'{int(hours):02d}:{minutes}'


def available_templates(directory: Path = SESSIONS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob('*.yaml'))


def resolve_template_path(name_or_path: str, directory: Path = SESSIONS_DIR) -> Path:
    """A template name (``cluster-workshop``) or a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in {'.yaml', '.yml'} and candidate.is_file():
        return candidate
    path = directory / f'{name_or_path}.yaml'
    if path.is_file():
        return path
    names = ', '.join(available_templates(directory)) or '(none)'
    raise TemplateError(f'{name_or_path}: no such template; available templates: {names}')


def load_template(name_or_path: str | Path, directory: Path = SESSIONS_DIR) -> WorkshopTemplate:
    path = resolve_template_path(str(name_or_path), directory)
    raw = path.read_bytes()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b'\n') + 1
        raise TemplateError(f'{path}, line {line}: the file is not UTF-8 text (byte {e.start}); '
                            f'save it with UTF-8 encoding') from e
    return parse_template(text, source=str(path))


def parse_template(text: str, *, source: str = '<template>') -> WorkshopTemplate:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f', line {mark.line + 1}, column {mark.column + 1}' if mark else ''
        raise TemplateError(f'{source}{where}: not valid YAML: {e.problem}') from e
    except yaml.YAMLError as e:
        raise TemplateError(f'{source}: not valid YAML: {e}') from e
    if not isinstance(data, dict):
        raise TemplateError(f'{source}: the template must be a mapping with keys such as title, topics, agenda')
    try:
        return WorkshopTemplate.model_validate(data)
    except ValidationError as e:
        problems = [_describe(error, node, source) for error in e.errors()]
        raise TemplateError('\n'.join(problems)) from e


def _describe(error: dict[str, Any], root: yaml.Node | None, source: str) -> str:
    loc = [part for part in error['loc'] if not _is_union_tag(part)]
    cause = (error.get('ctx') or {}).get('error')
    if isinstance(cause, _PlacedError):
        loc = [*loc, *cause.loc]
    line = _line_of(root, loc)
    where = f', line {line}' if line else ''
    path = ''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in loc).lstrip('.') or '(top level)'
    message = error['msg']
    if error['type'] == 'missing':
        message = 'this field is required'
    elif error['type'] == 'extra_forbidden':
        message = 'unknown field (misspelt?)'
    return f'{source}{where}: {path}: {message}'


def _is_union_tag(part: Any) -> bool:
    # pydantic inserts the tried union member's name, e.g. 'str' or 'QuestionBlockSpec'
    return isinstance(part, str) and (part in {'str', 'int'} or part.endswith('Spec') or '[' in part
                                   or part.startswith('constrained-'))


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """Line (1-based) of the deepest YAML node that exists along ``loc``."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, 'value', None) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line
