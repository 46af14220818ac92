"""A bulletin's SMS version (SPEC §13 "Text"): what the officer wrote for SMS subscribers, sent
instead of the bulletin without diacritics. Kept on the bulletin and on a bulletin being composed.
Existing bulletins have none and go by SMS as before.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("bulletins", "bulletin_drafts")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sms_text", sa.Text, nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sms_text")
