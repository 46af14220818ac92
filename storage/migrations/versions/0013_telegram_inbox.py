"""The durable inbox of Telegram webhook updates (SPEC §14), and the audit log's index on
``subject`` (the audit export and an officer's /status look a tip's actions up by it).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name="pk_telegram_inbox"),
    )
    op.create_index("ix_telegram_inbox_received_at", "telegram_inbox", ["received_at"])
    op.create_index("ix_telegram_inbox_state_update_id", "telegram_inbox",
                    ["state", "update_id"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    op.drop_index("ix_telegram_inbox_state_update_id", table_name="telegram_inbox")
    op.drop_index("ix_telegram_inbox_received_at", table_name="telegram_inbox")
    op.drop_table("telegram_inbox")
