"""Privacy: how long a workshop's personal data is kept after its end, and when it ended / was anonymised.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Existing workshops get the default retention (30 days) and no end time.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=False, server_default=sa.text('30')))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('ended_at')
        batch_op.drop_column('retention_days')
