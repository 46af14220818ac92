"""Every chat, person and group is named by its address, ``<channel>:<id>`` (SPEC §13).

Telegram ids stored as integers become ``telegram:<id>`` text (core.address), so that a Zalo
group or an SMS subscriber can sit in the same columns. Columns that named a Telegram id by
name are renamed (``groups.chat_id`` → ``address``, ``staff.telegram_id`` → ``address``,
``audit_log.actor_telegram_id`` → ``actor``, ``bulletin_drafts.telegram_id`` → ``address``,
``tip_thread.staff_telegram_id`` → ``staff_address``, ``outbox.chat_id`` → ``address``); the
"who did it" columns keep their names. Groups and staff stay unique on their address, and the
audit log's subjects name them by it (``group:-100…`` → ``group:telegram:-100…``).

Deliveries and acknowledgements name their group by ``groups.id`` and are unchanged: one row per
(bulletin, group, round) is one row per (bulletin, address, round). A tipster's relay link stays
sealed as it is; links sealed before this revision hold a bare chat id, which
``tips.anonymity.Anonymizer.open_address`` reads as a Telegram address.

On PostgreSQL, ``bulletin_drafts.telegram_id`` was made by 0006 as the table's only integer key,
so as a BIGSERIAL: a sequence owned by the column and ``nextval`` as its default. No draft ever
took that default (a draft is keyed by its author), and an address has none: the upgrade drops
both, the downgrade makes them again as 0006 did.

Downgrade turns ``telegram:<id>`` back into the integer; it refuses, changing nothing, while any
address of another channel is stored (the old columns cannot hold it).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PREFIX = "telegram:"
ADDRESS = sa.String(255)  # core.address.MAX_LENGTH

# table: [(column before, column after, nullable)]
COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    "groups": [("chat_id", "address", False), ("registered_by", "registered_by", True)],
    "staff": [("telegram_id", "address", False), ("added_by", "added_by", True)],
    "audit_log": [("actor_telegram_id", "actor", True)],
    "bulletins": [("created_by", "created_by", False), ("approved_by", "approved_by", True)],
    "dispatches": [("requested_by", "requested_by", True)],
    "bulletin_drafts": [("telegram_id", "address", False)],
    "unit_schedules": [("set_by", "set_by", False)],
    "tip_thread": [("staff_telegram_id", "staff_address", True)],
    "sender_blocks": [("blocked_by", "blocked_by", False)],
    "outcomes": [("recorded_by", "recorded_by", False)],
    "outbox": [("chat_id", "address", True)],
}
# Audit subjects that named a Telegram id (org.groups, org.directory).
SUBJECT_KINDS = ("group", "staff")
# table: (unique constraint before, after), named by storage.schema's convention
UNIQUE = {
    "groups": ("uq_groups_chat_id", "uq_groups_address"),
    "staff": ("uq_staff_telegram_id", "uq_staff_address"),
}
# PostgreSQL: the sequence 0006 gave bulletin_drafts.telegram_id (SERIAL's own naming).
DRAFTS_SEQUENCE = "bulletin_drafts_telegram_id_seq"


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _on_postgresql():
        op.alter_column("bulletin_drafts", "telegram_id", server_default=None,
                        existing_type=sa.BigInteger, existing_nullable=False)
        op.execute(f"DROP SEQUENCE IF EXISTS {DRAFTS_SEQUENCE}")
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            if table in UNIQUE:
                batch.drop_constraint(UNIQUE[table][0], type_="unique")
            for before, after, nullable in columns:
                batch.alter_column(before, new_column_name=after if after != before else None,
                                   type_=ADDRESS,
                                   existing_type=sa.BigInteger, existing_nullable=nullable,
                                   postgresql_using=f"{before}::varchar")
        for _, after, _ in columns:
            op.execute(f"UPDATE {table} SET {after} = '{PREFIX}' || {after}"
                       f" WHERE {after} IS NOT NULL")
        if table in UNIQUE:
            with op.batch_alter_table(table) as batch:
                batch.create_unique_constraint(UNIQUE[table][1], [columns[0][1]])
    for kind in SUBJECT_KINDS:
        op.execute(f"UPDATE audit_log SET subject = '{kind}:{PREFIX}' || SUBSTR(subject,"
                   f" {len(kind) + 2}) WHERE subject LIKE '{kind}:%'")


def downgrade() -> None:
    connection = op.get_bind()
    for table, columns in COLUMNS.items():
        for _, after, _ in columns:
            other = connection.execute(sa.text(
                f"SELECT COUNT(*) FROM {table}"
                f" WHERE {after} IS NOT NULL AND {after} NOT LIKE '{PREFIX}%'")).scalar()
            if other:
                raise RuntimeError(f"{table}.{after} holds {other} address(es) of a channel other"
                                   " than Telegram, which revision 0009 cannot store")
    for kind in SUBJECT_KINDS:
        op.execute(f"UPDATE audit_log SET subject = '{kind}:' || SUBSTR(subject,"
                   f" {len(kind) + len(PREFIX) + 2}) WHERE subject LIKE '{kind}:{PREFIX}%'")
    for table, columns in COLUMNS.items():
        for _, after, _ in columns:
            op.execute(f"UPDATE {table} SET {after} = SUBSTR({after}, {len(PREFIX) + 1})"
                       f" WHERE {after} IS NOT NULL")
        with op.batch_alter_table(table) as batch:
            if table in UNIQUE:
                batch.drop_constraint(UNIQUE[table][1], type_="unique")
            for before, after, nullable in columns:
                batch.alter_column(after, new_column_name=before if before != after else None,
                                   type_=sa.BigInteger,
                                   existing_type=ADDRESS, existing_nullable=nullable,
                                   postgresql_using=f"{after}::bigint")
        if table in UNIQUE:
            with op.batch_alter_table(table) as batch:
                batch.create_unique_constraint(UNIQUE[table][0], [columns[0][0]])
    if _on_postgresql():
        op.execute(f"CREATE SEQUENCE {DRAFTS_SEQUENCE} OWNED BY bulletin_drafts.telegram_id")
        op.alter_column("bulletin_drafts", "telegram_id",
                        server_default=sa.text(f"nextval('{DRAFTS_SEQUENCE}'::regclass)"),
                        existing_type=sa.BigInteger, existing_nullable=False)
