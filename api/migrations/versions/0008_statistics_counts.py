"""Statistics as counts: a row per combination of coarse categories with a count, in two tables (how
registrations came in: statistics_intake; what became of them: statistics_course), instead of a row per
registration (statistics_rows). The Cijfers page then reads a few thousand rows for a year, not one per
registration.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:50:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INTAKE = ['channel', 'kind', 'role', 'referrer', 'language', 'province']
COURSE = ['event_kind', 'outcome', 'decline_reason', 'initiative', 'contact_made', 'form_conversation',
          'form_group_meeting', 'form_letters', 'form_shuttle', 'form_video_message']


def _columns(names: list[str]) -> list[sa.Column]:
    types = {'channel': sa.String(16), 'kind': sa.String(16), 'role': sa.String(16), 'referrer': sa.String(24),
             'language': sa.String(8), 'province': sa.String(16), 'event_kind': sa.String(24),
             'outcome': sa.String(16), 'decline_reason': sa.String(32), 'initiative': sa.String(16),
             'contact_made': sa.String(8)}
    return [sa.Column(n, types.get(n, sa.Boolean()), nullable=False) for n in names]


def upgrade() -> None:
    for table, names in (('statistics_intake', INTAKE), ('statistics_course', COURSE)):
        op.create_table(table,
                        sa.Column('year', sa.SmallInteger(), nullable=False),
                        sa.Column('quarter', sa.SmallInteger(), nullable=False),
                        *_columns(names),
                        sa.Column('count', sa.BigInteger(), nullable=False),
                        sa.PrimaryKeyConstraint('year', 'quarter', *names, name=op.f(f'pk_{table}')))
        keys = ', '.join(['year', 'quarter', *names])
        op.execute(f'INSERT INTO {table} ({keys}, count) SELECT {keys}, COUNT(*) FROM statistics_rows GROUP BY {keys}')
    with op.batch_alter_table('statistics_rows', schema=None) as batch_op:
        batch_op.drop_index('ix_statistics_rows_course')
        batch_op.drop_index('ix_statistics_rows_intake')
    op.drop_table('statistics_rows')


def downgrade() -> None:
    """Back to a row per registration. The counts kept no link between a registration's intake and course
    categories, so the n-th row of a quarter in one table is paired with the n-th of the other: every figure
    of the page comes out the same, the pairs themselves are made up."""
    op.create_table('statistics_rows',
                    sa.Column('key', sa.String(length=32), nullable=False),
                    sa.Column('year', sa.SmallInteger(), nullable=False),
                    sa.Column('quarter', sa.SmallInteger(), nullable=False),
                    *_columns(INTAKE[:4]), *_columns(COURSE[:1]), *_columns(INTAKE[4:]), *_columns(COURSE[1:]),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_statistics_rows')))
    with op.batch_alter_table('statistics_rows', schema=None) as batch_op:
        batch_op.create_index('ix_statistics_rows_intake', ['year', *INTAKE, 'quarter'], unique=False)
        batch_op.create_index('ix_statistics_rows_course', ['year', *COURSE, 'quarter'], unique=False)
    # A random key per row, as the application wrote them (a counter would tell the order).
    key = ("lower(hex(randomblob(16)))" if op.get_bind().dialect.name == 'sqlite'
           else "md5(random()::text || clock_timestamp()::text)")

    def expanded(table: str, names: list[str]) -> str:
        # Each combination `count` times, numbered within its year and quarter.
        cols = ', '.join(names)
        return (f"{table}_n AS (SELECT year, quarter, {cols}, count AS n FROM {table} "
                f"UNION ALL SELECT year, quarter, {cols}, n - 1 FROM {table}_n WHERE n > 1), "
                f"{table}_r AS (SELECT year, quarter, {cols}, ROW_NUMBER() OVER "
                f"(PARTITION BY year, quarter ORDER BY {cols}, n) AS i FROM {table}_n)")

    keys = ', '.join(['year', 'quarter', *INTAKE, *COURSE])
    op.execute(f"INSERT INTO statistics_rows (key, {keys}) "
               f"WITH RECURSIVE {expanded('statistics_intake', INTAKE)}, {expanded('statistics_course', COURSE)} "
               f"SELECT {key}, a.year, a.quarter, {', '.join(f'a.{n}' for n in INTAKE)}, "
               f"{', '.join(f'b.{n}' for n in COURSE)} FROM statistics_intake_r a JOIN statistics_course_r b "
               f"ON a.year = b.year AND a.quarter = b.quarter AND a.i = b.i")
    op.drop_table('statistics_course')
    op.drop_table('statistics_intake')
