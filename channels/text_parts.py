"""A text longer than one message, as the several messages a channel takes (SPEC §12: a
question of any length a staff message may have arrives whole, in order).

The domain says what is sent; the channel says how long one message may be (its
``text_limit``); this is where the two meet. Each part of a split text starts with what it
belongs to and its place, ``TIP-7K3M9Q (1/2)``, so whoever reads one part knows there is more
and which tip it is about. Texts are cut at a paragraph, a line or a space where one is near the
end of the room, never inside a word when avoidable. Lengths are counted in UTF-16 code units,
as Telegram counts them (an emoji outside the basic plane takes two).
"""

from __future__ import annotations

import dataclasses
import unicodedata

from core.capabilities import utf16_length
from core.outbound import OutboundMessage

# A part's header leaves room for this many parts; more never happens (a staff message is one
# message long, a tip's text a few), and would only make the headers a little longer.
_MOST_PARTS = 999
_SEPARATORS = ("\n\n", "\n", " ")


def _header(label: str | None, number: int, count: int) -> str:
    place = f"({number}/{count})"
    return f"{label} {place}\n" if label else f"{place}\n"


def _fitting_prefix(text: str, room: int) -> int:
    """How many characters of ``text`` fit in ``room`` UTF-16 code units."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            return index
    return len(text)


def _cut(text: str, room: int) -> tuple[int, int]:
    """Where the first part ends and the rest begins."""
    end = _fitting_prefix(text, room)
    for separator in _SEPARATORS:
        at = text.rfind(separator, 0, end)
        if at >= end // 2:
            return at, at + len(separator)
    # No break near the end: cut, but not between a letter and its combining accent.
    while end > 1 and unicodedata.combining(text[end]):
        end -= 1
    return end, end


def split_text(text: str, limit: int, label: str | None = None) -> list[str]:
    """``text`` as parts of at most ``limit`` code units each, in order; one part, unchanged,
    when it fits."""
    if utf16_length(text) <= limit:
        return [text]
    room = limit - utf16_length(_header(label, _MOST_PARTS, _MOST_PARTS))
    if room < 1:
        raise ValueError(f"a limit of {limit} leaves no room beside the part headers")
    chunks: list[str] = []
    rest = text
    while rest:
        if utf16_length(rest) <= room:
            chunks.append(rest)
            break
        end, start = _cut(rest, room)
        chunk = rest[:end].rstrip()
        if chunk:
            chunks.append(chunk)
        rest = rest[start:].lstrip()
    return [_header(label, number, len(chunks)) + chunk
            for number, chunk in enumerate(chunks, start=1)]


def split_message(message: OutboundMessage, limit: int) -> list[OutboundMessage]:
    """The messages that carry ``message`` whole: the first answers what it answered, the last
    carries its buttons (under the end of what they act on). Media captions are not split:
    they are kept short where they are written."""
    if message.media is not None:
        return [message]
    texts = split_text(message.text, limit, message.label)
    if len(texts) == 1:
        return [message]
    last = len(texts) - 1
    return [dataclasses.replace(
        message, text=text, buttons=message.buttons if number == last else (),
        reply_to_message_id=message.reply_to_message_id if number == 0 else None)
        for number, text in enumerate(texts)]
