"""NiceGUI pages; importing this package registers every route."""

from . import home, join, lead, moderator, room, wall  # noqa: F401
