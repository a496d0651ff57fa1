"""NiceGUI pages; importing this package registers every route."""

from nicegui import app

from . import admin, edit, home, join, lead, moderator, protocol, room, wall  # noqa: F401 - registers the pages

app.include_router(join.router)  # plain HTML routes (NiceGUI pages register themselves)
