"""Protocol options for public administration and a summary per guiding question.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Per workshop: whether the protocol shows the dots and charts of the voting, leaves out questions
nobody answered, and writes the participation as a sentence ("rund 40 Vertreterinnen und Vertreter
aus …") instead of a table. Per guiding question: the moderation's summary of the answers. Existing
rows get what the protocol did before (dots shown, unanswered questions left out) and no summary.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPTIONS = ('protocol_dots', 'protocol_omit_unanswered', 'protocol_participation_prose')


def upgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        for name in OPTIONS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('summary')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        for name in reversed(OPTIONS):
            batch_op.drop_column(name)
