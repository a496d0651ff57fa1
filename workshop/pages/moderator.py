"""Breakout moderator (secret link): phases, timer, the room's ideas live on the clustering board
(cluster_board.py) with curation and undo, key results."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from nicegui import background_tasks, ui
from nicegui.events import ValueChangeEventArguments
from sqlmodel import select

from ..events import (
    ClustersChanged,
    CommentChanged,
    Event,
    GalleryDotsChanged,
    GallerySwitched,
    IdeaChanged,
    KeyResultsChanged,
    MembersChanged,
    OpenQuestionsChanged,
    PhaseChanged,
    PresenceChanged,
    QuestionChanged,
    Resync,
    RoundChanged,
    TalliesChanged,
    TimerChanged,
    WorkshopChanged,
)
from ..i18n import Translate, translate_error
from ..limits import IDEA_GROUP_MAX, IDEA_MODERATION_MAX
from ..models import Breakout, Phase, Question, QuestionPublic, Workshop
from ..rooms.state import RELOADING, RoomState
from ..runtime import Runtime, runtime
from ..services import access, clusters, curation, facilitation, moderation, protocol_options, results, workshops
from ..services.errors import N_, Invalid, NotFound, ServiceError
from .cluster_board import ClusterBoard
from .countdown import Countdown
from .earlier import EarlierRounds
from .frame import content, frame
from .key_results import show_results
from .live import NoticeBanner, ReloadPrompt
from .secret_links import (
    copy_my_link,
    exchange,
    invalid,
    moderated_breakout,
    moderated_topic,
    moderator_place_of,
    topic_place,
)
from .theme_panel import ThemePanel
from .undo_bar import UndoBar
from .wall_pin import WallPinControl
from .widgets import phase_names, question_heading, show_question

TIMER_PRESETS = (2, 5, 10, 15, 20)
SHOWN_MAX = 80  # characters of an idea's text in a question to the moderator
SUPPORT_DELAY = 3.0  # seconds: the dots under the key results follow the voting at most this often


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1] + '…'


@ui.page('/m/{secret}')
async def moderator_link(secret: str) -> Response | None:
    """The moderator's secret link: exchanged for a cookie, on to the page without the secret (secret_links.py)."""
    try:
        place = await moderator_place_of(secret)
    except ServiceError as e:
        invalid(e)
        return None
    return exchange(place, secret)


@ui.page('/m/~/{code}/{breakout_id}')
async def moderator_page(request: Request, code: str, breakout_id: str) -> None:
    rt = runtime()
    async with rt.db.session() as session:
        try:
            breakout_row, workshop = await moderated_breakout(request, code, breakout_id, session)
        except ServiceError as e:
            invalid(e)
            return
    await _moderator_view(rt, workshop, breakout_row.id, secret=breakout_row.moderator_secret,
                          link=rt.link(f'/m/{breakout_row.moderator_secret}'))


@ui.page('/m/~/{code}/t/{topic_number}')
async def topic_moderator_page(request: Request, code: str, topic_number: str) -> None:
    """A topic's moderator link (one for the day): its breakout of the current round; when the lead opens the
    next round, the page offers the way to the next one (``follow``: this page's address opens it)."""
    rt = runtime()
    async with rt.db.session() as session:
        try:
            topic, workshop = await moderated_topic(request, code, topic_number, session)
            breakout_row = await access.topic_breakout(session, topic)
            if breakout_row is None:
                raise NotFound(N_('This breakout does not exist.'))
        except ServiceError as e:
            invalid(e)
            return
    await _moderator_view(rt, workshop, breakout_row.id,
                          secret=access.topic_grant(topic.moderator_secret, breakout_row.id),
                          link=rt.link(f'/m/{topic.moderator_secret}'),
                          follow=topic_place(workshop.join_code, topic.number).path)


async def _moderator_view(rt: Runtime, workshop: Workshop, breakout_id: int, *, secret: str, link: str,
                          follow: str | None = None) -> None:
    """The moderator's page of one breakout; ``secret`` is what its actions are authorised with."""
    state = await rt.rooms.open(workshop.id, breakout_id)
    breakout = state.breakout

    _ = frame(f'{breakout.label} · {workshop.title}', language=workshop.language)
    view = ModeratorView(rt, _, state, secret=secret)
    view.follow = follow
    with content(wide=True).classes(remove='max-w-6xl', add='max-w-[120rem]'):  # the board wants the width
        view.notice = NoticeBanner(_, workshop)
        view.reload_prompt = ReloadPrompt(_)
        if follow:
            view.build_follow()
        with ui.row().classes('w-full items-center justify-between'):
            with ui.column().classes('gap-0'):
                ui.label(_('Moderation · {title}', title=workshop.title)).classes('text-xs text-grey-8')
                ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-xl font-bold') \
                    .props('role=heading aria-level=1').mark('breakout')
            with ui.row().classes('items-center gap-3'):
                ui.label(_('Join code')).classes('text-sm text-grey-8')
                ui.label(workshop.join_code).classes('ws-code text-lg').mark('join-code')
                ui.button(_('Open wall'), icon='tv').props(
                    f'outline no-caps href={workshops.wall_path(workshop.join_code, breakout.topic_number)} '
                    'target=_blank tag=a').mark('open-wall')
                WallPinControl(rt, _, state, secret=secret)
                copy_my_link(_, link)
        with ui.row().classes('gap-6 text-base'):
            view.online = ui.label('').mark('online')
            view.members = ui.label('').mark('members')
            view.idea_count = ui.label('').mark('idea-count')
            view.dots = ui.label('').mark('dots-cast')
            view.show_counters()
        view.build_current()
        if breakout.round_number > 1:  # a later round builds on the earlier ones: their results first, open
            view.earlier = EarlierRounds(rt, _, state, secret=secret)  # with the switch of its gallery walk
        view.build_board()
        with ui.row().classes('w-full gap-6 items-start no-wrap max-md:flex-wrap'):
            with ui.column().classes('grow gap-3 min-w-0'):
                view.build_question_results()
            with ui.column().classes('w-full md:w-96 shrink-0'):
                view.build_question_list()
                view.build_breakout_results()
    rt.rooms.render(state, view.render)


class ModeratorView:
    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, secret: str) -> None:
        self.rt = rt
        self._ = _
        self.state = state
        self.secret = secret
        self.breakout_id = state.breakout_id
        self.question_buttons: dict[int, ui.button] = {}
        self.open_switches: dict[int, ui.switch] = {}  # "open" next to each question: collecting at once
        self.earlier: EarlierRounds | None = None
        self.notice: NoticeBanner | None = None
        self.reload_prompt: ReloadPrompt | None = None
        self._support_due = False  # the dots under the key results are read again a little after voting
        self.follow: str | None = None  # opened by a topic's link: the address that opens its current breakout

    @property
    def current(self) -> QuestionPublic | None:
        return self.state.current

    @property
    def phase(self) -> Phase:
        return self.state.phase

    # --- building ---

    def build_follow(self) -> None:
        """Opened by the topic's link: when the lead opens the next round, the way to this topic's room in it."""
        with ui.card().classes('w-full bg-amber-1').props('flat bordered role=alert').mark('next-round') \
                as self.next_round:
            with ui.row().classes('w-full items-center gap-3'):
                self.next_round_text = ui.label('').classes('text-base font-semibold')
                self.next_round_button = ui.button('', icon='arrow_forward') \
                    .props(f'unelevated no-caps href={self.follow} tag=a').mark('follow-round')
        self.next_round.set_visibility(False)

    def _round_opened(self, event: RoundChanged) -> None:
        """"Durchlauf 2 ist eröffnet – zu W 2.1": the topic's room in the new round (a moderator page, rare)."""
        topic_id, _ = self.state.breakout.topic_id, self._

        async def show() -> None:
            async with self.rt.db.read_session() as session:
                label = (await session.exec(select(Breakout.label).where(
                    Breakout.topic_id == topic_id, Breakout.round_id == event.round_id))).first()
            if label is None or label == self.state.breakout.label:
                return  # this topic has no room in that round
            self.next_round_text.set_text(_('{round} has started.', round=_('Round {n}', n=event.round_number)))
            self.next_round_button.set_text(_('To {label}', label=label))
            self.next_round.set_visibility(True)
        background_tasks.create(show(), name='next round')

    def build_current(self) -> None:
        _ = self._
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            self.block, self.question = question_heading(self.current, _)
            # one row where it fits (a laptop): the clustering board below should start high up on the screen
            with ui.row().classes('w-full items-end gap-x-6 gap-y-2'):
                with ui.row().classes('items-center gap-2'):
                    ui.button(_('Previous question'), icon='arrow_back', on_click=lambda: self.step(-1)) \
                        .props('outline no-caps').mark('previous-question')
                    ui.button(_('Next question'), icon='arrow_forward', on_click=lambda: self.step(1)) \
                        .props('unelevated no-caps').mark('next-question')
                # never narrower than the four phases' labels on one line each (in any language): where the
                # line has less room (a tablet held upright), the switch takes a line of its own (assets/style.css)
                with ui.column().classes('grow gap-0 ws-phase-column'):
                    ui.label(_('Phase of this question')).classes('text-sm text-grey-8')
                    names = phase_names(_)
                    self.phase_toggle = ui.toggle({p.value: names[p] for p in Phase}, value=self.phase.value,
                                                  on_change=self._phase_picked).props('no-caps spread') \
                        .classes('w-full ws-phase-toggle').mark('phase-toggle')
                with ui.row().classes('items-center gap-2'):
                    ui.icon('timer').classes('text-grey-8')
                    self.timer = Countdown(self.state.ends_at, done_text=_('Time is up')) \
                        .classes('text-xl font-semibold').mark('timer')
                    for minutes in TIMER_PRESETS:
                        ui.button(_('{n} min', n=minutes), on_click=lambda m=minutes: self.start_timer(m * 60)) \
                            .props('outline dense no-caps').mark(f'timer-{minutes}')
                    ui.button(_('Stop timer'), on_click=self.stop_timer).props('flat dense no-caps') \
                        .mark('timer-stop')
                    # the server moves the collecting questions on to the dot voting when the time is up
                    self.timer_closes = ui.checkbox(_('Close collection when time is up')).props('dense') \
                        .mark('timer-closes')
                    # the running timer's own setting (the lead's timer for all rooms may have it too)
                    self.closes_hint = ui.label(_('Collecting ends with this timer.')) \
                        .classes('text-sm font-semibold').mark('timer-closes-hint')
                    self.closes_hint.set_visibility(self.state.timer_closes)
        self.build_dialogs()

    def build_board(self) -> None:
        """The clustering board with what belongs to it: adding on someone's behalf, a new cluster, undo."""
        _ = self._
        with ui.card().classes('w-full gap-2').props('flat bordered').mark('board-section'):
            ui.label(_('Ideas and clusters')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            with ui.row().classes('w-full items-end gap-x-8 gap-y-2'):
                with ui.column().classes('grow gap-1 min-w-[16rem]'):
                    ui.label(_('Add an idea on someone\'s behalf (paper card, video chat)')) \
                        .classes('text-sm text-grey-8')
                    with ui.row().classes('w-full no-wrap items-start gap-2'):
                        # longer than a phone's idea: a summary from the chat, with "- " sub-points on new lines
                        self.add_box = ui.textarea(_('Idea'), placeholder=_('Shift+Enter: new line')) \
                            .props(f'outlined dense autogrow counter maxlength={IDEA_MODERATION_MAX} rows=1') \
                            .classes('grow').mark('add-idea-input') \
                            .on('keydown.enter.exact.prevent', self.add_idea)
                        ui.button(_('Add'), icon='add', on_click=self.add_idea).props('unelevated no-caps') \
                            .mark('add-idea')
                with ui.row().classes('no-wrap items-start gap-2'):
                    self.cluster_box = ui.input(_('New cluster')) \
                        .props(f'outlined dense maxlength={IDEA_GROUP_MAX} data-ws=cluster-input').classes('w-64') \
                        .mark('cluster-input').on('keydown.enter', self.create_cluster)
                    create = ui.button(_('Cluster'), icon='add', on_click=self.create_cluster) \
                        .props('unelevated no-caps data-ws=create-cluster').mark('create-cluster')
                    create.props['aria-label'] = _('Create cluster')
            self.undo = UndoBar(self.rt, _, self.state, secret=self.secret)
            self.themes = ThemePanel(self.rt, _, self.state, secret=self.secret, on_step=self.undo.soon)
            self.board = ClusterBoard(self.rt, _, self.state, on_file=self.file_idea, on_merge=self.confirm_merge,
                                      on_move_cluster=self.move_cluster, on_cluster=self.cluster_action,
                                      on_curate=self.curate, on_count=self._show_count) \
                .classes('w-full').props('data-ws=board').mark('ideas')

    def build_question_results(self) -> None:
        _ = self._
        with ui.expansion(_('Likely duplicates'), icon='content_copy').classes('w-full').props('dense') \
                .mark('duplicates') as self.duplicates:
            self.duplicate_list = ui.column().classes('w-full gap-2')
        self.duplicates.on_value_change(lambda e: e.value and self.find_duplicates())
        with ui.card().classes('w-full gap-2').props('flat bordered'):
            ui.label(_('Key results of this question')).classes('text-base font-semibold') \
                .props('role=heading aria-level=2')
            self.question_results = ui.textarea(_('One key result per line')) \
                .props('outlined autogrow').classes('w-full').mark('question-results')
            with ui.row().classes('gap-2'):
                ui.button(_('Draft from clusters, marked and top-voted ideas'), icon='auto_awesome',
                          on_click=self.draft_question_results).props('outline no-caps').mark('draft-results')
                ui.button(_('Save key results'), icon='save', on_click=self.save_question_results) \
                    .props('unelevated no-caps').mark('save-results')
            self.question_support = ui.column().classes('w-full gap-1').mark('question-support')
            # the summary of the answers, printed above them in the minutes (the lead edits it there, too)
            self.question_summary = ui.textarea(_('Summary of the answers (in the minutes, above them)')) \
                .props('outlined autogrow dense').classes('w-full').mark('question-summary')
            ui.button(_('Save summary'), icon='save', on_click=self.save_question_summary) \
                .props('outline no-caps dense').mark('save-question-summary')
        self._show_question_results()
        self.load_summary()

    def build_question_list(self) -> None:
        _ = self._
        ui.label(_('Guiding questions')).classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(_('Open several questions at once: switch “open” on next to a question, and phones show each '
                   'open one as a tab to write into.')).classes('text-sm text-grey-8').mark('open-several')
        self.question_list = ui.column().classes('w-full gap-1').mark('question-list')
        self._fill_question_list()

    def _fill_question_list(self) -> None:
        """The room's guiding questions as buttons; filled again when the lead edits them."""
        _, last_block = self._, None
        self.question_list.clear()
        self.question_buttons.clear()
        self.open_switches.clear()
        with self.question_list:
            for q in self.state.questions.values():
                if q.block and q.block != last_block:
                    ui.label(f'{q.number}. {q.block}').classes('text-sm font-semibold text-grey-8 mt-2')
                last_block = q.block
                with ui.row().classes('w-full no-wrap items-center gap-1'):
                    button = ui.button(f'{q.label} {q.text}', on_click=lambda q=q: self.go_to(q.id)) \
                        .props('flat no-caps align=left color=grey-10') \
                        .classes('grow min-w-0 text-sm ws-question-item') \
                        .mark(f'question-{q.id}')
                    # collecting next to the current question (phones show a tab each)
                    switch = ui.switch(_('open'), on_change=lambda e, q=q: self._open_picked(q.id, e.value)) \
                        .props(f'dense aria-label="{_("Open question {label} for ideas", label=q.label)}"') \
                        .classes('shrink-0 text-sm').mark(f'open-question-{q.id}')
                self.question_buttons[q.id] = button
                self.open_switches[q.id] = switch
        self._highlight()

    def build_breakout_results(self) -> None:
        _ = self._
        with ui.card().classes('w-full gap-2 mt-4').props('flat bordered'):
            ui.label(_('Key results of this breakout')).classes('text-base font-semibold') \
                .props('role=heading aria-level=2')
            self.breakout_results = ui.textarea(_('One key result per line'), value='\n'.join(self.state.key_results)) \
                .props('outlined autogrow').classes('w-full').mark('breakout-results')
            with ui.row().classes('gap-2'):
                ui.button(_('Draft'), icon='auto_awesome', on_click=self.draft_breakout_results) \
                    .props('outline no-caps dense').mark('draft-breakout-results').tooltip(
                        _("From the key results of this breakout's questions"))
                ui.button(_('Save'), icon='save', on_click=self.save_breakout_results) \
                    .props('unelevated no-caps dense').mark('save-breakout-results')
            self.breakout_support = ui.column().classes('w-full gap-1').mark('breakout-support')
        self.load_support(None)

    def build_dialogs(self) -> None:
        _ = self._
        with ui.dialog() as self.dialog, ui.card().classes('w-[32rem] max-w-full gap-3'):
            self.dialog_title = ui.label('').classes('text-lg font-semibold')
            self.dialog_input = ui.textarea().props('outlined autogrow').classes('w-full').mark('dialog-input')
            self.dialog_select = ui.select({}, label=_('Merge into'), with_input=True).classes('w-full') \
                .mark('dialog-select')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(_('Cancel'), on_click=self.dialog.close).props('flat no-caps')
                self.dialog_ok = ui.button(_('Save'), on_click=self._dialog_confirmed).props('unelevated no-caps') \
                    .mark('dialog-ok')
        self._dialog_action = None

    # --- actions ---

    async def _run(self, action: Awaitable[object]) -> bool:
        try:
            await action
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
            return False
        return True

    async def _step(self, action: Awaitable[object]) -> bool:
        """A curation step: done, the undo bar names it; refused, the board shows the room's data again
        (it may have shown a moved card or column at once)."""
        done = await self._run(action)
        if done:
            self.undo.soon()
        else:
            self.board.resend()
        return done

    async def step(self, step: int) -> None:
        await self._run(moderation.step_question(self.rt.db, self.rt.bus, secret=self.secret, step=step))

    async def go_to(self, question_id: int) -> None:
        await self._run(moderation.set_question(self.rt.db, self.rt.bus, secret=self.secret,
                                                question_id=question_id))

    async def _open_picked(self, question_id: int, opened: bool) -> None:
        if question_id == self.state.question_id or opened == (question_id in self.state.alongside):
            self._show_open()  # the current question is open anyway; or the switch shows the room's state again
            return
        if not await self._run(facilitation.open_alongside(self.rt.db, self.rt.bus, secret=self.secret,
                                                           question_id=question_id, opened=opened)):
            self._show_open()

    async def _phase_picked(self, e: ValueChangeEventArguments) -> None:
        if e.value and e.value != self.phase.value:
            if not await self._run(facilitation.set_phase(self.rt.db, self.rt.bus, secret=self.secret,
                                                          phase=e.value)):
                self.phase_toggle.set_value(self.phase.value)

    async def start_timer(self, seconds: int) -> None:
        await self._run(facilitation.start_timer(self.rt.db, self.rt.bus, secret=self.secret, seconds=seconds,
                                                 close_collection=bool(self.timer_closes.value)))

    async def stop_timer(self) -> None:
        await self._run(facilitation.stop_timer(self.rt.db, self.rt.bus, secret=self.secret))

    async def add_idea(self) -> None:
        if await self._run(curation.add_idea(self.rt.db, self.rt.bus, secret=self.secret,
                                             text=self.add_box.value or '',
                                             question_id=self.current.id if self.current else None)):
            self.add_box.set_value('')

    def _open_dialog(self, title: str, action: Callable[[], Awaitable[object]], *, text: str | None = None,
                     max_length: int | None = None, options: dict | None = None, ok: str | None = None) -> None:
        self.dialog_title.set_text(title)
        if max_length:  # the text's limit, with a counter: an idea's (the moderation's), a cluster's title
            self.dialog_input.props(f'counter maxlength={max_length}')
        else:
            self.dialog_input.props(remove='counter maxlength')
        self.dialog_ok.set_text(ok or self._('Save'))
        self.dialog_input.set_visibility(text is not None)
        self.dialog_input.set_value(text or '')
        self.dialog_select.set_visibility(options is not None)
        self.dialog_select.set_options(options or {}, value=None)
        self._dialog_action = action
        self.dialog.open()

    async def _dialog_confirmed(self) -> None:
        if self._dialog_action is not None and await self._run(self._dialog_action()):
            self.dialog.close()
            self.undo.soon()  # all this dialog asks for (edit, merge, rename) are curation steps

    async def curate(self, action: str, idea_id: int) -> None:
        item = self.board.items.get(idea_id)
        if item is None:
            return
        if action == 'edit':
            self.edit(idea_id)
        elif action == 'merge':
            self.merge(idea_id)
        elif action == 'mark':
            await self.mark(idea_id, not item['marked'])
        elif action == 'hide':
            await self.hide(idea_id, not item['hidden'])

    def edit(self, idea_id: int) -> None:
        self._open_dialog(self._('Edit text (the original is kept)'), text=self.board.items[idea_id]['text'],
                          max_length=IDEA_MODERATION_MAX,
                          action=lambda: curation.edit_idea(self.rt.db, self.rt.bus, secret=self.secret,
                                                            idea_id=idea_id, text=self.dialog_input.value))

    def merge(self, idea_id: int) -> None:
        options = {i: item['text'][:80] for i, item in self.board.items.items() if i != idea_id and not item['hidden']}

        async def merge() -> None:
            if self.dialog_select.value is None:
                raise Invalid(N_('Please choose an idea to merge into.'))
            await curation.merge_ideas(self.rt.db, self.rt.bus, secret=self.secret,
                                       keep_id=self.dialog_select.value, merge_id=idea_id)
        self._open_dialog(self._('Merge this idea into another one (dots carry over)'), options=options,
                          action=merge, ok=self._('Merge'))

    async def hide(self, idea_id: int, hidden: bool) -> None:
        await self._step(curation.hide_idea(self.rt.db, self.rt.bus, secret=self.secret, idea_id=idea_id,
                                            hidden=hidden))

    async def mark(self, idea_id: int, marked: bool) -> None:
        await self._step(curation.set_marked(self.rt.db, self.rt.bus, secret=self.secret, idea_id=idea_id,
                                             marked=marked))

    # --- the clustering board ---

    async def file_idea(self, idea_id: int, cluster_id: int | None) -> None:
        await self._step(clusters.file_idea(self.rt.db, self.rt.bus, secret=self.secret, idea_id=idea_id,
                                            cluster_id=cluster_id))

    def confirm_merge(self, idea_id: int, into_id: int) -> None:
        """A card dropped onto another: merged only once the moderator confirms."""
        merged, kept = self.board.items.get(idea_id), self.board.items.get(into_id)
        if merged is None or kept is None or idea_id == into_id:
            return
        self._open_dialog(
            self._('Merge “{merged}” into “{kept}”? Its dots carry over.', merged=_short(merged['text']),
                   kept=_short(kept['text'])),
            ok=self._('Merge'),
            action=lambda: curation.merge_ideas(self.rt.db, self.rt.bus, secret=self.secret, keep_id=into_id,
                                                merge_id=idea_id))

    async def create_cluster(self) -> None:
        if await self._step(clusters.create_cluster(self.rt.db, self.rt.bus, secret=self.secret,
                                                    title=self.cluster_box.value or '',
                                                    question_id=self.state.question_id)):
            self.cluster_box.set_value('')

    async def move_cluster(self, cluster_id: int, position: int) -> None:
        await self._step(clusters.move_cluster(self.rt.db, self.rt.bus, secret=self.secret, cluster_id=cluster_id,
                                               position=position))

    async def cluster_action(self, action: str, cluster_id: int, colour: str | None) -> None:
        """From a column's menu: rename (asks for the title), recolour, dissolve (its ideas stay)."""
        if action == 'rename':
            title = next((t for i, t, _c, _p in self.state.clusters if i == cluster_id), '')
            self._open_dialog(self._('Rename cluster'), text=title, max_length=IDEA_GROUP_MAX,
                              action=lambda: clusters.rename_cluster(self.rt.db, self.rt.bus, secret=self.secret,
                                                                     cluster_id=cluster_id,
                                                                     title=self.dialog_input.value or ''))
        elif action == 'recolour' and colour:
            await self._step(clusters.recolour_cluster(self.rt.db, self.rt.bus, secret=self.secret,
                                                       cluster_id=cluster_id, colour=colour))
        elif action == 'dissolve':
            await self._step(clusters.dissolve_cluster(self.rt.db, self.rt.bus, secret=self.secret,
                                                       cluster_id=cluster_id))

    def find_duplicates(self) -> None:
        question_id = self.current.id if self.current else None

        async def load() -> None:
            if question_id is None:
                return
            async with self.rt.db.session() as session:
                found = await curation.suggest_duplicates(session, breakout_id=self.breakout_id,
                                                          question_id=question_id)
            self.duplicate_list.clear()
            with self.duplicate_list:
                if not found:
                    ui.label(self._('No likely duplicates.')).classes('text-grey-7')
                for s in found[:20]:
                    with ui.card().classes('w-full gap-1').props('flat bordered'):
                        ui.label(s.keep.text).classes('ws-idea')
                        ui.label(s.duplicate.text).classes('ws-idea text-grey-8')
                        ui.button(self._('Merge ({score:.0f} % similar)', score=s.score),
                                  on_click=lambda s=s: self._merge_suggested(s.keep.id, s.duplicate.id)) \
                            .props('outline dense no-caps').mark('merge-suggestion')
        background_tasks.create(load(), name='duplicates')

    async def _merge_suggested(self, keep_id: int, merge_id: int) -> None:
        if await self._step(curation.merge_ideas(self.rt.db, self.rt.bus, secret=self.secret, keep_id=keep_id,
                                                 merge_id=merge_id)):
            self.find_duplicates()

    async def draft_question_results(self) -> None:
        if self.current is None:
            return
        async with self.rt.db.session() as session:
            bullets = await results.draft(session, breakout_id=self.breakout_id, question_id=self.current.id)
        self.question_results.set_value('\n'.join(bullets))

    async def save_question_results(self) -> None:
        if self.current is not None and await self._run(results.save(
                self.rt.db, self.rt.bus, secret=self.secret, question_id=self.current.id,
                items=(self.question_results.value or '').split('\n'))):
            ui.notify(self._('Key results saved'), type='positive')

    async def draft_breakout_results(self) -> None:
        async with self.rt.db.session() as session:
            bullets = await results.draft(session, breakout_id=self.breakout_id)
        self.breakout_results.set_value('\n'.join(bullets))

    async def save_breakout_results(self) -> None:
        if await self._run(results.save(self.rt.db, self.rt.bus, secret=self.secret,
                                        items=(self.breakout_results.value or '').split('\n'))):
            ui.notify(self._('Key results saved'), type='positive')

    # --- events ---

    def render(self, event: Event) -> None:
        """Counters, phase, question, timer and key results from the room's state; the ideas are the board's."""
        state = self.state
        if isinstance(event, (QuestionChanged, Resync)) or (isinstance(event, WorkshopChanged)
                                                              and RELOADING & set(event.fields)):
            show_question(self.block, self.question, self.current, self._)
            if isinstance(event, WorkshopChanged):  # questions may have been edited, added or moved
                self._fill_question_list()
            self._highlight()
            self.phase_toggle.set_value(state.phase.value)
            self.timer.set(state.ends_at)
            self.closes_hint.set_visibility(state.timer_closes)
            self.show_counters()
            self._show_question_results()
            self.load_summary()
            self.breakout_results.set_value('\n'.join(state.key_results))
            self.load_support(None)
            if isinstance(event, QuestionChanged):
                self.duplicate_list.clear()
                self.duplicates.set_value(False)
                self.themes.clear()
            self.undo.soon()
            if self.earlier:
                self.earlier.show(state)
            if isinstance(event, WorkshopChanged) and 'structure' in event.fields and self.reload_prompt:
                self.reload_prompt.show()
        elif isinstance(event, WorkshopChanged):
            if self.notice is not None:
                self.notice.show(state.workshop)
        elif isinstance(event, RoundChanged):
            if self.follow:
                self._round_opened(event)
        elif isinstance(event, PhaseChanged):
            self.phase_toggle.set_value(state.phase.value)
            self._show_open()
        elif isinstance(event, OpenQuestionsChanged):
            self._show_open()
        elif isinstance(event, (GallerySwitched, GalleryDotsChanged, CommentChanged)):  # the gallery walk (#16)
            if self.earlier:
                self.earlier.gallery(event)
        elif isinstance(event, TimerChanged):
            self.timer.set(state.ends_at)
            self.closes_hint.set_visibility(state.timer_closes)
        elif isinstance(event, KeyResultsChanged):
            if event.question_id is None:
                self.breakout_results.set_value('\n'.join(state.key_results))
                self.load_support(None)
            elif event.question_id == state.question_id:
                self._show_question_results()
        elif isinstance(event, (TalliesChanged, PresenceChanged, MembersChanged)):
            self.show_counters()
            if isinstance(event, TalliesChanged):
                self._support_soon()
        elif isinstance(event, (IdeaChanged, ClustersChanged)):  # a step, maybe from another tab: undo names it
            self.undo.soon()

    def show_counters(self) -> None:
        _, state = self._, self.state
        self.online.set_text(_('{n} online', n=state.online))
        self.members.set_text(_('{n} joined', n=state.members))
        self.dots.set_text(_.ngettext('{n} dot cast', '{n} dots cast', state.dots_cast))

    def _show_question_results(self) -> None:
        self.question_results.set_value('\n'.join(self.state.question_results.get(self.state.question_id, ())))
        if self.state.question_id is not None:
            self.load_support(self.state.question_id)
        else:
            self.question_support.clear()

    def _support_soon(self) -> None:
        """Dots changed: what the key results rest on is read again, once for a run of votes."""
        if self._support_due:
            return
        self._support_due = True

        async def load() -> None:
            await asyncio.sleep(SUPPORT_DELAY)
            self._support_due = False
            if self.state.question_id is not None:
                self.load_support(self.state.question_id)
            self.load_support(None)
        background_tasks.create(load(), name='key results support soon')

    def load_summary(self) -> None:
        """The current question's summary of the answers (read when the question changes, not while typing)."""
        question_id = self.state.question_id

        async def load() -> None:
            summary = ''
            if question_id is not None:
                async with self.rt.db.session() as session:
                    question = await session.get(Question, question_id)
                    summary = question.summary if question else ''
            if question_id == self.state.question_id:
                self.question_summary.set_value(summary)
        background_tasks.create(load(), name='question summary')

    async def save_question_summary(self) -> None:
        if self.current is not None and await self._run(protocol_options.set_question_summary_by_moderator(
                self.rt.db, self.rt.bus, secret=self.secret, question_id=self.current.id,
                text=self.question_summary.value or '')):
            ui.notify(self._('Saved ✓'), type='positive')

    def load_support(self, question_id: int | None) -> None:
        """The saved key results of the question (None: of the breakout), each with what it rests on ("based on
        7 contributions, 12 dots"): read for this one page, after a save or a question change."""
        box = self.breakout_support if question_id is None else self.question_support

        async def load() -> None:
            async with self.rt.db.session() as session:
                found = await results.question_results(session, breakout_id=self.breakout_id,
                                                       question_id=question_id)
            if box.is_deleted or (question_id is not None and question_id != self.state.question_id):
                return  # the page is gone, or the moderator moved on meanwhile
            show_results(self._, box, [(kr.text, support) for kr, support in found],
                         marker='question-result' if question_id is not None else 'breakout-result',
                         classes='text-sm')
        background_tasks.create(load(), name='key results support')

    def _show_open(self) -> None:
        """The "open" switches: the current question's on (and fixed), those open next to it on."""
        for qid, switch in self.open_switches.items():
            current = qid == self.state.question_id
            switch.set_value(current or qid in self.state.alongside)
            switch.set_enabled(not current)

    def _highlight(self) -> None:
        self._show_open()
        for qid, button in self.question_buttons.items():
            active = self.current is not None and qid == self.current.id
            button.props(f'aria-current={"true" if active else "false"}')
            button.classes(add='ws-current font-semibold' if active else '',
                           remove='' if active else 'ws-current font-semibold')

    def _show_count(self, n: int) -> None:
        self.idea_count.set_text(self._.ngettext('{n} idea on this question', '{n} ideas on this question', n))
