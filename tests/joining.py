"""Joining as a phone does, for the NiceGUI ``user`` fixture: the join page is plain HTML with a form
(workshop/pages/join.py), so a simulated user reads it and posts it with its own HTTP client (and
so its own session cookie), then opens the room page it is sent to."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import httpx
from nicegui.testing import User

_ROOM = re.compile(r'<button type="submit" name="breakout" value="(\d+)"[^>]*?data-ws="breakout-([^"]+)"'
                   r'(?P<disabled> disabled)?>\s*<span class="ws-room-title">([^<]*)</span>(.*?)</button>', re.S)


@dataclass
class JoinPage:
    """What a phone sees on the join page."""
    status: int
    html: str
    csrf: str | None
    rooms: dict[str, int] = field(default_factory=dict)  # marker slug (e.g. 'W1.1') -> breakout id
    disabled: set[str] = field(default_factory=set)
    message: str | None = None

    def text(self) -> str:
        """The page's visible text (tags removed, entities decoded)."""
        body = re.sub(r'<script.*?</script>', ' ', self.html, flags=re.S)
        return html.unescape(re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', ' ', body)))


def read_join_page(response: httpx.Response) -> JoinPage:
    text = response.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', text)
    page = JoinPage(status=response.status_code, html=text, csrf=csrf.group(1) if csrf else None)
    for m in _ROOM.finditer(text):
        page.rooms[m.group(2)] = int(m.group(1))
        if m.group('disabled'):
            page.disabled.add(m.group(2))
    alert = re.search(r'role="alert"[^>]*>([^<]*)<', text)
    page.message = html.unescape(alert.group(1)).strip() if alert else None
    return page


async def open_join_page(user: User, code: str, *, switch: bool = False) -> JoinPage:
    response = await user.http_client.get(f'/j/{code}' + ('?switch=true' if switch else ''), follow_redirects=True)
    return read_join_page(response)


async def choose(user: User, code: str, label: str, *, name: str | None = None, organisation: str | None = None,
                 group: str | None = None, switch: bool = False, page: JoinPage | None = None) -> JoinPage | None:
    """Fill in the join form and tap the breakout ``label`` ('W 1.1'); on success the room page is
    opened (and None returned), otherwise the join page with its message is returned."""
    page = page or await open_join_page(user, code, switch=switch)
    key = label.replace(' ', '')
    assert page.csrf and key in page.rooms, f'no button for {label} on the join page: {sorted(page.rooms)}'
    data = {'csrf': page.csrf, 'breakout': str(page.rooms[key])}
    data.update({k: v for k, v in (('name', name), ('organisation', organisation), ('group', group)) if v is not None})
    response = await user.http_client.post(f'/j/{code}', data=data)
    if response.status_code != 303:
        return read_join_page(response)
    await user.open(response.headers['location'])
    return None


async def join(user: User, code: str, label: str, **fields) -> None:
    """Join and be in the room of ``label`` (the room page is open and ready)."""
    refused = await choose(user, code, label, **fields)
    assert refused is None, f'joining {label} was refused: {refused.message}'
    await user.should_see(marker='idea-input', retries=30)
