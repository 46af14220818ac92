"""A person's 1:1 chat with the Zalo Bot: each update (``updates.BotUpdate``) as what the person
said (``channels.typed_chat.conversation.Said``), answered by the typed chat shared with the Zalo
OA channel (SPEC §3, §13): tips, ``/trangthai``, ``/traloi``, ``/baomat``, ``/huy`` and "báo tin"
typed as text, choices as numbered lines (the platform has no buttons).

The sender's address is the private chat, ``zalo_bot:<chat_id>``: it becomes a pseudonym and,
only when a tip is filed, a sealed relay link, inside the shared conversation; staff questions
come back through that link and the outbox like any relay. A photo is a part of the tip: the
typed chat downloads it from the link in the update, strips its metadata and keeps the copy
officers get, as for the OA. Stickers and the kinds the platform delivers as
``message.unsupported.received`` are not taken (``zalo_media.bot_not_taken``). Updates from
group chats are not handled: the platform's bots cannot
join groups today (``getMe``: ``can_join_groups`` false).
"""

from __future__ import annotations

import logging

from channels.typed_chat.conversation import Attachment, ChatTexts, Said, TypedConversation
from channels.zalo_bot.updates import BotUpdate, UpdateKind
from core.outbound import Channel as OutboundChannel
from tips.context import TipsContext
from tips.received_media import ReceivedKind

log = logging.getLogger(__name__)

TEXTS = ChatTexts(help="zalo.help", only_text="zalo_media.bot_not_taken")


def said_in(update: BotUpdate) -> Said:
    if update.kind is UpdateKind.TEXT:
        return Said(text=update.text, kind=update.event_name)
    if update.kind is UpdateKind.IMAGE and update.photo_url:
        return Said(attachment=Attachment(ReceivedKind.PHOTO, update.photo_url,
                                          caption=update.text), kind=update.event_name)
    return Said(media=True, kind=update.event_name)


class ZaloBotConversation:
    """The bot's side of every private chat; :meth:`on_update` is the receivers' callback."""

    def __init__(self, ctx: TipsContext, channel: OutboundChannel, text_limit: int) -> None:
        self.chat = TypedConversation(ctx, channel, text_limit=text_limit, max_buttons=0,
                                      texts=TEXTS, channel_name="Zalo Bot")

    async def on_update(self, update: BotUpdate) -> None:
        if not update.private:
            log.debug("Zalo Bot: a %s update in a group chat is not handled", update.event_name)
            return
        await self.chat.on_said(update.chat, said_in(update))
