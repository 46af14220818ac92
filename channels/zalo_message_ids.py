"""Zalo's message ids as the integer the core keeps per sent message.

The Zalo OA and the Zalo Bot Platform both give 20 hex digits (80 bits); the core keeps a 63-bit
integer, so :func:`message_number` keeps their low 63 bits. Nothing is looked up on Zalo by it
(neither platform has edits, and quoting is not used), so losing the high bits loses nothing; an
id that is not hex (never seen) still gets a stable number.
"""

from __future__ import annotations

import hashlib

_MASK_63 = (1 << 63) - 1


def message_number(message_id: str) -> int:
    """Zalo's message id as the integer the core keeps."""
    try:
        return int(message_id, 16) & _MASK_63
    except ValueError:
        return int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:8]) & _MASK_63
