"""RESERVED placeholder for this session's parallel work (H4-tips); filled or removed.

Revision ID: 0005
Revises: 0004
"""

from alembic import op  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: reserved so that parallel work keeps one linear chain."""


def downgrade() -> None:
    """Nothing yet."""
