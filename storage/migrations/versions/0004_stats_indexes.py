"""RESERVED placeholder for this session's parallel work (H2-stats-bench); filled or removed.

Revision ID: 0004
Revises: 0003
"""

from alembic import op  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: reserved so that parallel work keeps one linear chain."""


def downgrade() -> None:
    """Nothing yet."""
