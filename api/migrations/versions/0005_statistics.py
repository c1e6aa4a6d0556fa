"""Statistics: the outcome recorded at closing (registrations) and a table of coarse categories that outlives
erasure (statistics_rows: no id, reference, date finer than a quarter or free text).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:02:40.040735
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statistics_rows',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('quarter', sa.SmallInteger(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('referrer', sa.String(length=24), nullable=False),
    sa.Column('event_kind', sa.String(length=24), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('province', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('decline_reason', sa.String(length=32), nullable=False),
    sa.Column('initiative', sa.String(length=16), nullable=False),
    sa.Column('contact_made', sa.String(length=8), nullable=False),
    sa.Column('form_conversation', sa.Boolean(), nullable=False),
    sa.Column('form_group_meeting', sa.Boolean(), nullable=False),
    sa.Column('form_letters', sa.Boolean(), nullable=False),
    sa.Column('form_shuttle', sa.Boolean(), nullable=False),
    sa.Column('form_video_message', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_statistics_rows'))
    )
    with op.batch_alter_table('statistics_rows', schema=None) as batch_op:
        batch_op.create_index('ix_statistics_rows_intake', ['year', 'channel', 'kind', 'role', 'referrer', 'language',
                                                            'province', 'quarter'], unique=False)
        batch_op.create_index('ix_statistics_rows_course', ['year', 'event_kind', 'outcome', 'decline_reason',
                                                            'initiative', 'contact_made', 'form_conversation',
                                                            'form_group_meeting', 'form_letters', 'form_shuttle',
                                                            'form_video_message', 'quarter'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decline_category', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('initiative', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('contact_made', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('contact_forms', sa.String(length=80), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('contact_forms')
        batch_op.drop_column('contact_made')
        batch_op.drop_column('initiative')
        batch_op.drop_column('decline_category')

    with op.batch_alter_table('statistics_rows', schema=None) as batch_op:
        batch_op.drop_index('ix_statistics_rows_course')
        batch_op.drop_index('ix_statistics_rows_intake')

    op.drop_table('statistics_rows')
