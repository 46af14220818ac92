"""Foundation: units, groups with member-count history, staff, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("code_key", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.Integer,
                  sa.ForeignKey("units.id", name="fk_units_parent_id_units"),
                  nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("code_key", name="uq_units_code_key"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", name="fk_groups_unit_id_units"),
                  nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("member_count", sa.Integer, nullable=True),
        sa.Column("member_count_at", UTCDateTime(), nullable=True),
        sa.Column("registered_by", sa.BigInteger, nullable=True),
        sa.Column("registered_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_groups"),
        sa.UniqueConstraint("chat_id", name="uq_groups_chat_id"),
    )
    op.create_table(
        "group_member_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer,
                  sa.ForeignKey("groups.id", name="fk_group_member_counts_group_id_groups",
                                ondelete="CASCADE"),
                  nullable=False),
        sa.Column("members", sa.Integer, nullable=False),
        sa.Column("counted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_group_member_counts"),
    )
    op.create_index("ix_group_member_counts_group_id", "group_member_counts", ["group_id"])
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("telegram_id", sa.BigInteger, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id", name="fk_staff_unit_id_units"),
                  nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("added_by", sa.BigInteger, nullable=True),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("telegram_id", name="uq_staff_telegram_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_telegram_id", sa.BigInteger, nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("staff")
    op.drop_index("ix_group_member_counts_group_id", "group_member_counts")
    op.drop_table("group_member_counts")
    op.drop_table("groups")
    op.drop_table("units")
