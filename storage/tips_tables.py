"""Tables of the anonymous tips (migration 0003).

No column holds an address, id, username or name of a tipster. ``sender`` is the keyed pseudonym
(HMAC); ``relay_link`` is the tipster's address encrypted under the secret key, purged when the
tip has been closed for ``tips.followup_days``. Staff addresses appear only where staff acted.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
    true,
)

from storage.schema import AddressColumn, UTCDateTime, WrittenText, metadata

tips = Table(
    "tips",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("category", String(32), nullable=False),
    Column("bulletin_id", Integer, nullable=True),
    Column("sender", String(64), nullable=False),
    # The channel the tip came in on (0016): shared by all of that channel's tipsters, so it
    # names nobody; the sender's address itself is only ever sealed (relay_link).
    Column("channel", String(32), nullable=False, server_default="telegram"),
    Column("assessment", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("assessed_at", UTCDateTime(), nullable=True),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("relay_link", Text, nullable=True),
    Column("relay_expires_at", UTCDateTime(), nullable=True),
    # False from filing until its staff notices are queued, just after the receipt (0008).
    Column("staff_notified", Boolean, nullable=False, server_default=true()),
    # Similar tips (SPEC §15; migration 0014): the id of the case's first tip on every tip of a
    # case of merged tips, NULL for a tip on its own (a case by itself); and what the tip is
    # compared by (tips.similarity.MatchKey), NULL until its staff notices were queued.
    Column("case_id", Integer, nullable=True, index=True),
    Column("match_marked", Text, nullable=True),
    Column("match_plain", Text, nullable=True),
    Column("match_tokens", Text, nullable=True),
    Column("match_numbers", Text, nullable=True),
    Index("ix_tips_sender_created_at", "sender", "created_at"),
    Index("ix_tips_unit_id_created_at", "unit_id", "created_at"),
    # The open tips a new one is compared with (SPEC §15; migration 0014): read from the index
    # alone, ids included, without visiting the closed ones.
    Index("ix_tips_open_unit_id_created_at", "unit_id", "created_at",
          sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
    # The merged tips alone (SPEC §15; migration 0024): the reports' distinct cases read these,
    # not every tip of the period.
    Index("ix_tips_merged_unit_id_created_at", "unit_id", "created_at", "case_id",
          sqlite_where=text("case_id IS NOT NULL"), postgresql_where=text("case_id IS NOT NULL")),
    Index("ix_tips_awaiting_staff_notices", "id", sqlite_where=text("NOT staff_notified"),
          postgresql_where=text("NOT staff_notified")),
)

tip_items = Table(
    "tip_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tip_id", Integer, ForeignKey("tips.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("position", Integer, nullable=False),
    # text, photo, video, voice, document or location
    Column("kind", String(16), nullable=False),
    Column("text", WrittenText, nullable=True),
    Column("file_id", String(255), nullable=True),
)

tip_thread = Table(
    "tip_thread",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tip_id", Integer, ForeignKey("tips.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("direction", String(16), nullable=False),  # from_tipster | to_tipster
    Column("staff_address", AddressColumn(), nullable=True),
    Column("text", WrittenText, nullable=False),
    # A question's fate (storage.tip_records.Delivery), so /status never shows one as sent that
    # was not (migration 0009); NULL for the tipster's own words.
    Column("delivery", String(16), nullable=True),
)

tip_drafts = Table(
    "tip_drafts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender", String(64), nullable=False, unique=True),
    Column("step", String(16), nullable=False),
    Column("unit_code", String(32), nullable=True),
    Column("category", String(32), nullable=True),
    Column("bulletin_id", Integer, nullable=True),
    Column("items", Text, nullable=False),  # JSON list of {kind, text, file_id}
    Column("updated_at", UTCDateTime(), nullable=False),
)

tipster_units = Table(
    "tipster_units",
    metadata,
    Column("sender", String(64), primary_key=True),
    Column("unit_code", String(32), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

sender_blocks = Table(
    "sender_blocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender", String(64), nullable=False, index=True),
    Column("until", UTCDateTime(), nullable=False),
    Column("tip_id", Integer, ForeignKey("tips.id", ondelete="SET NULL"), nullable=True),
    Column("blocked_by", AddressColumn(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

outcomes = Table(
    "outcomes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tip_id", Integer, ForeignKey("tips.id", ondelete="SET NULL"), nullable=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("note", WrittenText, nullable=False),
    Column("recorded_by", AddressColumn(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Index("ix_outcomes_unit_id_recorded_at", "unit_id", "recorded_at"),
)

# Notices waiting to go out (SPEC §12: a notice not sent before a crash is sent after it).
# A notice to staff names their address; a notice to a tipster carries the sealed relay link only.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", AddressColumn(), nullable=True),
    Column("relay_link", Text, nullable=True),
    Column("tip_id", Integer, ForeignKey("tips.id", ondelete="CASCADE"), nullable=True),
    Column("payload", Text, nullable=False),  # JSON: text, buttons, media
    Column("status", String(16), nullable=False, index=True),  # pending | sending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("not_before", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    # Migration 0009: the question this notice carries, whose delivery it decides; how many
    # parts of a text longer than one message are out (a retry goes on from the next); and
    # why a notice to a tipster was not delivered (storage.tip_records.Delivery).
    Column("thread_entry_id", Integer,
           ForeignKey("tip_thread.id", ondelete="SET NULL"),
           nullable=True),
    Column("parts_sent", Integer, nullable=False, server_default="0"),
    Column("failure", String(16), nullable=True),
)

# One row: the fingerprint of the secret key the stored pseudonyms and relay links were made
# with (migration 0005). Never the key: an HMAC of a fixed label under a derived key.
secret_key_fingerprint = Table(
    "secret_key_fingerprint",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
)
