"""The anonymous question box: threads (keyed hash of the pick-up code, coarse choices, days only) and their
messages (encrypted).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:50:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('question_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('event_kind', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('last_message_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_threads')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_question_threads_code_digest'))
    )
    with op.batch_alter_table('question_threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_threads_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_threads_last_message_on'), ['last_message_on'], unique=False)

    op.create_table('question_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('written_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['question_threads.id'],
                            name=op.f('fk_question_messages_thread_id_question_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_messages'))
    )
    with op.batch_alter_table('question_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_messages_thread_id'), ['thread_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('question_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_messages_thread_id'))
    op.drop_table('question_messages')
    with op.batch_alter_table('question_threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_threads_last_message_on'))
        batch_op.drop_index(batch_op.f('ix_question_threads_status'))
    op.drop_table('question_threads')
