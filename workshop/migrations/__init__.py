"""Alembic migrations of the workshop schema (SQLite and PostgreSQL).

``workshop db upgrade`` (and ``workshop serve``) apply them; ``Database.upgrade_schema``
in ``workshop/db.py`` is the one place that runs Alembic. Write a new revision with
``alembic revision --autogenerate -m "what changed"`` from the repository root
(``alembic.ini`` points here), then read and fix what autogenerate wrote.
"""
