"""Rooms live: each room's state as plain data (``state``), kept current by the bus and delivered to the
pages that render it (``delivery``), with the idea boards' broadcast channel (``board_channel``)."""
