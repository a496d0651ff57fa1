"""Breakout moderator (secret link): the room's ideas live, the guiding questions, who is there."""

from __future__ import annotations

from nicegui import ui

from ..events import Event, IdeaPosted, MembersChanged, PresenceChanged, QuestionChanged
from ..i18n import Translate, translate_error
from ..models import QuestionPublic
from ..runtime import Runtime, runtime
from ..services import ideas, moderation, workshops
from ..services.errors import ServiceError
from .frame import content, error_page, frame
from .live import IdeaFeed, follow_workshop
from .widgets import question_heading, show_question


@ui.page('/m/{secret}')
async def moderator_page(secret: str) -> None:
    rt = runtime()
    async with rt.db.session() as session:
        try:
            breakout_row = await moderation.breakout_by_secret(session, secret)
        except ServiceError as e:
            _ = frame('Workshop', language=None)
            error_page(_, translate_error(_, e))
            return
        breakout = await workshops.get_breakout(session, breakout_row.id)
        workshop = await session.get(workshops.Workshop, breakout.workshop_id)
        questions = await workshops.questions_of(session, breakout.topic_id)
        counts = (await workshops.breakout_counts(session, workshop.id)).get(breakout.id, {})
        current = next((q for q in questions if q.id == breakout.current_question_id), None)
        shown = await ideas.ideas_of(session, breakout_id=breakout.id, question_id=current.id if current else None)

    _ = frame(f'{breakout.label} · Moderation', language=workshop.language)
    view = ModeratorView(rt, _, secret=secret, breakout_id=breakout.id, questions=questions, current=current)
    with content(wide=True):
        with ui.row().classes('w-full items-center justify-between'):
            with ui.column().classes('gap-0'):
                ui.label(_('Moderation · {title}', title=workshop.title)).classes('text-xs text-grey-8')
                ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-xl font-bold') \
                    .props('role=heading aria-level=1').mark('breakout')
            with ui.row().classes('items-center gap-3'):
                ui.label(_('Join code')).classes('text-sm text-grey-8')
                ui.label(workshop.join_code).classes('ws-code text-lg').mark('join-code')
                ui.button(_('Open wall'), icon='tv').props(
                    f'outline no-caps href=/wall/{workshop.join_code}/{breakout.id} target=_blank tag=a')
        with ui.row().classes('gap-6 text-base'):
            view.online = ui.label(_('{n} online', n=rt.presence.online(breakout.id))).mark('online')
            view.members = ui.label(_('{n} joined', n=counts.get('members', 0))).mark('members')
            view.idea_count = ui.label('').mark('idea-count')
        with ui.row().classes('w-full gap-6 items-start no-wrap max-md:flex-wrap'):
            with ui.column().classes('grow gap-3 min-w-0'):
                view.build_current(shown)
            with ui.column().classes('w-full md:w-96 shrink-0'):
                view.build_question_list()
    follow_workshop(rt, workshop.id, view.on_event)


class ModeratorView:
    def __init__(self, rt: Runtime, _: Translate, *, secret: str, breakout_id: int,
                 questions: list[QuestionPublic], current: QuestionPublic | None) -> None:
        self.rt = rt
        self._ = _
        self.secret = secret
        self.breakout_id = breakout_id
        self.questions = questions
        self.current = current
        self.question_buttons: dict[int, ui.button] = {}

    def build_current(self, shown) -> None:  # noqa: ANN001
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            self.block, self.question = question_heading(self.current, _)
            with ui.row().classes('gap-2'):
                ui.button(_('Previous question'), icon='arrow_back', on_click=lambda: self.step(-1)) \
                    .props('outline no-caps').mark('previous-question')
                ui.button(_('Next question'), icon='arrow_forward', on_click=lambda: self.step(1)) \
                    .props('unelevated no-caps').mark('next-question')
        self.feed = IdeaFeed(_, on_count=self._show_count)
        self.feed.show(shown)

    def build_question_list(self) -> None:
        _ = self._
        ui.label(_('Guiding questions')).classes('text-lg font-semibold').props('role=heading aria-level=2')
        last_block = None
        with ui.column().classes('w-full gap-1'):
            for q in self.questions:
                if q.block and q.block != last_block:
                    ui.label(f'{q.number}. {q.block}').classes('text-sm font-semibold text-grey-8 mt-2')
                last_block = q.block
                button = ui.button(f'{q.label} {q.text}', on_click=lambda q=q: self.go_to(q.id)) \
                    .props('flat no-caps align=left color=grey-10').classes('w-full text-sm ws-question-item') \
                    .mark(f'question-{q.id}')
                self.question_buttons[q.id] = button
        self._highlight()

    async def step(self, step: int) -> None:
        try:
            await moderation.step_question(self.rt.db, self.rt.bus, secret=self.secret, step=step)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')

    async def go_to(self, question_id: int) -> None:
        try:
            await moderation.set_question(self.rt.db, self.rt.bus, secret=self.secret, question_id=question_id)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')

    def on_event(self, event: Event) -> None:
        if getattr(event, 'breakout_id', None) != self.breakout_id:
            return
        if isinstance(event, IdeaPosted):
            if self.current is not None and event.question_id == self.current.id:
                self.feed.add(event)
        elif isinstance(event, QuestionChanged):
            self.current = next((q for q in self.questions if q.id == event.question_id), None)
            show_question(self.block, self.question, self.current, self._)
            self._highlight()
            self.feed.reload(self.rt, breakout_id=self.breakout_id, question_id=event.question_id)
        elif isinstance(event, PresenceChanged):
            self.online.set_text(self._('{n} online', n=event.online))
        elif isinstance(event, MembersChanged):
            self.members.set_text(self._('{n} joined', n=event.members))

    def _highlight(self) -> None:
        for qid, button in self.question_buttons.items():
            active = self.current is not None and qid == self.current.id
            button.props(f'aria-current={"true" if active else "false"}')
            button.classes(add='ws-current font-semibold' if active else '',
                           remove='' if active else 'ws-current font-semibold')

    def _show_count(self, n: int) -> None:
        self.idea_count.set_text(self._('{n} ideas on this question', n=n))
