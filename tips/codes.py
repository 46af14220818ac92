"""Tip reference codes ``TIP-XXXXXX``: 6 characters of Crockford base32 (SPEC §3.6, §12).

30 bits of randomness from ``secrets``: a code is not guessable, and ``/status`` answers a wrong
code and someone else's code the same way, so a code alone reveals nothing.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "TIP-"
LENGTH = 6
# Crockford's reading rules: I and L look like 1, O looks like 0; U is not used.
_READING = str.maketrans({"I": "1", "L": "1", "O": "0"})
_BODY = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def parse_code(text: str) -> str | None:
    """The canonical code for what a person typed (``tip-7k3m9q`` works), or None."""
    cleaned = text.strip().upper().replace(" ", "")
    if cleaned.startswith("TIP"):
        cleaned = cleaned[3:].lstrip("-")
    body = cleaned.translate(_READING)
    return PREFIX + body if _BODY.match(body) else None
