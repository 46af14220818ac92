"""Indexes for the statistics queries (``storage/statistics.py``), measured with
``bench/stats.py`` on 1,000,000 tips and 10,000 groups.

Revision ID: 0004
Revises: 0003

- deliveries (group_id, status, sent_at, bulletin_id): a scope's sent deliveries of a period,
  group by group, read from the index alone (totals, and the per-week counts of the target);
- deliveries (status, sent_at, group_id, bulletin_id): the same by date, which PostgreSQL takes
  for the weeks of a period at province scope;
- tips (unit_id, created_at, category, assessment, state): a scope's tips of a period counted
  from the index alone;
- group_member_counts (group_id, counted_at): each group's last count before a date;
- groups (registered_at): the groups registered during the weeks judged against the target.

Figures before and after: README, "Statistics at scale".
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_deliveries_group_id_status_sent_at_bulletin_id", "deliveries",
     ["group_id", "status", "sent_at", "bulletin_id"]),
    ("ix_deliveries_status_sent_at_group_id_bulletin_id", "deliveries",
     ["status", "sent_at", "group_id", "bulletin_id"]),
    ("ix_tips_unit_id_created_at_category_assessment_state", "tips",
     ["unit_id", "created_at", "category", "assessment", "state"]),
    ("ix_group_member_counts_group_id_counted_at", "group_member_counts",
     ["group_id", "counted_at"]),
    ("ix_groups_registered_at", "groups", ["registered_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
