"""Pseudonyms and encrypted relay links: how the bot knows "same sender" without knowing who.

SPEC §3: the only thing kept per sender is a keyed pseudonym, HMAC-SHA256 under the secret key,
used for rate limits, blocks and "is this your own tip". To answer a tipster later, the bot keeps
a *relay link*: the tipster's address (``telegram:<chat id>``, core.address) encrypted
(AES-256-GCM) under a key derived from the same secret; it is deleted when the tip has been
closed for ``tips.followup_days``. Without the secret key, the database says nothing about who
anyone is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.address import TELEGRAM, Address

_NONCE_BYTES = 12
SIGNATURE_LENGTH = 10
_FINGERPRINT_LABEL = b"ketnoi-antt: is this the same secret key?"
_SEALED_BEFORE_ADDRESSES = re.compile(r"-?[0-9]+")


def _derive(secret_key: bytes, purpose: bytes) -> bytes:
    # One secret, independent keys per use: a pseudonym can never be turned into a relay key.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"ketnoi-antt/" + purpose).derive(secret_key)


class Anonymizer:
    """Everything keyed by the secret: pseudonyms, relay links, signed button data."""

    def __init__(self, secret_key: bytes) -> None:
        if len(secret_key) < 32:
            raise ValueError("the secret key must be at least 32 bytes")
        self._pseudonym_key = _derive(secret_key, b"pseudonym")
        self._relay = AESGCM(_derive(secret_key, b"relay"))
        self._signing_key = _derive(secret_key, b"buttons")
        self._acknowledgement_key = _derive(secret_key, b"acknowledgement")
        # Stored in the database to notice a changed key at start-up. A key of its own: the
        # fingerprint can never stand in for a pseudonym, a signature or a relay key.
        self.key_fingerprint = hmac.new(_derive(secret_key, b"fingerprint"), _FINGERPRINT_LABEL,
                                        hashlib.sha256).hexdigest()

    def pseudonym_for(self, user_id: int) -> str:
        # hmac.digest: the same HMAC as hmac.new(...), in one C call (it is on every update).
        return hmac.digest(self._pseudonym_key, str(user_id).encode(), "sha256").hex()

    def pseudonym_of_address(self, address: Address) -> str:
        """The pseudonym of whoever writes from ``address`` on any channel. A Telegram person
        keeps the pseudonym of their user id (``telegram:42`` is ``pseudonym_for(42)``), so
        limits and blocks survive; other channels hash the whole address, which holds a colon
        no Telegram id has, so two channels' people never share one."""
        if address.channel == TELEGRAM:
            return self.pseudonym_for(int(address.id))
        return hmac.digest(self._pseudonym_key, str(address).encode(), "sha256").hex()

    def acknowledger_for(self, user_id: int, bulletin_id: int) -> str:
        """Who pressed "Đã phổ biến" on one bulletin, without anything to join on: a different
        key from tip pseudonyms and a different value per bulletin, so presses can never be
        matched to tips (which would place a tipster in their neighbourhood group)."""
        message = f"{bulletin_id}:{user_id}".encode()
        return hmac.new(self._acknowledgement_key, message, hashlib.sha256).hexdigest()

    def seal_address(self, address: Address) -> str:
        """The relay link: the whole address, channel and id, encrypted with a fresh nonce (so
        equal addresses differ); nothing of it can be read or matched without the key."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._relay.encrypt(nonce, str(address).encode(), b"relay")
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open_address(self, relay_link: str) -> Address | None:
        """The address behind a relay link, or None when it was not made with this key."""
        try:
            raw = base64.urlsafe_b64decode(relay_link.encode())
            plain = self._relay.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], b"relay").decode()
            if _SEALED_BEFORE_ADDRESSES.fullmatch(plain):
                # Sealed before migration 0010: a bare Telegram chat id. Links live until their
                # tip has been closed for tips.followup_days, so such links are still about.
                return Address(TELEGRAM, plain)
            return Address.parse(plain)
        except (InvalidTag, ValueError):
            return None

    def sign(self, payload: str, length: int = SIGNATURE_LENGTH) -> str:
        """A short tag for callback data, so a tampered button is recognised and ignored."""
        digest = hmac.digest(self._signing_key, payload.encode(), "sha256")
        return base64.urlsafe_b64encode(digest).decode()[:length]

    def verify(self, payload: str, tag: str) -> bool:
        return len(tag) == SIGNATURE_LENGTH and hmac.compare_digest(self.sign(payload), tag)
