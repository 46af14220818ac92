"""The keywords people text to the gateway phone (SPEC §13): ``DK MÃ`` subscribes, ``HUY``
unsubscribes, ``TB nội dung`` files a tip, ``TT MÃ`` asks its state, ``TL MÃ nội dung`` adds to
it. Case does not matter, nor diacritics (``Hủy``, ``huỷ``, ``HUY`` are one keyword): old phones
type without them, new ones add them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from channels.sms.gsm7 import without_diacritics


class Keyword(StrEnum):
    SUBSCRIBE = "DK"
    UNSUBSCRIBE = "HUY"
    TIP = "TB"
    STATUS = "TT"
    REPLY = "TL"
    OTHER = ""  # anything else: the one-SMS help


@dataclass(frozen=True)
class KeywordText:
    keyword: Keyword
    rest: str  # what follows the keyword, as typed (a tip keeps its diacritics)


_BY_WORD = {keyword.value: keyword for keyword in Keyword if keyword.value}


def read_keyword(text: str) -> KeywordText:
    words = text.strip().split(maxsplit=1)
    if not words:
        return KeywordText(Keyword.OTHER, "")
    first = without_diacritics(words[0]).upper().rstrip(".:,")
    keyword = _BY_WORD.get(first, Keyword.OTHER)
    if keyword is Keyword.OTHER:
        return KeywordText(Keyword.OTHER, text.strip())
    return KeywordText(keyword, words[1].strip() if len(words) == 2 else "")
