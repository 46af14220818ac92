"""Anonymous tips by SMS (SPEC §13, two-way gateway only): ``TB nội dung`` files a tip, ``TT MÃ``
gives its state, ``TL MÃ nội dung`` adds to it or answers an officer's question. A thin adapter
onto the same use cases Telegram's handlers call (``tips.conversation``,
``tips.followup_conversation``), so limits, blocks, receipts and staff notices are the same.

Who is writing: the webhook receiver hands over ``sms:<sealed>`` (a fresh nonce each time). The
pseudonym is computed from the *opened* number's address ``sms:+84…``, so the same phone has the
same pseudonym at every text (limits and blocks hold). The relay link seals ``sms:<sealed>``
again: an officer's question goes through the outbox to that address, and the SMS adapter opens
the inner seal only to send.

A tip filed without a unit the sender used before waits for one: a subscriber's unit is taken;
anyone else gets the units as numbered lines, and a text that is just a number chooses. The
last choices sent to each sender are kept in memory; the tip waiting for its unit is a draft in
the database. After a restart the list is gone but the draft is not: a number then gets the
list again, from the top, with a line saying the tip is kept (the number is not guessed at: the
list it answered may have been a level further down the tree).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from channels.numbered_choices import Buttons, chosen_callback
from channels.sms.channel import SmsChannel
from channels.sms.keywords import Keyword, KeywordText
from channels.sms.provider import InboundText
from core.address import Address
from core.answers import Answer, Reply, Undelivered
from core.i18n import Translator
from core.outbound import IDEMPOTENCY_KEY, Button, OutboundMessage, SendFailure
from core.tip_links import is_small_number
from tips.conversation import TipConversation, Tipster
from tips.flow_answers import CHOOSE, OPEN
from tips.followup_conversation import FollowUpConversation
from tips.intake import Step
from tips.visible_text import has_visible_text

log = logging.getLogger(__name__)

UnitOfSender = Callable[[Address], Awaitable[str | None]]
MAX_REMEMBERED = 10_000  # senders whose last choices are kept (oldest forgotten first)


class SenderKeys(Protocol):
    """What is needed of ``tips.anonymity.Anonymizer``."""

    def open_address(self, relay_link: str) -> Address | None: ...

    def seal_address(self, address: Address) -> str: ...

    def pseudonym_of_address(self, address: Address) -> str: ...


class SmsTips:
    def __init__(self, conversation: TipConversation, followup: FollowUpConversation,
                 keys: SenderKeys, channel: SmsChannel, tr: Translator, *,
                 unit_of_sender: UnitOfSender) -> None:
        self._conversation = conversation
        self._followup = followup
        self._keys = keys
        self._channel = channel
        self._tr = tr
        self._unit_of_sender = unit_of_sender
        self._choices: dict[str, Buttons] = {}

    def tipster_of(self, sender: Address) -> Tipster | None:
        """The pseudonym of the number behind ``sender`` and its sealed relay link; None when
        the sealed sender does not open (another key)."""
        number = self._keys.open_address(sender.id)
        if number is None:
            return None
        return Tipster(self._keys.pseudonym_of_address(number),
                       lambda: self._keys.seal_address(sender), sender.channel)

    async def on_tip_text(self, inbound: InboundText, said: KeywordText) -> None:
        tipster = self.tipster_of(inbound.sender)
        if tipster is None:
            return
        reply = self._reply(inbound, tipster)
        if said.keyword is Keyword.TIP:
            await self._tip(inbound, tipster, said.rest, reply)
        elif said.keyword is Keyword.STATUS:
            words = said.rest.split()
            if len(words) != 1:
                await reply(Answer(self._tr("sms.tips.status_usage")))
                return
            await self._followup.status(tipster.pseudonym, None, words, reply)
        elif said.keyword is Keyword.REPLY:
            words = said.rest.split(maxsplit=1)
            if len(words) < 2 or not has_visible_text(words[1]):
                await reply(Answer(self._tr("sms.tips.reply_usage")))
                return
            await self._followup.relay(tipster.pseudonym, None, words[0], words[1].strip(),
                                       reply)

    async def on_number(self, inbound: InboundText) -> bool:
        """A text that is the number of a choice sent before: chosen. False otherwise."""
        tipster = self.tipster_of(inbound.sender)
        if tipster is None:
            return False
        action = chosen_callback(inbound.text, self._choices.get(tipster.pseudonym, ()))
        if action is None:
            if tipster.pseudonym in self._choices or not is_small_number(inbound.text.strip()):
                return False
            return await self._ask_for_unit_again(inbound, tipster)
        self._choices.pop(tipster.pseudonym, None)
        await self._conversation.choose(tipster, action, self._reply(inbound, tipster))
        return True

    async def _ask_for_unit_again(self, inbound: InboundText, tipster: Tipster) -> bool:
        """A number with no list in memory (the bot restarted): a tip waiting for its unit gets
        the list again; anything else is not a choice."""
        draft = await self._conversation.intake.draft_of(tipster.pseudonym)
        if draft is None or draft.step not in (Step.UNIT, Step.UNIT_THEN_SUBMIT):
            return False
        asked = self._conversation.step_answer(draft)
        await self._reply(inbound, tipster)(dataclasses.replace(
            asked, text="\n".join((self._tr("sms.tips.choose_again"), asked.text))))
        return True

    async def _tip(self, inbound: InboundText, tipster: Tipster, words: str,
                   reply: Reply) -> None:
        if not has_visible_text(words):
            await reply(Answer(self._tr("sms.tips.tip_usage")))
            return
        asked_for_unit: list[Answer] = []

        async def unless_unit_asked(answer: Answer) -> None:
            if _asks_for_unit(answer):
                asked_for_unit.append(answer)
            else:
                await reply(answer)

        await self._conversation.tip_command(tipster, words, unless_unit_asked)
        if not asked_for_unit:
            return
        unit = await self._unit_of_sender(inbound.sender)
        if unit is not None:  # a subscriber: their unit, as if they had chosen it
            await self._conversation.choose(tipster, f"{CHOOSE}:{unit}", reply)
        else:
            await reply(asked_for_unit[0])

    def _reply(self, inbound: InboundText, tipster: Tipster) -> Reply:
        """Answers by SMS to the sender; each SMS has its own key made from the incoming text's
        id, so a webhook posted twice is not answered twice. An answer about a tip (labelled:
        ``TT MÃ`` with a long exchange) goes whole in several SMS, as a question does; any
        other is one SMS."""
        numbers = itertools.count(1)

        async def reply(answer: Answer) -> None:
            buttons = tuple(tuple(Button(c.label, callback=c.action) for c in row)
                            for row in answer.choices)
            if buttons:
                self._remember(tipster.pseudonym, buttons)
            message = OutboundMessage(answer.text, buttons=buttons, label=answer.label)
            parts = self._channel.parts_of(message) if answer.label else [message]
            try:
                for part in parts:
                    await self._channel.send(inbound.sender, dataclasses.replace(part, extra={
                        **part.extra, IDEMPOTENCY_KEY: f"re-{inbound.message_id}-{next(numbers)}"}))
            except SendFailure as failure:
                log.warning("SMS answer not sent: %s", type(failure).__name__)
                raise Undelivered(type(failure).__name__) from None

        return reply

    def _remember(self, pseudonym: str, buttons: Buttons) -> None:
        self._choices.pop(pseudonym, None)
        self._choices[pseudonym] = buttons
        while len(self._choices) > MAX_REMEMBERED:
            del self._choices[next(iter(self._choices))]


def _asks_for_unit(answer: Answer) -> bool:
    """The flow's unit list (``tips.flow_answers.unit_choices``: units, and "cancel")."""
    return any(choice.action.startswith((f"{CHOOSE}:", f"{OPEN}:"))
               for choice in answer.all_choices)
