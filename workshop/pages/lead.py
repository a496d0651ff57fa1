"""Lead moderator (secret link): every breakout at a glance, the agenda, the join QR, all links."""

from __future__ import annotations

from nicegui import ui

from ..events import Event, IdeaPosted, MembersChanged, PresenceChanged, QuestionChanged
from ..i18n import Translate, translate_error
from ..models import AgendaKind, BreakoutPublic, QuestionPublic
from ..runtime import Runtime, runtime
from ..services import workshops
from ..services.errors import ServiceError
from .frame import content, error_page, frame
from .live import follow_workshop
from .widgets import slug

KIND_ICONS = {AgendaKind.plenary: 'groups', AgendaKind.break_: 'coffee', AgendaKind.breakout_round: 'call_split',
              AgendaKind.summary: 'summarize'}


@ui.page('/lead/{secret}')
async def lead_page(secret: str) -> None:
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await workshops.find_by_lead_secret(session, secret)
        except ServiceError as e:
            _ = frame('Workshop', language=None)
            error_page(_, translate_error(_, e))
            return
        breakouts = await workshops.breakouts_of(session, workshop.id)
        rounds = await workshops.rounds_of(session, workshop.id)
        agenda = await workshops.agenda_of(session, workshop.id)
        counts = await workshops.breakout_counts(session, workshop.id)
        questions = {b.topic_id: await workshops.questions_of(session, b.topic_id) for b in breakouts}
        secrets_ = {b.id: (await session.get(workshops.Breakout, b.id)).moderator_secret for b in breakouts}

    _ = frame(f'{workshop.title} · Lead', language=workshop.language)
    join_link = rt.link(f'/j/{workshop.join_code}')
    cockpit = Cockpit(rt, _, questions)
    with content(wide=True):
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
                ui.link(join_link, join_link, new_tab=True).classes('text-sm break-all').mark('join-link')
                ui.button(_('Plenary wall'), icon='tv').props(
                    f'outline no-caps href=/wall/{workshop.join_code} target=_blank tag=a')
            qr_alt = _('QR code for joining')
            ui.image(f'/qr/{workshop.join_code}.png').classes('w-40 h-40 shrink-0') \
                .props(f'no-spinner alt="{qr_alt}"')

        for round_ in rounds:
            active = round_.id == workshop.current_round_id
            with ui.row().classes('items-center gap-3 mt-4'):
                ui.label(round_.title).classes('text-lg font-semibold').props('role=heading aria-level=2')
                if active:
                    ui.badge(_('current round'), color='positive').mark('current-round')
            with ui.grid().classes('w-full gap-3 grid-cols-1 md:grid-cols-2 xl:grid-cols-3'):
                for breakout in (b for b in breakouts if b.round_id == round_.id):
                    cockpit.breakout_card(breakout, counts.get(breakout.id, {}), secrets_[breakout.id],
                                          workshop.join_code, active=active)

        ui.label(_('Agenda')).classes('text-lg font-semibold mt-4').props('role=heading aria-level=2')
        with ui.list().props('bordered separator').classes('w-full bg-white').mark('agenda'):
            for item in agenda:
                with ui.item():
                    with ui.item_section().props('side').classes('w-14'):
                        ui.label(item.time or '').classes('font-mono')
                    with ui.item_section().props('avatar'):
                        ui.icon(KIND_ICONS.get(item.kind, 'event'))
                    with ui.item_section():
                        ui.item_label(item.title)
                        if item.speaker:
                            ui.item_label(item.speaker).props('caption')
    follow_workshop(rt, workshop.id, cockpit.on_event)


def _time_range(start: str | None, end: str | None) -> str:
    return f'{start}–{end}' if start and end else (start or '')


class Cockpit:
    """Live counters per breakout, updated in place."""

    def __init__(self, rt: Runtime, _: Translate, questions: dict[int, list[QuestionPublic]]) -> None:
        self.rt = rt
        self._ = _
        self.questions = {q.id: q for qs in questions.values() for q in qs}
        self.labels: dict[int, dict[str, ui.label]] = {}
        self.ideas: dict[int, int] = {}

    def breakout_card(self, b: BreakoutPublic, counts: dict[str, int], secret: str, code: str, *,
                      active: bool) -> None:
        _ = self._
        self.ideas[b.id] = counts.get('ideas', 0)
        with ui.card().classes('w-full' + ('' if active else ' opacity-60')).props('flat bordered') \
                .mark(f'cockpit-{slug(b.label)}'):
            ui.label(f'{b.label} · {b.topic_title}').classes('text-base font-semibold')
            if b.moderator_name:
                ui.label(', '.join(p for p in (b.moderator_name, b.moderator_organisation) if p)) \
                    .classes('text-sm text-grey-8')
            with ui.row().classes('gap-4 text-sm'):
                online = ui.label(_('{n} online', n=self.rt.presence.online(b.id))).mark(f'online-{slug(b.label)}')
                members = ui.label(_('{n} joined', n=counts.get('members', 0))).mark(f'members-{slug(b.label)}')
                ideas = ui.label(_('{n} ideas', n=self.ideas[b.id])).mark(f'ideas-{slug(b.label)}')
            question = ui.label(self._question_text(b.current_question_id)).classes('text-sm text-grey-9') \
                .mark(f'current-question-{slug(b.label)}')
            with ui.row().classes('gap-1'):
                ui.button(_('Moderator view'), icon='open_in_new').props(
                    f'flat dense no-caps href=/m/{secret} target=_blank tag=a')
                ui.button(_('Wall'), icon='tv').props(f'flat dense no-caps href=/wall/{code}/{b.id} target=_blank tag=a')
                ui.button(icon='content_copy', on_click=lambda s=secret: self._copy(self.rt.link(f'/m/{s}'))) \
                    .props(f'flat dense aria-label="{_("Copy moderator link")}"') \
                    .tooltip(_('Copy moderator link'))
        self.labels[b.id] = {'online': online, 'members': members, 'ideas': ideas, 'question': question}

    def on_event(self, event: Event) -> None:
        labels = self.labels.get(getattr(event, 'breakout_id', None))
        if labels is None:
            return
        if isinstance(event, IdeaPosted):
            self.ideas[event.breakout_id] += 1
            labels['ideas'].set_text(self._('{n} ideas', n=self.ideas[event.breakout_id]))
        elif isinstance(event, PresenceChanged):
            labels['online'].set_text(self._('{n} online', n=event.online))
        elif isinstance(event, MembersChanged):
            labels['members'].set_text(self._('{n} joined', n=event.members))
        elif isinstance(event, QuestionChanged):
            labels['question'].set_text(self._question_text(event.question_id))

    def _question_text(self, question_id: int | None) -> str:
        q = self.questions.get(question_id)
        if q is None:
            return ''
        label = f'{q.number}{q.sub}.' if q.sub else q.label  # "2a." is unambiguous outside its block
        return self._('Now: {question}', question=f'{label} {q.text}')

    async def _copy(self, link: str) -> None:
        await ui.clipboard.write(link)
        ui.notify(self._('Link copied'))
