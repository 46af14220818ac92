"""The words and buttons of notices, rendered from the catalogue into outbox payloads.

A payload is plain JSON (text, buttons, optional media) that ``tips.notifier`` turns into a
:class:`core.outbound.OutboundMessage`. Staff receive *copies*: new messages written by the
bot (media re-sent by file id), never forwards, which would show the sender.

Every part of a new tip names its code and answers the tip's notice (SPEC §12): with several
tips arriving, an officer must tell which one a photo or a location belongs to. The notice is
marked ``"thread": "start"`` and each part after it ``"thread": "reply"``; the outbox worker
keeps the notice's message id in each officer's chat and sends the parts as replies to it.
Parts that take no caption (a location, a round video) come after a short text that names the
code and the part. A tipster's words pass through :func:`tips.visible_text.for_staff` on their
way into any of these messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import Translator
from storage.tip_records import ItemKind, Tip, TipItem
from tips.anonymity import Anonymizer
from tips.visible_text import for_staff

TRIAGE_ACTIONS = {"v": "valuable", "n": "not_valuable", "f": "false", "q": "ask",
                  "o": "outcome", "c": "close"}
CALLBACK_PREFIX = "tt"
# Telegram's limits (PTB's MessageLimit.MAX_TEXT_LENGTH and CAPTION_LENGTH; the core imports no
# platform library, tests/unit/test_tip_notices.py holds these to PTB's). A piece of a long text
# leaves room for the line that names the tip.
MESSAGE_LIMIT = 4096
TEXT_LIMIT = MESSAGE_LIMIT - 96
CAPTION_LIMIT = 1024
# What the outbox worker reads: the notice opens a thread in each officer's chat, parts reply.
THREAD_START = {"thread": "start"}
THREAD_REPLY = {"thread": "reply"}
# Parts Telegram sends without a caption: their label goes in a text message before them.
_UNCAPTIONED = frozenset({ItemKind.LOCATION, ItemKind.VIDEO_NOTE})


def triage_callback(anonymizer: Anonymizer, action: str, tip_id: int) -> str:
    payload = f"{CALLBACK_PREFIX}:{action}:{tip_id}"
    return f"{payload}:{anonymizer.sign(payload)}"


def parse_triage_callback(anonymizer: Anonymizer, data: str) -> tuple[str, int] | None:
    """(action, tip id) from a verified button, None for anything tampered or malformed."""
    parts = data.split(":")
    if len(parts) != 4 or parts[0] != CALLBACK_PREFIX or parts[1] not in TRIAGE_ACTIONS:
        return None
    if not parts[2].isdigit() or not anonymizer.verify(":".join(parts[:3]), parts[3]):
        return None
    return parts[1], int(parts[2])


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def triage_buttons(tr: Translator, anonymizer: Anonymizer, tip_id: int) -> list[list[dict]]:
    def button(action: str) -> dict[str, str]:
        return {"text": tr("triage.button_" + TRIAGE_ACTIONS[action]),
                "callback": triage_callback(anonymizer, action, tip_id)}

    return [[button("v"), button("n"), button("f")], [button("q"), button("o"), button("c")]]


def new_tip_notices(tr: Translator, anonymizer: Anonymizer, tip: Tip, items: list[TipItem], *,
                    unit_name: str, category_label: str, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The notice of a new tip, then each part of it that the notice cannot hold, labelled."""
    texts = [for_staff(i.text) for i in items if i.kind is ItemKind.TEXT and i.text]
    media = [i for i in items if i.kind is not ItemKind.TEXT]
    body = "\n\n".join(texts) if texts else tr("triage.no_text")

    def summary(text: str) -> str:
        return tr("triage.new_tip", code=tip.code, unit=tip.unit_code, unit_name=unit_name,
                  category=category_label, time=local_time(tip.created_at, tz),
                  media=len(media), text=text)

    buttons = triage_buttons(tr, anonymizer, tip.id)
    notice = summary(body)
    if telegram_length(notice) <= TEXT_LIMIT:
        payloads: list[dict[str, Any]] = [{**THREAD_START, "text": notice, "buttons": buttons}]
    else:
        # Nothing is cut: the header goes first, then the text in labelled pieces.
        payloads = [{**THREAD_START, "text": summary(""), "buttons": buttons}]
        payloads += _text_pieces(tr, tip.code, body)
    for number, item in enumerate(media, start=1):
        payloads += _media_payloads(tr, tip.code, item, number, len(media))
    return payloads


def telegram_length(text: str) -> int:
    """Length as Telegram measures it, in UTF-16 code units (an emoji counts two): never less
    than Python's count of code points, so a text within it is within the limit either way."""
    return len(text.encode("utf-16-le")) // 2


def pieces_of(text: str, limit: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``limit`` (Telegram's measure), none empty."""
    pieces, start, size = [], 0, 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            pieces.append(text[start:index])
            start, size = index, 0
        size += width
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def _text_pieces(tr: Translator, code: str, body: str) -> list[dict[str, Any]]:
    pieces = pieces_of(body, TEXT_LIMIT)
    return [{**THREAD_REPLY, "text": tr("triage.text_piece", code=code, number=number,
                                         count=len(pieces), text=piece)}
            for number, piece in enumerate(pieces, start=1)]


def _media_payloads(tr: Translator, code: str, item: TipItem, number: int,
                    count: int) -> list[dict[str, Any]]:
    media = {"kind": item.kind.value, "file_id": item.file_id or ""}
    kind = tr("media_kind." + item.kind.value)
    if item.kind is ItemKind.LOCATION:
        label = tr("triage.location_label", code=code, number=number, count=count,
                   place=item.file_id or "")
    else:
        label = tr("triage.media_caption", code=code, number=number, count=count, kind=kind)
    if item.kind in _UNCAPTIONED:
        return [{**THREAD_REPLY, "text": label}, {**THREAD_REPLY, "text": "", "media": media}]
    caption = f"{label}\n{for_staff(item.text)}" if item.text else label
    if telegram_length(caption) <= CAPTION_LIMIT:
        return [{**THREAD_REPLY, "text": caption, "media": media}]
    # A caption longer than a bot may send (Premium users write up to 4096): the file with its
    # label, then the caption as labelled text, so nothing is cut.
    return [{**THREAD_REPLY, "text": label, "media": media},
            *_text_pieces(tr, code, for_staff(item.text or ""))]


def tipster_notice(tr: Translator, key: str, **params: object) -> dict[str, Any]:
    return {"text": tr(key, **params)}
