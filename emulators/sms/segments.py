"""How many SMS a text is billed as, counted the way a phone and an operator count it: the
emulators' own count, apart from the product's (``channels.sms.gsm7``), so the e2e tests check
one against the other.

3GPP TS 23.038 §6.2.1: a text wholly in the GSM 7-bit default alphabet (extension characters
taking two septets) fits 160 septets in one SMS and 153 in each part of a concatenated one
(TS 23.040 §9.2.3.24.1: the 6-byte user data header); any other text is UCS-2, 70 UTF-16 units
in one SMS and 67 per part.
"""

from __future__ import annotations

import math

_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = set("^{}\\[~]|€\f")


def encoding_of(text: str) -> str:
    return "GSM-7" if all(c in _BASIC or c in _EXTENSION for c in text) else "UCS-2"


def segments_of(text: str) -> int:
    if encoding_of(text) == "GSM-7":
        units = sum(2 if c in _EXTENSION else 1 for c in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)
