"""Which participant this browser is: a token per workshop in NiceGUI's user storage.

The storage is keyed by a signed session cookie, so a reload or a reconnect
keeps the participant; the token itself is checked by the services.
"""

from __future__ import annotations

from nicegui import app


def participant_token(workshop_id: int) -> str | None:
    return app.storage.user.get('participants', {}).get(str(workshop_id))


def participant_tokens() -> dict[str, str]:
    """This browser's participant tokens: workshop id (as text) -> token."""
    return dict(app.storage.user.get('participants', {}))


def remember_participant(workshop_id: int, token: str) -> None:
    tokens = dict(app.storage.user.get('participants', {}))
    tokens[str(workshop_id)] = token
    app.storage.user['participants'] = tokens
