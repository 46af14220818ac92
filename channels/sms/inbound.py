"""Texts people send to the gateway phone, answered by SMS (SPEC §13): ``DK MÃ`` subscribes the
sender to a unit's security texts, ``HUY`` always unsubscribes, anything else gets a one-SMS
help. ``TB``/``TT``/``TL`` (tips by SMS) are handed to ``on_tip_text`` when the bot wires the
tips use cases to it; until then they too get the help.

Each answer goes out through the :class:`SmsChannel` with a key made from the incoming text's id,
so a webhook the gateway posts twice is answered once. The sender stays ``sms:<sealed>``
throughout; a failed answer is logged with its reason only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from broadcasts.sms_subscribers import SmsSubscribers, Subscription
from channels.sms.channel import MAX_KEY_LENGTH, SmsChannel
from channels.sms.keywords import Keyword, KeywordText, read_keyword
from channels.sms.provider import InboundText
from core.answers import Undelivered
from core.i18n import Translator
from core.outbound import IDEMPOTENCY_KEY, OutboundMessage, SendFailure

log = logging.getLogger(__name__)
T = TypeVar("T")

TipTextHandler = Callable[[InboundText, KeywordText], Awaitable[None]]
# A text that is no keyword: True when it was handled (a numbered choice), else the help.
OtherTextHandler = Callable[[InboundText], Awaitable[bool]]
_TIP_KEYWORDS = (Keyword.TIP, Keyword.STATUS, Keyword.REPLY)


class SmsInbound:
    def __init__(self, subscribers: SmsSubscribers, channel: SmsChannel, tr: Translator, *,
                 unit_name: Callable[[str], str],
                 on_tip_text: TipTextHandler | None = None,
                 on_other_text: OtherTextHandler | None = None) -> None:
        self._subscribers = subscribers
        self._channel = channel
        self._tr = tr
        self._unit_name = unit_name
        self._on_tip_text = on_tip_text
        self._on_other_text = on_other_text
        # With tips wired, the help names TB/TT/TL too.
        self._help = "sms.reply.help" if on_tip_text is None else "sms.reply.help_with_tips"

    async def on_text(self, inbound: InboundText) -> None:
        said = read_keyword(inbound.text)
        if said.keyword is Keyword.SUBSCRIBE:
            await self._subscribe(inbound, said.rest)
        elif said.keyword is Keyword.UNSUBSCRIBE:
            removed = await self._subscribers.unsubscribe_sender(inbound.sender)
            await self._answer(inbound, "sms.reply.unsubscribed" if removed
                               else "sms.reply.not_subscribed")
        elif said.keyword in _TIP_KEYWORDS and self._on_tip_text is not None:
            await self._undelivered_is_done(self._on_tip_text(inbound, said), said.keyword)
        elif self._on_other_text is None or not await self._undelivered_is_done(
                self._on_other_text(inbound), None):
            await self._answer(inbound, self._help)

    @staticmethod
    async def _undelivered_is_done(handling: Awaitable[T], keyword: Keyword | None,
                                   ) -> T | bool:
        """What the person did is done (a tip filed, a part added: the officers' notices go
        through the outbox); only the answer SMS was lost (the month's budget spent, the
        number unreachable). Not raised: the gateway would post the text again and it would be
        done twice (as ``channels.typed_chat.conversation`` does for Zalo)."""
        try:
            return await handling
        except Undelivered as error:
            log.warning("SMS: the answer to a %s text could not be sent (%s)",
                        keyword.name if keyword else "numbered", error.kind)
            return True

    async def _subscribe(self, inbound: InboundText, rest: str) -> None:
        code = rest.split()[0] if rest.split() else ""
        if not code:
            await self._answer(inbound, "sms.reply.subscribe_usage")
            return
        result = await self._subscribers.subscribe_sender(inbound.sender, code)
        if result.outcome is Subscription.UNKNOWN_UNIT:
            await self._answer(inbound, "sms.reply.unknown_unit", code=code[:32])
        else:
            await self._answer(inbound, "sms.reply.subscribed", unit=result.unit_code,
                               unit_name=self._unit_name(result.unit_code))

    async def _answer(self, inbound: InboundText, key: str, **params: object) -> None:
        reply_key = f"re-{inbound.message_id}"[:MAX_KEY_LENGTH]
        message = OutboundMessage(self._tr(key, **params), extra={IDEMPOTENCY_KEY: reply_key})
        try:
            await self._channel.send(inbound.sender, message)
        except SendFailure as failure:
            log.warning("SMS answer (%s) not sent: %s", key, failure.reason)
