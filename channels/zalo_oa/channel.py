"""The :class:`core.outbound.Channel` for a Zalo Official Account: consultation messages to a
person (``zalo_oa:user:<id>``, ``POST /v3.0/oa/message/cs``; a person writing without following,
``zalo_oa:anon:<anonymous_id>:<conversation_id>``, by the same call with the anonymous recipient
of ``api.ANONYMOUS_RECIPIENT_KEYS``) and GMF messages to an OA group
(``zalo_oa:group:<id>``, ``api.GROUP_MESSAGE``), through :class:`api.ZaloApi`.

What Zalo lets an OA do, as :class:`Capabilities`:

* 2000 characters a message, caption included (Zalo's limit on ``message.text``; counted here in
  UTF-16 units like Telegram's, which is never more lenient than Zalo's own count);
* buttons that send a text back (``oa.query.hide``) and buttons that open a link, at most 5, in
  consultation messages only (``bodies``);
* photos and files; no silent sends, no edits, no replies to an earlier message;
* the reply window: consultation messages reach a person only within 7 days of their last
  message (Zalo error -230 outside it: ``failures.OutsideReplyWindow``);
* rates: Zalo publishes no figure, only that the call rate is counted per minute (-32); the
  senders stay well under the 20 requests a second public integration guides report.

Zalo's message ids become the core's integers by ``channels.zalo_message_ids.message_number``.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from channels.text_parts import split_message
from channels.zalo_message_ids import message_number
from channels.zalo_oa.addresses import RecipientKind, recipient_of
from channels.zalo_oa.api import (
    ANONYMOUS_RECIPIENT_KEYS,
    CONSULTATION_MESSAGE,
    GROUP_MESSAGE,
    GROUP_RECIPIENT_KEY,
    ZaloApi,
    ZaloApiError,
    ZaloTransportError,
)
from channels.zalo_oa.bodies import MAX_BUTTONS, message_body
from channels.zalo_oa.failures import QUOTA_WAIT, RATE_LIMIT_WAIT, classify
from channels.zalo_oa.media_files import ZaloMediaFiles
from core.address import Address, AddressError
from core.capabilities import ButtonStyle, Capabilities, RateLimits, utf16_length
from core.i18n import DEFAULT_LANGUAGE, Translator
from core.outbound import (
    Button,
    ChatUnavailable,
    MediaKind,
    OutboundMessage,
    Rejected,
)

TEXT_LIMIT = 2000
OA_LINK = "https://zalo.me/"  # + the OA's id: opens the OA's chat in Zalo
REPLY_WINDOW = timedelta(days=7)

CAPABILITIES = Capabilities(
    text_limit=TEXT_LIMIT, caption_limit=TEXT_LIMIT, buttons=ButtonStyle.TEXT_REPLY,
    url_buttons=True, max_buttons=MAX_BUTTONS,
    media=frozenset({MediaKind.PHOTO, MediaKind.DOCUMENT}), silent_sends=False, edits=False,
    replies=False,
    # https://zalo.me/<oa_id> opens the OA's chat (``ZaloOAChannel`` draws a ``Button.start`` as
    # that link: the "Báo tin" link under a bulletin); it carries no start parameter, so the
    # resident types "báo tin" there. Off until the channel knows its OA id.
    deep_links=False,
    rate=RateLimits(messages_per_second=10, group_messages_per_minute=20,
                    private_interval_seconds=1.0),
    reply_window=REPLY_WINDOW, measure=utf16_length,
    # GMF group messages carry no buttons (``bodies``): a bulletin there has no "Đã phổ biến".
    group_buttons=False)

class ZaloOAChannel:
    capabilities = CAPABILITIES
    text_limit = CAPABILITIES.text_limit

    def __init__(self, api: ZaloApi, tr: Translator | None = None, *, oa_id: str = "",
                 media: ZaloMediaFiles | None = None) -> None:
        self._api = api
        self.media = media  # a bulletin's Telegram file, uploaded to Zalo (zout)
        # The deployment's language, for the line under numbered choices.
        self._tr = tr or Translator(DEFAULT_LANGUAGE)
        self._oa_link = f"{OA_LINK}{oa_id}" if oa_id else None
        self.capabilities = dataclasses.replace(CAPABILITIES, deep_links=bool(oa_id))
        # How long a row waits after Zalo's rate (-32) and quota (-211, -218) refusals: Zalo
        # names no wait (``failures``); shortened only by the end-to-end tests.
        self.rate_limit_wait = RATE_LIMIT_WAIT
        self.quota_wait = QUOTA_WAIT

    def parts_of(self, message: OutboundMessage) -> list[OutboundMessage]:
        return split_message(message, self.text_limit)

    async def prepare(self, to: Address, message: OutboundMessage) -> OutboundMessage:
        """A bulletin's Telegram file uploaded to Zalo (``media_files``), before the delivery
        engine marks the row ``sending``: nothing is sent to ``to`` here, so a crash or a
        failure during the upload leaves the row pending, never uncertain (SPEC §12)."""
        if self.media is None:
            return message
        return await self.media.uploaded(message)

    async def send(self, to: Address, message: OutboundMessage) -> int:
        try:
            recipient = recipient_of(to)
        except AddressError as error:
            raise ChatUnavailable(str(error)) from error
        in_group = recipient.kind is RecipientKind.GROUP
        if self.media is not None:
            message = await self.media.prepared(message, lambda words: self.send(to, words))
        body = {"message": message_body(self._with_links(message), CAPABILITIES,
                                        in_group=in_group, tr=self._tr)}
        if in_group:
            path, body["recipient"] = GROUP_MESSAGE, {GROUP_RECIPIENT_KEY: recipient.id}
        elif recipient.kind is RecipientKind.ANONYMOUS:
            path, body["recipient"] = CONSULTATION_MESSAGE, dict(zip(
                ANONYMOUS_RECIPIENT_KEYS, (recipient.id, recipient.conversation_id), strict=True))
        else:
            path, body["recipient"] = CONSULTATION_MESSAGE, {"user_id": recipient.id}
        try:
            data = await self._api.post(path, body)
        except (ZaloApiError, ZaloTransportError) as error:
            media_failure = (await self.media.failure_of(error, message)
                             if self.media is not None else None)
            raise media_failure or classify(error, rate_limit_wait=self.rate_limit_wait,
                                            quota_wait=self.quota_wait) from error
        return message_number(str(data.get("message_id", "")))

    def _with_links(self, message: OutboundMessage) -> OutboundMessage:
        """A deep link (``Button.start``) is the OA's chat link: Zalo's has no start parameter."""
        if not any(button.start for row in message.buttons for button in row):
            return message
        if self._oa_link is None:
            raise Rejected("no Zalo OA id to link to")
        rows = tuple(tuple(Button(button.text, url=self._oa_link) if button.start else button
                           for button in row) for row in message.buttons)
        return dataclasses.replace(message, buttons=rows)

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        raise Rejected("a Zalo OA message cannot be edited")
