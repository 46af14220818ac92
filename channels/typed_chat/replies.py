"""The core's answers (``core.answers``) drawn in a typed chat (Zalo OA, Zalo Bot), and the
choices remembered so the person's next words can pick one.

An answer with choices is its text, then the choices as numbered lines (a client that shows no
buttons, or a person who prefers typing, answers "2"). A channel whose buttons send their title
back as the person's text (the Zalo OA's ``oa.query.hide``) also gets them as buttons, up to
its ``max_buttons``; more choices than that (a long unit list) are numbered lines only, and a
channel with no buttons at all (the Zalo Bot) passes ``max_buttons=0``. Neither Zalo platform
can edit a message, so new choices (``Shown.NEW_CHOICES``) are a new message, and an alert is a
plain message.

The choices last offered are kept in memory per pseudonym (never the Zalo id): a restart forgets
them, and a number typed after it is answered as any other words.
"""

from __future__ import annotations

from channels.numbered_choices import numbered_text
from channels.text_parts import split_text
from core.address import Address
from core.answers import Answer, Choice, Undelivered
from core.i18n import Translator
from core.outbound import Button, OutboundMessage, SendFailure
from core.outbound import Channel as OutboundChannel

# Pseudonyms whose choices are kept at once: enough for every resident writing in a day; the
# oldest is dropped first, so memory stays bounded whatever happens.
MAX_REMEMBERED = 10_000


class OfferedChoices:
    """The choices last shown to each person, by pseudonym."""

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._offered: dict[str, tuple[Choice, ...]] = {}
        self._limit = limit

    def offer(self, pseudonym: str, choices: tuple[Choice, ...]) -> None:
        self._offered.pop(pseudonym, None)
        if choices:
            self._offered[pseudonym] = choices
            while len(self._offered) > self._limit:
                del self._offered[next(iter(self._offered))]

    def forget(self, pseudonym: str) -> None:
        self._offered.pop(pseudonym, None)

    def chosen(self, pseudonym: str, text: str) -> str | None:
        """The action of the choice ``text`` picks (its number, or its label as a button sends
        it back); None when it picks none."""
        choices = self._offered.get(pseudonym, ())
        typed = text.strip()
        number = typed.rstrip(".)")
        if number.isascii() and number.isdigit() and 1 <= int(number) <= len(choices):
            return choices[int(number) - 1].action
        folded = typed.casefold()
        for choice in choices:
            if choice.label.strip().casefold() == folded:
                return choice.action
        return None


def drawn(tr: Translator, answer: Answer, text_limit: int, max_buttons: int
          ) -> list[OutboundMessage]:
    """The messages that show ``answer`` in a typed chat (the choices with the last one)."""
    choices = answer.all_choices
    if not choices:
        return [OutboundMessage(part) for part in split_text(answer.text, text_limit,
                                                             answer.label)]
    buttons = tuple((Button(choice.label, callback=choice.label),) for choice in choices)
    text = numbered_text(tr, answer.text, buttons)
    parts = split_text(text, text_limit, answer.label)
    last = OutboundMessage(parts[-1], buttons if len(choices) <= max_buttons else ())
    return [*(OutboundMessage(part) for part in parts[:-1]), last]


class TypedReply:
    """A :class:`core.answers.Reply` to one person's typed chat."""

    def __init__(self, channel: OutboundChannel, text_limit: int, max_buttons: int,
                 tr: Translator, to: Address, pseudonym: str, offered: OfferedChoices) -> None:
        self._channel = channel
        self._text_limit = text_limit
        self._max_buttons = max_buttons
        self._tr = tr
        self._to = to
        self._pseudonym = pseudonym
        self._offered = offered

    async def __call__(self, answer: Answer) -> None:
        # Remembered before sending: a person who saw the buttons of an earlier failed attempt
        # still picks from what they were last shown by the time they answer.
        self._offered.offer(self._pseudonym, answer.all_choices)
        try:
            for message in drawn(self._tr, answer, self._text_limit, self._max_buttons):
                await self._channel.send(self._to, message)
        except SendFailure as error:
            # The kind only: the platform's error text can name the person.
            raise Undelivered(type(error).__name__) from error
