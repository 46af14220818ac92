"""SMS text: Vietnamese without diacritics in the GSM-7 alphabet, how many segments a text
takes, and a text cut to a number of segments (SPEC §13).

A text written only in the GSM 03.38 default alphabet travels 7 bits a character: 160 characters
in one SMS, 153 per part of a longer one (the 6-byte concatenation header takes 7). One
character outside it (any Vietnamese letter with a mark: ơ, ư, ả…) switches the whole SMS to
UCS-2: 70 characters in one SMS, 67 per part. A bulletin with its marks would cost two to three
times as much, and many older phones show UCS-2 badly, so the SMS version is drawn without them:
every tone and vowel mark removed (NFD, then combining marks dropped), ``đ``→``d``, ``Đ``→``D``,
typographic punctuation as its ASCII look-alike. The characters of the extension table (``{``,
``€``…) are sent as an escape plus the character, so they count two.

The cut marker is ``...`` in a GSM-7 text: ``…`` is not in the GSM alphabet, and adding it would
switch the whole SMS to UCS-2 and halve the room it was cut for.

Sources: 3GPP TS 23.038 §6.2.1 (default alphabet and extension table) and TS 23.040 §9.2.3.24.1
(concatenated SMS header), as summarised on Wikipedia's "GSM 03.38" page.
"""

from __future__ import annotations

import unicodedata

# 3GPP TS 23.038 default alphabet (the escape 0x1B excluded).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Its extension table: each is sent as ESC + character, two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
GSM7_ELLIPSIS = "..."
UCS2_ELLIPSIS = "…"

# Letters NFD does not take apart, and punctuation phones and word processors type.
_LOOK_ALIKES = {
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    "\u2022": "-", "\u00b7": "-",
}


def without_diacritics(text: str) -> str:
    """``text`` with every mark removed and Vietnamese's own letters as their bare Latin
    letter: ``Đội tuần tra ấp Mỹ Hòa`` → ``Doi tuan tra ap My Hoa``."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", "".join(_LOOK_ALIKES.get(ch, ch) for ch in bare))


def to_gsm7(text: str) -> str:
    """``text`` as GSM-7 characters only: without diacritics, and whatever has no GSM form
    (an emoji, a CJK character) left out, with the spaces around it made one."""
    kept = "".join(ch for ch in without_diacritics(text)
                   if ch in GSM7_BASIC or ch in GSM7_EXTENSION)
    return "\n".join(" ".join(line.split()) for line in kept.split("\n")).strip()


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def septets(text: str) -> int:
    """GSM-7 length: extension characters count two. Only for :func:`is_gsm7` texts."""
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def _units(ch: str, gsm7: bool) -> int:
    if gsm7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1  # UCS-2/UTF-16: a surrogate pair takes two


def segment_count(text: str) -> int:
    """How many SMS ``text`` is sent as (what the operator bills). Parts are filled as a phone
    fills them: an escape pair or a surrogate pair is never split across two parts."""
    if not text:
        return 1
    gsm7 = is_gsm7(text)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    total = sum(_units(ch, gsm7) for ch in text)
    if total <= single:
        return 1
    count, used = 1, 0
    for ch in text:
        size = _units(ch, gsm7)
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def capacity(segments: int, *, gsm7: bool = True) -> int:
    """The most units ``segments`` SMS carry."""
    if gsm7:
        return GSM7_SINGLE if segments == 1 else GSM7_PART * segments
    return UCS2_SINGLE if segments == 1 else UCS2_PART * segments


def cut_to_segments(text: str, max_segments: int) -> str:
    """``text`` unchanged when it fits in ``max_segments`` SMS, else cut at a space near the
    end of the room and ended with the ellipsis of its alphabet, so it fits."""
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    if segment_count(text) <= max_segments:
        return text
    gsm7 = is_gsm7(text)
    ellipsis = GSM7_ELLIPSIS if gsm7 else UCS2_ELLIPSIS
    kept = text[:capacity(max_segments, gsm7=gsm7)]
    while kept and segment_count(kept.rstrip() + ellipsis) > max_segments:
        # Remove at least one character, then back to the previous space when one is near.
        kept = kept[:-1]
    space = kept.rfind(" ")
    if space >= len(kept) * 3 // 4:
        kept = kept[:space]
    return kept.rstrip() + ellipsis
