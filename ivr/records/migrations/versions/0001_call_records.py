"""Call records and their steps.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("call_sid", sa.String(34), primary_key=True),
        sa.Column("caller_hash", sa.String(64)),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("call_status", sa.String(16)),
        sa.Column("duration_s", sa.Integer),
        sa.Column("steps", sa.Integer, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("topic", sa.String(80)),
        sa.Column("topic_label", sa.String(200)),
        sa.Column("desk", sa.String(64)),
        sa.Column("delivery", sa.String(16)),
        sa.Column("transfer_result", sa.String(16)),
        sa.Column("desk_closed", sa.Boolean),
        sa.Column("end_reason", sa.String(32)),
    )
    op.create_index("ix_calls_caller_hash", "calls", ["caller_hash"])
    op.create_index("ix_calls_started_at", "calls", ["started_at"])
    op.create_table(
        "call_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("call_sid", sa.String(34),
                  sa.ForeignKey("calls.call_sid", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("endpoint", sa.String(16), nullable=False),
        sa.Column("menu", sa.String(64)),
        sa.Column("key", sa.String(8)),
        sa.Column("digits", sa.String(8)),
        sa.Column("dial_status", sa.String(16)),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("desk", sa.String(64)),
        sa.Column("desk_closed", sa.Boolean),
        sa.Column("topic", sa.String(80)),
        sa.Column("topic_label", sa.String(200)),
    )
    op.create_index("ix_call_steps_call_sid", "call_steps", ["call_sid"])


def downgrade() -> None:
    op.drop_index("ix_call_steps_call_sid", "call_steps")
    op.drop_table("call_steps")
    op.drop_index("ix_calls_started_at", "calls")
    op.drop_index("ix_calls_caller_hash", "calls")
    op.drop_table("calls")
