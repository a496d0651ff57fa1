"""Tallies across instances: a per-breakout sequence number of the transactions that change its dots.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Events carry it, so that every instance keeps the newest tallies whatever order Redis delivers
events of several instances in (docs/deployment.md, "Votes across instances").
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tally_seq', sa.Integer(), nullable=False, server_default=sa.text('0')))


def downgrade() -> None:
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.drop_column('tally_seq')
