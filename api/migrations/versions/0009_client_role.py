"""The client's role on a referrer's registration (registrations.client_role): who the client is in what happened.
Registrations made before it, and every registration not made for someone else, have "unknown".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 19:40:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_role', sa.String(length=32), server_default='unknown', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('client_role')
