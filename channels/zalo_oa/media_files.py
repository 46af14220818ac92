"""A bulletin's photo or document on its way to Zalo: the file the message names by its Telegram
file id (an officer composed it on Telegram) becomes a file Zalo knows.

Before a send, :meth:`ZaloMediaFiles.uploaded` swaps the Telegram file id for the id Zalo gave the
file: taken from ``storage.zalo_uploads`` when the file was uploaded already (another OA group, an
earlier round, before a restart), else the file is read from Telegram (``getFile`` and the file
URL, SPEC §12: ``channels.telegram_files``) and uploaded once (``uploads``), one upload at a time
per file even when several groups are sent to at once. It sends nothing to any recipient: the
delivery engine has it done (``ZaloOAChannel.prepare``) while the row is still ``pending``, so a
crash or a failure during the upload never leaves a row uncertain (SPEC §12); the message it
returns is marked (``UPLOADED``) and its send does not upload again. A message that comes to
``send`` unmarked (a direct send) is uploaded there (:meth:`prepared`).

A file Zalo refuses (over 1 MB for an image or 5 MB for a file, a type it does not take) or that
Telegram will not hand over (over the Bot API's 20 MB) is remembered as refused, and every OA group
gets the words with the file described, the line a video gets (``bulletins.render.
file_not_carried``) under the header: a sent message, not a failed row, so the officer's summary
counts the groups that got the bulletin.

Zalo's file message carries no text, so a document with words goes as two messages within the
row's one send: the words first (``send_words``: the header, the body, the "Báo tin" link), then
the file. The file's id is known before either is sent. If the file's message then fails, the
group has the words but not the file: the row is answered :class:`MaybeDelivered` (uncertain:
never sent again by itself, the officer is told and may resend), never retried into a second
copy of the words (:meth:`failure_of`).

Zalo keeps an uploaded image at most 7 days (``uploads``); an id older than ``REUSE_FOR`` is
uploaded again, and an id Zalo answers as unknown is forgotten (:meth:`forget_refused_id`) so the
row's retry uploads the file again.

Whose send this is does not matter here: the file is the bulletin's (an officer's), never a
tipster's, and the key kept is a digest of its file id (``storage.zalo_uploads``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from channels.zalo_oa.api import ZaloApiError, ZaloTransportError
from channels.zalo_oa.failures import INVALID_PARAMETER, QUOTA_WAIT, RATE_LIMIT_WAIT, classify
from channels.zalo_oa.uploads import FileToUpload, ZaloUploads, known_refusal
from core.clock import Clock
from core.i18n import Translator
from core.outbound import (
    MaybeDelivered,
    Media,
    MediaKind,
    OutboundMessage,
    RetryLater,
    SendFailure,
    TransientFailure,
)
from storage.db import Database
from storage.zalo_uploads import find_upload, forget_zalo_id, record_upload

log = logging.getLogger(__name__)

# Zalo keeps an uploaded image at most 7 days; a day's margin for a send that starts late.
REUSE_FOR = timedelta(days=6)
JUST_GIVEN = timedelta(minutes=10)
_UPLOADED_KINDS = (MediaKind.PHOTO, MediaKind.DOCUMENT)
_DEFAULT_SUFFIX = {MediaKind.PHOTO: ".jpg", MediaKind.DOCUMENT: ".pdf"}
NEUTRAL_NAME = "ban-tin"  # what the group sees as the file's name, + the file's extension


class FileNotGiven(Exception):
    """Telegram will not hand the file over (too big to download): it cannot go to Zalo."""


@dataclass(frozen=True)
class TelegramFile:
    data: bytes
    file_path: str  # Telegram's path of the file (its extension tells its type)


TelegramFiles = Callable[[str], Awaitable[TelegramFile]]
SendWords = Callable[[OutboundMessage], Awaitable[int]]
# OutboundMessage.extra key: the words of this document's message went before it.
WORDS_SENT = "zalo_words_sent"
# OutboundMessage.extra key: the message's file is named by the id Zalo gave it (``uploaded``).
UPLOADED = "zalo_file_uploaded"


def is_telegram_file(media: Media) -> bool:
    """A file named by a Telegram file id (not bytes, not a link Zalo fetches itself)."""
    return (media.kind in _UPLOADED_KINDS and media.data is None and bool(media.file_id)
            and not media.file_id.startswith(("https://", "http://")))


def described(message: OutboundMessage, kind: MediaKind, tr: Translator) -> OutboundMessage:
    """The words with the file described under the header, as ``broadcasts.rendering`` draws a
    file the channel cannot carry."""
    line = tr("bulletins.render.file_not_carried", kind=tr(f"media_kind.{kind}"))
    header, separator, rest = message.text.partition("\n")
    text = f"{header}\n{line}{separator}{rest}" if separator else f"{message.text}\n{line}"
    return dataclasses.replace(message, text=text, media=None)


class ZaloMediaFiles:
    def __init__(self, db: Database, clock: Clock, uploads: ZaloUploads,
                 telegram_files: TelegramFiles, tr: Translator) -> None:
        self._db = db
        self._clock = clock
        self._uploads = uploads
        self._telegram_files = telegram_files
        self._tr = tr
        self._locks: dict[str, asyncio.Lock] = {}
        # How long a row waits after Zalo's rate and quota refusals of an upload, as after those
        # of a send (``failures``); shortened only by the end-to-end tests.
        self.rate_limit_wait = RATE_LIMIT_WAIT
        self.quota_wait = QUOTA_WAIT
        # Ids this process got from Zalo, with when: one just given cannot have expired, so a
        # refusal of it is not answered by uploading again (no loop of uploads).
        self._given: dict[str, datetime] = {}

    async def uploaded(self, message: OutboundMessage) -> OutboundMessage:
        """The message naming its Telegram file by the id Zalo gave it (marked ``UPLOADED``),
        or its words with the file described when Zalo will not take the file; as it is when
        it names no Telegram file. Sends nothing to anyone: raises ``RetryLater`` or
        ``TransientFailure`` when the upload must wait (no answer, Zalo's rate or quota)."""
        media = message.media
        if media is None or message.extra.get(UPLOADED) or not is_telegram_file(media):
            return message
        lock = self._locks.setdefault(media.file_id, asyncio.Lock())
        async with lock:
            zalo_id = await self._zalo_id(media)
        if not lock.locked():
            # Whoever comes next finds Zalo's answer in the database: the lock has done its job.
            self._locks.pop(media.file_id, None)
        if zalo_id is None:
            return described(message, media.kind, self._tr)
        return dataclasses.replace(message, media=dataclasses.replace(media, file_id=zalo_id),
                                   extra={**message.extra, UPLOADED: "1"})

    async def prepared(self, message: OutboundMessage, send_words: SendWords) -> OutboundMessage:
        """The message as Zalo can take it (uploaded first unless it was: :meth:`uploaded`); a
        document's words already sent by ``send_words`` (the same recipient's send, for a
        message without a file)."""
        message = await self.uploaded(message)
        media = message.media
        if (media is None or not message.extra.get(UPLOADED)
                or media.kind is not MediaKind.DOCUMENT or not message.text):
            return message
        await send_words(dataclasses.replace(message, media=None))
        return dataclasses.replace(message, text="", buttons=(),
                                   extra={**message.extra, WORDS_SENT: "1"})

    async def failure_of(self, error: ZaloApiError | ZaloTransportError,
                         message: OutboundMessage) -> SendFailure | None:
        """What a refused send of a prepared message means, where the file makes it differ
        from ``failures.classify`` (None: it does not).

        * the document's words went before it: the group has part of the bulletin, so the row
          is uncertain, not retried (:class:`MaybeDelivered`);
        * Zalo refused the file's id (expired or unknown to it): the id is forgotten and the row
          retried at once, which uploads the file again."""
        forgotten = await self._forget_refused_id(error, message.media)
        if message.extra.get(WORDS_SENT):
            return MaybeDelivered(f"the words went, the file did not: {error}")
        return RetryLater(str(error), 0.0) if forgotten else None

    async def _forget_refused_id(self, error: ZaloApiError | ZaloTransportError,
                                 media: Media | None) -> bool:
        if (media is None or media.kind not in _UPLOADED_KINDS
                or not isinstance(error, ZaloApiError) or error.code != INVALID_PARAMETER
                or "attachment" not in error.message):
            return False
        given = self._given.get(media.file_id)
        if given is not None and self._clock.now() - given < JUST_GIVEN:
            return False  # just given: not expired, so uploading again would not help
        async with self._db.transaction() as conn:
            return await forget_zalo_id(conn, media.file_id)

    async def _zalo_id(self, media: Media) -> str | None:
        now = self._clock.now()
        async with self._db.reading() as conn:
            known = await find_upload(conn, media.file_id)
        if known is not None and known.refused_reason is not None:
            return None
        if known is not None and known.zalo_id and now - known.uploaded_at < REUSE_FOR:
            return known.zalo_id
        try:
            file = await self._telegram_files(media.file_id)
        except FileNotGiven as refused:
            return await self._refused(media, f"Telegram: {refused}")
        suffix = PurePosixPath(file.file_path).suffix.lower() or _DEFAULT_SUFFIX[media.kind]
        upload = FileToUpload(media.kind, file.data, NEUTRAL_NAME + suffix,
                              mimetypes.guess_type(NEUTRAL_NAME + suffix)[0]
                              or "application/octet-stream")
        refusal = known_refusal(upload)
        if refusal is not None:
            return await self._refused(media, refusal)
        try:
            zalo_id = await self._uploads.upload(upload)
        except (ZaloApiError, ZaloTransportError) as error:
            failure = classify(error, rate_limit_wait=self.rate_limit_wait,
                               quota_wait=self.quota_wait)
            if isinstance(failure, TransientFailure | RetryLater):
                raise failure from error  # no answer, or Zalo's rate or quota: the row waits
            return await self._refused(media, str(error))
        async with self._db.transaction() as conn:
            await record_upload(conn, media.file_id, media.kind.value, zalo_id=zalo_id,
                                refused_reason=None, now=self._clock.now())
        now = self._clock.now()
        # Only ids given in the last JUST_GIVEN matter: forget the older ones (one per file).
        self._given = {key: at for key, at in self._given.items() if now - at < JUST_GIVEN}
        self._given[zalo_id] = now
        return zalo_id

    async def _refused(self, media: Media, reason: str) -> None:
        log.warning("Zalo OA: a bulletin's %s cannot go to Zalo (%s); described in words",
                    media.kind.value, reason)
        async with self._db.transaction() as conn:
            await record_upload(conn, media.file_id, media.kind.value, zalo_id=None,
                                refused_reason=reason, now=self._clock.now())
        return None
