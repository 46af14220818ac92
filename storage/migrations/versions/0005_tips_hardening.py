"""Tips hardening: the secret key's fingerprint, so a changed key is noticed at start-up.

A changed key silently breaks every relay link, block and pseudonym already stored. The row
holds an HMAC of a fixed label under a key derived for this one purpose (``tips.anonymity``):
it tells whether the key is the same, and nothing about the key itself.

Revision ID: 0005
Revises: 0004
"""

from alembic import op
from sqlalchemy import Column, Integer, MetaData, String, Table

from storage.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

snapshot = MetaData(naming_convention={"pk": "pk_%(table_name)s"})

secret_key_fingerprint = Table(
    "secret_key_fingerprint",
    snapshot,
    Column("id", Integer, primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
)


def upgrade() -> None:
    snapshot.create_all(op.get_bind(), tables=[secret_key_fingerprint])


def downgrade() -> None:
    snapshot.drop_all(op.get_bind(), tables=[secret_key_fingerprint])
