"""Participant room: the current guiding question, a box to post, the room's ideas live."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from ..events import Event, IdeaPosted, PresenceChanged, QuestionChanged
from ..i18n import Translate, translate_error
from ..models import IdeaPublic, QuestionPublic
from ..runtime import Runtime, runtime
from ..services import ideas, participants, workshops
from ..services.errors import ServiceError
from ..services.ideas import IDEA_MAX
from .frame import content, frame
from .live import IdeaFeed, follow_workshop, track_presence
from .session import participant_token
from .widgets import question_heading, show_question


@ui.page('/j/{code}/room')
async def room_page(code: str):
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await workshops.find_by_code(session, code)
        except ServiceError:
            return RedirectResponse(f'/j/{code}', status_code=303)
        participant = await participants.participant_by_token(session, participant_token(workshop.id), workshop.id)
        breakout_id = None
        if participant is not None:
            breakout_id = await participants.current_breakout_id(session, participant_id=participant.id,
                                                                 round_id=workshop.current_round_id)
        if breakout_id is None:
            return RedirectResponse(f'/j/{workshop.join_code}', status_code=303)
        breakout = await workshops.get_breakout(session, breakout_id)
        questions = await workshops.questions_of(session, breakout.topic_id)
        current = next((q for q in questions if q.id == breakout.current_question_id), None)
        shown = await ideas.ideas_of(session, breakout_id=breakout_id,
                                     question_id=current.id if current else None)

    _ = frame(f'{breakout.label} · {workshop.title}', language=workshop.language)
    view = RoomView(rt, _, workshop_id=workshop.id, breakout_id=breakout_id, participant_id=participant.id,
                    token=participant.token, questions=questions, current=current)
    with content():
        with ui.row().classes('w-full items-center justify-between no-wrap'):
            with ui.column().classes('gap-0'):
                ui.label(workshop.title).classes('text-xs text-grey-8')
                ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-base font-semibold') \
                    .props('role=heading aria-level=1').mark('breakout')
            ui.button(_('Change room'), icon='swap_horiz').props(
                f'flat no-caps dense href=/j/{workshop.join_code}?switch=true tag=a').classes('shrink-0')
        view.build(shown)
    follow_workshop(rt, workshop.id, view.on_event)
    track_presence(rt, workshop_id=workshop.id, breakout_id=breakout_id)
    return None


class RoomView:
    """The phone's room view; updates itself in place from bus events."""

    def __init__(self, rt: Runtime, _: Translate, *, workshop_id: int, breakout_id: int, participant_id: int,
                 token: str, questions: list[QuestionPublic], current: QuestionPublic | None) -> None:
        self.rt = rt
        self._ = _
        self.workshop_id = workshop_id
        self.breakout_id = breakout_id
        self.participant_id = participant_id
        self.token = token
        self.questions = {q.id: q for q in questions}
        self.current = current
        self.client_id = ideas.new_client_id()

    def build(self, shown: list[IdeaPublic]) -> None:
        _ = self._
        with ui.card().classes('w-full').props('flat bordered'):
            self.block, self.question = question_heading(self.current, _)
            self.online = ui.label('').classes('text-xs text-grey-8').mark('online')
        with ui.column().classes('w-full gap-2'):
            self.box = ui.textarea(_('Your idea'), placeholder=_('One idea per post …')) \
                .props(f'outlined autogrow counter stack-label maxlength={IDEA_MAX} enterkeyhint=send') \
                .classes('w-full text-base').mark('idea-input')
            with ui.row().classes('w-full items-center justify-between'):
                self.status = ui.label('').classes('text-sm').props('role=status aria-live=polite').mark('post-status')
                self.send = ui.button(_('Post'), icon='send', on_click=self.post).props('unelevated no-caps size=lg') \
                    .mark('post')
        ui.label(_('Ideas in this room')).classes('text-lg font-semibold mt-2').props('role=heading aria-level=2')
        self.feed = IdeaFeed(_, own_participant_id=self.participant_id)
        self.feed.show(shown)

    async def post(self) -> None:
        _ = self._
        text = self.box.value or ''
        if not text.strip():
            self.status.set_text(_('Please write your idea first.'))
            return
        self.send.disable()
        self.status.set_text(_('Sending …'))
        try:
            await ideas.post_idea(self.rt.db, self.rt.bus, token=self.token, breakout_id=self.breakout_id,
                                  text=text, client_id=self.client_id,
                                  question_id=self.current.id if self.current else None)
        except ServiceError as e:
            self.status.set_text(translate_error(_, e))
            return
        except Exception:  # keep the typed text; the same client id makes a resend harmless
            self.status.set_text(_('Not sent — please check your connection and try again.'))
            raise
        finally:
            self.send.enable()
        self.client_id = ideas.new_client_id()
        self.box.set_value('')
        self.status.set_text(_('Saved ✓'))

    def on_event(self, event: Event) -> None:
        if isinstance(event, IdeaPosted) and event.breakout_id == self.breakout_id:
            if self.current is not None and event.question_id == self.current.id:
                self.feed.add(event)
        elif isinstance(event, QuestionChanged) and event.breakout_id == self.breakout_id:
            self.current = self.questions.get(event.question_id)
            show_question(self.block, self.question, self.current, self._)
            self.feed.reload(self.rt, breakout_id=self.breakout_id, question_id=event.question_id)
        elif isinstance(event, PresenceChanged) and event.breakout_id == self.breakout_id:
            self.online.set_text(self._('{n} people online in this room', n=event.online))
