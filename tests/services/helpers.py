"""Small builders for service tests."""

from __future__ import annotations

from workshop.services import ideas, participants


async def member(db, bus, links, index: int = 0) -> tuple[str, int]:
    """A new participant who chose breakout ``index``; returns (token, breakout id)."""
    _, token = await participants.join(db, code=links.join_code)
    breakout_id = links.breakouts[index].breakout_id
    await participants.choose_breakout(db, bus, token=token, workshop_id=links.workshop_id, breakout_id=breakout_id)
    return token, breakout_id


async def post(db, bus, token: str, breakout_id: int, text: str) -> int:
    idea = await ideas.post_idea(db, bus, token=token, breakout_id=breakout_id, text=text,
                                 client_id=ideas.new_client_id())
    return idea.id
