"""The look a final protocol version was rendered with, so that a new logo, colour or Word template can make a
new final version of the same content.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

One nullable column ``protocol_version.look`` (SHA-256 hex); older versions keep NULL ("no look recorded").
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('protocol_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('look', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('protocol_version', schema=None) as batch_op:
        batch_op.drop_column('look')
