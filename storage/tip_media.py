"""Files a tipster sent on a channel whose files the bot cannot pass on by reference (Zalo OA,
Zalo Bot: a link to the platform's CDN), kept as the cleaned bytes officers get (migration 0019).

A Telegram file is re-sent by its file id and never leaves Telegram. A Zalo file arrives as a
URL: the bot downloads it while handling the message, cleans it as a Telegram document is cleaned
(``tips.received_media``) and keeps *that copy* here, never the URL (a link anyone can open, which
Zalo may keep serving) nor the file's own name. The tip's part names the row
(:func:`stored_reference`: ``stored:<id>`` in ``tip_items.file_id``); the first copy to an
officer on Telegram uploads the bytes and the file id Telegram gave it back is recorded
(:func:`record_telegram_file_id`), so the copies to the other officers go by that id.

Lifetime: a row is taken by a draft's sender (the draft's keyed pseudonym, as ``tip_drafts``
holds it) until the tip is filed, then belongs to the tip (:func:`attach_to_tip`, in the filing's
transaction) and goes with it (``ON DELETE CASCADE``) like the tip's other parts. A row whose
draft is gone (dropped with /huy, given up and expired, or the part refused after the download)
is deleted by the hourly purge (:func:`delete_unclaimed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import UTCDateTime, metadata
from storage.tip_records import TipItem
from storage.tips_tables import tip_drafts

STORED_PREFIX = "stored:"

tip_media = Table(
    "tip_media",
    metadata,
    Column("id", Integer, primary_key=True),
    # NULL while the tip is a draft; the tip once filed (its parts name this row).
    Column("tip_id", Integer, ForeignKey("tips.id", ondelete="CASCADE"), nullable=True,
           index=True),
    # The draft's sender (keyed pseudonym) until filed, then NULL: tips.sender has it already.
    Column("draft_sender", String(64), nullable=True, index=True),
    Column("kind", String(16), nullable=False),  # storage.tip_records.ItemKind
    Column("mime_type", String(100), nullable=False),
    Column("file_name", String(64), nullable=False),  # neutral: tin-bao.<ext>
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("telegram_file_id", String(255), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
)


@dataclass(frozen=True)
class StoredMedia:
    id: int
    kind: str
    mime_type: str
    file_name: str
    data: bytes = field(repr=False)
    telegram_file_id: str | None


def stored_reference(media_id: int) -> str:
    """What a tip's part holds in ``file_id`` for a stored file."""
    return f"{STORED_PREFIX}{media_id}"


def stored_id_of(file_id: str | None) -> int | None:
    """The stored file a part names, or None for a platform's own file id."""
    if not file_id or not file_id.startswith(STORED_PREFIX):
        return None
    number = file_id.removeprefix(STORED_PREFIX)
    return int(number) if number.isdigit() else None


async def store_media(conn: AsyncConnection, *, draft_sender: str, kind: str, mime_type: str,
                      file_name: str, data: bytes, now: datetime) -> int:
    result = await conn.execute(tip_media.insert().values(
        draft_sender=draft_sender, kind=kind, mime_type=mime_type[:100],
        file_name=file_name[:64], size=len(data), data=data, created_at=now)
        .returning(tip_media.c.id))
    return int(result.scalar_one())


async def media_by_id(conn: AsyncConnection, media_id: int, *,
                      with_data: bool = True) -> StoredMedia | None:
    columns = [tip_media.c.id, tip_media.c.kind, tip_media.c.mime_type, tip_media.c.file_name,
               tip_media.c.telegram_file_id]
    if with_data:
        columns.append(tip_media.c.data)
    row = (await conn.execute(select(*columns).where(tip_media.c.id == media_id))).first()
    if row is None:
        return None
    return StoredMedia(row.id, row.kind, row.mime_type, row.file_name,
                       bytes(row.data) if with_data else b"", row.telegram_file_id)


async def record_telegram_file_id(conn: AsyncConnection, media_id: int, file_id: str) -> None:
    """The id Telegram gave the uploaded copy: the next officer's copy goes by it. The first
    recorded stays (two uploads of the same bytes are equally good)."""
    await conn.execute(update(tip_media).where(tip_media.c.id == media_id,
                                               tip_media.c.telegram_file_id.is_(None))
                       .values(telegram_file_id=file_id[:255]))


async def attach_to_tip(conn: AsyncConnection, tip_id: int, items: Iterable[TipItem]) -> None:
    """The filed tip's stored files become the tip's: kept as long as it is."""
    ids = [media_id for item in items if (media_id := stored_id_of(item.file_id)) is not None]
    if ids:
        await conn.execute(update(tip_media).where(tip_media.c.id.in_(ids),
                                                   tip_media.c.tip_id.is_(None))
                           .values(tip_id=tip_id, draft_sender=None))


async def delete_unclaimed(conn: AsyncConnection, created_before: datetime) -> int:
    """Stored files no tip took whose draft is gone; ``created_before`` leaves alone a file
    being added to a draft right now."""
    has_draft = exists().where(tip_drafts.c.sender == tip_media.c.draft_sender)
    result = await conn.execute(delete(tip_media).where(and_(
        tip_media.c.tip_id.is_(None), tip_media.c.created_at < created_before, ~has_draft)))
    return result.rowcount


async def media_count(conn: AsyncConnection) -> int:
    """How many files are kept (for tests and the figures)."""
    return int((await conn.execute(select(func.count()).select_from(tip_media))).scalar_one())

