"""The chat's own figures: counts per day, metric and key (chat_counts), nothing else.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:05:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chat_counts',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('metric', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=24), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'metric', 'key', name=op.f('pk_chat_counts'))
    )


def downgrade() -> None:
    op.drop_table('chat_counts')
