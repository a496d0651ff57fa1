"""Timers that close collection, a gong on the wall, notices that expire (#16).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

``breakout.timer_closes``: the room's timer moves its collecting questions on when it runs out;
``workshop.notice_until``: when the lead's notice goes by itself (NULL: when cleared); ``workshop.gong``:
walls sound a short gong when their timer ends.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_closes', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('gong', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('gong')
        batch_op.drop_column('notice_until')
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.drop_column('timer_closes')
