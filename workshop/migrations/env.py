"""Alembic environment: the target is SQLModel's metadata with every table of the app registered.

Run programmatically by ``workshop.db.Database.upgrade_schema`` (which passes an open
connection in ``config.attributes['connection']``), or by the ``alembic`` command line
from the repository root, which connects to ``WORKSHOP_DATABASE_URL`` (or ``-x db=URL``).
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import pool
from sqlmodel import SQLModel

from workshop import models  # noqa: F401 - registers the tables
from workshop.protocol import models as _protocol_models  # noqa: F401 - registers the protocol tables

target_metadata = SQLModel.metadata
config = context.config


def _configure(**kwargs) -> None:
    dialect = kwargs['connection'].dialect.name if 'connection' in kwargs else kwargs.get('dialect_name')
    context.configure(target_metadata=target_metadata, compare_type=True,
                      render_as_batch=dialect == 'sqlite',  # SQLite alters tables by copying them
                      transactional_ddl=True,  # SQLite too: workshop.db begins its transactions itself
                      **kwargs)


def _url() -> str:
    from workshop.db import normalise_url
    url = context.get_x_argument(as_dictionary=True).get('db') or os.environ.get('WORKSHOP_DATABASE_URL') \
        or config.get_main_option('sqlalchemy.url')
    if not url:
        raise SystemExit('no database: set WORKSHOP_DATABASE_URL or pass -x db=URL')
    return normalise_url(url)[1]


def run_offline() -> None:
    url = _url()
    _configure(url=url, literal_binds=True, dialect_name=url.split(':', 1)[0].split('+', 1)[0])
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get('connection')
    if connection is not None:  # given by workshop.db: it holds the migration lock and the transaction
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from workshop.db import migration_engine
    engine = migration_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
