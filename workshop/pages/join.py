"""Join page (what the QR code opens): optional profile, then pick a breakout.

Plain HTML and a form, not a NiceGUI page: it shows in a moment on a phone on a venue's
Wi-Fi (about 3 KB, no scripts to load first), works without JavaScript, and costs the
server one small response and one form post per phone instead of a live page with its own
connection — with a thousand phones scanning the QR code at once, the room page is the only
live page a phone opens (docs/performance.md). The form posts back here; the participant is
created and placed in one transaction, then the browser goes on to the room (303).

The form carries a token derived from the session cookie (SameSite=Lax): a post from
another site arrives without the cookie, its token does not match, and nothing happens.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nicegui import app
from nicegui.storage import Storage

from ..i18n import LANGUAGES, Translate, page_language, translate_error, translator
from ..models import BreakoutPublic, Round, Workshop
from ..runtime import Runtime, runtime
from ..services import participants, workshops
from ..services.codes import JOIN_CODE_LENGTH, normalise_join_code
from ..services.errors import Forbidden, NotFound, ServiceError
from ..services.participants import NAME_MAX, ORGANISATION_MAX
from ..services.throttle import TooManyAttempts, find_code
from ..services.workshops import UnknownCode
from .frame import PREFERENCE, effective_language
from .session import participant_token, participant_tokens, remember_participant
from .widgets import slug

TEMPLATES = Path(__file__).resolve().parent / 'templates'
router = APIRouter()  # included by workshop.pages (a NiceGUI test reset removes the app's routes)
SNAPSHOT_MAX_AGE = 2.0  # seconds a new phone's join page may be behind the database (the post is not)
FORM_FIELDS = 8  # name, organisation, group, breakout, csrf: a post with more fields is not the join form


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def csrf_token(request: Request) -> str:
    """The form's token: this browser session's id, signed with the cookie secret."""
    key = (Storage.secret or '').encode()
    return hmac.new(key, f'join:{request.session.get("id", "")}'.encode(), hashlib.sha256).hexdigest()[:32]


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get('/j/{code}', response_class=HTMLResponse)
async def join_page(request: Request, code: str, switch: bool = False, lang: str | None = None) -> Response:
    if lang is not None:  # DE | EN: remembered for this browser, then the page again without the parameter
        if lang in LANGUAGES:
            app.storage.user[PREFERENCE] = lang
        query = urlencode({'switch': 'true'}) if switch else ''
        return RedirectResponse(f'/j/{code}' + (f'?{query}' if query else ''), status_code=303)
    return await _page(request, code, switch=switch)


@router.post('/j/{code}', response_class=HTMLResponse)
async def join_post(request: Request, code: str) -> Response:
    form = await request.form(max_files=0, max_fields=FORM_FIELDS)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    rt = runtime()
    entered = {k: fields.get(k, '') for k in ('name', 'organisation', 'group')}
    if not hmac.compare_digest(fields.get('csrf', ''), csrf_token(request)):
        return await _page(request, code, entered=entered, status=403,
                           message=lambda _: _('This page was out of date. Please choose your room again.'))
    try:
        breakout_id = int(fields.get('breakout', ''))
    except ValueError:
        return await _page(request, code, entered=entered, status=400,
                           message=lambda _: _('Please choose a room.'))
    try:
        token, workshop_id, join_code = await participants.enter_breakout(
            rt.db, rt.bus, code=code, tokens=participant_tokens(), breakout_id=breakout_id,
            name=entered['name'], organisation=entered['organisation'], stakeholder_group=entered['group'] or None,
            address=_address(request), throttle=rt.throttle)
    except ServiceError as e:
        if isinstance(e, (UnknownCode, TooManyAttempts)):  # no such workshop (or guessing codes)
            return _error(request, lambda _, e=e: translate_error(_, e), status=_status(e))
        return await _page(request, code, entered=entered, status=_status(e),
                           message=lambda _, e=e: translate_error(_, e))
    remember_participant(workshop_id, token)
    return RedirectResponse(f'/j/{join_code}/room', status_code=303)


@router.get('/join', response_class=HTMLResponse)
async def join_by_code(request: Request, code: str = '') -> Response:
    """The error page's code box (works without JavaScript): the typed code, normalised."""
    typed = normalise_join_code(code)
    if len(typed) != JOIN_CODE_LENGTH:
        return _error(request, lambda _: _('A join code has {n} characters, like K7M2QX.', n=JOIN_CODE_LENGTH),
                      status=400, typed=code)
    return RedirectResponse(f'/j/{typed}', status_code=303)


async def _page(request: Request, code: str, *, switch: bool = False, entered: dict[str, str] | None = None,
                message: Callable[[Translate], str] | None = None, status: int = 200) -> Response:
    rt = runtime()
    participant, attended = None, {}
    try:
        if not participant_tokens():  # a phone new to every workshop: the shared snapshot will do
            workshop, breakouts, rounds = await _snapshot(rt, code, _address(request))
        else:
            async with rt.db.read_session() as session:
                workshop = await find_code(session, code, address=_address(request), throttle=rt.throttle,
                                           tokens=participant_tokens())
                participant, current = await participants.seat(session, token=participant_token(workshop.id),
                                                               workshop=workshop)
                if current is not None and not switch and message is None and workshop.join_code == code:
                    return RedirectResponse(f'/j/{workshop.join_code}/room', status_code=303)
                breakouts = await workshops.breakouts_of(session, workshop.id, workshop.current_round_id)
                rounds = await workshops.rounds_of(session, workshop.id)
                if participant is not None:
                    attended = await participants.topics_attended(session, participant_id=participant.id)
    except ServiceError as e:
        return _error(request, lambda _, e=e: translate_error(_, e), status=_status(e))
    if workshop.join_code != code:  # typed in lower case or with a dash: use the canonical link
        return RedirectResponse(f'/j/{workshop.join_code}', status_code=307)
    round_ = next((r for r in rounds if r.id == workshop.current_round_id), None)
    earlier_topics = {topic for topic, round_id in attended.items() if round_id != workshop.current_round_id}

    language = effective_language(workshop.language)
    _ = translator(language)
    entered = {k: (entered or {}).get(k) or '' for k in ('name', 'organisation', 'group')}
    rooms = []
    for b in breakouts:
        had_topic = b.topic_id in earlier_topics
        rooms.append({
            'id': b.id, 'slug': slug(b.label), 'title': f'{b.label} · {b.topic_title}',
            'moderation': _('Moderation: {name}', name=b.moderator_name) if b.moderator_name else '',
            'had_topic': had_topic, 'disabled': had_topic and workshop.require_new_topic,
        })
    html = _templates().get_template('join.html').render(
        lang=page_language(language), title=workshop.title, subtitle=workshop.subtitle or '',
        code=workshop.join_code, csrf=csrf_token(request), languages=_languages(language), switch=switch,
        message=message(_) if message else '', closed=participant is None and workshop.joining_locked,
        new=participant is None, groups=workshop.stakeholder_groups or [], entered=entered,
        profile_open=any(entered.values()), rooms=rooms,
        round_title=round_.title if round_ is not None and len(rounds) > 1 else '',
        name_max=NAME_MAX, organisation_max=ORGANISATION_MAX,
        t=_texts(_, organiser=workshop.organiser or _('the organiser')))
    return HTMLResponse(html, status_code=status, headers={'Cache-Control': 'no-store'})


async def _snapshot(rt: Runtime, code: str, address: str | None) -> tuple[Workshop, list[BreakoutPublic], list[Round]]:
    """The workshop, its current rooms and its rounds, shared by the phones arriving within
    ``SNAPSHOT_MAX_AGE`` seconds (workshop/snapshots.py: the post checks everything again).
    Wrong codes count against the address as before; a blocked address is refused first."""
    if rt.throttle is not None:
        await rt.throttle.check_code_attempt(address)

    async def load() -> tuple[Workshop, list[BreakoutPublic], list[Round]]:
        async with rt.db.read_session() as session:
            workshop = await workshops.find_by_code(session, code)
            return (workshop, await workshops.breakouts_of(session, workshop.id, workshop.current_round_id),
                    await workshops.rounds_of(session, workshop.id))
    try:
        return await rt.snapshots.get(('join page', code), load, max_age=SNAPSHOT_MAX_AGE)
    except UnknownCode:
        if rt.throttle is not None:
            await rt.throttle.wrong_code(address)
        raise


def _error(request: Request, message: Callable[[Translate], str], *, status: int, typed: str = '') -> Response:
    language = effective_language(None)
    _ = translator(language)
    html = _templates().get_template('join_error.html').render(
        lang=page_language(language), message=message(_), typed=typed, code_length=JOIN_CODE_LENGTH,
        t={'title': 'Workshop', 'code': _('Join code'), 'join': _('Join')})
    return HTMLResponse(html, status_code=status, headers={'Cache-Control': 'no-store'})


def _status(error: ServiceError) -> int:
    return 404 if isinstance(error, NotFound) else 429 if isinstance(error, TooManyAttempts) else \
        403 if isinstance(error, Forbidden) else 400


def _languages(current: str) -> list[dict]:
    return [{'code': code, 'label': code.upper(), 'name': name, 'current': code == current}
            for code, name in LANGUAGES.items()]


def _texts(_: Translate, *, organiser: str) -> dict[str, str]:
    return {
        'language': _('Language'),
        'closed': _('Joining is closed for this workshop. Please speak to the moderation.'),
        'anonymous': _('You take part anonymously. Name and organisation are optional.'),
        'profile': _('Add name and organisation (optional)'),
        'name': _('Name'), 'organisation': _('Organisation'), 'group': _('Stakeholder group'),
        'no_group': _('(none)'),
        'choose': _('Choose your breakout room'),
        'none_open': _('No breakout rooms are open right now.'),
        'had_topic': _('You already had this topic in an earlier round.'),
        'privacy': _('Privacy: {organiser} uses what you post here for the workshop minutes. Ideas are shown '
                     'without your name. Name and organisation are optional and deleted after the retention '
                     'period.', organiser=organiser),
    }
