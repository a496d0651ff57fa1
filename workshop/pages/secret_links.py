"""Secret links are exchanged for a cookie: the address bar, the history and the logs never show them.

Opening a moderator's, the lead moderator's or the admin's secret link (``/m/SECRET``, ``/lead/SECRET…``,
``/admin/SECRET``) sets a cookie that holds the secret for the one page it opens and redirects (303) to the
same page without it: ``/m/~/CODE/NUMBER`` (the join code and the breakout's number, as in its wall's
link; a topic's moderator link, which follows the rounds: ``/m/~/CODE/t/NUMBER``), ``/lead/~/CODE``
(and ``…/edit``, ``…/protocol``), ``/admin/~``. That page reads the secret from the cookie; without a
cookie that opens it, it shows the page of an invalid link. The page's live handlers keep the secret on
the server, as before. The old links stay the way in (OWASP ASVS: no secrets in URLs; the link itself is
still what a moderator bookmarks or passes on: "Copy my link").

The cookie is HttpOnly (no script reads it) and Secure behind https; its Path is the page it opens and
its name names the role and the handle, so the links of several breakouts or workshops in one browser
stay apart. SameSite=Lax, not Strict: a link opened from a mail or a chat on another site is a
cross-site navigation, and a Strict cookie set on its way would be held back from the redirect that
follows — the page would call a valid link invalid. Lax sends the cookie with top-level GET navigations
only, and a GET changes nothing here: every action goes through the page's WebSocket, whose origin is
checked. The value is the secret itself, so a link the lead moderator replaces (services/rotation.py)
stops working in every browser that exchanged it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui
from sqlmodel.ext.asyncio.session import AsyncSession

from ..i18n import Translate, translate_error
from ..models import Breakout, Topic, Workshop
from ..runtime import runtime
from ..services import access, moderation, workshops
from ..services.access import INVALID_MODERATOR_LINK
from ..services.errors import Forbidden, ServiceError
from .frame import error_page, frame

MARK = '~'  # the path segment where the secret was; never a secret (secrets are URL-safe base64)
MAX_AGE = 14 * 24 * 3600  # seconds, as NiceGUI's session cookie: a bookmarked page opens for two weeks


@dataclass(frozen=True)
class Place:
    """A page that a secret opens: its role (the link's first segment) and its non-secret handle."""

    role: str  # 'm', 'lead' or 'admin'
    handle: tuple[str, ...] = ()  # the join code, the breakout's number

    @property
    def path(self) -> str:
        return '/'.join(('', self.role, MARK, *self.handle))

    @property
    def cookie(self) -> str:
        return '_'.join(('ws', self.role, *self.handle))


def moderator_place(code: str, breakout_id: int | str) -> Place:
    return Place('m', (code, str(breakout_id)))


def topic_place(code: str, topic_number: int | str) -> Place:
    """A topic's moderator link's page, ``/m/~/CODE/t/NUMBER``: its breakout of the current round."""
    return Place('m', (code, 't', str(topic_number)))


def lead_place(code: str) -> Place:
    return Place('lead', (code,))


ADMIN = Place('admin')


def exchange(place: Place, secret: str, rest: str = '') -> RedirectResponse:
    """The answer to a secret link: the cookie for ``place``, and on to its page (``rest`` below it)."""
    response = RedirectResponse(place.path + rest, status_code=303)
    response.set_cookie(place.cookie, quote(secret, safe=''), max_age=MAX_AGE, path=place.path, httponly=True,
                        samesite='lax', secure=runtime().settings.public_url.lower().startswith('https://'))
    return response


def held_secret(request: Request, place: Place) -> str:
    """The secret this browser holds for ``place`` ('' without a cookie: no link has that secret)."""
    return unquote(request.cookies.get(place.cookie, ''))


async def led_workshop(request: Request, code: str, session: AsyncSession) -> Workshop:
    """The workshop whose lead secret this browser holds for ``/lead/~/CODE`` (a ServiceError if none)."""
    place = lead_place(code)
    workshop = await workshops.find_by_lead_secret(session, held_secret(request, place))
    same_place(lead_place(workshop.join_code), place)
    return workshop


async def moderated_breakout(request: Request, code: str, breakout_id: str,
                             session: AsyncSession) -> tuple[Breakout, Workshop]:
    """The breakout whose moderator secret this browser holds for ``/m/~/CODE/ID``, with its workshop
    (a ServiceError if none)."""
    place = moderator_place(code, breakout_id)
    breakout = await moderation.breakout_by_secret(session, held_secret(request, place))
    workshop = await session.get(Workshop, breakout.workshop_id)
    same_place(moderator_place(workshop.join_code, breakout.id), place)
    return breakout, workshop


async def moderated_topic(request: Request, code: str, topic_number: str,
                          session: AsyncSession) -> tuple[Topic, Workshop]:
    """The topic whose moderator secret this browser holds for ``/m/~/CODE/t/NUMBER``, with its workshop."""
    place = topic_place(code, topic_number)
    topic = await access.moderated_topic(session, held_secret(request, place))
    workshop = await session.get(Workshop, topic.workshop_id)
    same_place(topic_place(workshop.join_code, topic.number), place)
    return topic, workshop


def same_place(found: Place, asked: Place) -> None:
    """A cookie for another breakout or workshop than the address names (only a forged one can be) opens nothing."""
    if found != asked:
        raise Forbidden(INVALID_MODERATOR_LINK)


def invalid(error: ServiceError) -> None:
    """The page of a link that opens nothing (any more)."""
    _ = frame('Workshop', language=None)
    error_page(_, translate_error(_, error))


async def moderator_place_of(secret: str) -> Place:
    """Where a moderator's secret leads: a breakout's page, or a topic's that follows the rounds (a ServiceError
    when it leads nowhere)."""
    async with runtime().db.session() as session:
        try:
            breakout = await moderation.breakout_by_secret(session, secret)
        except Forbidden:
            topic = await access.moderated_topic(session, secret)
            workshop = await session.get(Workshop, topic.workshop_id)
            return topic_place(workshop.join_code, topic.number)
        workshop = await session.get(Workshop, breakout.workshop_id)
    return moderator_place(workshop.join_code, breakout.id)


async def lead_place_of(secret: str) -> Place:
    """Where the lead moderator's secret leads (a ServiceError when it leads nowhere)."""
    async with runtime().db.session() as session:
        workshop = await workshops.find_by_lead_secret(session, secret)
    return lead_place(workshop.join_code)


async def open_lead_link(secret: str, rest: str = '') -> RedirectResponse | None:
    """``/lead/SECRET…`` in a browser: exchanged, or the page of an invalid link."""
    try:
        place = await lead_place_of(secret)
    except ServiceError as e:
        invalid(e)
        return None
    return exchange(place, secret, rest)


def copy_my_link(_: Translate, link: str) -> ui.button:
    """"Copy my link": this page's secret link, to bookmark or to pass on. It reaches the browser only
    when asked for (the page's address and HTML hold no secret), and only the cookie's holder sees the page."""
    def reveal() -> None:
        value.set_value(link)
        dialog.open()
        ui.clipboard.write(link)  # where the browser allows it (https or localhost); the field shows it anyway

    with ui.dialog() as dialog, ui.card().classes('w-full max-w-xl gap-3'):
        ui.label(_('My link to this page')).classes('text-lg font-semibold').props('role=heading aria-level=2')
        ui.label(_('Whoever has this link can open this page: keep it for yourself, or pass it on on purpose.')) \
            .classes('text-sm')
        value = ui.input(_('Link')).props('readonly outlined dense').classes('w-full').mark('my-link-value')
        ui.button(_('Close'), on_click=dialog.close).props('flat no-caps')
    return ui.button(_('Copy my link'), icon='link', on_click=reveal).props('outline no-caps').mark('my-link')
