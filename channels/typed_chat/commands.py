"""What a person's text in a typed chat asks for: neither Zalo platform has a command menu, so
residents type the same commands as on Telegram (``/baotin …``, ``/trangthai MÃ``,
``/traloi MÃ …``, ``/baomat``, ``/huy``, or their English names), or the plain words "báo tin"
(SPEC §13). Anything else is words: a choice or a part of a tip, as the conversation decides.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    TIP = "tip"
    STATUS = "status"
    REPLY = "reply"
    PRIVACY = "privacy"
    CANCEL = "cancel"
    HELP = "help"
    UNKNOWN = "unknown"


# The Telegram command names and their Vietnamese aliases (handlers/*.py), same meaning.
_NAMES = {
    "tip": Command.TIP, "baotin": Command.TIP,
    "status": Command.STATUS, "trangthai": Command.STATUS,
    "reply": Command.REPLY, "traloi": Command.REPLY,
    "privacy": Command.PRIVACY, "baomat": Command.PRIVACY,
    "cancel": Command.CANCEL, "huy": Command.CANCEL,
    "start": Command.HELP, "help": Command.HELP, "huongdan": Command.HELP,
}
# "báo tin" however it is typed: with or without tone marks, any case, extra spaces.
_START_WORDS = frozenset({"báo tin", "bao tin", "báotin", "baotin"})


@dataclass(frozen=True)
class Typed:
    """A command with the words after it (``rest``) and the whole text as written."""

    command: Command
    rest: str
    text: str


def normalized(text: str) -> str:
    """NFC (Zalo clients send either composed or decomposed Vietnamese), one space between
    words, case folded."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def command_of(text: str) -> Typed | None:
    """The command ``text`` is, or None when it is words."""
    written = unicodedata.normalize("NFC", text).strip()
    if normalized(written) in _START_WORDS:
        return Typed(Command.TIP, "", written)
    if not written.startswith("/"):
        return None
    head, *rest = written[1:].split(maxsplit=1) or [""]
    name = head.partition("@")[0].casefold()
    return Typed(_NAMES.get(name, Command.UNKNOWN), rest[0].strip() if rest else "", written)
