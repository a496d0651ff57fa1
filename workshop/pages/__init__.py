"""NiceGUI pages; importing this package registers every route."""

from . import admin, edit, home, join, lead, moderator, protocol, room, wall  # noqa: F401
