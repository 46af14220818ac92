"""Inbound events across a crash (SPEC §11, §12, §13): the Zalo OA and Zalo Bot seen-tables get
a ``state`` (handling, done, uncertain), so a claim a dead process held is found and reported
uncertain instead of silently swallowing the platform's retry; SMS texts get a table of their
own, so the gateway's retry after a restart is not handled twice. Rows already there were
handled: they become ``done``.

Revision ID: 0027
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0027"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("zalo_seen_events", "zalo_bot_handled_messages"):
        op.add_column(table, sa.Column("state", sa.String(16), nullable=False,
                                       server_default="done"))
    op.create_table(
        "sms_seen_messages",
        sa.Column("message_key", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="done"),
        sa.PrimaryKeyConstraint("message_key", name="pk_sms_seen_messages"),
    )
    op.create_index("ix_sms_seen_messages_seen_at", "sms_seen_messages", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_seen_messages_seen_at", table_name="sms_seen_messages")
    op.drop_table("sms_seen_messages")
    for table in ("zalo_bot_handled_messages", "zalo_seen_events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("state")
