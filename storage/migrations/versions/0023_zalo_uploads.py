"""Files uploaded to the Zalo OA (issue 17): a bulletin's photo or document is uploaded once and
its Zalo id reused for every OA group (``storage.zalo_uploads``).

Revision ID: 0023
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zalo_uploads",
        sa.Column("file_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("zalo_id", sa.String(255), nullable=True),
        sa.Column("refused_reason", sa.String(255), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("file_key", name="pk_zalo_uploads"),
    )


def downgrade() -> None:
    op.drop_table("zalo_uploads")
