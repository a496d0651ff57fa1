"""The walls (projector): large type readable from the back of a room.

``/wall/CODE`` is the plenary wall: join QR and rooms, or the plenary summary
("Resümee") of one topic at a time. ``/wall/CODE/ID`` is a breakout's wall: its
question, phase, timer and every idea live, in a column per cluster, fitted to the
screen or paged through (``idea_board.js``; ``?pace=SECONDS`` per page), and a bar
chart of the dots after voting in place of the join code.
"""

from __future__ import annotations

from fastapi import Response
from nicegui import app, background_tasks, run, ui

from ..events import (
    CommentChanged,
    Event,
    GalleryDotsChanged,
    GallerySwitched,
    KeyResultsChanged,
    PhaseChanged,
    QuestionChanged,
    Resync,
    RoundChanged,
    TalliesChanged,
    TimerChanged,
    WorkshopChanged,
)
from ..i18n import Translate, translate_error
from ..models import BreakoutPublic, Phase, Workshop
from ..qr import qr_png
from ..rooms.state import RELOADING, RoomState
from ..runtime import Runtime, runtime
from ..services import results, workshops
from ..services.errors import N_, NotFound, ServiceError
from .boards import PACE, IdeaBoard
from .countdown import Countdown, Gong
from .earlier import EarlierRounds
from .frame import error_page, frame
from .key_results import support_text
from .live import NoticeBanner, follow_workshop
from .widgets import PhaseBadge, question_heading, show_question

CHART_IDEAS = 8
CHART_LABEL = 90  # characters of an idea in the chart (it wraps onto three lines at most)
PACE_RANGE = (3, 120)  # seconds per page a wall accepts


@app.get('/qr/{code}.png', include_in_schema=False)
async def qr_image(code: str) -> Response:
    """The join QR code of a workshop, for the public URL of this instance."""
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await workshops.find_by_code(session, code)
        except ServiceError:
            return Response(status_code=404)
    png = await run.io_bound(qr_png, rt.link(f'/j/{workshop.join_code}'))
    return Response(png, media_type='image/png', headers={'Cache-Control': 'public, max-age=3600'})


def _join_panel(code: str, link: str, _: Translate, *, small: bool = False) -> ui.column:
    with ui.column().classes('items-center gap-2 shrink-0 ' + ('w-64 ws-join-small' if small else 'w-80')) as panel:
        qr_alt = _('QR code for joining')
        ui.image(f'/qr/{code}.png').classes('ws-wall-qr rounded').props(f'no-spinner alt="{qr_alt}"')
        ui.label(_('Join code')).classes('text-2xl')
        ui.label(code).classes('ws-code ' + ('text-5xl' if small else 'text-6xl')).mark('join-code')
        ui.label(link.split('://', 1)[-1]).classes('text-xl text-center break-all')
    return panel


@ui.page('/wall/{code}')
async def plenary_wall(code: str) -> None:
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await workshops.find_by_code(session, code)
        except ServiceError as e:
            _ = frame('Workshop', language=None, wall=True)
            error_page(_, translate_error(_, e))
            return
    _ = frame(workshop.title, language=workshop.language, wall=True)
    wall = PlenaryWall(rt, _, workshop)
    follow_workshop(rt, workshop.id, wall.on_event)


class PlenaryWall:
    def __init__(self, rt: Runtime, _: Translate, workshop: Workshop) -> None:
        self.rt = rt
        self._ = _
        self.workshop_id = workshop.id
        self._reading = False  # a reload under way takes the events that arrive meanwhile with it
        self._again = False
        self.showing_summary = False
        with ui.column().classes('w-full p-8 gap-6 min-h-screen'):
            self.notice = NoticeBanner(_, workshop, wall=True, main_screen=True)
            self.gong = Gong(enabled=workshop.gong, label=_('Enable sound')).classes('self-end').mark('gong')
            # the agenda item now and the rooms' shared countdown (a break), large, above everything else
            with ui.row().classes('w-full items-center justify-between gap-8 no-wrap').mark('plenary-clock') \
                    as self.clock:
                self.agenda = ui.label('').classes('text-3xl font-semibold').mark('wall-agenda')
                with ui.row().classes('items-center gap-4 no-wrap shrink-0'):
                    self.timer_label = ui.label(_('Time for all rooms')).classes('text-2xl')
                    self.timer = Countdown(None, done_text=_('Time is up')).classes('text-6xl font-bold') \
                        .mark('wall-timer')
            self.clock.set_visibility(False)
            with ui.row().classes('w-full gap-12 items-start justify-center no-wrap'):
                self.body = ui.column().classes('gap-6 grow min-w-0')
                _join_panel(workshop.join_code, rt.link(f'/j/{workshop.join_code}'), _)
        self.reload()

    def reload(self) -> None:
        """Read what the wall shows: now, or once more right after the read under way (a timer for all rooms
        comes as one event per room: one read, not six)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        background_tasks.create(self._load(), name='plenary wall')

    async def _load(self) -> None:
        try:
            while True:
                self._again = False
                async with self.rt.db.session() as session:
                    workshop = await session.get(Workshop, self.workshop_id)
                    summary = None
                    if workshop.summary_topic is not None:
                        summary = await results.topic_summary(session, workshop_id=workshop.id,
                                                              topic_number=workshop.summary_topic)
                    breakouts = await workshops.breakouts_of(session, workshop.id, workshop.current_round_id)
                    clock = await workshops.plenary_clock(session, workshop)
                self.notice.show(workshop)
                self.gong.set(workshop.gong)
                self.showing_summary = summary is not None
                self._clock(clock)
                self.body.clear()
                with self.body:
                    if summary is not None:
                        self._summary(summary)
                    else:
                        self._rooms(workshop, breakouts)
                if not self._again:
                    return
        finally:
            self._reading = False

    def _clock(self, clock: workshops.PlenaryClock) -> None:
        item = clock.agenda
        self.agenda.set_text(self._('Now: {item}', item=' '.join(p for p in (item.time, item.title) if p))
                             if item else '')
        self.timer.set(clock.ends_at)
        self.timer_label.set_visibility(clock.ends_at is not None)
        self.clock.set_visibility(item is not None or clock.ends_at is not None)

    def _rooms(self, workshop: Workshop, breakouts: list[BreakoutPublic]) -> None:
        _ = self._
        ui.label(workshop.title).classes('text-5xl font-bold leading-tight').props('role=heading aria-level=1')
        ui.label(_('Scan the code with your phone camera and choose your room.')).classes('text-3xl')
        for b in breakouts:
            ui.label(f'{b.label} · {b.topic_title}').classes('text-3xl').mark('wall-room')

    def _summary(self, summary: results.TopicSummary) -> None:
        _ = self._
        ui.label(_('Summary')).classes('text-2xl')
        ui.label(f'{summary.number}. {summary.title}').classes('text-5xl font-bold leading-tight') \
            .props('role=heading aria-level=1').mark('summary-topic')
        rooms = ', '.join(f'{label} ({who})' if who else label for label, who in summary.rooms)
        ui.label(rooms).classes('text-2xl')
        if summary.key_results:  # the topic level: what the protocol will say
            ui.label(_('Key results')).classes('text-3xl font-semibold mt-4')
            support = summary.support or [None] * len(summary.key_results)
            for bullet, rests_on in zip(summary.key_results, support, strict=True):
                ui.label(f'• {bullet}').classes('ws-wall-idea ws-idea').mark('summary-result')
                line = support_text(_, rests_on, show_dots=summary.show_dots)
                if line:
                    ui.label(line).classes('text-2xl text-grey-8 pl-8').mark('summary-support')
        if summary.top_ideas:
            ui.label(_('Ideas with the most dots')).classes('text-3xl font-semibold mt-4')
            for text, dots in summary.top_ideas:
                with ui.row().classes('w-full no-wrap items-start gap-4'):
                    ui.badge(str(dots), color='positive').classes('text-2xl')
                    ui.label(text).classes('ws-wall-idea ws-idea')
        if not summary.key_results and not summary.top_ideas:
            ui.label(_('No results yet.')).classes('text-3xl')

    def on_event(self, event: Event) -> None:
        if isinstance(event, (RoundChanged, TimerChanged)) or (isinstance(event, WorkshopChanged) and {
                'summary', 'plenary', 'notice', 'structure', 'agenda', 'key_results', 'gong'} & set(event.fields)):
            self.reload()
        elif isinstance(event, KeyResultsChanged) and self.showing_summary:  # a breakout's may be the topic's
            self.reload()


@ui.page('/wall/{code}/{breakout_id}')
async def breakout_wall(code: str, breakout_id: str, pace: int | None = None) -> None:
    rt = runtime()
    try:
        async with rt.db.session() as session:
            workshop = await workshops.find_by_code(session, code)
            place = await workshops.wall_place(session, workshop, breakout_id)
        state = await rt.rooms.open(workshop.id, place.breakout_id)
        if state.workshop_id != workshop.id:
            raise NotFound(N_('This breakout does not exist.'))
    except ServiceError as e:
        _ = frame('Workshop', language=None, wall=True)
        error_page(_, translate_error(_, e))
        return
    breakout = state.breakout
    _ = frame(f'{breakout.label} · {workshop.title}', language=workshop.language, wall=True)
    view = BreakoutWall(rt, _, state, follows_round=place.follows_round)
    # one screen, no scrolling: the ideas take the height that is left and fit into it (idea_board.js)
    with ui.column().classes('ws-wall-screen w-full p-6 gap-3 no-wrap'):
        view.notice = NoticeBanner(_, workshop, wall=True)
        view.gong = Gong(enabled=workshop.gong, label=_('Enable sound')).classes('self-end').mark('gong')
        with ui.row().classes('w-full gap-8 no-wrap items-stretch grow min-h-0'):
            with ui.column().classes('grow gap-2 min-w-0 no-wrap'):
                with ui.row().classes('w-full items-center justify-between no-wrap gap-6'):
                    ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-3xl') \
                        .props('role=heading aria-level=1').mark('breakout')
                    with ui.row().classes('items-center gap-6 no-wrap shrink-0'):
                        view.count = ui.label('').classes('text-2xl').mark('idea-count')
                        view.phase_badge = PhaseBadge(_, state.phase, large=True)
                        view.timer = Countdown(state.ends_at, done_text=_('Time is up')) \
                            .classes('text-5xl font-bold').mark('timer')
                view.block, view.question = question_heading(state.current, _, wall=True)
                view.board = IdeaBoard(rt, _, state, mode='wall',
                                       pace=min(max(pace or PACE, PACE_RANGE[0]), PACE_RANGE[1]),
                                       on_count=lambda n: view.count.set_text(_.ngettext('{n} idea', '{n} ideas', n))) \
                    .classes('w-full ws-wall-area mt-2').mark('ideas')
            view.join = _join_panel(workshop.join_code, rt.link(f'/j/{workshop.join_code}'), _, small=True)
            view.chart = ui.echart({}).classes('w-[30rem] h-[42rem] shrink-0 self-start').mark('chart')
            if breakout.round_number > 1:  # while the room's gallery walk is on: the earlier results it walks
                with ui.column().classes('w-[36rem] shrink-0 self-stretch overflow-auto text-grey-10') as view.walk:
                    view.earlier = EarlierRounds(rt, _, state, wall=True)
        view.show_phase()
    rt.rooms.render(state, view.render)


class BreakoutWall:
    def __init__(self, rt: Runtime, _: Translate, state: RoomState, *, follows_round: bool) -> None:
        self.rt = rt
        self._ = _
        self.state = state
        self.follows_round = follows_round
        self.notice: NoticeBanner | None = None
        self.gong: Gong | None = None
        self.walk: ui.column | None = None  # the gallery walk's panel (rooms of round 2 or later)
        self.earlier: EarlierRounds | None = None

    @property
    def phase(self) -> Phase:
        return self.state.phase

    def show_phase(self) -> None:
        """After voting, a bar chart of the ideas with the most dots, where the join code was."""
        self.phase_badge.set(self.phase)
        results_shown = self.phase in (Phase.discuss, Phase.closed)
        walking = self.walk is not None and self.state.gallery_walk  # the gallery walk takes their place
        if self.walk is not None:
            self.walk.set_visibility(walking)
        self.chart.set_visibility(results_shown and not walking)
        self.join.set_visibility(not results_shown and not walking)
        if results_shown:
            best = sorted((i for i in self.state.ideas.values() if i.dots > 0 and not i.hidden),
                          key=lambda i: -i.dots)[:CHART_IDEAS]
            labels = [i.text if len(i.text) <= CHART_LABEL else i.text[:CHART_LABEL - 1] + '…' for i in reversed(best)]
            self.chart.options.clear()
            self.chart.options.update({
                'grid': {'left': 0, 'right': 40, 'top': 10, 'bottom': 10, 'containLabel': True},
                'xAxis': {'type': 'value', 'minInterval': 1, 'axisLabel': {'color': '#cbd2d9', 'fontSize': 18}},
                'yAxis': {'type': 'category', 'data': labels,
                          'axisLabel': {'color': '#f5f7fa', 'fontSize': 18, 'lineHeight': 22, 'width': 300,
                                        'overflow': 'break'}},
                'series': [{'type': 'bar', 'data': [i.dots for i in reversed(best)],
                            'itemStyle': {'color': '#4c9be8'},
                            'label': {'show': True, 'position': 'right', 'color': '#f5f7fa', 'fontSize': 20}}],
                'animation': False,
            })
            self.chart.update()

    def render(self, event: Event) -> None:
        if (isinstance(event, WorkshopChanged) and 'structure' in event.fields) or \
                (isinstance(event, RoundChanged) and self.follows_round):  # a topic's wall: on to the new round's room
            with self.question:  # nobody types on a wall: show the new structure at once (in this page's context)
                ui.navigate.reload()
        elif isinstance(event, (QuestionChanged, Resync)) or (isinstance(event, WorkshopChanged)
                                                              and RELOADING & set(event.fields)):
            show_question(self.block, self.question, self.state.current, self._)
            self.timer.set(self.state.ends_at)
            self.show_phase()
            if self.earlier is not None:
                self.earlier.show(self.state)
        elif isinstance(event, (GallerySwitched, GalleryDotsChanged, CommentChanged)):  # the gallery walk (#16)
            if self.earlier is not None:
                self.earlier.gallery(event)
            if isinstance(event, GallerySwitched):
                self.show_phase()
        elif isinstance(event, WorkshopChanged):
            if self.notice is not None:
                self.notice.show(self.state.workshop)
            if self.gong is not None:
                self.gong.set(self.state.workshop.gong)
        elif isinstance(event, PhaseChanged) or (isinstance(event, TalliesChanged)
                                                 and event.question_id == self.state.question_id
                                                 and self.phase in (Phase.discuss, Phase.closed)):
            self.show_phase()
        elif isinstance(event, TimerChanged):
            self.timer.set(self.state.ends_at)
