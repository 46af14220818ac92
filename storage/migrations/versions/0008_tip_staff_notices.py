"""A tip remembers whether its staff notices were queued.

Filing commits the tip and answers the tipster with its code first; the notices to officers are
queued in a second transaction straight after (``tips.filing.queue_staff_notices``). A crash in
between leaves ``staff_notified`` false, and the next start queues them (SPEC §12: a notice not
sent before a crash is sent after it). Every existing tip had its notices queued with it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tips") as batch:
        batch.add_column(sa.Column("staff_notified", sa.Boolean, nullable=False,
                                   server_default=sa.true()))
    # Only the few tips caught by a crash are ever in it: the start-up search stays instant.
    op.create_index("ix_tips_awaiting_staff_notices", "tips", ["id"],
                    sqlite_where=sa.text("NOT staff_notified"),
                    postgresql_where=sa.text("NOT staff_notified"))


def downgrade() -> None:
    op.drop_index("ix_tips_awaiting_staff_notices", table_name="tips")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("staff_notified")
