"""Running totals for the statistics (``storage/rollup_tables.py``).

The tables start empty and without a ``stats_rollup_state`` row, so the first start after this
migration fills them from the existing tips, deliveries and outcomes (``storage/stats_rebuild``).

Two indexes of 0004 served only the statistics' counting of raw rows, which these totals replace;
they are dropped, so a tip's assessment and a delivery's status no longer update them.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# (name, table, columns) of the indexes of 0004 that only the raw counting used.
UNUSED_INDEXES = (
    ("ix_deliveries_status_sent_at_group_id_bulletin_id", "deliveries",
     ["status", "sent_at", "group_id", "bulletin_id"]),
    ("ix_tips_unit_id_created_at_category_assessment_state", "tips",
     ["unit_id", "created_at", "category", "assessment", "state"]),
)


def upgrade() -> None:
    for name, table, _columns in UNUSED_INDEXES:
        op.drop_index(name, table_name=table)
    op.create_table(
        "unit_ancestors",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("ancestor_id", sa.Integer, primary_key=True),
    )
    op.create_table(
        "stats_tip_category_days",
        sa.Column("scope_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("tips", sa.Integer, nullable=False),
    )
    op.create_table(
        "stats_tip_state_days",
        sa.Column("scope_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("assessment", sa.String(16), primary_key=True),
        sa.Column("state", sa.String(16), primary_key=True),
        sa.Column("tips", sa.Integer, nullable=False),
    )
    op.create_table(
        "stats_delivery_days",
        sa.Column("scope_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("bulletin_id", sa.Integer, primary_key=True),
        sa.Column("pairs", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
    )
    op.create_table(
        "stats_outcome_days",
        sa.Column("scope_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("quantity", sa.Integer, nullable=False),
    )
    op.create_table(
        "stats_group_weeks",
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("week", sa.Date, primary_key=True),
        sa.Column("bulletins", sa.Integer, nullable=False),
    )
    op.create_table(
        "stats_week_groups",
        sa.Column("scope_id", sa.Integer, primary_key=True),
        sa.Column("week", sa.Date, primary_key=True),
        sa.Column("bulletins", sa.Integer, primary_key=True),
        sa.Column("groups", sa.Integer, nullable=False),
    )
    op.create_table(
        "stats_rollup_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("units_fingerprint", sa.String(64), nullable=False),
        sa.Column("built_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("stats_rollup_state", "stats_week_groups", "stats_group_weeks",
                  "stats_outcome_days", "stats_delivery_days", "stats_tip_state_days",
                  "stats_tip_category_days",
                  "unit_ancestors"):
        op.drop_table(table)
    for name, table, columns in UNUSED_INDEXES:
        op.create_index(name, table, columns)
