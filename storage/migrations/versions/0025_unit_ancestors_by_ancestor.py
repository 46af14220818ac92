"""The units of a scope by the scope (statistics, SPEC §6, §10): every statistic that reads
the groups or the tips of a subtree looks up its units by ``ancestor_id``, which the primary
key ``(unit_id, ancestor_id)`` cannot serve: PostgreSQL read the whole table (four thousand rows
for a province) in each part of ``/stats`` (``bench/stats_queries.py``).

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_unit_ancestors_ancestor_id_unit_id", "unit_ancestors",
                    ["ancestor_id", "unit_id"])


def downgrade() -> None:
    op.drop_index("ix_unit_ancestors_ancestor_id_unit_id", table_name="unit_ancestors")
