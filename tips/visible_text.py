"""What counts as written text, and what a staff copy may carry (SPEC §12).

A message of only spaces, zero-width or control characters shows nothing: it is not a tip and
not a follow-up, or officers would count and read blank tips. And a tipster's words reach staff
through the bot's own messages, so characters that change how the rest of a message is shown
(right-to-left overrides that reverse a number plate, NUL and other controls) are taken out of
every staff copy.
"""

from __future__ import annotations

import re
import unicodedata

# Letters and symbols that clients draw as blank space (Hangul fillers, Braille blank, the
# "invisible" mathematical operators): Unicode calls them letters or symbols, a reader sees
# nothing.
_BLANK_GRAPHICS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u2061\u2062\u2063\u2064\u180e")
# Categories that never show on their own: separators, controls, formats (zero-width, bidi),
# unassigned, private use, surrogates, and combining marks with nothing to combine with.
_UNSEEN_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me"})

# Bidi embeddings, overrides, isolates and marks: they reorder what follows in the message.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 controls but tab and newline, DEL, and C1 controls.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_NEUTRALISED = re.compile(f"[{_BIDI}{_CONTROLS}]")


def has_visible_text(text: str | None) -> bool:
    """True when a reader would see at least one character of ``text``."""
    if not text:
        return False
    return any(ch not in _BLANK_GRAPHICS and unicodedata.category(ch) not in _UNSEEN_CATEGORIES
               for ch in text)


def for_staff(text: str) -> str:
    """``text`` as it may appear in a message to staff: bidi controls and control characters
    (but tab and newline) removed, everything else kept as the tipster wrote it."""
    return _NEUTRALISED.sub("", text)
