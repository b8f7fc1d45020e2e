"""What a call's summary needs to take a step without reading the others; one id per queued record.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("last_seq", sa.BigInteger))
    op.add_column("calls", sa.Column("last_outcome", sa.String(32)))
    op.add_column("call_steps", sa.Column("record_id", sa.String(32)))
    op.create_index("ux_call_steps_record", "call_steps", ["call_sid", "record_id"], unique=True)
    # Calls recorded before: their newest step, so the next one is added to the summary.
    op.execute(
        "UPDATE calls SET last_seq = (SELECT max(s.seq) FROM call_steps s"
        " WHERE s.call_sid = calls.call_sid)")
    op.execute(
        "UPDATE calls SET last_outcome = (SELECT s.outcome FROM call_steps s"
        " WHERE s.call_sid = calls.call_sid ORDER BY s.seq DESC, s.id DESC LIMIT 1)")


def downgrade() -> None:
    op.drop_index("ux_call_steps_record", "call_steps")
    with op.batch_alter_table("call_steps") as batch:
        batch.drop_column("record_id")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("last_outcome")
        batch.drop_column("last_seq")
