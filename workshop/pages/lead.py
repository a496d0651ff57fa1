"""Lead moderator (secret link): the cockpit — every room at a glance, the run-of-show, workshop-wide controls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from nicegui import background_tasks, ui
from sqlmodel import select

from ..events import Event, Resync, RoundChanged, WorkshopChanged
from ..i18n import Translate, translate_error
from ..models import AgendaItem, AgendaKind, Phase, Round, Topic, Workshop, utcnow
from ..rooms.state import RELOADING, RoomState
from ..runtime import Runtime, runtime
from ..services import facilitation, lead, workshops
from ..services.errors import ServiceError
from .countdown import Countdown
from .frame import content, frame
from .key_results import TopicResultsEditor
from .live import ReloadPrompt, follow_workshop, show_workshop_gone
from .secret_links import copy_my_link, invalid, lead_place, led_workshop, open_lead_link
from .stakeholder_panel import StakeholderPanel
from .widgets import PhaseBadge, slug

KIND_ICONS = {AgendaKind.plenary: 'groups', AgendaKind.break_: 'coffee', AgendaKind.breakout_round: 'call_split',
              AgendaKind.summary: 'summarize'}


@ui.page('/lead/{secret}')
async def lead_link(secret: str) -> Response | None:
    """The lead moderator's secret link: exchanged for a cookie, on to the page without it (secret_links.py)."""
    return await open_lead_link(secret)


@ui.page('/lead/~/{code}')
async def lead_page(request: Request, code: str) -> None:
    rt = runtime()
    place = lead_place(code)
    async with rt.db.session() as session:
        try:
            workshop = await led_workshop(request, code, session)
        except ServiceError as e:
            invalid(e)
            return
        secret = workshop.lead_secret
        breakout_ids = await workshops.breakout_ids_of(session, workshop.id)
        rounds = await workshops.rounds_of(session, workshop.id)
        agenda = await workshops.agenda_of(session, workshop.id)
    states = await rt.rooms.open_all(workshop.id, breakout_ids)  # every room, from the same few queries

    _ = frame(lambda _: workshop.title + ' · ' + _('Lead moderation'), language=workshop.language)
    join_link = rt.link(f'/j/{workshop.join_code}')
    cockpit = Cockpit(rt, _, secret, workshop)
    with content(wide=True):
        cockpit.reload_prompt = ReloadPrompt(_)
        with ui.row().classes('w-full items-start justify-between gap-6'):
            with ui.column().classes('gap-1 grow min-w-0'):
                ui.label(_('Lead moderation')).classes('text-xs text-grey-8')
                ui.label(workshop.title).classes('text-2xl font-bold leading-tight') \
                    .props('role=heading aria-level=1')
                when = ' · '.join(p for p in (workshop.date.strftime('%d.%m.%Y') if workshop.date else '',
                                              _time_range(workshop.start_time, workshop.end_time)) if p)
                ui.label(when).classes('text-grey-8')
                with ui.row().classes('items-center gap-3 mt-2'):
                    ui.label(_('Join code')).classes('text-grey-8')
                    ui.label(workshop.join_code).classes('ws-code text-2xl').mark('join-code')
                ui.link(join_link, join_link, new_tab=True).classes('text-base break-all').mark('join-link')
                with ui.row().classes('gap-2'):
                    ui.button(_('Plenary wall'), icon='tv').props(
                        f'outline no-caps href=/wall/{workshop.join_code} target=_blank tag=a')
                    ui.button(_('Edit workshop'), icon='edit').props(
                        f'outline no-caps href={place.path}/edit tag=a').mark('edit-link')
                    ui.button(_('Protocol'), icon='description').props(
                        f'outline no-caps href={place.path}/protocol tag=a').mark('protocol-link')
                    copy_my_link(_, rt.link(f'/lead/{secret}'))
            qr_alt = _('QR code for joining')
            ui.image(f'/qr/{workshop.join_code}.png').classes('w-40 h-40 shrink-0') \
                .props(f'no-spinner alt="{qr_alt}"')

        cockpit.build_controls(rounds)
        for round_ in rounds:
            with ui.row().classes('items-center gap-3 mt-4'):
                ui.label(round_.title).classes('text-lg font-semibold').props('role=heading aria-level=2')
                cockpit.round_badges[round_.id] = ui.badge(_('current round'), color='positive') \
                    .mark(f'current-round-{round_.number}')
            with ui.grid().classes('w-full gap-3 grid-cols-1 md:grid-cols-2 xl:grid-cols-3'):
                for state in (s for s in states.values() if s.breakout.round_id == round_.id):
                    cockpit.breakout_card(state)
        cockpit.show_round(workshop.current_round_id)
        cockpit.build_agenda(agenda)
        await StakeholderPanel(rt, _, workshop.id).refresh()  # read now and on request, never on events
    follow_workshop(rt, workshop.id, cockpit.on_event)


def _time_range(start: str | None, end: str | None) -> str:
    return f'{start}–{end}' if start and end else (start or '')


class Cockpit:
    """Live counters per breakout, updated in place, and the workshop-wide controls."""

    def __init__(self, rt: Runtime, _: Translate, secret: str, workshop: Workshop) -> None:
        self.rt = rt
        self._ = _
        self.client = ui.context.client
        self.secret = secret
        self.workshop = workshop
        self.cards: dict[int, RoomCard] = {}
        self.round_badges: dict[int, ui.badge] = {}
        self.round_buttons: dict[int, ui.button] = {}
        self._round_asked: Round | None = None  # the round the confirmation dialog asks about
        self.agenda_items: dict[int, ui.item] = {}

    # --- controls ---

    async def _run(self, action: Awaitable[object], done: str | None = None) -> bool:
        try:
            await action
        except ServiceError as e:
            ui.notify(translate_error(self._, e), type='negative')
            return False
        if done:
            ui.notify(done, type='positive')
        return True

    def build_controls(self, rounds: list[Round]) -> None:
        _, w = self._, self.workshop
        with ui.card().classes('w-full gap-3').props('flat bordered'):
            ui.label(_('Workshop controls')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            with ui.row().classes('w-full items-center gap-2'):
                ui.label(_('Open round')).classes('text-sm text-grey-8')
                for r in rounds:
                    self.round_buttons[r.id] = ui.button(r.title, on_click=lambda r=r: self._ask_round(r)) \
                        .props('outline no-caps dense').mark(f'open-round-{r.number}')
                self._build_round_dialog()
                ui.separator().props('vertical')
                self.lock = ui.switch(_('Joining locked'), value=w.joining_locked,
                                      on_change=lambda e: self._run(lead.set_joining_locked(
                                          self.rt.db, self.rt.bus, lead_secret=self.secret, locked=e.value))) \
                    .mark('lock-joining')
                self.plenary = ui.switch(_('Plenary mode'), value=w.plenary,
                                         on_change=lambda e: self._run(lead.set_plenary(
                                             self.rt.db, self.rt.bus, lead_secret=self.secret, plenary=e.value))) \
                    .mark('plenary-mode')
            with ui.row().classes('w-full items-center gap-2'):
                ui.label(_('Timer for all rooms')).classes('text-sm text-grey-8')
                for minutes in (5, 10, 15, 20, 30):
                    ui.button(_('{n} min', n=minutes), on_click=lambda m=minutes: self._run(
                        facilitation.start_timer_everywhere(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                            seconds=m * 60,
                                                            close_collection=bool(self.timer_closes.value)))) \
                        .props('outline dense no-caps').mark(f'all-timer-{minutes}')
                ui.button(_('Stop all timers'), on_click=lambda: self._run(facilitation.start_timer_everywhere(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, seconds=None))) \
                    .props('flat dense no-caps').mark('all-timer-stop')
                self.timer_closes = ui.checkbox(_('Close collection when time is up')).props('dense') \
                    .mark('all-timer-closes')
                self.gong = ui.switch(_('Gong on the walls when time is up'), value=w.gong,
                                      on_change=lambda e: self._run(lead.set_gong(
                                          self.rt.db, self.rt.bus, lead_secret=self.secret, gong=e.value))) \
                    .mark('gong')
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                self.notice = ui.input(_('Notice to all phones and walls'), value=lead.shown_notice(w) or '',
                                       placeholder=_('e.g. The break ends in 5 minutes')) \
                    .props('outlined dense maxlength=300').classes('grow').mark('notice-input')
                # how long it stays: it goes by itself then, from every screen
                self.notice_minutes = ui.select({0: _('until I clear it'),
                                                 **{m: _('for {n} min', n=m) for m in lead.NOTICE_MINUTES}},
                                                value=0, label=_('Duration')) \
                    .props('outlined dense options-dense').classes('w-44').mark('notice-minutes')
                ui.button(_('Send'), icon='campaign', on_click=lambda: self._run(lead.send_notice(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, text=self.notice.value,
                    minutes=self.notice_minutes.value or None), _('Notice sent'))) \
                    .props('unelevated no-caps').mark('send-notice')
                ui.button(_('Clear'), on_click=self._clear_notice).props('flat no-caps').mark('clear-notice')
            with ui.row().classes('w-full items-center gap-2'):
                ui.label(_('Plenary summary')).classes('text-sm text-grey-8')
                ui.button(_('Previous topic'), icon='arrow_back', on_click=lambda: self._run(lead.step_summary(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, step=-1))).props('outline dense no-caps') \
                    .mark('summary-previous')
                ui.button(_('Next topic'), icon='arrow_forward', on_click=lambda: self._run(lead.step_summary(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, step=1))).props('unelevated dense no-caps') \
                    .mark('summary-next')
                ui.button(_('End summary'), on_click=lambda: self._run(lead.set_summary_topic(
                    self.rt.db, self.rt.bus, lead_secret=self.secret, topic_number=None))) \
                    .props('flat dense no-caps').mark('summary-end')
                self.summary_label = ui.label('').classes('text-sm').mark('summary-state')
            # the key results of the topic on the wall, where the lead runs the Resümee (also on the protocol page)
            self.summary_results = ui.column().classes('w-full gap-1').mark('summary-results')
            self.summary_results_topic: int | None = None
            with ui.expansion(_('Dot voting settings'), icon='tune').classes('w-full').props('dense'):
                with ui.row().classes('items-center gap-4'):
                    dots = ui.number(_('Dots per question'), value=w.dots_per_question, min=1, max=20, step=1) \
                        .props('outlined dense').classes('w-40').mark('dots-per-question')
                    per_idea = ui.number(_('Max. dots per idea'), value=w.max_dots_per_idea, min=1, max=20,
                                         step=1).props('outlined dense').classes('w-40').mark('max-dots')
                    hide = ui.switch(_('Hide tallies until voting ends'), value=w.hide_tallies)
                    new_topic = ui.switch(_('In later rounds, only topics not yet attended'),
                                          value=w.require_new_topic)
                    ui.button(_('Save'), on_click=lambda: self._run(lead.update_voting(
                        self.rt.db, self.rt.bus, lead_secret=self.secret,
                        dots_per_question=_int(dots.value), max_dots_per_idea=_int(per_idea.value),
                        hide_tallies=hide.value, require_new_topic=new_topic.value), _('Saved'))) \
                        .props('unelevated no-caps').mark('save-voting')
            from .participant_controls import build_participant_controls
            from .privacy_controls import build_privacy_controls
            build_participant_controls(self)
            build_privacy_controls(self)
        self._show_summary(w.summary_topic)

    async def _clear_notice(self) -> None:
        self.notice.set_value('')
        await self._run(lead.send_notice(self.rt.db, self.rt.bus, lead_secret=self.secret, text=None))

    def build_agenda(self, agenda: list[AgendaItem]) -> None:
        _ = self._
        with ui.row().classes('w-full items-center justify-between mt-4'):
            ui.label(_('Run of show')).classes('text-lg font-semibold').props('role=heading aria-level=2')
            ui.button(_('Next agenda item'), icon='skip_next', on_click=lambda: self._run(lead.next_agenda_item(
                self.rt.db, self.rt.bus, lead_secret=self.secret))).props('unelevated no-caps').mark('agenda-next')
        with ui.list().props('bordered separator').classes('w-full bg-white').mark('agenda'):
            for item in agenda:
                with ui.item(on_click=lambda i=item: self._run(lead.set_agenda_item(
                        self.rt.db, self.rt.bus, lead_secret=self.secret, item_id=i.id))) \
                        .mark(f'agenda-{item.id}') as row:
                    with ui.item_section().props('side').classes('w-14'):
                        ui.label(item.time or '').classes('font-mono')
                    with ui.item_section().props('avatar'):
                        ui.icon(KIND_ICONS.get(item.kind, 'event'))
                    with ui.item_section():
                        ui.item_label(item.title)
                        if item.speaker:
                            ui.item_label(item.speaker).props('caption')
                self.agenda_items[item.id] = row
        self._show_agenda(self.workshop.current_agenda_item_id)

    def _show_agenda(self, current: int | None) -> None:
        for item_id, row in self.agenda_items.items():
            active = item_id == current
            row.classes(add='ws-current font-semibold' if active else '',
                        remove='' if active else 'ws-current font-semibold')
            row.props(f'aria-current={"true" if active else "false"}')

    def _show_summary(self, topic: int | None) -> None:
        self.summary_label.set_text(self._('Showing topic {n}', n=topic) if topic else '')
        if topic != self.summary_results_topic:
            self.summary_results_topic = topic
            background_tasks.create(self._summary_results(topic), name='summary key results')

    async def _summary_results(self, number: int | None) -> None:
        """The editor of the key results of the topic the plenary wall shows (none: nothing)."""
        topic = None
        if number is not None:
            async with self.rt.db.session() as session:
                topic = (await session.exec(select(Topic).where(Topic.workshop_id == self.workshop.id,
                                                                Topic.number == number))).first()
        if number != self.summary_results_topic:
            return  # the lead moved on meanwhile
        self.summary_results.clear()
        if topic is None:
            return
        editor = TopicResultsEditor(self.rt, self._, secret=self.secret, workshop_id=self.workshop.id,
                                    run=lambda action: self._run(action(), self._('Saved')))
        with self.summary_results:
            with ui.expansion(self._('Key results of topic {n} (summary and minutes)', n=topic.number),
                              icon='checklist').classes('w-full').props('dense'):
                editor.topic(topic)
        await editor.show(topic.id)

    def _build_round_dialog(self) -> None:
        _ = self._
        with ui.dialog() as self.round_dialog, ui.card().classes('w-[34rem] max-w-full gap-3') \
                .mark('round-dialog'):
            self.round_title = ui.label('').classes('text-lg font-semibold').props('role=heading aria-level=2')
            self.round_facts = ui.column().classes('gap-1')
            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(_('Cancel'), on_click=self.round_dialog.close).props('flat no-caps')
                self.round_ok = ui.button('', icon='play_arrow', on_click=self._open_round) \
                    .props('unelevated no-caps').mark('round-ok')

    def _ask_round(self, round_: Round) -> None:
        """Opening a round moves every phone: first say what is still going on in the current one."""
        _ = self._
        if round_.id == self.workshop.current_round_id:
            ui.notify(_('{round} is open already.', round=round_.title))
            return
        now = [c.state for c in self.cards.values() if c.state.breakout.round_id == self.workshop.current_round_id]
        busy = [s.breakout.label for s in now if s.current is not None and s.phase in (Phase.collect, Phase.vote)]
        timers = [s.breakout.label for s in now if s.ends_at is not None and _aware(s.ends_at) > utcnow()]
        facts = [_.ngettext('{n} phone is in the rooms now.', '{n} phones are in the rooms now.',
                            sum(s.online for s in now))]
        if busy:
            facts.append(_('Still collecting or voting: {rooms}.', rooms=', '.join(busy)))
        if timers:
            facts.append(_('A timer is running in {rooms}.', rooms=', '.join(timers)))
        if lead.shown_notice(self.workshop):
            facts.append(_('The notice “{text}” will be cleared.', text=self.workshop.notice))
        facts.append(_('Every phone will be asked to choose a room of {round}.', round=round_.title))
        self.round_title.set_text(_('Open {round}?', round=round_.title))
        self.round_facts.clear()
        with self.round_facts:
            for fact in facts:
                ui.label(fact).classes('text-base')
        self.round_ok.set_text(_('Open {round}', round=round_.title))
        self._round_asked = round_
        self.round_dialog.open()

    async def _open_round(self) -> None:
        round_ = self._round_asked
        if round_ is not None and await self._run(lead.open_round(self.rt.db, self.rt.bus, lead_secret=self.secret,
                                                                  round_number=round_.number)):
            self.round_dialog.close()

    def show_round(self, round_id: int | None) -> None:
        self.workshop.current_round_id = round_id
        for rid, badge in self.round_badges.items():
            badge.set_visibility(rid == round_id)
        for rid, button in self.round_buttons.items():  # the open round looks open, the others like choices
            button.props(remove='outline unelevated').props('unelevated' if rid == round_id else 'outline')
        for card in self.cards.values():
            active = card.state.breakout.round_id == round_id
            card.card.classes(add='' if active else 'ws-inactive', remove='ws-inactive' if active else '')

    # --- breakout cards ---

    def breakout_card(self, state: RoomState) -> None:
        card = self.cards[state.breakout_id] = RoomCard(self._, state, self.workshop.join_code,
                                                         lambda path: self._copy(self.rt.link(path)))
        self.rt.rooms.render(state, card.render)

    def on_event(self, event: Event) -> None:
        """Workshop-wide events; each room's card renders its room's state."""
        if isinstance(event, RoundChanged):
            self.show_round(event.round_id)
        elif isinstance(event, WorkshopChanged):
            if 'structure' in event.fields:
                self.reload_prompt.show()
            self._reload_workshop(event.fields)

    def _reload_workshop(self, fields: tuple[str, ...]) -> None:
        async def load() -> None:
            async with self.rt.db.session() as session:
                workshop = await session.get(Workshop, self.workshop.id)
            if workshop is None:  # deleted while this page missed the event (live.follow_workshop)
                show_workshop_gone(self.client)
                return
            self.workshop = workshop
            self.lock.set_value(workshop.joining_locked)
            self.plenary.set_value(workshop.plenary)
            self._show_agenda(workshop.current_agenda_item_id)
            if 'notice' in fields:  # cleared by a new round or when its time was over, or sent from another tab
                self.notice.set_value(lead.shown_notice(workshop) or '')
            self.gong.set_value(workshop.gong)
            self._show_summary(workshop.summary_topic)
        background_tasks.create(load(), name='cockpit workshop')

    def _copy(self, link: str) -> None:
        ui.clipboard.write(link)  # NiceGUI 3: not awaitable (awaiting it raised before the notification)
        ui.notify(self._('Link copied'))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite gives it back without a zone


def _int(value: float | str | None) -> int | None:
    return int(value) if value is not None else None


class RoomCard:
    """One room in the cockpit: its counters, phase, question and timer, rendered from its state."""

    def __init__(self, _: Translate, state: RoomState, join_code: str, copy: Callable[[str], None]) -> None:
        self._ = _
        self.state = state
        b, secret = state.breakout, state.moderator_secret
        tag = slug(b.label)
        with ui.card().classes('w-full gap-2').props('flat bordered').mark(f'cockpit-{tag}') as self.card:
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                title = ui.label(f'{b.label} · {b.topic_title}').classes('text-base font-semibold') \
                    .props('role=heading aria-level=3')
                # names the card's links for assistive tech
                self.card.props(f'role=group aria-labelledby={title.html_id}')
                self.timer = Countdown(state.ends_at, done_text=_('Time is up')).classes('font-semibold') \
                    .mark(f'timer-{tag}')
            people = [', '.join(p for p in (b.moderator_name, b.moderator_organisation) if p) if b.moderator_name
                      else '', *b.co_moderators]
            if any(people):  # the room's moderator and its further moderators
                ui.label('; '.join(p for p in people if p)).classes('text-sm text-grey-8').mark(f'moderators-{tag}')
            with ui.row().classes('gap-4 text-sm items-center'):
                self.online = ui.label('').mark(f'online-{tag}')
                self.members = ui.label('').mark(f'members-{tag}')
                self.ideas = ui.label('').mark(f'ideas-{tag}')
                self.dots = ui.label('').mark(f'dots-{tag}')
            with ui.row().classes('items-center gap-2'):
                self.phase = PhaseBadge(_, state.phase)
                self.phase.badge.mark(f'phase-{tag}')
            self.question = ui.label('').classes('text-sm text-grey-9').mark(f'current-question-{tag}')
            with ui.row().classes('gap-1'):
                ui.button(_('Moderator view'), icon='open_in_new').props(
                    f'flat dense no-caps href=/m/{secret} target=_blank tag=a')
                ui.button(_('Wall'), icon='tv').props(
                    f'flat dense no-caps href=/wall/{join_code}/{slug(b.label)} target=_blank tag=a')
                ui.button(icon='content_copy', on_click=lambda: copy(f'/m/{secret}')) \
                    .props(f'flat dense aria-label="{_("Copy moderator link")}"') \
                    .tooltip(_('Copy moderator link'))
                # the topic's link: one for the day, it opens the topic's room of whichever round runs
                topic_link = _('Copy the topic\'s moderator link (for all rounds)')
                ui.button(_('Link for all rounds'), icon='link', on_click=lambda: copy(f'/m/{state.topic_secret}')) \
                    .props('flat dense no-caps').tooltip(topic_link) \
                    .mark(f'topic-link-{b.topic_number}')
        self.render(None)

    def render(self, event: Event | None) -> None:
        if event is not None and getattr(event, 'breakout_id', None) is None and not isinstance(event, Resync) \
                and not (isinstance(event, WorkshopChanged) and RELOADING & set(event.fields)):
            return  # workshop-wide: the cockpit's own (but a room read afresh shows its new question)
        _, state = self._, self.state
        self.online.set_text(_('{n} online', n=state.online))
        self.members.set_text(_('{n} joined', n=state.members))
        self.ideas.set_text(_.ngettext('{n} idea', '{n} ideas', state.idea_total))
        self.dots.set_text(_.ngettext('{n} dot cast', '{n} dots cast', state.dots_cast))
        self.phase.set(state.phase)
        self.timer.set(state.ends_at)
        q = state.current
        label = (f'{q.number}{q.sub}.' if q.sub else q.label) if q else ''  # "2a." is unambiguous outside its block
        self.question.set_text(_('Now: {question}', question=f'{label} {q.text}') if q else '')
