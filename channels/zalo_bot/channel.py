"""The :class:`core.outbound.Channel` for a Zalo Bot: ``sendMessage`` to ``zalo_bot:<chat_id>``
through :class:`api.ZaloBotApi`.

What the platform lets a bot do, as :class:`Capabilities`:

* 2000 characters a message (the documentation's limit on ``text``; counted here in UTF-16 units
  like Telegram's, never more lenient than a count in characters);
* no buttons of any kind: choices are numbered lines (``channels.numbered_choices``), answered
  with the number; a link is written out after its choice;
* no media the core can hand it: ``sendPhoto`` takes a public URL, the core's media are
  platform file ids; no silent sends, no edits, no replies, no deep links (a bot's link opens
  its chat with no start parameter);
* rates: the platform publishes none; the senders stay at Telegram's figures.

The platform's message ids become the core's integers by
``channels.zalo_message_ids.message_number``.
"""

from __future__ import annotations

from channels.numbered_choices import numbered_text
from channels.text_parts import split_message
from channels.zalo_bot.addresses import chat_id_of
from channels.zalo_bot.api import SEND_MESSAGE, BotApiError, BotTransportError, ZaloBotApi
from channels.zalo_bot.failures import classify
from channels.zalo_message_ids import message_number
from core.address import Address, AddressError
from core.capabilities import ButtonStyle, Capabilities, RateLimits, utf16_length
from core.i18n import DEFAULT_LANGUAGE, Translator
from core.outbound import Button, ChatUnavailable, OutboundMessage, Rejected

TEXT_LIMIT = 2000

CAPABILITIES = Capabilities(
    text_limit=TEXT_LIMIT, caption_limit=0, buttons=ButtonStyle.NONE, url_buttons=False,
    max_buttons=0, media=frozenset(), silent_sends=False, edits=False, replies=False,
    deep_links=False,
    rate=RateLimits(messages_per_second=20, group_messages_per_minute=20,
                    private_interval_seconds=1.0),
    measure=utf16_length)

class ZaloBotChannel:
    capabilities = CAPABILITIES
    text_limit = CAPABILITIES.text_limit

    def __init__(self, api: ZaloBotApi, tr: Translator | None = None) -> None:
        self._api = api
        # The deployment's language, for the line under numbered choices.
        self._tr = tr or Translator(DEFAULT_LANGUAGE)

    def parts_of(self, message: OutboundMessage) -> list[OutboundMessage]:
        return split_message(message, self.text_limit)

    async def send(self, to: Address, message: OutboundMessage) -> int:
        try:
            chat_id = chat_id_of(to)
        except AddressError as error:
            raise ChatUnavailable(str(error)) from error
        if message.media is not None:
            raise Rejected(f"a Zalo Bot carries no {message.media.kind} (capabilities.media)")
        text = numbered_text(self._tr, message.text, message.buttons)
        if utf16_length(text) > TEXT_LIMIT:
            raise Rejected(f"text longer than {TEXT_LIMIT} characters")
        try:
            result = await self._api.call(SEND_MESSAGE, {"chat_id": chat_id, "text": text})
        except (BotApiError, BotTransportError) as error:
            raise classify(error) from None
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return message_number(str(message_id or ""))

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        raise Rejected("a Zalo Bot message cannot be edited")
