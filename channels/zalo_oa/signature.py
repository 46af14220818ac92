"""Zalo's signature on OA webhook events (SPEC §13): ``X-ZEvent-Signature: mac=<hex sha256(app_id
+ raw body + timestamp + OA secret key)>``, ``timestamp`` being the event's own ``timestamp``
field (developers.zalo.me/docs/official-account/webhook/tong-quan, "Xác thực sự kiện").

A plain hash rather than an HMAC, as Zalo defines it; compared in constant time
(:func:`hmac.compare_digest`) so that the time an answer takes says nothing about how much of a
forged signature was right.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-ZEvent-Signature"


def expected_signature(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret.encode())
    return f"mac={digest.hexdigest()}"


def signature_is_valid(header: str | None, *, app_id: str, body: bytes, timestamp: str,
                       oa_secret: str) -> bool:
    if not header:
        return False
    expected = expected_signature(app_id, body, timestamp, oa_secret)
    return hmac.compare_digest(header.strip().encode(), expected.encode())
