"""Figures by channel (SPEC §13): the channel a tip came in on, and running totals per channel.

A tip's sender is a pseudonym (a keyed hash) and its address is sealed, so its channel cannot be
read back; ``tips.channel`` keeps it in clear, a word shared by every tipster of that channel
(``telegram``, ``zalo_oa``, ``sms``) and nothing that tells one of them from another. Every tip
filed before this migration came in on Telegram, the only channel that filed tips until then.

``stats_channel_days`` starts empty; the statistics' version changed with it
(``storage.stats_rebuild.ROLLUP_VERSION``), so the next start rebuilds every total from the rows.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tips") as batch:
        batch.add_column(sa.Column("channel", sa.String(32), nullable=False,
                                   server_default="telegram"))
    op.create_table(
        "stats_channel_days",
        sa.Column("scope_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("deliveries", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("tips", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stats_channel_days")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("channel")
