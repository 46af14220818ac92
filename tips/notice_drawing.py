"""What an outbox row says, drawn at send time for the recipient's channel (``tips.notifier``
sends it): a new tip's notice, its text pieces and its media (``tips.notices``), a question to
a tipster, a question that could not be delivered, a catalogue message, or a row of the old
format whose words were drawn when it was queued.

A tip to ten officers, in a notice and its parts (one message a second per chat), is read once,
not once per message: it is kept for a few seconds (``TIP_KEPT_SECONDS``, at most ``TIPS_KEPT``
of them), so what an officer changes meanwhile (an assessment) shows in the notices drawn after
that, as it would have had they been sent a little later. The read runs in the transaction
that marks the notice sending (``read_for``, run in one go: inline on a SQLite file), not in
one of its own.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.address import Address
from core.capabilities import Capabilities
from core.channel_words import ChannelWords
from core.i18n import Translator
from core.outbound import Button, Channel, Media, MediaKind, OutboundMessage
from storage import outbox
from storage import tips as tip_store
from storage.db import Database
from storage.tip_records import Tip, TipItem
from tips import relay_delivery
from tips.notices import NoticeWords, new_tip_messages, new_tip_of, said
from tips.questions import is_question, question_message

TIP_KEPT_SECONDS = 5.0
TIPS_KEPT = 256


def message_from_payload(payload: dict[str, Any], *,
                         reply_to: int | None = None) -> OutboundMessage:
    """A row queued with its words drawn (the format before rows held what happened)."""
    buttons = tuple(tuple(Button(b["text"], url=b.get("url"), callback=b.get("callback"))
                          for b in row) for row in payload.get("buttons", []))
    media = payload.get("media")
    return OutboundMessage(
        text=payload.get("text", ""), buttons=buttons,
        media=Media(MediaKind(media["kind"]), media["file_id"]) if media else None,
        label=payload.get("label"), reply_to_message_id=reply_to)


class NoticeDrawer:
    def __init__(self, db: Database, channel: Channel, tr: Translator,
                 words: NoticeWords | None) -> None:
        """``words`` draws a new tip's notice (the wiring builds it from the tips context);
        without it such rows cannot be drawn and fail, saying so."""
        self._db = db
        self._channel = channel
        self._tr = tr
        self._words = words
        # tip id -> (loop time it was read, the tip and its items, or None: gone)
        self._tips: dict[int, tuple[float, tuple[Tip, list[TipItem]] | None]] = {}
        # A kept tip's notice as drawn for a channel's capabilities (the same for every officer
        # on that channel), by (tip id, capabilities, the row's similar tips).
        self._notices: dict[tuple[int, Capabilities, str], list[OutboundMessage]] = {}

    def forget(self) -> None:
        """A new pass: tips read more than ``TIP_KEPT_SECONDS`` ago are read again."""
        oldest = asyncio.get_running_loop().time() - TIP_KEPT_SECONDS
        old: list[int] = []
        for tip_id, (at, _) in self._tips.items():  # in the order they were read
            if at >= oldest:
                break
            old.append(tip_id)
        if not old:
            return  # (each key of the drawn notices hashes a Capabilities: not for nothing)
        for tip_id in old:
            del self._tips[tip_id]
        self._notices = {key: drawn for key, drawn in self._notices.items()
                         if key[0] in self._tips}

    async def _tip(self, tip_id: int) -> tuple[Tip, list[TipItem]] | None:
        kept = self._tips.get(tip_id)
        if kept is not None:
            return kept[1]
        return await self._db.run_transaction(lambda conn: self._read(conn, tip_id))

    async def read_for(self, conn: AsyncConnection, row: outbox.OutboxRow) -> None:
        """In the caller's transaction (the row's sending mark, run in one go): the tip a new
        tip's notice shows, unless it is kept, so that drawing it needs no transaction of its
        own. Awaits only ``conn``."""
        tip_id = new_tip_of(row.payload)
        if tip_id is not None and tip_id not in self._tips:
            await self._read(conn, tip_id)

    async def _read(self, conn: AsyncConnection,
                    tip_id: int) -> tuple[Tip, list[TipItem]] | None:
        tip = await tip_store.find_tip_by_id(conn, tip_id)
        found = (tip, await tip_store.tip_items_of(conn, tip_id)) if tip is not None else None
        if len(self._tips) >= TIPS_KEPT:
            del self._tips[next(iter(self._tips))]  # the one read first
        self._tips[tip_id] = (asyncio.get_running_loop().time(), found)
        return found

    async def _reply_target(self, row: outbox.OutboxRow) -> int | None:
        """A row of the old format: a part of a tip answers the tip's notice, a row of its own
        sent before it in the same chat. If the notice failed, the part goes unanswered, still
        naming the code."""
        if row.payload.get("thread") != "reply" or row.address is None or row.tip_id is None:
            return None
        async with self._db.reading() as conn:
            return await outbox.thread_start_message_id(conn, address=row.address,
                                                        tip_id=row.tip_id, before_id=row.id)

    def _words_of(self, address: Address) -> ChannelWords:
        return ChannelWords(self._tr.language, address.channel)

    async def drawn(self, row: outbox.OutboxRow, address: Address,
                    capabilities: Capabilities) -> list[OutboundMessage]:
        """The messages ``row`` becomes on the channel of ``address``, in order, each one that
        channel takes; the message to send now is the one after those already sent."""
        payload = row.payload
        tip_id = new_tip_of(payload)
        if tip_id is not None:
            if self._words is None:
                raise LookupError("no words to draw a new tip's notice with")
            similar = payload.get("similar")
            key = (tip_id, capabilities, json.dumps(similar, sort_keys=True))
            found = await self._tip(tip_id)
            if found is None:
                raise LookupError(f"tip {tip_id} is gone")
            drawn = self._notices.get(key) or []
            if not drawn:
                drawn = self._notices[key] = new_tip_messages(self._words, *found, capabilities,
                                                              similar=similar)
        elif is_question(payload):
            drawn = [question_message(self._words_of(address), payload)]
        elif payload.get("event") == relay_delivery.QUESTION_UNDELIVERED:
            drawn = [OutboundMessage(relay_delivery.question_undelivered_text(self._tr, payload))]
        elif "say" in payload:
            # What a person is told to do next depends on their channel (core.channel_words).
            drawn = [OutboundMessage(said(self._words_of(address), payload),
                                     label=payload.get("label"))]
        else:
            reply_to = await self._reply_target(row)
            drawn = [message_from_payload(payload, reply_to=reply_to)]
        return [part for message in drawn for part in self._channel.parts_for(address, message)]
