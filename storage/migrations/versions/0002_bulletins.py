"""Bulletins: bulletins, dispatches, deliveries, acknowledgements, unit schedules, slot runs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer,
                  sa.ForeignKey("units.id", name="fk_bulletins_unit_id_units"), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("media_kind", sa.String(16), nullable=True),
        sa.Column("media_file_id", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_alert", sa.Boolean, nullable=False),
        sa.Column("queue_position", sa.Integer, nullable=False),
        sa.Column("created_by", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("approved_by", sa.BigInteger, nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bulletins"),
    )
    op.create_index("ix_bulletins_status", "bulletins", ["status"])
    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer,
                  sa.ForeignKey("units.id", name="fk_dispatches_unit_id_units"), nullable=False),
        sa.Column("requested_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("summary_sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dispatches"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bulletin_id", sa.Integer,
                  sa.ForeignKey("bulletins.id", name="fk_deliveries_bulletin_id_bulletins"),
                  nullable=False),
        sa.Column("group_id", sa.Integer,
                  sa.ForeignKey("groups.id", name="fk_deliveries_group_id_groups"),
                  nullable=False),
        sa.Column("dispatch_id", sa.Integer,
                  sa.ForeignKey("dispatches.id", name="fk_deliveries_dispatch_id_dispatches"),
                  nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("bulletin_id", "group_id", name="uq_deliveries_bulletin_id_group_id"),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status"])
    op.create_index("ix_deliveries_dispatch_id", "deliveries", ["dispatch_id"])
    op.create_index("ix_deliveries_group_id", "deliveries", ["group_id"])
    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("bulletin_id", sa.Integer,
                  sa.ForeignKey("bulletins.id", name="fk_acknowledgements_bulletin_id_bulletins"),
                  nullable=False),
        sa.Column("group_id", sa.Integer,
                  sa.ForeignKey("groups.id", name="fk_acknowledgements_group_id_groups"),
                  nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("pressed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_acknowledgements"),
        sa.UniqueConstraint("bulletin_id", "group_id", "pseudonym",
                            name="uq_acknowledgements_bulletin_id_group_id_pseudonym"),
    )
    op.create_table(
        "unit_schedules",
        sa.Column("unit_id", sa.Integer,
                  sa.ForeignKey("units.id", name="fk_unit_schedules_unit_id_units"),
                  nullable=False),
        sa.Column("spec", sa.String(200), nullable=False),
        sa.Column("set_by", sa.BigInteger, nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name="pk_unit_schedules"),
    )
    op.create_table(
        "slot_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer,
                  sa.ForeignKey("units.id", name="fk_slot_runs_unit_id_units"), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("slot_at", UTCDateTime(), nullable=False),
        sa.Column("ran_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_slot_runs"),
        sa.UniqueConstraint("unit_id", "purpose", "slot_at",
                            name="uq_slot_runs_unit_id_purpose_slot_at"),
    )


def downgrade() -> None:
    op.drop_table("slot_runs")
    op.drop_table("unit_schedules")
    op.drop_table("acknowledgements")
    op.drop_index("ix_deliveries_group_id", "deliveries")
    op.drop_index("ix_deliveries_dispatch_id", "deliveries")
    op.drop_index("ix_deliveries_status", "deliveries")
    op.drop_table("deliveries")
    op.drop_table("dispatches")
    op.drop_index("ix_bulletins_status", "bulletins")
    op.drop_table("bulletins")
