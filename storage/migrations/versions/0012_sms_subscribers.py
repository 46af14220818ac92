"""SMS subscribers (SPEC §13): people who receive a unit's bulletins and alerts by SMS.

The number is stored sealed (encrypted under the secret key) with a keyed hash to find it again;
never in clear.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_subscribers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number_sealed", sa.String(255), nullable=False),
        sa.Column("number_hash", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey(
            "units.id", name="fk_sms_subscribers_unit_id_units"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sms_subscribers"),
        sa.UniqueConstraint("number_hash", name="uq_sms_subscribers_number_hash"),
    )
    op.create_index("ix_sms_subscribers_unit_id", "sms_subscribers", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_sms_subscribers_unit_id", table_name="sms_subscribers")
    op.drop_table("sms_subscribers")
