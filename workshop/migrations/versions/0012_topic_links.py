"""One moderator link per topic that follows the rounds; several questions collecting at once (#16).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

``topic.moderator_secret``: a topic's moderator link (``/m/SECRET``) opens the current round's breakout
of that topic; existing topics get one here (128 bits, as ``services.codes.new_secret``), new ones on
creation. ``breakout_question.alongside``: the moderator opened this question next to the current one,
so phones show it while it collects.
"""
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderator_secret', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    topic = sa.table('topic', sa.column('id', sa.Integer), sa.column('moderator_secret', sa.String))
    for (topic_id,) in bind.execute(sa.select(topic.c.id)).all():
        bind.execute(topic.update().where(topic.c.id == topic_id)
                     .values(moderator_secret=secrets.token_urlsafe(16)))
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.alter_column('moderator_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_topic_moderator_secret'), ['moderator_secret'], unique=True)
    with op.batch_alter_table('breakout_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alongside', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('breakout_question', schema=None) as batch_op:
        batch_op.drop_column('alongside')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_moderator_secret'))
        batch_op.drop_column('moderator_secret')
