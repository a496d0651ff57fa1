"""One key-results model: citations per key result and a topic level (#15).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Next to the key results of a breakout question and of a breakout, ``key_result_sources``: per key result the ids
of the ideas it rests on. A topic gets its own key results (with sources); empty, they are drafted from its
breakouts. The workshop's protocol option ``protocol_citations``: each key result refers to its contributions in
the appendix. Existing rows get no sources, no topic level and no references: their protocol stays as it was.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sources() -> sa.Column:
    return sa.Column('key_result_sources', sa.JSON(), nullable=False, server_default='[]')


def upgrade() -> None:
    for table in ('breakout_question', 'breakout'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(_sources())
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_results', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(_sources())
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protocol_citations', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('protocol_citations')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_column('key_result_sources')
        batch_op.drop_column('key_results')
    for table in ('breakout', 'breakout_question'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('key_result_sources')
