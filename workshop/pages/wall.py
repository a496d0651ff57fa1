"""The wall (projector): QR and join code, the current question, ideas appearing live in large type."""

from __future__ import annotations

from fastapi import Response
from nicegui import app, run, ui

from ..events import Event, IdeaPosted, QuestionChanged
from ..i18n import translate_error
from ..qr import qr_png
from ..runtime import runtime
from ..services import ideas, workshops
from ..services.errors import ServiceError
from .frame import error_page, frame
from .live import IdeaFeed, follow_workshop
from .widgets import question_heading, show_question


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


def _join_panel(code: str, link: str, _) -> None:  # noqa: ANN001
    with ui.column().classes('items-center gap-2 shrink-0 w-80'):
        qr_alt = _('QR code for joining')
        ui.image(f'/qr/{code}.png').classes('ws-wall-qr rounded').props(f'no-spinner alt="{qr_alt}"')
        ui.label(_('Join code')).classes('text-2xl')
        ui.label(code).classes('ws-code text-6xl').mark('join-code')
        ui.label(link.split('://', 1)[-1]).classes('text-xl text-center break-all')


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
        breakouts = await workshops.breakouts_of(session, workshop.id, workshop.current_round_id)
    _ = frame(workshop.title, language=workshop.language, wall=True)
    with ui.row().classes('w-full p-8 gap-12 items-center justify-center min-h-screen no-wrap'):
        with ui.column().classes('gap-6 grow min-w-0'):
            ui.label(workshop.title).classes('text-5xl font-bold leading-tight').props('role=heading aria-level=1')
            ui.label(_('Scan the code with your phone camera and choose your room.')).classes('text-2xl opacity-80')
            for b in breakouts:
                ui.label(f'{b.label} · {b.topic_title}').classes('text-3xl')
        _join_panel(workshop.join_code, rt.link(f'/j/{workshop.join_code}'), _)


@ui.page('/wall/{code}/{breakout_id}')
async def breakout_wall(code: str, breakout_id: int) -> None:
    rt = runtime()
    async with rt.db.session() as session:
        try:
            workshop = await workshops.find_by_code(session, code)
            breakout = await workshops.get_breakout(session, breakout_id)
            if breakout.workshop_id != workshop.id:
                raise ServiceError('This breakout does not exist.')
        except ServiceError as e:
            _ = frame('Workshop', language=None, wall=True)
            error_page(_, translate_error(_, e))
            return
        questions = {q.id: q for q in await workshops.questions_of(session, breakout.topic_id)}
        current = questions.get(breakout.current_question_id)
        shown = await ideas.ideas_of(session, breakout_id=breakout.id, question_id=current.id if current else None,
                                     limit=60)
    _ = frame(f'{breakout.label} · {workshop.title}', language=workshop.language, wall=True)
    state = {'current': current}
    with ui.row().classes('w-full p-6 gap-8 items-start no-wrap'):
        with ui.column().classes('grow gap-5 min-w-0'):
            ui.label(f'{breakout.label} · {breakout.topic_title}').classes('text-3xl') \
                .props('role=heading aria-level=1').mark('breakout')
            block, question = question_heading(current, _, wall=True)
            count = ui.label('').classes('text-2xl').mark('idea-count')
            feed = IdeaFeed(_, wall=True, on_count=lambda n: count.set_text(_('{n} ideas', n=n)))
            feed.show(shown)
        _join_panel(workshop.join_code, rt.link(f'/j/{workshop.join_code}'), _)

    def on_event(event: Event) -> None:
        if getattr(event, 'breakout_id', None) != breakout.id:
            return
        if isinstance(event, IdeaPosted) and state['current'] and event.question_id == state['current'].id:
            feed.add(event)
        elif isinstance(event, QuestionChanged):
            state['current'] = questions.get(event.question_id)
            show_question(block, question, state['current'], _)
            feed.reload(rt, breakout_id=breakout.id, question_id=event.question_id)

    follow_workshop(rt, workshop.id, on_event)
