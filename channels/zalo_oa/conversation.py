"""A person's 1:1 chat with the OA: its webhook events (``inbound.InboundEvent``) as what the
person said (``channels.typed_chat.conversation.Said``), answered by the typed chat shared with
the Zalo Bot channel (SPEC §3, §13). The sender's address is ``zalo_oa:user:<id>``.

What is the OA's own: up to 5 choices also come as ``oa.query.hide`` buttons (``bodies``), a
location without coordinates is not a place, group events (GMF) are not handled here, and after
each message the questions that waited for Zalo's reply window to open again are sent
(``waiting_questions``).

Images, files, voice messages (``audio``) and videos arrive as a link to Zalo's CDN in
``message.attachments[0].payload.url`` (``user_send_image`` / ``_file`` / ``_audio`` /
``_video`` and their ``anonymous_send_*`` twins; a file also names itself in ``payload.name``;
``emulators.zalo_oa.user_actions`` cites the shapes): they become :class:`Attachment` parts, which
the typed chat downloads and cleans. Stickers, GIFs and links are not tip parts.
"""

from __future__ import annotations

import logging

from channels.typed_chat.conversation import Attachment, ChatTexts, Said, TypedConversation
from channels.zalo_oa.bodies import MAX_BUTTONS
from channels.zalo_oa.inbound import EventKind, InboundEvent
from channels.zalo_oa.waiting_questions import send_waiting_questions
from core.outbound import Channel as OutboundChannel
from tips.context import TipsContext
from tips.received_media import ReceivedKind

log = logging.getLogger(__name__)

_FILES = {EventKind.IMAGE: ReceivedKind.PHOTO, EventKind.FILE: ReceivedKind.FILE,
          EventKind.AUDIO: ReceivedKind.VOICE, EventKind.VIDEO: ReceivedKind.VIDEO}
_NOT_TAKEN = frozenset({EventKind.GIF, EventKind.STICKER, EventKind.LINK})
TEXTS = ChatTexts(help="zalo.help", only_text="zalo_media.not_taken")


def said_in(event: InboundEvent) -> Said | None:
    """What the person said, or None for an event with nothing to answer (follow, unfollow)."""
    if event.kind is EventKind.TEXT:
        return Said(text=event.text, kind=event.event_name)
    if event.kind is EventKind.LOCATION and event.attachments:
        place = event.attachments[0]
        if place.latitude is not None and place.longitude is not None:
            return Said(location=(place.latitude, place.longitude), kind=event.event_name)
        return Said(media=True, kind=event.event_name)
    if event.kind in _FILES:
        linked = next((a for a in event.attachments if a.url), None)
        if linked is None:  # nothing to download: said like a kind not taken
            return Said(media=True, kind=event.event_name)
        return Said(attachment=Attachment(_FILES[event.kind], linked.url, linked.name,
                                          event.text), kind=event.event_name)
    if event.kind in _NOT_TAKEN:
        return Said(media=True, kind=event.event_name)
    return None


class ZaloConversation:
    """The OA's side of every 1:1 chat; :meth:`on_event` is the webhook's callback."""

    def __init__(self, ctx: TipsContext, channel: OutboundChannel, text_limit: int) -> None:
        self.ctx = ctx
        self.chat = TypedConversation(ctx, channel, text_limit=text_limit,
                                      max_buttons=MAX_BUTTONS, texts=TEXTS, channel_name="Zalo")

    async def on_event(self, event: InboundEvent) -> None:
        if event.group is not None:
            log.debug("Zalo: a %s event in an OA group is not handled", event.event_name)
            return
        said = said_in(event)
        if said is not None:
            await self.chat.on_said(event.sender, said)
        # The person wrote: Zalo's reply window is open again for what waited for it.
        await send_waiting_questions(self.ctx, event.sender)
