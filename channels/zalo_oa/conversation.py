"""A person's 1:1 chat with the OA, run by the same use cases as Telegram (SPEC §3, §13).

Thin on purpose, like ``handlers/tips.py``: each webhook event (``inbound.InboundEvent``) becomes
one call of ``tips.conversation.TipConversation`` or ``tips.followup_conversation``, and the
answer is drawn by ``replies.ZaloReply`` (numbered lines, and buttons that send their title
back). The sender's address (``zalo_oa:user:<id>``) becomes a pseudonym and, only when a tip is
filed, a sealed relay link, right here; nothing past this module sees it, nothing here logs it.

What a text is, in order: a typed command or "báo tin" (``typed_commands``); a choice from the
last ones offered (its number or its button's title); any other words are a part of the tip
being written (or "not understood" when none is). A location is a part too. Images, files,
voice and video are not taken on Zalo yet (downloading Zalo's media and cleaning it as on
Telegram is not built): the person is told that only words and locations are accepted.
Group events (GMF) are not handled here.
"""

from __future__ import annotations

import logging

from channels.zalo_oa.inbound import EventKind, InboundEvent
from channels.zalo_oa.replies import OfferedChoices, ZaloReply
from channels.zalo_oa.typed_commands import Command, Typed, command_of
from channels.zalo_oa.waiting_questions import send_waiting_questions
from core.answers import Answer, Undelivered
from core.outbound import Channel as OutboundChannel
from storage.tip_records import ItemKind, TipItem
from tips.context import TipsContext
from tips.conversation import TipConversation, Tipster
from tips.followup_conversation import FollowUpConversation
from tips.tip_parts import Part

log = logging.getLogger(__name__)

_MEDIA = frozenset({EventKind.IMAGE, EventKind.FILE, EventKind.AUDIO, EventKind.VIDEO,
                    EventKind.GIF, EventKind.STICKER, EventKind.LINK})


class ZaloConversation:
    """The OA's side of every 1:1 chat; :meth:`on_event` is the webhook's callback."""

    def __init__(self, ctx: TipsContext, channel: OutboundChannel, text_limit: int) -> None:
        self.ctx = ctx
        self.tips = TipConversation(ctx)
        self.followup = FollowUpConversation(ctx)
        self.offered = OfferedChoices()
        self._channel = channel
        self._text_limit = text_limit

    async def on_event(self, event: InboundEvent) -> None:
        if event.group is not None:
            log.debug("Zalo: a %s event in an OA group is not handled", event.event_name)
            return
        pseudonym = self.ctx.anonymizer.pseudonym_of_address(event.sender)
        anonymizer = self.ctx.anonymizer
        tipster = Tipster(pseudonym, lambda: anonymizer.seal_address(event.sender),
                          event.sender.channel)
        reply = ZaloReply(self._channel, self._text_limit, self.ctx.tr, event.sender, pseudonym,
                          self.offered)
        try:
            await self._run(event, tipster, reply)
        except Undelivered as error:
            # What the person did is done (a part added, a tip filed: its receipt then goes
            # through the outbox); only the answer was lost. Not raised: Zalo would post the
            # event again and it would be done twice.
            log.warning("Zalo: an answer to a %s event could not be sent (%s)",
                        event.event_name, error.kind)
        # The person wrote: Zalo's reply window is open again for what waited for it.
        await send_waiting_questions(self.ctx, event.sender)

    async def _run(self, event: InboundEvent, tipster: Tipster, reply: ZaloReply) -> None:
        if event.kind is EventKind.TEXT:
            await self._text(event.text, tipster, reply)
        elif event.kind is EventKind.LOCATION and event.attachments:
            place = event.attachments[0]
            if place.latitude is None or place.longitude is None:
                await self._part(Part(None, "zalo.only_text"), tipster, reply)
            else:
                await self._part(Part(TipItem(ItemKind.LOCATION, None,
                                              f"{place.latitude},{place.longitude}")),
                                 tipster, reply)
        elif event.kind in _MEDIA:
            await self._part(Part(None, "zalo.only_text"), tipster, reply)
        # follow, unfollow and anything else: nothing to answer.

    async def _text(self, text: str, tipster: Tipster, reply: ZaloReply) -> None:
        typed = command_of(text)
        if typed is not None:
            await self._command(typed, tipster, reply)
            return
        action = self.offered.chosen(tipster.pseudonym, text)
        if action is not None:
            await self.tips.choose(tipster, action, reply)
            return
        await self._part(Part(TipItem(ItemKind.TEXT, text)), tipster, reply)

    async def _command(self, typed: Typed, tipster: Tipster, reply: ZaloReply) -> None:
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
        else:  # help, start, or a command Zalo residents do not have
            await reply(Answer(self.ctx.tr("zalo.help")))

    async def _part(self, part: Part, tipster: Tipster, reply: ZaloReply) -> None:
        async def read_part() -> Part:
            return part

        await self.tips.add_part(tipster, read_part, reply)
