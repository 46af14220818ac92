"""Copies of a tipster's stored file (``storage.tip_media``: one sent on Zalo) on their way to
an officer: the message drawn with ``stored:<id>`` in place of a file id gets the file's id on
the officer's platform when one was recorded, else the bytes to upload; the id the platform
gives the upload is recorded with the row's progress (:meth:`StoredMediaSends.record`, in the
same transaction), so the copies to the other officers go by it.

Nothing here can send a copy twice: the outbox row's ``parts_sent`` decides what goes. An upload
whose id was not recorded (a crash just after it) only means the next copy uploads again.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from core.outbound import Media, MediaKind, OutboundMessage
from storage.db import Database
from storage.tip_media import StoredMedia, media_by_id, record_telegram_file_id, stored_id_of

# The platform whose file ids are kept: staff read tips on Telegram.
TELEGRAM = "telegram"


class StoredFileGone(LookupError):
    """A tip's part names a stored file that is no longer kept."""


class StoredMediaSends:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._uploaded: dict[int, str] = {}

    async def ready(self, message: OutboundMessage, to: Address) -> OutboundMessage:
        """``message`` as it can go to ``to``: unchanged unless it carries a stored file."""
        media = message.media
        media_id = stored_id_of(media.file_id) if media is not None else None
        if media is None or media_id is None:
            return message
        # Read in one go (inline on a SQLite file), the bytes only when they are to go up.
        known, stored = await self._db.run_transaction(
            lambda conn: self._read(conn, media_id, to))
        if known is None or stored is None:
            raise StoredFileGone(f"stored file {media_id} is gone")
        kind = MediaKind(known.kind)
        if stored is known and known.telegram_file_id:
            return dataclasses.replace(message, media=Media(kind, known.telegram_file_id))

        def uploaded(file_id: str) -> None:
            if to.channel == TELEGRAM:
                self._uploaded[media_id] = file_id

        return dataclasses.replace(message, media=Media(
            kind, data=stored.data, file_name=stored.file_name, uploaded=uploaded))

    @staticmethod
    async def _read(conn: AsyncConnection, media_id: int,
                    to: Address) -> tuple[StoredMedia | None, StoredMedia | None]:
        """The file's record, and then: the same record when it goes by its Telegram id, else
        the record with its bytes (None, None when it is gone)."""
        known = await media_by_id(conn, media_id, with_data=False)
        if known is None:
            return None, None
        if to.channel == TELEGRAM and known.telegram_file_id:
            return known, known
        return known, await media_by_id(conn, media_id)

    async def record(self, conn: AsyncConnection) -> None:
        """Keep the ids of the files uploaded since the last call."""
        for media_id, file_id in self._uploaded.items():
            await record_telegram_file_id(conn, media_id, file_id)
        self._uploaded.clear()
