"""workshop: a live app for participatory stakeholder workshops."""

__version__ = '0.1.0'
