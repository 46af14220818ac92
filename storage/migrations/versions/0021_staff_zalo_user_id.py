"""A staff member's Zalo user id for the OA (SPEC §13): what lets them type ``/dangky MÃ`` inside
a Zalo OA group. Set by an admin in chat (``/staff zalo ID ZALO_ID``) or, for staff declared in
config.toml, by ``[[staff]] zalo_user_id`` at start-up. At most one staff member per Zalo id.

Revision ID: 0021
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("zalo_user_id", sa.String(64), nullable=True))
    op.create_index("ix_staff_zalo_user_id", "staff", ["zalo_user_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_staff_zalo_user_id", table_name="staff")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("zalo_user_id")
