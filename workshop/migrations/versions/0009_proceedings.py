"""The protocol's "Verlauf", the organiser's representatives, several moderators per room and the server's look (#15).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

``workshop.proceedings`` (text, '' = drafted from the agenda) and ``workshop.representatives`` (JSON list of
strings); ``breakout.co_moderators`` (JSON list of {"name", "organisation"}); and the table ``server_look`` (one
row: the server's default Word template, logo and colour for workshops without their own).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proceedings', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('representatives', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('co_moderators', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table(
        'server_look',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('logo', sa.LargeBinary(), nullable=True),
        sa.Column('logo_type', sa.String(length=40), nullable=True),
        sa.Column('colour', sa.String(length=7), nullable=True),
        sa.Column('word_template', sa.LargeBinary(), nullable=True),
        sa.Column('word_template_name', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('server_look')
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.drop_column('co_moderators')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('representatives')
        batch_op.drop_column('proceedings')
