"""Join page (what the QR code opens): optional profile, then pick a breakout."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from ..i18n import translate_error
from ..runtime import runtime
from ..services import participants, workshops
from ..services.errors import ServiceError
from ..services.throttle import find_code
from .frame import content, error_page, frame, language_switch
from .session import participant_token, remember_participant
from .widgets import slug


@ui.page('/j/{code}')
async def join_page(code: str, switch: bool = False):
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await find_code(session, code, address=ui.context.client.ip, throttle=rt.throttle)
        except ServiceError as e:
            _ = frame('Workshop', language=None)
            error_page(_, translate_error(_, e), retry_code_box=True)
            return None
        if workshop.join_code != code:  # typed in lower case or with a dash: use the canonical link
            return RedirectResponse(f'/j/{workshop.join_code}', status_code=307)
        participant = await participants.participant_by_token(session, participant_token(workshop.id), workshop.id)
        current = None
        if participant is not None:
            current = await participants.current_breakout_id(session, participant_id=participant.id,
                                                             round_id=workshop.current_round_id)
        if current is not None and not switch:
            return RedirectResponse(f'/j/{workshop.join_code}/room', status_code=303)
        breakouts = await workshops.breakouts_of(session, workshop.id, workshop.current_round_id)
        rounds = await workshops.rounds_of(session, workshop.id)
        attended = await participants.topics_attended(session, participant_id=participant.id) if participant else {}
    round_ = next((r for r in rounds if r.id == workshop.current_round_id), None)
    earlier_topics = {topic for topic, round_id in attended.items() if round_id != workshop.current_round_id}

    _ = frame(workshop.title, language=workshop.language)
    with content():
        with ui.row().classes('w-full items-start justify-between no-wrap gap-2'):
            ui.label(workshop.title).classes('text-2xl font-bold leading-tight min-w-0') \
                .props('role=heading aria-level=1')
            language_switch(_)
        if workshop.subtitle:
            ui.label(workshop.subtitle).classes('text-grey-8')

        if participant is None and workshop.joining_locked:
            ui.label(_('Joining is closed for this workshop. Please speak to the moderation.')) \
                .classes('text-lg').props('role=alert').mark('join-message')
            return None

        profile_inputs = {}
        if participant is None:
            ui.label(_('You take part anonymously. Name and organisation are optional.')).classes('text-grey-9')
            with ui.expansion(_('Add name and organisation (optional)'), icon='badge').classes('w-full') \
                    .props('dense').mark('profile'):
                profile_inputs['name'] = ui.input(_('Name')).props('outlined maxlength=120 autocomplete=name') \
                    .classes('w-full').mark('name')
                profile_inputs['organisation'] = ui.input(_('Organisation')) \
                    .props('outlined maxlength=200 autocomplete=organization').classes('w-full').mark('organisation')
                if workshop.stakeholder_groups:
                    profile_inputs['group'] = ui.select(workshop.stakeholder_groups, label=_('Stakeholder group'),
                                                        clearable=True).props('outlined').classes('w-full') \
                        .mark('group')

        ui.label(_('Choose your breakout room')).classes('text-lg font-semibold mt-2') \
            .props('role=heading aria-level=2')
        if round_ is not None and len(rounds) > 1:
            ui.label(round_.title).classes('text-sm text-grey-8').mark('round')
        message = ui.label('').classes('text-negative').props('role=alert').mark('join-message')

        joined = {'token': participant.token if participant else None}

        async def choose(breakout_id: int) -> None:
            try:
                if joined['token'] is None:
                    _public, joined['token'] = await participants.join(
                        rt.db, code=workshop.join_code, address=ui.context.client.ip, throttle=rt.throttle,
                        name=_value(profile_inputs.get('name')),
                        organisation=_value(profile_inputs.get('organisation')),
                        stakeholder_group=_value(profile_inputs.get('group')))
                    remember_participant(workshop.id, joined['token'])
                await participants.choose_breakout(rt.db, rt.bus, token=joined['token'], workshop_id=workshop.id,
                                                   breakout_id=breakout_id)
            except ServiceError as e:
                message.set_text(translate_error(_, e))
                return
            ui.navigate.to(f'/j/{workshop.join_code}/room')

        if not breakouts:
            ui.label(_('No breakout rooms are open right now.')).classes('text-grey-8')
        for breakout in breakouts:
            had_topic = breakout.topic_id in earlier_topics
            with ui.button(on_click=lambda b=breakout.id: choose(b)) \
                    .props('outline no-caps align=left').classes('w-full text-left py-2') \
                    .mark(f'breakout-{slug(breakout.label)}') as button:
                with ui.column().classes('gap-0 items-start text-left w-full'):
                    ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-base font-semibold')
                    if breakout.moderator_name:
                        ui.label(_('Moderation: {name}', name=breakout.moderator_name)).classes('text-sm text-grey-8')
                    if had_topic:
                        ui.label(_('You already had this topic in an earlier round.')).classes('text-sm')
            if had_topic and workshop.require_new_topic:
                button.disable()

        ui.separator().classes('mt-4')
        organiser = workshop.organiser or _('the organiser')
        ui.label(_('Privacy: {organiser} uses what you post here for the workshop minutes. Ideas are shown without '
                   'your name. Name and organisation are optional and deleted after the retention period.',
                   organiser=organiser)).classes('text-xs text-grey-8').mark('privacy')
    return None


def _value(element) -> str | None:  # noqa: ANN001
    return element.value if element is not None else None
