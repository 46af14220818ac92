"""Webhook updates sealed for the inbox (SPEC §3, §14): a Telegram update carries the sender's
user id, chat id and name, so it is never written to the database in clear.

AES-256-GCM under a key derived from the bot's secret key for this one purpose (the same
derivation as ``tips.anonymity``'s keys, another label: an inbox key can never open a relay
link, nor a relay key an update). The update id is the associated data: a sealed payload
copied onto another row does not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE_BYTES = 12
_PURPOSE = b"ketnoi-antt/telegram-inbox"


class UpdateSealer:
    def __init__(self, secret_key: bytes) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=_PURPOSE).derive(secret_key)
        self._aead = AESGCM(key)

    def seal(self, update_id: int, raw: bytes) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, raw, str(update_id).encode())
        return base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, update_id: int, sealed: str) -> bytes | None:
        """The update's JSON, or None when another key (or another row) sealed it."""
        try:
            raw = base64.b64decode(sealed.encode("ascii"), validate=True)
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:],
                                      str(update_id).encode())
        except (InvalidTag, ValueError):
            return None
