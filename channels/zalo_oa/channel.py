"""The :class:`core.outbound.Channel` for a Zalo Official Account: consultation messages to a
person (``zalo_oa:user:<id>``, ``POST /v3.0/oa/message/cs``) and GMF messages to an OA group
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

Zalo's message ids are 20 hex digits (80 bits); the core keeps an integer per message, so
:func:`message_number` keeps their low 63 bits. Nothing is looked up on Zalo by it: Zalo has no
edits, and quoting is not used.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from channels.text_parts import split_message
from channels.zalo_oa.addresses import RecipientKind, recipient_of
from channels.zalo_oa.api import (
    CONSULTATION_MESSAGE,
    GROUP_MESSAGE,
    GROUP_RECIPIENT_KEY,
    ZaloApi,
    ZaloApiError,
    ZaloTransportError,
)
from channels.zalo_oa.bodies import MAX_BUTTONS, message_body
from channels.zalo_oa.failures import classify
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
REPLY_WINDOW = timedelta(days=7)

CAPABILITIES = Capabilities(
    text_limit=TEXT_LIMIT, caption_limit=TEXT_LIMIT, buttons=ButtonStyle.TEXT_REPLY,
    url_buttons=True, max_buttons=MAX_BUTTONS,
    media=frozenset({MediaKind.PHOTO, MediaKind.DOCUMENT}), silent_sends=False, edits=False,
    replies=False,
    # https://zalo.me/<oa_id> opens the OA's chat, but cannot start the tip flow by itself
    # (no start parameter): the resident types "báo tin".
    deep_links=False,
    rate=RateLimits(messages_per_second=10, group_messages_per_minute=20,
                    private_interval_seconds=1.0),
    reply_window=REPLY_WINDOW, measure=utf16_length)

_MASK_63 = (1 << 63) - 1


def message_number(message_id: str) -> int:
    """Zalo's message id as the integer the core keeps (see the module docstring)."""
    try:
        return int(message_id, 16) & _MASK_63
    except ValueError:
        return int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:8]) & _MASK_63


class ZaloOAChannel:
    capabilities = CAPABILITIES
    text_limit = CAPABILITIES.text_limit

    def __init__(self, api: ZaloApi, tr: Translator | None = None) -> None:
        self._api = api
        # The deployment's language, for the line under numbered choices.
        self._tr = tr or Translator(DEFAULT_LANGUAGE)

    def parts_of(self, message: OutboundMessage) -> list[OutboundMessage]:
        return split_message(message, self.text_limit)

    async def send(self, to: Address, message: OutboundMessage) -> int:
        try:
            recipient = recipient_of(to)
        except AddressError as error:
            raise ChatUnavailable(str(error)) from error
        in_group = recipient.kind is RecipientKind.GROUP
        body = {"message": message_body(message, CAPABILITIES, in_group=in_group,
                                        tr=self._tr)}
        if in_group:
            path, body["recipient"] = GROUP_MESSAGE, {GROUP_RECIPIENT_KEY: recipient.id}
        else:
            path, body["recipient"] = CONSULTATION_MESSAGE, {"user_id": recipient.id}
        try:
            data = await self._api.post(path, body)
        except (ZaloApiError, ZaloTransportError) as error:
            raise classify(error) from error
        return message_number(str(data.get("message_id", "")))

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        raise Rejected("a Zalo OA message cannot be edited")
