"""Similar tips (SPEC §15): merged tips form one case, and each tip keeps what it is compared by.

``case_id`` is the id of the case's first tip, on every tip of the case (that one included); NULL
for a tip on its own, which is a case by itself, so the distinct cases are the distinct
``COALESCE(case_id, id)``. ``match_marked``, ``match_plain``, ``match_tokens`` and
``match_numbers`` are the tip's words lower-cased with and without marks, those words as code
characters, and its numbers (``tips.similarity.MatchKey``), written
when its staff notices are queued; NULL for a tip filed before this (computed when first needed).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tips") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("match_marked", sa.Text(), nullable=True))
        batch.add_column(sa.Column("match_plain", sa.Text(), nullable=True))
        batch.add_column(sa.Column("match_tokens", sa.Text(), nullable=True))
        batch.add_column(sa.Column("match_numbers", sa.Text(), nullable=True))
    op.create_index("ix_tips_case_id", "tips", ["case_id"])
    # The open tips a new one is compared with, read from the index alone.
    op.create_index("ix_tips_open_unit_id_created_at", "tips", ["unit_id", "created_at"],
                    sqlite_where=sa.text("state = 'open'"),
                    postgresql_where=sa.text("state = 'open'"))


def downgrade() -> None:
    op.drop_index("ix_tips_open_unit_id_created_at", table_name="tips")
    op.drop_index("ix_tips_case_id", table_name="tips")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("match_numbers")
        batch.drop_column("match_tokens")
        batch.drop_column("match_plain")
        batch.drop_column("match_marked")
        batch.drop_column("case_id")
