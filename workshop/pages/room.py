"""Participant room: the current guiding question, and — by phase — a box to post, dots to give, the ranking."""

from __future__ import annotations

import datetime as dt

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import background_tasks, ui

from ..events import Event, PhaseChanged, PresenceChanged, QuestionChanged, RoundChanged, TimerChanged, WorkshopChanged
from ..i18n import Translate, translate_error
from ..models import IdeaPublic, Phase, QuestionPublic, Workshop
from ..runtime import Runtime, runtime
from ..services import ideas, participants, votes, workshops
from ..services.errors import ServiceError
from ..services.ideas import IDEA_MAX
from .boards import IdeaBoard, load_ideas
from .countdown import Countdown
from .earlier import EarlierRounds
from .frame import content, frame, language_switch
from .live import NoticeBanner, ReloadPrompt, follow_workshop, track_presence
from .outbox import IdeaOutbox
from .session import participant_tokens
from .widgets import PhaseBadge, question_heading, show_question


@ui.page('/j/{code}/room')
async def room_page(code: str) -> Response | None:
    rt = runtime()
    # one session and few queries (with a thousand phones arriving, each statement counts): the workshop
    # with this browser's participant and seat; the room with its phase; the questions; the phone's dots;
    # the ideas with their dots
    async with rt.db.read_session() as session:
        try:
            workshop, participant, breakout_id = await participants.seat_by_code(session, code=code,
                                                                                  tokens=participant_tokens())
        except ServiceError:
            return RedirectResponse(f'/j/{code}', status_code=303)
        if breakout_id is None:
            return RedirectResponse(f'/j/{workshop.join_code}', status_code=303)
        breakout, breakout_row, phase = await workshops.room_of(session, breakout_id)
        question_rows = await workshops.question_rows(session, breakout.topic_id)
        questions = [workshops.question_public(q) for q in question_rows]
        current = next((q for q in questions if q.id == breakout.current_question_id), None)
        mine, left, budget = {}, 0, 0
        if current is None:
            phase = Phase.closed
        else:
            mine, left, budget = await votes.status_for(
                session, participant_id=participant.id, breakout=breakout_row, workshop=workshop,
                question=next(q for q in question_rows if q.id == current.id))
        shown = await load_ideas(rt, breakout_id=breakout_id, question_id=current.id if current else None,
                                 session=session)

    _ = frame(f'{breakout.label} · {workshop.title}', language=workshop.language)
    view = RoomView(rt, _, workshop=workshop, breakout_id=breakout_id, participant_id=participant.id,
                    token=participant.token, questions=questions, current=current, phase=phase)
    with content():
        view.notice = NoticeBanner(_, workshop)
        view.reload_prompt = ReloadPrompt(_)
        with ui.row().classes('w-full items-center justify-between no-wrap'):
            with ui.column().classes('gap-0 min-w-0'):
                ui.label(workshop.title).classes('text-xs text-grey-8')
                ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-base font-semibold') \
                    .props('role=heading aria-level=1').mark('breakout')
            with ui.column().classes('items-end gap-0 shrink-0'):
                language_switch(_)
                ui.button(_('Change room'), icon='swap_horiz').props(
                    f'flat no-caps dense href=/j/{workshop.join_code}?switch=true tag=a').classes('shrink-0')
        view.build(shown, mine=mine, left=left, budget=budget, ends_at=breakout_row.timer_ends_at)
        if breakout.round_number > 1:
            view.earlier = EarlierRounds(rt, _, breakout=breakout, question_id=current.id if current else None)
    follow_workshop(rt, workshop.id, view.on_event, breakout_id=breakout_id)
    track_presence(rt, workshop_id=workshop.id, breakout_id=breakout_id)
    return None


class RoomView:
    """The phone's room view; updates itself in place from bus events."""

    def __init__(self, rt: Runtime, _: Translate, *, workshop: Workshop, breakout_id: int, participant_id: int,
                 token: str, questions: list[QuestionPublic], current: QuestionPublic | None, phase: Phase) -> None:
        self.rt = rt
        self._ = _
        self.workshop_id = workshop.id
        self.code = workshop.join_code
        self.hide_tallies = workshop.hide_tallies
        self.breakout_id = breakout_id
        self.participant_id = participant_id
        self.token = token
        self.questions = {q.id: q for q in questions}
        self.current = current
        self.phase = phase
        self.client_id = ideas.new_client_id()
        self.earlier: EarlierRounds | None = None
        self.notice: NoticeBanner | None = None
        self.reload_prompt: ReloadPrompt | None = None

    def build(self, shown: list[IdeaPublic], *, mine: dict[int, int], left: int, budget: int,
              ends_at: dt.datetime | None) -> None:
        _ = self._
        self.round_prompt = ui.card().classes('w-full bg-amber-1').props('flat bordered role=alert')
        with self.round_prompt:
            self.round_text = ui.label('').classes('text-base font-semibold')
            ui.button(_('Choose a room'), icon='meeting_room').props(
                f'unelevated no-caps href=/j/{self.code}?switch=true tag=a').mark('choose-new-room')
        self.round_prompt.set_visibility(False)
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            with ui.row().classes('w-full items-center justify-between'):
                self.phase_badge = PhaseBadge(_, self.phase)
                self.timer = Countdown(ends_at, done_text=_('Time is up')).classes('text-lg font-mono font-semibold') \
                    .mark('timer')
            self.block, self.question = question_heading(self.current, _)
            self.online = ui.label('').classes('text-xs text-grey-8').mark('online')
        with ui.column().classes('w-full gap-2') as self.post_area:
            self.box = ui.textarea(_('Your idea'), placeholder=_('One idea per post …')) \
                .props(f'outlined autogrow counter stack-label maxlength={IDEA_MAX} enterkeyhint=send') \
                .classes('w-full text-base').mark('idea-input')
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                self.status = ui.label('').classes('text-sm').props('role=status aria-live=polite').mark('post-status')
                self.send = ui.button(_('Post'), icon='send', on_click=self.post) \
                    .props('unelevated no-caps size=lg').mark('post')
            # the draft and unconfirmed ideas, kept in the browser until the server confirms them
            self.outbox = IdeaOutbox(_, storage_key=f'ws:{self.code}:{self.participant_id}:{self.breakout_id}',
                                     box=self.box, button=self.send, client_id=self.client_id,
                                     question_id=self.current.id if self.current else None,
                                     on_resend=self.resend, on_draft=self._restore_draft).classes('w-full')
        self.dots_left = ui.label('').classes('text-base font-semibold text-primary') \
            .props('role=status aria-live=polite').mark('dots-left')
        self.list_heading = ui.label('').classes('text-lg font-semibold mt-2').props('role=heading aria-level=2')
        self.board = IdeaBoard(self.rt, _, workshop_id=self.workshop_id, breakout_id=self.breakout_id,
                               question_id=self.current.id if self.current else None, mode='phone',
                               phase=self.phase, hide_tallies=self.hide_tallies,
                               own_participant_id=self.participant_id, on_vote=self.vote) \
            .classes('w-full').props('data-ws=board').mark('ideas')
        self.board.show(shown)
        self.my_dots = dict(mine)
        self.board.set_my_dots(mine)
        self.budget = budget
        self._show_dots_left(left)
        self._show_phase()

    # --- actions ---

    async def post(self) -> None:
        _ = self._
        text = self.box.value or ''
        if not text.strip():
            self.status.set_text(_('Please write your idea first.'))
            return
        self.send.disable()
        self.status.set_text(_('Sending …'))
        sent = self.client_id
        try:
            await ideas.post_idea(self.rt.db, self.rt.bus, token=self.token, breakout_id=self.breakout_id,
                                  text=text, client_id=sent,
                                  question_id=self.current.id if self.current else None,
                                  limits=self.rt.post_limits)
        except ServiceError as e:
            self.status.set_text(translate_error(_, e))
            self.outbox.refused(sent, translate_error(_, e))
            return
        except Exception:  # keep the typed text; the same client id makes a resend harmless
            self.status.set_text(_('Not sent — please check your connection and try again.'))
            raise
        finally:
            self.send.enable()
        self._saved(sent)

    def _saved(self, client_id: str) -> None:
        """Stored (after the commit): confirm it to the browser's outbox; a new id for the next draft."""
        if client_id == self.client_id:
            self.client_id = ideas.new_client_id()
            self.box.set_value('')
            self.status.set_text(self._('Saved ✓'))
            self.outbox.next_id(self.client_id, self.current.id if self.current else None)
        self.outbox.saved(client_id)

    async def resend(self, client_id: str, text: str, question_id: int | None) -> None:
        """The browser's outbox sends an idea it has not seen confirmed, with the same client id
        (after a reload, a reconnect, a restarted server): stored at most once."""
        if not client_id:
            return
        try:
            await ideas.post_idea(self.rt.db, self.rt.bus, token=self.token, breakout_id=self.breakout_id,
                                  text=text, client_id=client_id, question_id=question_id, limits=self.rt.post_limits)
        except ServiceError as e:
            self.outbox.refused(client_id, translate_error(self._, e))
            return
        self._saved(client_id)

    def _restore_draft(self, text: str) -> None:
        if text.strip() and not (self.box.value or '').strip():
            self.box.set_value(text[:IDEA_MAX])

    async def vote(self, idea_id: int, delta: int) -> None:
        try:
            if delta > 0:
                status = await votes.cast_dot(self.rt.db, self.rt.bus, token=self.token, idea_id=idea_id)
            else:
                status = await votes.remove_dot(self.rt.db, self.rt.bus, token=self.token, idea_id=idea_id)
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='warning', position='top')
            return
        self.my_dots[idea_id] = status.mine
        self.board.set_my_dots(self.my_dots)
        self.budget = status.budget
        self._show_dots_left(status.left)

    # --- events ---

    def on_event(self, event: Event) -> None:
        """Headings, phase and timer; the idea list itself is kept live by the room's board."""
        if isinstance(event, (RoundChanged, WorkshopChanged)):
            self._workshop_event(event)
            return
        if getattr(event, 'breakout_id', None) != self.breakout_id:
            return
        if isinstance(event, PhaseChanged) and self.current is not None and event.question_id == self.current.id:
            self.phase = Phase(event.phase)
            if self.phase == Phase.vote:
                # this phone's dots are known here (page load, its own votes, a question or voting-setting
                # change reloads them): no query per phone when a thousand of them switch at once
                self._show_dots_left(self.budget - sum(self.my_dots.values()))
            self._show_phase()
        elif isinstance(event, QuestionChanged):
            self.current = self.questions.get(event.question_id)
            show_question(self.block, self.question, self.current, self._)
            self.outbox.next_id(self.client_id, self.current.id if self.current else None)
            self.phase, self.budget = Phase(event.phase), event.dots_budget
            self._show_phase()
            self._load_my_dots(budget_known=True)
            if self.earlier:
                self.earlier.show_question(event.question_id)
        elif isinstance(event, TimerChanged):
            self.timer.set(event.ends_at)
        elif isinstance(event, PresenceChanged):
            self.online.set_text(self._.ngettext('{n} person online in this room', '{n} people online in this room',
                                                 event.online))

    def _workshop_event(self, event: Event) -> None:
        if isinstance(event, RoundChanged):
            self.round_text.set_text(self._('{round} has started: please choose your room for it.',
                                            round=self._('Round {n}', n=event.round_number)))
            self.round_prompt.set_visibility(True)
            self.post_area.set_visibility(False)
        elif isinstance(event, WorkshopChanged) and self.notice is not None:
            if 'notice' in event.fields or 'plenary' in event.fields:
                self.notice.reload(self.rt)
            if 'voting' in event.fields:  # the budget may have changed
                self._load_my_dots(budget_known=False)
            if 'structure' in event.fields and self.reload_prompt is not None:
                self.reload_prompt.show()

    def _load_my_dots(self, *, budget_known: bool) -> None:
        """This phone's dots on the current question (one query), and its budget unless an event brought it."""
        question_id = self.current.id if self.current else None
        if question_id is None:
            return

        async def load() -> None:
            async with self.rt.db.session() as session:
                if budget_known:
                    self.my_dots = await votes.my_dots(session, participant_id=self.participant_id,
                                                       breakout_id=self.breakout_id, question_id=question_id)
                    left = self.budget - sum(self.my_dots.values())
                else:
                    breakout = await session.get(workshops.Breakout, self.breakout_id)
                    question = await session.get(workshops.Question, question_id)
                    self.my_dots, left, self.budget = await votes.status_for(
                        session, participant_id=self.participant_id, breakout=breakout, question=question)
            self.board.set_my_dots(self.my_dots)
            self._show_dots_left(left)
        background_tasks.create(load(), name='room dots')

    def _show_phase(self) -> None:
        _ = self._
        self.phase_badge.set(self.phase)
        self.post_area.set_visibility(self.phase == Phase.collect and self.current is not None)
        self.dots_left.set_visibility(self.phase == Phase.vote)
        headings = {Phase.collect: _('Ideas in this room'), Phase.vote: _('Give your dots to the ideas you support'),
                    Phase.discuss: _('Result: ideas by dots'), Phase.closed: _('Result: ideas by dots')}
        self.list_heading.set_text(headings[self.phase])

    def _show_dots_left(self, left: int) -> None:
        self.dots_left.set_text(self._('You have {left} of {budget} dots left.', left=left, budget=self.budget))
