"""A gallery walk: dots and comments on an earlier round's results (#16).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

``breakout.gallery_walk`` (the room's moderator switches it on); ``gallery_dot``: dots given in a later
round's room to an earlier round's idea, apart from ``vote`` so that the idea's own tallies stay; ``comment``:
short comments written there on such ideas (a moderator may hide one).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gallery_walk', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'gallery_dot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('breakout_id', sa.Integer(), nullable=False),
        sa.Column('dots', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id']),
        sa.ForeignKeyConstraint(['idea_id'], ['idea.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('idea_id', 'participant_id', 'breakout_id'),
    )
    for column in ('breakout_id', 'idea_id', 'participant_id'):
        op.create_index(op.f(f'ix_gallery_dot_{column}'), 'gallery_dot', [column], unique=False)
    op.create_table(
        'comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('breakout_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id']),
        sa.ForeignKeyConstraint(['idea_id'], ['idea.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for column in ('breakout_id', 'idea_id', 'participant_id'):
        op.create_index(op.f(f'ix_comment_{column}'), 'comment', [column], unique=False)


def downgrade() -> None:
    for column in ('breakout_id', 'idea_id', 'participant_id'):
        op.drop_index(op.f(f'ix_comment_{column}'), table_name='comment')
    op.drop_table('comment')
    for column in ('breakout_id', 'idea_id', 'participant_id'):
        op.drop_index(op.f(f'ix_gallery_dot_{column}'), table_name='gallery_dot')
    op.drop_table('gallery_dot')
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.drop_column('gallery_walk')
