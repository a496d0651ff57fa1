"""Participant room: the current guiding question, and — by phase — a box to post, dots to give, the ranking."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import RedirectResponse
from nicegui import ui

from ..events import (
    CommentChanged,
    Event,
    GalleryDotsChanged,
    GallerySwitched,
    OpenQuestionsChanged,
    PhaseChanged,
    PresenceChanged,
    QuestionChanged,
    Resync,
    RoundChanged,
    TimerChanged,
    WorkshopChanged,
)
from ..i18n import Translate, translate_error
from ..models import Phase, QuestionPublic
from ..rooms.state import RELOADING, RoomState
from ..runtime import Runtime, runtime
from ..services import ideas, participants, votes
from ..services.errors import ServiceError
from ..services.ideas import IDEA_MAX
from .boards import IdeaBoard
from .countdown import Countdown
from .earlier import EarlierRounds
from .frame import content, frame, language_switch
from .live import NoticeBanner, ReloadPrompt, banner, track_presence
from .outbox import IdeaOutbox
from .session import participant_tokens
from .widgets import PhaseBadge, question_heading, show_question


@ui.page('/j/{code}/room')
async def room_page(code: str) -> Response | None:
    rt = runtime()
    # with a thousand phones arriving, each statement counts: one query for the workshop with this browser's
    # participant and seat, one for its dots in the room; all else is the room's live state, read once per process
    async with rt.db.read_session() as session:
        try:
            workshop, participant, breakout_id = await participants.seat_by_code(session, code=code,
                                                                                  tokens=participant_tokens())
        except ServiceError:
            return RedirectResponse(f'/j/{code}', status_code=303)
        if breakout_id is None:
            return RedirectResponse(f'/j/{workshop.join_code}', status_code=303)
        dots = await votes.dots_in_breakout(session, participant_id=participant.id, breakout_id=breakout_id)
    try:
        state = await rt.rooms.open(workshop.id, breakout_id)
    except ServiceError:  # the room was deleted meanwhile
        return RedirectResponse(f'/j/{workshop.join_code}', status_code=303)

    breakout = state.breakout
    _ = frame(f'{breakout.label} · {workshop.title}', language=workshop.language)
    view = RoomView(rt, _, state, code=workshop.join_code, participant_id=participant.id, token=participant.token)
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
                    f'flat no-caps href=/j/{workshop.join_code}?switch=true tag=a').classes('shrink-0 ws-tap')
        view.build(dots.get(state.question_id, {}) if state.question_id is not None else {},
                   earlier=breakout.round_number > 1)
    rt.rooms.render(state, view.render)
    track_presence(rt, workshop_id=workshop.id, breakout_id=breakout_id)
    return None


def _tab_label(question: QuestionPublic) -> str:
    return f'{question.number}{question.sub}.' if question.sub else question.label  # "2a." outside its block


class RoomView:
    """The phone's room view: renders the room's state, and this phone's dots."""

    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, code: str, participant_id: int,
                 token: str) -> None:
        self.rt = rt
        self._ = _
        self.state = state
        self.code = code
        self.breakout_id = state.breakout_id
        self.participant_id = participant_id
        self.token = token
        self.client_id = ideas.new_client_id()
        self.earlier: EarlierRounds | None = None
        self.notice: NoticeBanner | None = None
        self.reload_prompt: ReloadPrompt | None = None
        # several questions collecting at once: the tab chosen (None: the current question), each tab's draft,
        # an idea board per question open next to the current one
        self.selected: int | None = None
        self.drafts: dict[int | None, str] = {}  # by question
        self.side_boards: dict[int, IdeaBoard] = {}
        self._tabs_shown: tuple = ()
        self.tab_row: ui.row | None = None  # these three: made when a second question opens (_make_tab_parts)
        self.which: ui.label | None = None
        self.side_area: ui.column | None = None

    @property
    def current(self) -> QuestionPublic | None:
        return self.state.current

    @property
    def target(self) -> QuestionPublic | None:
        """The question this phone shows and posts to: the chosen tab's, else the current one."""
        if self.selected is not None and self.selected in self.state.tabs and self.selected != self.state.question_id:
            return self.state.questions.get(self.selected)
        return self.current

    @property
    def aside(self) -> bool:
        """A tab of a question open next to the current one is chosen (it collects, whatever the current does)."""
        target = self.target
        return target is not None and target.id != self.state.question_id

    @property
    def phase(self) -> Phase:
        if self.aside:
            return Phase.collect
        return self.state.phase if self.state.current is not None else Phase.closed

    def build(self, mine: dict[int, int], *, earlier: bool = False) -> None:
        _ = self._
        self.round_prompt = ui.card().classes(f'w-full bg-amber-1 {banner("round")}').props('flat bordered role=alert')
        with self.round_prompt:
            self.round_text = ui.label('').classes('text-base font-semibold')
            ui.button(_('Choose a room'), icon='meeting_room').props(
                f'unelevated no-caps href=/j/{self.code}?switch=true tag=a').mark('choose-new-room')
        self.round_prompt.set_visibility(False)
        # phase, dots left and time stay in sight while the list scrolls (30 ideas are longer than a phone)
        with ui.row().classes('w-full items-center justify-between no-wrap gap-2 ws-sticky-bar') \
                .mark('phase-bar') as self.phase_bar:
            self.phase_badge = PhaseBadge(_, self.phase)
            self.dots_left = ui.label('').classes('text-sm font-semibold text-primary text-center grow') \
                .props('role=status aria-live=polite').mark('dots-left')
            self.timer = Countdown(self.state.ends_at, done_text=_('Time is up')) \
                .classes('text-lg font-semibold').mark('timer')
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            self.block, self.question = question_heading(self.current, _)
            self.online = ui.label('').classes('text-xs text-grey-8').mark('online')
        if earlier:  # a later round builds on the earlier ones: their results first, open
            self.earlier = EarlierRounds(self.rt, _, self.state, token=self.token, participant_id=self.participant_id)
        with ui.column().classes('w-full gap-2') as self.post_area:
            self.box = ui.textarea(_('Your idea'), placeholder=_('One idea per post …')) \
                .props(f'outlined autogrow counter stack-label maxlength={IDEA_MAX} enterkeyhint=send') \
                .classes('w-full text-base').mark('idea-input')
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                self.status = ui.label('').classes('text-sm') \
                    .props('role=status aria-live=polite data-ws=post-status').mark('post-status')
                self.send = ui.button(_('Post'), icon='send', on_click=self.post) \
                    .props('unelevated no-caps size=lg').mark('post')
            # the draft and unconfirmed ideas, kept in the browser until the server confirms them
            self.outbox = IdeaOutbox(_, storage_key=f'ws:{self.code}:{self.participant_id}:{self.breakout_id}',
                                     box=self.box, button=self.send, status=self.status, client_id=self.client_id,
                                     question_id=self.target.id if self.target else None,
                                     on_resend=self.resend, on_draft=self._restore_draft).classes('w-full')
        self.list_heading = ui.label('').classes('text-lg font-semibold mt-2').props('role=heading aria-level=2')
        self.board = IdeaBoard(self.rt, _, self.state, mode='phone', own_participant_id=self.participant_id,
                               on_vote=self.vote).classes('w-full').props('data-ws=board').mark('ideas')
        self._show_tabs()
        self._show_online()
        self._show_my_dots(mine)
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
                                  question_id=self.target.id if self.target else None,  # the tab it was written in
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
            self.drafts.pop(self.target.id if self.target else None, None)
            self.outbox.next_id(self.client_id, self.target.id if self.target else None)
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
        self._show_my_dots({**self.my_dots, idea_id: status.mine})

    # --- events ---

    def render(self, event: Event) -> None:
        """Headings, phase, timer and counters from the room's state; the idea list is the board's."""
        state, _ = self.state, self._
        if isinstance(event, PhaseChanged):
            self._show_tabs()  # a question open next to the current one leaves the tabs when it stops collecting
            self._show_phase()
        elif isinstance(event, OpenQuestionsChanged):  # the state was read afresh, with the opened ones' ideas
            self._show_tabs()
            self._show_phase()
        elif isinstance(event, (QuestionChanged, Resync)) or (isinstance(event, WorkshopChanged)
                                                              and RELOADING & set(event.fields)):
            # the state was read afresh, with every participant's dots on the current question
            self._show_tabs(force=True)
            self.timer.set(state.ends_at)
            self._show_online()
            self._show_my_dots(state.dots_of(self.participant_id) or {})
            self._show_phase()
            if self.earlier:
                self.earlier.show(state)
            if isinstance(event, WorkshopChanged) and 'structure' in event.fields and self.reload_prompt:
                self.reload_prompt.show()
        elif isinstance(event, TimerChanged):
            self.timer.set(state.ends_at)
        elif isinstance(event, (GallerySwitched, GalleryDotsChanged, CommentChanged)):  # the gallery walk (#16)
            if self.earlier:
                self.earlier.gallery(event)
        elif isinstance(event, PresenceChanged):
            self._show_online()
        elif isinstance(event, RoundChanged):
            self.round_text.set_text(_('{round} has started: please choose your room for it.',
                                       round=_('Round {n}', n=event.round_number)))
            self.round_prompt.set_visibility(True)
            self.post_area.set_visibility(False)
        elif isinstance(event, WorkshopChanged):
            if self.notice is not None:
                self.notice.show(state.workshop)
            if 'plenary' in event.fields or 'summary' in event.fields:
                self._show_phase()

    def choose(self, question_id: int) -> None:
        """A tab chosen: its question, its draft and its ideas; what is posted goes to its question."""
        if self.target is not None:
            self.drafts[self.target.id] = self.box.value or ''
        self.selected = None if question_id == self.state.question_id else question_id
        self.box.set_value(self.drafts.get(self.target.id, '') if self.target else '')
        self._show_tabs()
        self._show_phase()

    def _show_tabs(self, *, force: bool = False) -> None:
        """With several questions collecting, a tab each (the sticky bar names the chosen one); the chosen
        question's heading, box and board. Only on a change of the open questions or of the chosen tab."""
        _, state = self._, self.state
        tabs = state.tabs
        if self.selected not in tabs or self.selected == state.question_id:
            self.selected = None
        target = self.target
        shown = (tuple(tabs), self.selected, state.question_id)
        if shown == self._tabs_shown and not force:
            return
        self._tabs_shown = shown
        if tabs and self.tab_row is None:
            self._make_tab_parts()
        for q, board in list(self.side_boards.items()):  # closed, or the current question now
            if q not in tabs or q == state.question_id:
                self.rt.rooms.discard_board(board)
                board.delete()
                del self.side_boards[q]
        if self.tab_row is not None and self.which is not None and self.side_area is not None:
            with self.side_area:
                for q in tabs:
                    if q != state.question_id and q not in self.side_boards:
                        self.side_boards[q] = IdeaBoard(
                            self.rt, _, state, mode='phone', own_participant_id=self.participant_id, question_id=q) \
                            .classes('w-full').props('data-ws=board').mark(f'ideas-{q}')
            self.tab_row.clear()
            with self.tab_row:
                for q in tabs:
                    question = state.questions[q]
                    chosen = target is not None and q == target.id
                    ui.button(_('Question {label}', label=_tab_label(question)),
                              on_click=lambda q=q: self.choose(q)) \
                        .props(f'{"unelevated" if chosen else "outline"} no-caps rounded '
                               f'aria-pressed={"true" if chosen else "false"}') \
                        .classes('ws-tap').mark(f'question-tab-{q}')
            self.tab_row.set_visibility(bool(tabs))
            self.which.set_text(_('Question {label}', label=_tab_label(target)) if tabs and target else '')
            self.which.set_visibility(bool(tabs))
        self.board.set_visibility(not self.aside)
        for q, board in self.side_boards.items():
            board.set_visibility(self.aside and q == target.id)
        show_question(self.block, self.question, target, _)
        self.outbox.next_id(self.client_id, target.id if target else None)

    def _make_tab_parts(self) -> None:
        """The tabs above the sticky bar, the chosen question's label in it and the area of the other questions'
        boards below the current one's: made when a second question first opens, so that the usual page of one
        question carries none of them (memory per phone, docs/performance.md)."""
        _ = self._
        page = self.phase_bar.parent_slot.parent
        with page:
            self.tab_row = ui.row().classes('w-full gap-2 items-center') \
                .props(f'role=group aria-label="{_("Open questions")}"').mark('question-tabs')
            self.side_area = ui.column().classes('w-full gap-0')
        self.tab_row.move(page, page.default_slot.children.index(self.phase_bar))
        self.side_area.move(page, page.default_slot.children.index(self.board) + 1)
        with self.phase_bar:
            self.which = ui.label('').classes('text-sm font-semibold shrink-0').mark('chosen-question')
        self.which.move(self.phase_bar, 1)

    def _show_online(self) -> None:
        self.online.set_text(self._.ngettext('{n} person online in this room', '{n} people online in this room',
                                             self.state.online))

    def _show_my_dots(self, mine: dict[int, int]) -> None:
        self.my_dots = {k: v for k, v in mine.items() if v}
        self.board.set_my_dots(self.my_dots)
        budget = self.state.dots_budget
        self.dots_left.set_text(self._('You have {left} of {budget} dots left.',
                                       left=max(budget - sum(self.my_dots.values()), 0), budget=budget))

    def _show_phase(self) -> None:
        _ = self._
        self.phase_badge.set(self.phase)
        # the plenary (the summary on the main screen) pauses the rooms: no box to type into meanwhile
        self.post_area.set_visibility(self.phase == Phase.collect and self.current is not None
                                      and not self.state.workshop.plenary)
        self.dots_left.set_visibility(self.phase == Phase.vote and not self.aside)
        headings = {Phase.collect: _('Ideas in this room'), Phase.vote: _('Give your dots to the ideas you support'),
                    Phase.discuss: _('Result: ideas by dots'), Phase.closed: _('Result: ideas by dots')}
        self.list_heading.set_text(headings[self.phase])
