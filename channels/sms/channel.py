"""The :class:`core.outbound.Channel` for SMS: what the core sends to an ``sms:<sealed>``
address, drawn as one SMS text and sent through the configured provider (SPEC §13).

An SMS has no buttons, media, captions, replies, edits, silent sends or deep links: choices are
numbered lines, a link is its address written out, media are described by the core in words.
The text is drawn without diacritics in GSM-7 (``channels.sms.gsm7``). What is sent straight
through :meth:`SmsChannel.send` (a bulletin, an alert, an answer to a text) is cut to
``max_segments`` segments with "..." (SPEC §13). What the outbox sends goes through
:meth:`SmsChannel.parts_of` first, and that carries a message *whole* (SPEC §12: an officer's
question of any length arrives whole, in order): a text longer than ``max_segments`` becomes
several SMS, each within it, each starting with what it belongs to and its place
(``TIP-7K3M9Q (1/3)``). The first part carries the segments of them all
(``extra[WHOLE_SEGMENTS]``), and the budget lets it go only if all of them fit: a question is
not started that the budget would stop halfway.

The address holds the number sealed; it is opened only here, at the moment of sending, by the
function the bot gives (``tips.anonymity.Anonymizer.open_address``), and the number goes no
further than the provider's request.

The idempotency key of a send (so that a retry is never a second SMS) comes from the message's
``extra[IDEMPOTENCY_KEY]`` (the delivery row's id, set by whoever queues the send); without one,
each send gets a fresh key and is not protected against duplicates.

The core's texts name Telegram's commands (``/status CODE``, ``/reply CODE``, ``/tip``); an SMS
names the keywords a person texts instead (``TT CODE``, ``TL CODE``, ``TB``), so a receipt or an
officer's question tells the phone's owner what to text back.

With a :class:`channels.sms.budget.SmsBudget`, a send that would take the month's spending past
the budget is refused (``Rejected``) before any request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import uuid
from collections.abc import Callable

from broadcasts.rendering import SMS_VERSION
from channels.sms.budget import SmsBudget
from channels.sms.gsm7 import capacity, cut_to_segments, segment_count, septets, to_gsm7
from channels.sms.provider import SmsProvider
from core.address import Address
from core.capabilities import ButtonStyle, Capabilities, RateLimits
from core.outbound import IDEMPOTENCY_KEY, Button, ChatUnavailable, OutboundMessage, Rejected
from org.phone_numbers import InvalidNumber, PhoneNumber, parse_phone_number
from tips.notices import pieces_of

SMS_CHANNEL = "sms"
# In the first SMS of a message sent in parts: the segments of all its parts, for the budget.
WHOLE_SEGMENTS = "sms_whole_segments"
# A part's header leaves room for this many parts (a staff message is a few SMS at most).
_MOST_PARTS = 99
# SMS Gateway for Android takes an id of at most 36 characters (swagger: MessageState.id);
# eSMS a RequestId of at most 50.
MAX_KEY_LENGTH = 36
# One phone's radio sends about one SMS a second; Android itself may hold an app to fewer
# (see NOTES: the gateway app's limits). Bulletins to subscribers are paced at this.
PHONE_RATE = RateLimits(messages_per_second=0.5, group_messages_per_minute=30,
                        private_interval_seconds=2.0)

AddressOpener = Callable[[str], Address | None]
# Telegram's commands in the core's texts, and what a phone texts instead (channels.sms.keywords).
_KEYWORD_OF_COMMAND = {"/status": "TT", "/reply": "TL", "/tip": "TB"}
_COMMAND = re.compile(r"(?<![\w/])(/status|/reply|/tip)(?![\w])")


def drawn_length(text: str) -> int:
    """The measure of an SMS: GSM-7 septets of the text as it will be drawn."""
    return septets(to_gsm7(text))


def sms_capabilities(max_segments: int) -> Capabilities:
    return Capabilities(
        text_limit=capacity(max_segments), caption_limit=0, buttons=ButtonStyle.NONE,
        url_buttons=False, max_buttons=0, media=frozenset(), silent_sends=False, edits=False,
        replies=False, deep_links=False, rate=PHONE_RATE, reply_window=None,
        measure=drawn_length)


def choices_as_lines(buttons: tuple[tuple[Button, ...], ...]) -> list[str]:
    """Buttons as the lines an SMS can carry: each numbered, a link with its address written
    out ("Trả lời 1, 2 hoặc 3" is answered by the number)."""
    choices = [button for row in buttons for button in row]
    return [f"{number}. {button.text}: {button.url}" if button.url
            else f"{number}. {button.text}" for number, button in enumerate(choices, start=1)]


def sms_text(message: OutboundMessage) -> str:
    """``message`` as SMS words: GSM-7, choices as lines, commands as keywords; not cut."""
    text = "\n".join([message.text, *choices_as_lines(message.buttons)]).strip()
    text = _COMMAND.sub(lambda found: _KEYWORD_OF_COMMAND[found.group(1)], text)
    return to_gsm7(text)


def draw_sms(message: OutboundMessage, max_segments: int) -> str:
    """The one SMS text that carries ``message``, cut to ``max_segments`` when longer: a
    bulletin's SMS version as the officer wrote it (SPEC §13 "Text"), else the message's text
    and choices."""
    own_version = message.extra.get(SMS_VERSION)
    if own_version:
        return cut_to_segments(to_gsm7(own_version), max_segments)
    return cut_to_segments(sms_text(message), max_segments)


def _part_header(label: str | None, number: int, count: int) -> str:
    place = f"({number}/{count})"
    return f"{to_gsm7(label)} {place}\n" if label else f"{place}\n"


def split_sms(text: str, max_segments: int, label: str | None = None) -> list[str]:
    """A GSM-7 ``text`` as consecutive SMS of at most ``max_segments`` segments each, in order,
    each after a header naming ``label`` and its place; ``[text]`` when it fits in one."""
    if segment_count(text) <= max_segments:
        return [text]
    # A segment boundary never splits an escape pair: one septet a boundary may be lost.
    room = (capacity(max_segments) - septets(_part_header(label, _MOST_PARTS, _MOST_PARTS))
            - (max_segments - 1))
    while True:
        pieces = [piece.strip() for piece in pieces_of(text, room, septets)]
        pieces = [piece for piece in pieces if piece]
        parts = [_part_header(label, number, len(pieces)) + piece
                 for number, piece in enumerate(pieces, start=1)]
        if all(segment_count(part) <= max_segments for part in parts) or room <= 1:
            return parts
        room -= 1


def message_number(provider_id: str) -> int:
    """The number the core keeps for a sent SMS: made from the provider's id (the core keeps
    message ids for edits and replies, which an SMS has not)."""
    return int.from_bytes(hashlib.sha256(provider_id.encode()).digest()[:6], "big")


def idempotency_key(message: OutboundMessage) -> str:
    key = message.extra.get(IDEMPOTENCY_KEY) or uuid.uuid4().hex
    if len(key) > MAX_KEY_LENGTH:
        key = hashlib.sha256(key.encode()).hexdigest()[:32]
    return key


class SmsChannel:
    def __init__(self, provider: SmsProvider, open_address: AddressOpener,
                 max_segments: int, budget: SmsBudget | None = None) -> None:
        self.provider = provider
        self.budget = budget
        self._open_address = open_address
        self.max_segments = max_segments
        self.capabilities = sms_capabilities(max_segments)
        self.text_limit = self.capabilities.text_limit

    def parts_of(self, message: OutboundMessage) -> list[OutboundMessage]:
        """The SMS that carry ``message`` whole, in order, each within ``max_segments``."""
        texts = split_sms(sms_text(message), self.max_segments, message.label)
        parts = [dataclasses.replace(message, text=text, buttons=(), media=None,
                                     reply_to_message_id=None, silent=False)
                 for text in texts]
        if len(parts) > 1:
            whole = sum(segment_count(text) for text in texts)
            parts[0] = dataclasses.replace(
                parts[0], extra={**message.extra, WHOLE_SEGMENTS: str(whole)})
        return parts

    def segments_of(self, message: OutboundMessage) -> int:
        """How many SMS segments :meth:`send` bills for ``message`` (the cost shown to an
        officer before sending comes from here, so it is drawn exactly as it will be sent)."""
        return segment_count(draw_sms(message, self.max_segments))

    async def send(self, to: Address, message: OutboundMessage) -> int:
        """Send one SMS; the id returned stands for the provider's message id (the core keeps
        message ids for edits and replies, which an SMS has not)."""
        phone = self._phone_of(to)
        text = draw_sms(message, self.max_segments)
        key = idempotency_key(message)
        if self.budget is None:
            provider_id = await self.provider.send(phone, text, key)
        else:
            provider_id = await self.budget.spend(
                self.segments_of(message), lambda: self.provider.send(phone, text, key),
                whole_segments=int(message.extra.get(WHOLE_SEGMENTS, "0")))
        return message_number(provider_id)

    def _phone_of(self, to: Address) -> PhoneNumber:
        if to.channel != SMS_CHANNEL:
            raise Rejected(f"not an SMS address: channel {to.channel}")
        opened = self._open_address(to.id)
        if opened is None or opened.channel != SMS_CHANNEL:
            raise ChatUnavailable("sms: the sealed address cannot be opened with this key")
        try:
            return parse_phone_number(opened.id)
        except InvalidNumber as refusal:
            raise ChatUnavailable(f"sms: not a mobile number ({refusal.problem.value})") from None

    async def edit_buttons(self, to: Address, message_id: int,
                           buttons: tuple[tuple[Button, ...], ...]) -> None:
        raise Rejected("an SMS cannot be changed once sent (capabilities.edits is False)")
