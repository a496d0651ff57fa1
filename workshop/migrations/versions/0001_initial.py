"""The schema of the last release before migrations (as its create_all made it).

Revision ID: 0001
Revises:
Create Date: 2026-11-25

A database made by that release has these tables and no ``alembic_version``;
``Database.upgrade_schema`` stamps it with this revision and upgrades it from here.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workshop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subtitle', sa.String(length=300), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('start_time', sa.String(length=5), nullable=True),
    sa.Column('end_time', sa.String(length=5), nullable=True),
    sa.Column('format', sa.Enum('online', 'hybrid', 'onsite', name='workshopformat'), nullable=False),
    sa.Column('organiser', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('context', sa.String(), nullable=False),
    sa.Column('stakeholder_groups', sa.JSON(), nullable=False),
    sa.Column('join_code', sa.String(length=12), nullable=False),
    sa.Column('lead_secret', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('planned', 'running', 'ended', name='workshopstatus'), nullable=False),
    sa.Column('current_round_id', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dots_per_question', sa.Integer(), nullable=False),
    sa.Column('max_dots_per_idea', sa.Integer(), nullable=False),
    sa.Column('hide_tallies', sa.Boolean(), nullable=False),
    sa.Column('name_authors', sa.Boolean(), nullable=False),
    sa.Column('joining_locked', sa.Boolean(), nullable=False),
    sa.Column('require_new_topic', sa.Boolean(), nullable=False),
    sa.Column('plenary', sa.Boolean(), nullable=False),
    sa.Column('summary_topic', sa.Integer(), nullable=True),
    sa.Column('current_agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('notice', sa.String(length=300), nullable=True),
    sa.Column('notice_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('participation_extra', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_join_code'), ['join_code'], unique=True)
        batch_op.create_index(batch_op.f('ix_workshop_lead_secret'), ['lead_secret'], unique=True)

    op.create_table('conclusion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('conclusion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conclusion_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('organisation', sa.String(length=200), nullable=True),
    sa.Column('stakeholder_group', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_token'), ['token'], unique=True)
        batch_op.create_index(batch_op.f('ix_participant_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('protocol_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('protocol_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protocol_settings_workshop_id'), ['workshop_id'], unique=True)

    op.create_table('protocol_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('archive', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('csv', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'number')
    )
    with op.batch_alter_table('protocol_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protocol_version_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('time', sa.String(length=5), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('speaker', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.Enum('plenary', 'break_', 'breakout_round', 'summary', name='agendakind'), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('block', sa.String(length=300), nullable=True),
    sa.Column('sub', sa.String(length=3), nullable=True),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('dots_budget', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_topic_id'), ['topic_id'], unique=False)

    op.create_table('breakout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('moderator_name', sa.String(length=300), nullable=True),
    sa.Column('moderator_organisation', sa.String(length=300), nullable=True),
    sa.Column('moderator_secret', sa.String(length=64), nullable=False),
    sa.Column('current_question_id', sa.Integer(), nullable=True),
    sa.Column('key_results', sa.JSON(), nullable=False),
    sa.Column('timer_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('timer_seconds', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['current_question_id'], ['question.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breakout_moderator_secret'), ['moderator_secret'], unique=True)
        batch_op.create_index(batch_op.f('ix_breakout_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breakout_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breakout_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('breakout_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'round_id')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_breakout_id'), ['breakout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_participant_id'), ['participant_id'], unique=False)

    op.create_table('breakout_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breakout_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('collect', 'vote', 'discuss', 'closed', name='phase'), nullable=False),
    sa.Column('key_results', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breakout_id', 'question_id')
    )
    with op.batch_alter_table('breakout_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breakout_question_breakout_id'), ['breakout_id'], unique=False)

    op.create_table('idea',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breakout_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Enum('phone', 'moderator', name='ideasource'), nullable=False),
    sa.Column('original_text', sa.String(length=500), nullable=True),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.Enum('off_topic', 'duplicate', 'abuse', 'other', name='hidereason'), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('group', sa.String(length=200), nullable=True),
    sa.Column('marked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['breakout_id'], ['breakout.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['idea.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id')
    )
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_breakout_id'), ['breakout_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_question_id'), ['question_id'], unique=False)

    op.create_table('vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('dots', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idea_id', 'participant_id')
    )
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_participant_id'), ['participant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_participant_id'))
        batch_op.drop_index(batch_op.f('ix_vote_idea_id'))

    op.drop_table('vote')
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_question_id'))
        batch_op.drop_index(batch_op.f('ix_idea_participant_id'))
        batch_op.drop_index(batch_op.f('ix_idea_breakout_id'))

    op.drop_table('idea')
    with op.batch_alter_table('breakout_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breakout_question_breakout_id'))

    op.drop_table('breakout_question')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_participant_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_breakout_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('breakout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breakout_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_breakout_topic_id'))
        batch_op.drop_index(batch_op.f('ix_breakout_round_id'))
        batch_op.drop_index(batch_op.f('ix_breakout_moderator_secret'))

    op.drop_table('breakout')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_topic_id'))

    op.drop_table('question')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_workshop_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_workshop_id'))

    op.drop_table('topic')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_workshop_id'))

    op.drop_table('round')
    with op.batch_alter_table('protocol_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protocol_version_workshop_id'))

    op.drop_table('protocol_version')
    with op.batch_alter_table('protocol_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protocol_settings_workshop_id'))

    op.drop_table('protocol_settings')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_participant_token'))

    op.drop_table('participant')
    with op.batch_alter_table('conclusion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conclusion_workshop_id'))

    op.drop_table('conclusion')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_lead_secret'))
        batch_op.drop_index(batch_op.f('ix_workshop_join_code'))

    op.drop_table('workshop')
    for name in ('phase', 'ideasource', 'hidereason', 'agendakind', 'workshopformat', 'workshopstatus'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)  # PostgreSQL's enum types; a no-op on SQLite
