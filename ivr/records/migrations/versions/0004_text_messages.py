"""Text messages callers asked for, counted against the limits by every worker.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_sid", sa.String(34), nullable=False),
        sa.Column("caller_hash", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("desk", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.String(16)),
        sa.Column("message_sid", sa.String(34)),
    )
    op.create_index("ix_text_messages_call_sid", "text_messages", ["call_sid"])
    op.create_index("ix_text_messages_day_caller", "text_messages", ["day", "caller_hash"])


def downgrade() -> None:
    op.drop_index("ix_text_messages_day_caller", "text_messages")
    op.drop_index("ix_text_messages_call_sid", "text_messages")
    op.drop_table("text_messages")
