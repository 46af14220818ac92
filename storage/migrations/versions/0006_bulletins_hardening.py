"""RESERVED placeholder for this session's parallel work (H5-bulletins); filled or removed.

Revision ID: 0006
Revises: 0005
"""

from alembic import op  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: reserved so that parallel work keeps one linear chain."""


def downgrade() -> None:
    """Nothing yet."""
