"""Clusters: named, coloured headings over a question's ideas, and the moderator's undo history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Ideas keep naming their heading in ``idea.group``; a cluster row gives that heading its colour and
place. Existing headings become clusters in the order they first appear.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLOURS = ('blue', 'green', 'orange', 'purple', 'teal', 'red', 'brown', 'pink')


def upgrade() -> None:
    cluster = op.create_table(
        'cluster',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('breakout_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('colour', sa.String(length=20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id']),
        sa.ForeignKeyConstraint(['question_id'], ['question.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('breakout_id', 'question_id', 'title'),
    )
    op.create_index(op.f('ix_cluster_breakout_id'), 'cluster', ['breakout_id'], unique=False)
    op.create_table(
        'curation_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('breakout_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('undo', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('undone', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id']),
        sa.ForeignKeyConstraint(['question_id'], ['question.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_curation_step_breakout_id'), 'curation_step', ['breakout_id'], unique=False)
    # the headings ideas carry already become clusters, in the order they first appear
    rows = op.get_bind().execute(sa.text(
        'SELECT breakout_id, question_id, "group", MIN(id) FROM idea WHERE "group" IS NOT NULL '
        'GROUP BY breakout_id, question_id, "group" ORDER BY breakout_id, question_id, MIN(id)')).all()
    positions: dict[tuple[int, int], int] = {}
    values = []
    for breakout_id, question_id, title, _first in rows:
        n = positions.get((breakout_id, question_id), 0)
        positions[(breakout_id, question_id)] = n + 1
        values.append({'breakout_id': breakout_id, 'question_id': question_id, 'title': title,
                       'colour': COLOURS[n % len(COLOURS)], 'position': n})
    if values:
        op.bulk_insert(cluster, values)


def downgrade() -> None:
    op.drop_index(op.f('ix_curation_step_breakout_id'), table_name='curation_step')
    op.drop_table('curation_step')
    op.drop_index(op.f('ix_cluster_breakout_id'), table_name='cluster')
    op.drop_table('cluster')
