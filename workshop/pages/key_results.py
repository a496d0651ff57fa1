"""Key results with what they rest on ("gestützt auf 7 Beiträge, 12 Punkte"), and the topic level's editor.

The moderator page and the plenary wall show ``support_text`` under each key result; the protocol page edits
a topic's key results (the Resümee and the protocol print them) with ``TopicResultsEditor``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from ..i18n import Translate
from ..models import Topic, Workshop
from ..runtime import Runtime
from ..services import results


def support_text(_: Translate, support: results.Support | None, *, show_dots: bool = True) -> str:
    """"based on 7 contributions, 12 dots"; without dots when there are none or they are not shown; '' when the
    key result cites nothing (any more)."""
    if support is None or not support.contributions:
        return ''
    text = _.ngettext('based on {n} contribution', 'based on {n} contributions', support.contributions)
    if show_dots and support.dots:
        text += ', ' + _.ngettext('{n} dot', '{n} dots', support.dots)
    return text


def show_results(_: Translate, box: ui.column, items: list[tuple[str, results.Support | None]], *,
                 show_dots: bool = True, marker: str = 'key-result', classes: str = '') -> None:
    """Key results as bullets, each with what it rests on in a small line under it."""
    box.clear()
    with box:
        for text, support in items:
            with ui.column().classes('w-full gap-0'):
                ui.label(f'• {text}').classes(f'ws-idea {classes}').mark(marker)
                line = support_text(_, support, show_dots=show_dots)
                if line:
                    ui.label(line).classes('text-sm text-grey-8 pl-4').mark(f'{marker}-support')


class TopicResultsEditor:
    """The key results of each topic on the protocol page: what the Resümee and the protocol say for it."""

    def __init__(self, rt: Runtime, _: Translate, *, secret: str, workshop_id: int,
                 run: Callable[[Callable[[], Awaitable[Any]]], Awaitable[bool]]) -> None:
        self.rt, self._, self.secret, self.workshop_id, self._run = rt, _, secret, workshop_id, run
        self.shown: dict[int, ui.column] = {}

    def build(self, topics: list[Topic]) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            ui.label(_('Key results of the workshops')).classes('text-lg font-semibold') \
                .props('role=heading aria-level=2')
            ui.label(_('One key result per line, per topic: the plenary summary and the minutes show them. Left '
                       'empty, they are the breakouts\' key results of all rounds.')).classes('text-sm text-grey-8')
            for topic in topics:
                ui.label(_('Topic {n}: {title}', n=topic.number, title=topic.title)).classes('font-semibold mt-2')
                self.topic(topic)

    def topic(self, topic: Topic) -> None:
        """One topic's editor: its key results, save and draft, and what the Resümee and the minutes show."""
        _ = self._
        area = ui.textarea(value='\n'.join(topic.key_results)).props('outlined autogrow') \
            .classes('w-full').mark(f'topic-results-{topic.number}')
        area.props['aria-label'] = _('Key results') + f' {topic.number}. {topic.title}'

        async def save() -> None:
            if await self._run(lambda: results.save_topic(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                          topic_id=topic.id, items=(area.value or '').split('\n'))):
                await self.show(topic.id)

        async def draft() -> None:
            async with self.rt.db.session() as session:
                drafted = await results.draft_topic(session, topic_id=topic.id)
            area.set_value('\n'.join(kr.text for kr in drafted))
        with ui.row().classes('gap-2'):
            ui.button(_('Save key results of topic {n}', n=topic.number), on_click=save) \
                .props('no-caps dense').mark(f'save-topic-results-{topic.number}')
            ui.button(_('Draft from the breakouts'), icon='auto_awesome', on_click=draft) \
                .props('flat no-caps dense').mark(f'draft-topic-results-{topic.number}')
        ui.label(_('As the summary and the minutes show them:')).classes('text-sm text-grey-8')
        self.shown[topic.id] = ui.column().classes('w-full gap-1 pl-2')

    async def show(self, topic_id: int | None = None) -> None:
        """The effective key results of one topic (None: of all) with what they rest on."""
        async with self.rt.db.session() as session:
            workshop = await session.get(Workshop, self.workshop_id)
            for tid, box in self.shown.items():
                if workshop is None or (topic_id is not None and tid != topic_id):
                    continue
                topic = await session.get(Topic, tid)
                if topic is None:
                    continue
                items = await results.topic_results(session, topic)
                found = await results.support(session, items)
                show_dots = workshop.protocol_dots
                show_results(self._, box, [(kr.text, s) for kr, s in zip(items, found, strict=True)],
                             show_dots=show_dots, marker=f'topic-result-{topic.number}', classes='text-sm')
