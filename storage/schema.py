"""Table definitions (SQLAlchemy Core). Migrations in ``storage/migrations`` create them.

Chats, people and groups are named by their address, ``<channel>:<id>`` (core.address; migration
0010), in an :class:`AddressColumn`. Staff are identified by their address in clear: they act in
their official capacity and every staff action is audited. Tipsters never appear here by any
identifier (see the tips tables: their address is only ever stored sealed).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect

from core.address import MAX_LENGTH, Address

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class WrittenText(TypeDecorator[str]):
    """Text a person typed (a tip's follow-up, a bulletin, a note): stored without NUL
    characters, which PostgreSQL refuses in text ("invalid byte sequence") and which no reader
    needs; both backends then keep the same words."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return value.replace("\x00", "") if value is not None else None


class WrittenString(WrittenText):
    """A bounded ``WrittenText`` (a unit's name, a group's title): ``WrittenString(200)``."""

    impl = String
    cache_ok = True


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use the clock")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AddressColumn(TypeDecorator[Address]):
    """An :class:`core.address.Address`, stored as its text ``<channel>:<id>``."""

    impl = String(MAX_LENGTH)
    cache_ok = True

    def process_bind_param(self, value: Address | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Address):
            raise TypeError(f"an address column takes an Address, not {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Address | None:
        return None if value is None else Address.parse(value)


units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False),
    # Codes are unique case-insensitively (SPEC §12): the upper-case form carries the constraint.
    Column("code_key", String(32), nullable=False, unique=True),
    Column("name", WrittenString(200), nullable=False),
    Column("parent_id", Integer, ForeignKey("units.id"), nullable=True),
    Column("source", String(16), nullable=False),  # config | chat
    Column("created_at", UTCDateTime(), nullable=False),
)

groups = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", AddressColumn(), nullable=False, unique=True),
    Column("title", WrittenString(255), nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=True),
    # seen: the bot is in the group, not linked yet; active: linked and receiving;
    # inactive: the bot was removed or may no longer write there.
    Column("status", String(16), nullable=False),
    Column("member_count", Integer, nullable=True),
    Column("member_count_at", UTCDateTime(), nullable=True),
    Column("registered_by", AddressColumn(), nullable=True),
    Column("registered_at", UTCDateTime(), nullable=True, index=True),  # 0004
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

group_member_counts = Table(
    "group_member_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("members", Integer, nullable=False),
    Column("counted_at", UTCDateTime(), nullable=False),
    Index("ix_group_member_counts_group_id_counted_at", "group_id", "counted_at"),  # 0004
)

staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", AddressColumn(), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("source", String(16), nullable=False),  # config | chat
    Column("added_by", AddressColumn(), nullable=True),
    Column("added_at", UTCDateTime(), nullable=False),
    # Their Zalo user id for the OA, digits (0021): lets them /register inside an OA group.
    Column("zalo_user_id", String(64), nullable=True),
    Index("ix_staff_zalo_user_id", "zalo_user_id", unique=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("actor", AddressColumn(), nullable=True),  # a staff member; None = the system
    Column("action", String(64), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("detail", WrittenText, nullable=False, default=""),
)
# The audit export and an officer's /status look a tip's actions up by subject (migration 0013).
Index("ix_audit_log_subject", audit_log.c.subject)


# ---- Bulletins (issue 4; migration 0002) ------------------------------------------------------
# A bulletin belongs to the unit whose subtree it targets. status: draft (an editor's, waiting
# for an officer), queued (approved, handed out slot by slot), direct (sent at once: "send now"
# or an alert; never handed out by the queue), removed.
bulletins = Table(
    "bulletins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("topic", String(32), nullable=False),
    Column("body", WrittenText, nullable=False),
    Column("media_kind", String(16), nullable=True),
    Column("media_file_id", String(255), nullable=True),
    Column("status", String(16), nullable=False, index=True),
    Column("is_alert", Boolean, nullable=False),
    # Queue order: lower goes first; "move up" swaps positions. Oldest-first by default.
    Column("queue_position", Integer, nullable=False),
    Column("created_by", AddressColumn(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("approved_by", AddressColumn(), nullable=True),
    Column("approved_at", UTCDateTime(), nullable=True),
    # The officer's own SMS version (SPEC §13 "Text"); None: SMS get the body without diacritics.
    Column("sms_text", WrittenText, nullable=True),
)

# One act of sending (send now, an alert, a schedule slot, a re-send): who asked, so that the
# delivery summary and the "uncertain" notice reach them.
dispatches = Table(
    "dispatches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # now | alert | slot | resend
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("requested_by", AddressColumn(), nullable=True),  # None: a schedule slot
    Column("created_at", UTCDateTime(), nullable=False),
    # Set once the delivery summary reached the sender (not before: a crash in between sends it
    # again at start-up, rather than never).
    Column("summary_sent_at", UTCDateTime(), nullable=True),
    # Rows a restart found "sending" (now uncertain) that the sender has not yet been told of.
    Column("uncertain_unreported", Integer, nullable=True),
)

# SPEC §12: one row per (bulletin, group, round) - the unique constraint is what makes a second
# copy impossible to even plan. Round 0 is the bulletin's one ordinary delivery; an officer's
# forced re-send (SPEC §5) plans round n+1 from round n, so two presses of the same button still
# clash. pending -> sending -> sent | failed; sending left over at start-up -> uncertain.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bulletin_id", Integer, ForeignKey("bulletins.id"), nullable=False),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False, index=True),
    Column("dispatch_id", Integer, ForeignKey("dispatches.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("silent", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("round", Integer, nullable=False, server_default="0"),
    UniqueConstraint("bulletin_id", "group_id", "round"),
    # A group's sent deliveries of a period (migration 0004): the weekly target check and
    # each group's last bulletin in /groups.
    Index("ix_deliveries_group_id_status_sent_at_bulletin_id",
          "group_id", "status", "sent_at", "bulletin_id"),
)

# "Đã phổ biến" presses: by keyed pseudonym (tips.anonymity.pseudonym_for), never by user id.
acknowledgements = Table(
    "acknowledgements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bulletin_id", Integer, ForeignKey("bulletins.id"), nullable=False),
    Column("group_id", Integer, ForeignKey("groups.id"), nullable=False),
    Column("pseudonym", String(64), nullable=False),
    Column("pressed_at", UTCDateTime(), nullable=False),
    UniqueConstraint("bulletin_id", "group_id", "pseudonym"),
)

# A bulletin being composed (issue 4 review item 8): kept so that a restart in the middle of the
# composer loses nothing the officer typed. One per staff member; deleted when they choose.
bulletin_drafts = Table(
    "bulletin_drafts",
    metadata,
    Column("address", AddressColumn(), primary_key=True),  # staff: identified in clear (above)
    Column("unit_code", String(32), nullable=False),
    Column("topic", String(32), nullable=True),
    Column("body", WrittenText, nullable=True),  # None: the content has not come yet
    Column("media_kind", String(16), nullable=True),
    Column("media_file_id", String(255), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("sms_text", WrittenText, nullable=True),
)

# A unit's own schedule (set with /schedule); units without a row use bulletins.schedule.
unit_schedules = Table(
    "unit_schedules",
    metadata,
    Column("unit_id", Integer, ForeignKey("units.id"), primary_key=True),
    Column("spec", String(200), nullable=False),
    Column("set_by", AddressColumn(), nullable=False),
    Column("set_at", UTCDateTime(), nullable=False),
)

# A slot that has run, claimed under a unique constraint so that a slot runs once however many
# times it is looked at (the cron job, the catch-up after a restart, two processes).
slot_runs = Table(
    "slot_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("purpose", String(16), nullable=False),  # bulletin | compliance | weekly_summary
    Column("slot_at", UTCDateTime(), nullable=False),
    Column("ran_at", UTCDateTime(), nullable=False),
    UniqueConstraint("unit_id", "purpose", "slot_at"),
)

# The Zalo OA's OAuth tokens (migration 0011). Zalo's refresh token works once and its answer
# carries the next one: the row is the only copy, so it is rewritten in the same transaction that
# read it, before the new access token is used (channels.zalo_oa.tokens). ``seed_fingerprint``
# is a SHA-256 of the refresh token the operator put in the environment, so that a new one is
# taken up after a refusal and an old one is never taken over the chain kept here.
zalo_tokens = Table(
    "zalo_tokens",
    metadata,
    Column("oa_id", String(64), primary_key=True),
    Column("refresh_token", Text, nullable=False),
    Column("access_token", Text, nullable=True),
    Column("access_expires_at", UTCDateTime(), nullable=True),
    Column("seed_fingerprint", String(64), nullable=False),
    Column("refused_at", UTCDateTime(), nullable=True),
    Column("refused_reason", String(200), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Inbound events claimed before they are handled (SPEC §11, §12, §13: never handled twice, no
# silent loss; migration 0027 added ``state``): handling (claimed, being handled), done, or
# uncertain (a process died while handling it: counted and logged, never handled again). A
# failed handling deletes its claim, so the platform's retry is handled. ``storage.inbound_claims``
# reads and writes all three tables below.

# Zalo OA webhook events claimed, so that a replayed one changes nothing. The key is an
# HMAC of (event name, sender, message id) under the OA secret key: never the sender's id in
# clear (a tipster's Zalo id is as secret as a Telegram id). Pruned by age.
zalo_seen_events = Table(
    "zalo_seen_events",
    metadata,
    Column("event_key", String(64), primary_key=True),
    Column("seen_at", UTCDateTime(), nullable=False, index=True),
    Column("state", String(16), nullable=False, server_default="done"),
)
# Zalo Bot messages already handled (SPEC §13; migration 0018): ``getUpdates`` has no offset,
# so an update may come again, also after a restart, and is dropped by its ``message_id``. The
# key is an HMAC of the message id under the bot token: nothing about the sender is stored.
zalo_bot_handled_messages = Table(
    "zalo_bot_handled_messages",
    metadata,
    Column("message_key", String(64), primary_key=True),
    Column("handled_at", UTCDateTime(), nullable=False, index=True),
    Column("state", String(16), nullable=False, server_default="done"),
)
# Texts the SMS gateway posted (``sms:received``; migration 0027): the gateway retries a webhook
# not answered 2xx, also across our restart, so each is claimed by its ``messageId``. The key is
# an HMAC of that id under the webhook signing key: never the number, nothing about the sender.
sms_seen_messages = Table(
    "sms_seen_messages",
    metadata,
    Column("message_key", String(64), primary_key=True),
    Column("seen_at", UTCDateTime(), nullable=False, index=True),
    Column("state", String(16), nullable=False, server_default="done"),
)
# SMS subscribers (SPEC §13; migration 0012): people without a smartphone who receive what a
# group of their unit receives. The number is personal data: only ever stored sealed (encrypted
# under the secret key, ``tips.anonymity``) plus a keyed hash to find it again; never in clear.
sms_subscribers = Table(
    "sms_subscribers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number_sealed", String(255), nullable=False),
    Column("number_hash", String(64), nullable=False, unique=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    # False: the provider said the number cannot be reached; kept so an officer sees it.
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
# Telegram updates received by webhook (SPEC §14; migration 0013): committed before the POST is
# answered, handled by the leader in update_id order. The update holds the sender's ids and name,
# so ``payload`` is sealed under the secret key and emptied once handled; the update_id stays
# (a tombstone, pruned after a day) so a re-POST of a handled update is recognised.
# state: received, taken (being handled), done, uncertain (taken when a process died).
telegram_inbox = Table(
    "telegram_inbox",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("state", String(16), nullable=False),
    Column("payload", Text, nullable=True),
    Column("received_at", UTCDateTime(), nullable=False, index=True),
    Column("taken_at", UTCDateTime(), nullable=True),
)
Index("ix_telegram_inbox_state_update_id", telegram_inbox.c.state, telegram_inbox.c.update_id)
