"""Account security: a forced password change after an admin set the password; sign-in throttling (growing delays
per account and address pair, a ceiling per account) instead of the per-account lock-out's failure rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table('staff_sign_in_throttle',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_allowed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_staff_sign_in_throttle'))
    )
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_login_failures_failed_at'))
        batch_op.drop_index(batch_op.f('ix_staff_login_failures_account_sha256'))
    op.drop_table('staff_login_failures')


def downgrade() -> None:
    op.create_table('staff_login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_sha256', sa.String(length=64), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_login_failures'))
    )
    with op.batch_alter_table('staff_login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_login_failures_account_sha256'), ['account_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_login_failures_failed_at'), ['failed_at'], unique=False)
    op.drop_table('staff_sign_in_throttle')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
