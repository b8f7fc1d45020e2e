"""Twilio's idempotency token on each step, so a retried webhook is recorded once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("call_steps", sa.Column("request_id", sa.String(64)))
    op.create_index("ux_call_steps_request", "call_steps", ["call_sid", "request_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_call_steps_request", "call_steps")
    with op.batch_alter_table("call_steps") as batch:
        batch.drop_column("request_id")
