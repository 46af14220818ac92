"""The merged tips alone, by unit and day, their case included (SPEC §15, reports' ``tips.cases``):
counting a province's distinct cases reads the few merged tips' index entries instead of every
tip of the period (``storage.statistics.case_count``; measured by ``bench/stats.py``).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tips_merged_unit_id_created_at", "tips",
                    ["unit_id", "created_at", "case_id"],
                    sqlite_where=sa.text("case_id IS NOT NULL"),
                    postgresql_where=sa.text("case_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_tips_merged_unit_id_created_at", table_name="tips")
