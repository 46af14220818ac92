"""The Zalo Official Account channel: its rotating OAuth tokens, and the webhook events already
handled (a replayed event is ignored).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zalo_tokens",
        sa.Column("oa_id", sa.String(64), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("access_expires_at", UTCDateTime(), nullable=True),
        sa.Column("seed_fingerprint", sa.String(64), nullable=False),
        sa.Column("refused_at", UTCDateTime(), nullable=True),
        sa.Column("refused_reason", sa.String(200), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("oa_id", name="pk_zalo_tokens"),
    )
    op.create_table(
        "zalo_seen_events",
        sa.Column("event_key", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_key", name="pk_zalo_seen_events"),
    )
    op.create_index("ix_zalo_seen_events_seen_at", "zalo_seen_events", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_zalo_seen_events_seen_at", table_name="zalo_seen_events")
    op.drop_table("zalo_seen_events")
    op.drop_table("zalo_tokens")
