"""A person's 1:1 typed chat with the bot on a channel without a command menu (Zalo OA, Zalo
Bot), run by the same use cases as Telegram (SPEC §3, §13).

Thin on purpose, like ``handlers/tips.py``: each thing a person said (:class:`Said`) becomes one
call of ``tips.conversation.TipConversation`` or ``tips.followup_conversation``, and the answer is
drawn by ``replies.TypedReply`` (numbered lines, and buttons that send their title back where the
channel has them). The sender's address becomes a pseudonym and, only when a tip is filed, a
sealed relay link, right here; nothing past this module sees it, nothing here logs it.

What a text is, in order: a typed command or "báo tin" (``commands``); a choice from the last
ones offered (its number or its button's title); any other words are a part of the tip being
written (or "not understood" when none is). A location is a part too. A photo, file, voice
message or video (an :class:`Attachment`: the platform's link to it) is downloaded
(``downloads``), cleaned as on Telegram and kept as the copy officers get
(``tips.received_media``), only when a tip is waiting for parts; a download refused or failed
gets the person a clear answer and keeps nothing. Other media (stickers, GIFs, links) are not
taken: the person is told what is.

Each channel's adapter turns its own events into :class:`Said` and names its help text and its
"only words" text (locale keys), so the two Zalo channels share this loop and no flow is copied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from channels.typed_chat.commands import Command, Typed, command_of
from channels.typed_chat.downloads import DownloadFailed, Refusal, download
from channels.typed_chat.replies import OfferedChoices, TypedReply
from core.address import Address
from core.answers import Answer, Undelivered
from core.outbound import Channel as OutboundChannel
from storage.tip_records import ItemKind, TipItem
from tips.context import TipsContext
from tips.conversation import TipConversation, Tipster
from tips.followup_conversation import FollowUpConversation
from tips.received_media import Received, ReceivedKind, part_of
from tips.tip_parts import Part

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file the person sent, as the platform describes it: the link to download it from
    (never stored or logged), the file's own name (read for its extension only), a caption."""

    kind: ReceivedKind
    url: str = field(repr=False)
    name: str = field(default="", repr=False)
    caption: str = field(default="", repr=False)


@dataclass(frozen=True)
class Said:
    """What a person said, in the product's terms; its words, place and file are left out of
    the ``repr`` so that no log line can carry them by accident."""

    text: str = field(default="", repr=False)
    location: tuple[float, float] | None = field(default=None, repr=False)
    attachment: Attachment | None = field(default=None, repr=False)
    media: bool = False  # a sticker, a GIF, a link…: not taken
    kind: str = "text"  # the platform's name for it, for log lines


@dataclass(frozen=True)
class ChatTexts:
    """The locale keys a channel answers with where the flows leave it the choice."""

    help: str  # the commands, for /help, /start and commands residents do not have
    only_text: str  # this kind of media is not taken (says which are)


class TypedConversation:
    """The bot's side of every 1:1 typed chat on one channel."""

    def __init__(self, ctx: TipsContext, channel: OutboundChannel, *, text_limit: int,
                 max_buttons: int, texts: ChatTexts, channel_name: str) -> None:
        self.ctx = ctx
        self.tips = TipConversation(ctx)
        self.followup = FollowUpConversation(ctx)
        self.offered = OfferedChoices()
        self._channel = channel
        self._text_limit = text_limit
        self._max_buttons = max_buttons
        self._texts = texts
        self._name = channel_name

    async def on_said(self, sender: Address, said: Said) -> None:
        """Answer what ``sender`` said; an answer that could not be sent is logged (its kind
        only) and not raised, since what the person did is done."""
        pseudonym = self.ctx.anonymizer.pseudonym_of_address(sender)
        anonymizer = self.ctx.anonymizer
        tipster = Tipster(pseudonym, lambda: anonymizer.seal_address(sender), sender.channel)
        reply = TypedReply(self._channel, self._text_limit, self._max_buttons, self.ctx.tr,
                           sender, pseudonym, self.offered)
        try:
            await self._run(said, tipster, reply)
        except Undelivered as error:
            # What the person did is done (a part added, a tip filed: its receipt then goes
            # through the outbox); only the answer was lost. Not raised: the platform would
            # deliver the event again and it would be done twice.
            log.warning("%s: an answer to a %s message could not be sent (%s)",
                        self._name, said.kind, error.kind)

    async def _run(self, said: Said, tipster: Tipster, reply: TypedReply) -> None:
        if said.location is not None:
            latitude, longitude = said.location
            await self._part(Part(TipItem(ItemKind.LOCATION, None, f"{latitude},{longitude}")),
                             tipster, reply)
        elif said.attachment is not None:
            await self._attachment(said.attachment, tipster, reply)
        elif said.media:
            await self._part(Part(None, self._texts.only_text), tipster, reply)
        elif said.text:
            await self._text(said.text, tipster, reply)

    async def _text(self, text: str, tipster: Tipster, reply: TypedReply) -> None:
        typed = command_of(text)
        if typed is not None:
            await self._command(typed, tipster, reply)
            return
        action = self.offered.chosen(tipster.pseudonym, text)
        if action is not None:
            await self.tips.choose(tipster, action, reply)
            return
        await self._part(Part(TipItem(ItemKind.TEXT, text)), tipster, reply)

    async def _command(self, typed: Typed, tipster: Tipster, reply: TypedReply) -> None:
        sender = tipster.pseudonym
        command = typed.command
        if command is Command.TIP:
            await self.tips.tip_command(tipster, typed.rest, reply)
        elif command is Command.STATUS:
            await self.followup.status(sender, None, typed.rest.split(), reply)
        elif command is Command.REPLY:
            await self.followup.reply_command(sender, None, typed.text, reply)
        elif command is Command.PRIVACY:
            await self.followup.privacy(reply)
        elif command is Command.CANCEL:
            self.offered.forget(sender)
            await self.tips.cancel(tipster, reply)
        else:  # help, start, or a command residents do not have
            await reply(Answer(self.ctx.tr(self._texts.help)))

    async def _attachment(self, attachment: Attachment, tipster: Tipster,
                          reply: TypedReply) -> None:
        async def read_part() -> Part:
            # Called only while a tip is waiting for parts: nothing is downloaded otherwise.
            try:
                downloaded = await download(attachment.url)
            except DownloadFailed as failed:
                return Part(None, "zalo_media.too_big" if failed.refusal is Refusal.TOO_BIG
                            else "zalo_media.unreadable")
            part = await part_of(self.ctx, tipster.pseudonym, Received(
                attachment.kind, downloaded.data, downloaded.mime_type, attachment.name,
                attachment.caption))
            if part.document is not None and not part.document.metadata_removed:
                # Said before the part is counted, while the tip can still be dropped.
                await reply(Answer(self.ctx.tr("zalo_media.renamed_only",
                                               name=part.document.file_name)))
            # The Telegram wording of a cleaned document points at a copy shown in the chat;
            # Zalo shows none, so the part is acknowledged like any other.
            return Part(part.item, part.problem)

        await self.tips.add_part(tipster, read_part, reply)

    async def _part(self, part: Part, tipster: Tipster, reply: TypedReply) -> None:
        async def read_part() -> Part:
            return part

        await self.tips.add_part(tipster, read_part, reply)
