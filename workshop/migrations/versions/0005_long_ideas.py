"""Long contributions by the moderation: an idea's text (and its original wording) up to 2,000 characters.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Participants still write at most 500 characters (the services check it); what the moderation
enters on someone's behalf or edits may be longer (``limits.IDEA_MODERATION_MAX``). Widening a
VARCHAR keeps every row as it is (SQLite does not check the length at all).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (('text', False), ('original_text', True))


def upgrade() -> None:
    with op.batch_alter_table('idea', schema=None) as batch_op:
        for name, nullable in COLUMNS:
            batch_op.alter_column(name, existing_type=sa.String(length=500), type_=sa.String(length=2000),
                                  existing_nullable=nullable)


def downgrade() -> None:
    # a longer text would not fit back: it is cut to 500 characters (the last one an ellipsis)
    idea = sa.table('idea', *(sa.column(name, sa.String()) for name, _nullable in COLUMNS))
    for name, _nullable in COLUMNS:
        column = idea.c[name]
        op.execute(idea.update().where(sa.func.length(column) > 500)
                   .values({name: sa.func.substr(column, 1, 499) + '…'}))
    with op.batch_alter_table('idea', schema=None) as batch_op:
        for name, nullable in COLUMNS:
            batch_op.alter_column(name, existing_type=sa.String(length=2000), type_=sa.String(length=500),
                                  existing_nullable=nullable)
