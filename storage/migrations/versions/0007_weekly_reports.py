"""RESERVED placeholder for this session's parallel work (H1b-weekly); filled or removed.

Revision ID: 0007
Revises: 0006
"""

from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: reserved so that parallel work keeps one linear chain."""


def downgrade() -> None:
    """Nothing yet."""
