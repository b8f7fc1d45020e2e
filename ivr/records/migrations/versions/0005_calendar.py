"""The operators' calendar in the records: calls on closure days, and announcements heard.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("calls", "call_steps"):
        op.add_column(table, sa.Column("closure_day", sa.Boolean))
        op.add_column(table, sa.Column("announced", sa.Boolean))


def downgrade() -> None:
    for table in ("calls", "call_steps"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("announced")
            batch.drop_column("closure_day")
