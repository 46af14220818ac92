"""Files the bot uploaded to the Zalo OA, so a bulletin's photo or document is uploaded once and
its Zalo id reused for every OA group and every later round (migration 0023).

A row is keyed by the file as the bulletin names it (its Telegram file id), kept as a SHA-256
digest: a fixed-length key, and no Telegram id in clear where it is not needed. It holds what
Zalo answered: the ``attachment_id`` of an image upload or the ``token`` of a file upload, or
Zalo's (or Telegram's) refusal of the file, so the next group gets the words with the file
described at once instead of a second doomed upload.

An upload is not a send: nothing here touches the delivery rows (SPEC §12); a crash between an
upload and the send that uses it leaves a row a later send reuses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conflict_insert import conflict_insert
from storage.schema import UTCDateTime, metadata

zalo_uploads = Table(
    "zalo_uploads",
    metadata,
    Column("file_key", String(64), primary_key=True),  # sha256 of the bulletin's file id
    Column("kind", String(16), nullable=False),  # core.outbound.MediaKind: photo, document
    Column("zalo_id", String(255), nullable=True),  # attachment_id (image) or token (file)
    Column("refused_reason", String(255), nullable=True),  # set when the file cannot go
    Column("uploaded_at", UTCDateTime(), nullable=False),
)


@dataclass(frozen=True)
class ZaloUpload:
    kind: str
    zalo_id: str | None
    refused_reason: str | None
    uploaded_at: datetime


def file_key(file_id: str) -> str:
    return hashlib.sha256(file_id.encode()).hexdigest()


async def find_upload(conn: AsyncConnection, file_id: str) -> ZaloUpload | None:
    row = (await conn.execute(select(zalo_uploads).where(
        zalo_uploads.c.file_key == file_key(file_id)))).first()
    if row is None:
        return None
    return ZaloUpload(row.kind, row.zalo_id, row.refused_reason, row.uploaded_at)


async def record_upload(conn: AsyncConnection, file_id: str, kind: str, *, zalo_id: str | None,
                        refused_reason: str | None, now: datetime) -> None:
    """What Zalo answered for the file, replacing an earlier answer (a re-upload)."""
    values = {"kind": kind, "zalo_id": zalo_id,
              "refused_reason": refused_reason[:255] if refused_reason else None,
              "uploaded_at": now}
    statement = conflict_insert(conn, zalo_uploads).values(file_key=file_key(file_id), **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["file_key"],
                                                       set_=values))


async def forget_zalo_id(conn: AsyncConnection, zalo_id: str) -> bool:
    """Zalo no longer knows ``zalo_id``: the next send uploads the file again."""
    result = await conn.execute(delete(zalo_uploads).where(zalo_uploads.c.zalo_id == zalo_id))
    return result.rowcount > 0
