"""Zalo Bot messages already handled (SPEC §13): ``getUpdates`` has no offset, so the platform
may hand out an update again, also after a restart; each handled ``message_id`` is remembered
(as an HMAC, never in clear) and a repeat is dropped.

Revision ID: 0018
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zalo_bot_handled_messages",
        sa.Column("message_key", sa.String(64), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_key", name="pk_zalo_bot_handled_messages"),
    )
    op.create_index("ix_zalo_bot_handled_messages_handled_at", "zalo_bot_handled_messages",
                    ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_zalo_bot_handled_messages_handled_at",
                  table_name="zalo_bot_handled_messages")
    op.drop_table("zalo_bot_handled_messages")
