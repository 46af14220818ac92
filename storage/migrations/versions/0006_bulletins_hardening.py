"""Bulletins hardening: delivery rounds (an officer's forced re-send) and durable staff notices.

* ``deliveries.round``: the unique key becomes (bulletin, group, round). Every existing row is
  round 0, the one ordinary delivery; a forced re-send plans round n+1 from round n, so the
  constraint still refuses an accidental second copy of the same round.
* ``dispatches.uncertain_unreported``: rows a restart found in flight, until the sender has been
  told; ``summary_sent_at`` is now written after the summary went out, so a crash before it
  leaves the summary to be sent at start-up.
* ``bulletin_drafts``: the bulletin a staff member is composing, so a restart loses nothing.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot drop a constraint in place, so the table is copied.
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("round", sa.Integer, nullable=False, server_default="0"))
        batch.drop_constraint("uq_deliveries_bulletin_id_group_id", type_="unique")
        batch.create_unique_constraint("uq_deliveries_bulletin_id_group_id_round",
                                       ["bulletin_id", "group_id", "round"])
    with op.batch_alter_table("dispatches") as batch:
        batch.add_column(sa.Column("uncertain_unreported", sa.Integer, nullable=True))
    op.create_table(
        "bulletin_drafts",
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(32), nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("media_kind", sa.String(16), nullable=True),
        sa.Column("media_file_id", sa.String(255), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", name="pk_bulletin_drafts"),
    )


def downgrade() -> None:
    op.drop_table("bulletin_drafts")
    with op.batch_alter_table("dispatches") as batch:
        batch.drop_column("uncertain_unreported")
    # Re-sends (round > 0) cannot fit the old one-row-per-pair key: they are dropped.
    op.execute("DELETE FROM deliveries WHERE round > 0")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("uq_deliveries_bulletin_id_group_id_round", type_="unique")
        batch.create_unique_constraint("uq_deliveries_bulletin_id_group_id",
                                       ["bulletin_id", "group_id"])
        batch.drop_column("round")
