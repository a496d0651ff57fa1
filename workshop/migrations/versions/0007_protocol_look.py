"""The organisation's look of the protocol: a colour for the PDF and a Word template for the DOCX.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Three nullable columns of ``protocol_settings`` (next to the logo): ``colour`` ("#1f4e79"),
``word_template`` (the .docx/.dotx file as uploaded) and ``word_template_name`` (its file name).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('protocol_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('colour', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('word_template', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('word_template_name', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('protocol_settings', schema=None) as batch_op:
        batch_op.drop_column('word_template_name')
        batch_op.drop_column('word_template')
        batch_op.drop_column('colour')
