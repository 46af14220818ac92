"""Where a message goes: ``<channel>:<id>``, the one way chats, people and groups are named.

SPEC §13: ``telegram:-1001234`` (a Telegram group), ``telegram:42`` (a person's private chat),
later ``zalo_oa:group:5f3a…`` or ``sms:<sealed>``. The domain and storage only ever hold an
:class:`Address`; each channel adapter turns its own addresses into its platform's ids and back
(``channels.telegram_addresses`` for Telegram). The id is opaque here: it may itself contain
colons (``zalo_oa:group:…``), so a text splits at its first colon only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TELEGRAM = "telegram"

# A channel is a short lower-case name (it is also a config table's name: [zalo_oa], [sms]).
_CHANNEL = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Printable ASCII without spaces: an id is a database key and may travel in button data. Every
# platform's ids fit (Telegram's integers, Zalo's hex, a sealed phone number in base64url).
_ID = re.compile(r"[!-~]{1,200}")
_INTEGER = re.compile(r"-?[0-9]{1,19}")
MAX_LENGTH = 255  # the width of every address column (storage.schema)


class AddressError(ValueError):
    """Text that is not ``<channel>:<id>``."""


@dataclass(frozen=True, slots=True)
class Address:
    channel: str
    id: str

    def __post_init__(self) -> None:
        if not _CHANNEL.fullmatch(self.channel):
            raise AddressError(f"not a channel name: {self.channel!r}")
        if not _ID.fullmatch(self.id):
            raise AddressError(f"not an id on channel {self.channel}")

    @classmethod
    def parse(cls, text: str) -> Address:
        channel, colon, id_ = text.partition(":")
        if not colon:
            raise AddressError("an address is <channel>:<id>")
        return cls(channel, id_)

    def __str__(self) -> str:
        return f"{self.channel}:{self.id}"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Lists of people and groups keep the order they had as Telegram ids: integer ids
        as numbers (9 before 10), then any other id as text."""
        if _INTEGER.fullmatch(self.id):
            return (self.channel, 0, int(self.id), "")
        return (self.channel, 1, 0, self.id)
