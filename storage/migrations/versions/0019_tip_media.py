"""Files tipsters sent on Zalo (issue 17): the cleaned copy officers get, kept in the database
because Zalo hands the bot a link, not a file it can pass on by id (``storage.tip_media``).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tip_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=True),
        sa.Column("draft_sender", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("file_name", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("telegram_file_id", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tip_id"], ["tips.id"], ondelete="CASCADE",
                                name="fk_tip_media_tip_id_tips"),
        sa.PrimaryKeyConstraint("id", name="pk_tip_media"),
    )
    op.create_index("ix_tip_media_tip_id", "tip_media", ["tip_id"])
    op.create_index("ix_tip_media_draft_sender", "tip_media", ["draft_sender"])
    op.create_index("ix_tip_media_created_at", "tip_media", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_tip_media_created_at", table_name="tip_media")
    op.drop_index("ix_tip_media_draft_sender", table_name="tip_media")
    op.drop_index("ix_tip_media_tip_id", table_name="tip_media")
    op.drop_table("tip_media")
