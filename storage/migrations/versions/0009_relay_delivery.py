"""What became of every message to a tipster, and long texts sent in parts.

A question from staff was reported "sent" when it was only queued, and a question Telegram
refused (too long, the tipster blocked the bot) vanished: the outbox row said "failed" and
nobody read it. Now a question in the thread records its delivery (pending, sent, or why not),
the outbox row that carries it points at it, a failed notice to a tipster says why in a word
``/status`` can show, and a text longer than one message goes out in parts, counted, so a retry
goes on from the next part instead of sending the first again.

Existing rows: a question whose outbox row can still be found (same tip, queued at the moment
the question was asked, to the tipster) takes that row's fate; older questions stay NULL ("not
recorded"), shown as before. Failed notices to tipsters are given the reason their last error
names.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FK_NAME = "fk_outbox_thread_entry_id_tip_thread"  # storage.schema's naming convention

# The words the outbox wrote into last_error before 0009 (tips.notifier, storage.outbox).
_FAILURE_OF_LAST_ERROR = """
    CASE
        WHEN last_error IN ('follow-up ended') THEN 'link_expired'
        WHEN last_error LIKE 'Forbidden%' OR last_error LIKE '%blocked%'
             OR last_error LIKE '%user is deactivated%' OR last_error LIKE '%chat not found%'
            THEN 'blocked'
        WHEN last_error LIKE 'Bad Request%' OR last_error LIKE '%too long%' THEN 'refused'
        ELSE 'failed'
    END"""


def upgrade() -> None:
    with op.batch_alter_table("tip_thread") as batch:
        batch.add_column(sa.Column("delivery", sa.String(16), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("thread_entry_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("parts_sent", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("failure", sa.String(16), nullable=True))
        batch.create_foreign_key(FK_NAME, "tip_thread", ["thread_entry_id"], ["id"],
                                 ondelete="SET NULL")
    # Notices to tipsters carry no chat id (a sealed link, forgotten once done with).
    op.execute(f"UPDATE outbox SET failure = {_FAILURE_OF_LAST_ERROR}"
               " WHERE chat_id IS NULL AND status = 'failed'")
    op.execute(
        "UPDATE outbox SET thread_entry_id = ("
        " SELECT MIN(tip_thread.id) FROM tip_thread"
        " WHERE tip_thread.tip_id = outbox.tip_id AND tip_thread.direction = 'to_tipster'"
        " AND tip_thread.at = outbox.created_at)"
        " WHERE outbox.chat_id IS NULL AND outbox.tip_id IS NOT NULL")
    op.execute(
        "UPDATE tip_thread SET delivery = ("
        " SELECT CASE WHEN outbox.status = 'sent' THEN 'sent'"
        " WHEN outbox.status = 'failed' THEN outbox.failure ELSE 'pending' END"
        " FROM outbox WHERE outbox.thread_entry_id = tip_thread.id"
        " ORDER BY outbox.id LIMIT 1)"
        " WHERE tip_thread.direction = 'to_tipster'")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(FK_NAME, type_="foreignkey")
        batch.drop_column("failure")
        batch.drop_column("parts_sent")
        batch.drop_column("thread_entry_id")
    with op.batch_alter_table("tip_thread") as batch:
        batch.drop_column("delivery")
