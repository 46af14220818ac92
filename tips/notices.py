"""What the outbox holds for a notice, and how a new tip's notice is drawn for a channel.

The outbox stores *what happened* (plain JSON), never drawn text: a new tip is
``{"event": "new_tip", "tip_id": N}`` in each officer's row, and a message from the catalogue is
``{"say": key, "params": {...}}``. ``tips.notifier`` draws it at send time for the capabilities
of the recipient's channel (``core.capabilities``): the same row becomes a captioned photo on
Telegram and a text then a file where media take no caption. Staff receive *copies*: new
messages written by the bot (media re-sent by file id), never forwards, which would show the
sender.

Every part of a new tip names its code and, where the channel has replies, answers the tip's
notice (SPEC §12): with several tips arriving, an officer must tell which one a photo or a
location belongs to. The notifier keeps the notice's message id in the row and sends the parts
as replies to it. Parts that take no caption (a location, a round video; any media on a channel
without captions) come after a short text that names the code and the part; a kind the channel
cannot carry is described in that text. A tipster's words pass through
:func:`tips.visible_text.for_staff` on their way into any of these messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from core.capabilities import Capabilities
from core.i18n import Translator
from core.outbound import Button, Media, MediaKind, OutboundMessage
from storage.tip_records import ItemKind, Tip, TipItem
from tips.anonymity import Anonymizer
from tips.visible_text import for_staff

if TYPE_CHECKING:
    from tips.similar_tips import Similar

TRIAGE_ACTIONS = {"v": "valuable", "n": "not_valuable", "f": "false", "q": "ask",
                  "o": "outcome", "c": "close"}
CALLBACK_PREFIX = "tt"
# A piece of a long text leaves this much of the channel's text limit for the line that names
# the tip ("📝 TIP-7K3M9Q — nội dung (2/3)").
LABEL_ROOM = 96
NEW_TIP = "new_tip"
# Parts no channel sends with a caption: their label goes in a text message before them.
_UNCAPTIONED = frozenset({ItemKind.LOCATION, ItemKind.VIDEO_NOTE})


def new_tip_event(tip_id: int, *, similar: Similar | None = None,
                  merged: bool = False) -> dict[str, Any]:
    """The outbox row of a new tip to one officer: drawn when it is sent. ``similar``: the open
    tip it looks like (SPEC §15), for an officer who may see both; ``merged``: merged with it
    already (``tips.similar_auto_merge``)."""
    event: dict[str, Any] = {"event": NEW_TIP, "tip_id": tip_id}
    if similar is not None:
        event["similar"] = {"tip_id": similar.tip_id, "code": similar.code,
                            "percent": similar.percent, "merged": merged}
    return event


SIMILAR_PREFIX = "ts"
SIMILAR_ACTIONS = {"m": "merge", "d": "not_similar"}


def similar_callback(anonymizer: Anonymizer, action: str, tip_id: int, other_id: int) -> str:
    """*Gộp* (``m``) or *Không trùng* (``d``) under a notice: the new tip, then the other."""
    payload = f"{SIMILAR_PREFIX}:{action}:{tip_id}:{other_id}"
    return f"{payload}:{anonymizer.sign(payload)}"


def parse_similar_callback(anonymizer: Anonymizer, data: str) -> tuple[str, int, int] | None:
    """(action, new tip id, other tip id) from a verified button; None for anything else."""
    parts = data.split(":")
    if (len(parts) != 5 or parts[0] != SIMILAR_PREFIX or parts[1] not in SIMILAR_ACTIONS
            or not parts[2].isdigit() or not parts[3].isdigit()):
        return None
    if not anonymizer.verify(":".join(parts[:4]), parts[4]):
        return None
    return SIMILAR_ACTIONS[parts[1]], int(parts[2]), int(parts[3])


def _similar_part(tr: Translator, anonymizer: Anonymizer, tip_id: int,
                  similar: dict[str, Any] | None) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The line and the buttons a notice adds for a tip that looks like another."""
    if not similar or not isinstance(similar.get("tip_id"), int):
        return "", ()
    other, merged = similar["tip_id"], bool(similar.get("merged"))
    line = tr("triage.similar_merged" if merged else "triage.similar_to",
              code=str(similar.get("code", "")), percent=int(similar.get("percent", 0)))
    buttons = [] if merged else [Button(tr("triage.button_merge"),
                                        callback=similar_callback(anonymizer, "m", tip_id, other))]
    buttons.append(Button(tr("triage.button_not_similar"),
                          callback=similar_callback(anonymizer, "d", tip_id, other)))
    return line, (tuple(buttons),)


def new_tip_of(payload: dict[str, Any]) -> int | None:
    """The tip a row announces, when it is a new tip's event."""
    tip_id = payload.get("tip_id")
    return tip_id if payload.get("event") == NEW_TIP and isinstance(tip_id, int) else None


def say(key: str, **params: str | int) -> dict[str, Any]:
    """A message from the catalogue, by key and parameters: drawn when it is sent."""
    return {"say": key, "params": params}


def tipster_notice(tr: Translator, key: str, **params: object) -> dict[str, Any]:
    """A message to a tipster (``tr`` is kept for the callers: the words are looked up when it
    is sent, in the same language)."""
    return say(key, **{name: value if isinstance(value, int) else str(value)
                       for name, value in params.items()})


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


def triage_buttons(tr: Translator, anonymizer: Anonymizer,
                   tip_id: int) -> tuple[tuple[Button, ...], ...]:
    def button(action: str) -> Button:
        return Button(tr("triage.button_" + TRIAGE_ACTIONS[action]),
                      callback=triage_callback(anonymizer, action, tip_id))

    return ((button("v"), button("n"), button("f")), (button("q"), button("o"), button("c")))


@dataclass(frozen=True)
class NoticeWords:
    """What drawing a new tip's notice needs beside the tip: the staff's language, the key that
    signs the triage buttons, the time zone, and the names of units and categories."""

    tr: Translator
    anonymizer: Anonymizer
    tz: ZoneInfo
    unit_name: Callable[[str], str]
    category_label: Callable[[str], str]


def new_tip_messages(words: NoticeWords, tip: Tip, items: list[TipItem],
                     capabilities: Capabilities, *,
                     similar: dict[str, Any] | None = None) -> list[OutboundMessage]:
    """The notice of a new tip, then each part of it that the notice cannot hold, labelled, as
    the channel described by ``capabilities`` takes them. The notifier makes the parts answer
    the notice where the channel has replies. ``similar`` (the row's, ``new_tip_event``) adds
    "có thể trùng với TIP-… (87%)" and *Gộp* / *Không trùng*."""
    tr = words.tr
    texts = [for_staff(i.text) for i in items if i.kind is ItemKind.TEXT and i.text]
    media = [i for i in items if i.kind is not ItemKind.TEXT]
    body = "\n\n".join(texts) if texts else tr("triage.no_text")

    similar_line, similar_buttons = _similar_part(tr, words.anonymizer, tip.id, similar)

    def summary(text: str) -> str:
        drawn = tr("triage.new_tip", code=tip.code, unit=tip.unit_code,
                   unit_name=words.unit_name(tip.unit_code),
                   category=words.category_label(tip.category),
                   time=local_time(tip.created_at, words.tz), media=len(media), text=text)
        return f"{drawn}\n\n{similar_line}" if similar_line else drawn

    buttons = similar_buttons + triage_buttons(tr, words.anonymizer, tip.id)
    room = capabilities.text_limit - LABEL_ROOM
    notice = summary(body)
    if capabilities.measure(notice) <= room:
        messages = [OutboundMessage(notice, buttons=buttons)]
    else:
        # Nothing is cut: the header goes first, then the text in labelled pieces.
        messages = [OutboundMessage(summary(""), buttons=buttons)]
        messages += _text_pieces(tr, tip.code, body, capabilities)
    for number, item in enumerate(media, start=1):
        messages += _media_messages(tr, tip.code, item, number, len(media), capabilities)
    return messages


_BREAKS = ("\n\n", "\n", " ")


def pieces_of(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """``text`` in consecutive pieces of at most ``limit`` (in the channel's ``measure``), none
    empty, never splitting a character; cut at a paragraph, a line or a space when one is in the
    second half of the room, so an officer reading the pieces reads whole words."""
    pieces: list[str] = []
    rest = text
    while rest:
        end = _fitting_prefix(rest, limit, measure)
        if end >= len(rest):
            pieces.append(rest)
            break
        cut = resume = max(end, 1)
        for separator in _BREAKS:
            at = rest.rfind(separator, 0, end)
            if at >= end // 2 and at > 0:
                cut, resume = at, at + len(separator)
                break
        else:
            # No break near the end: cut, but not between a letter and its combining accent.
            while cut > 1 and unicodedata.combining(rest[cut]):
                cut -= 1
            resume = cut
        pieces.append(rest[:cut])
        rest = rest[resume:]
    return [piece for piece in pieces if piece]


def _fitting_prefix(text: str, room: int, measure: Callable[[str], int]) -> int:
    """How many characters of ``text`` fit in ``room`` of the channel's measure."""
    used = 0
    for index, char in enumerate(text):
        used += measure(char)
        if used > room:
            return index
    return len(text)


def _text_pieces(tr: Translator, code: str, body: str,
                 capabilities: Capabilities) -> list[OutboundMessage]:
    pieces = pieces_of(body, capabilities.text_limit - LABEL_ROOM, capabilities.measure)
    return [OutboundMessage(tr("triage.text_piece", code=code, number=number,
                               count=len(pieces), text=piece))
            for number, piece in enumerate(pieces, start=1)]


def _media_messages(tr: Translator, code: str, item: TipItem, number: int, count: int,
                    capabilities: Capabilities) -> list[OutboundMessage]:
    kind = MediaKind(item.kind.value)
    media = Media(kind, item.file_id or "")
    if item.kind is ItemKind.LOCATION:
        label = tr("triage.location_label", code=code, number=number, count=count,
                   place=item.file_id or "")
    else:
        label = tr("triage.media_caption", code=code, number=number, count=count,
                   kind=tr("media_kind." + item.kind.value))
    caption = f"{label}\n{for_staff(item.text)}" if item.text else label
    if kind not in capabilities.media:
        # The channel cannot carry it: the text says what it was (staff see it on /status).
        return _caption_as_text(tr, code, label, caption, item, capabilities)
    if item.kind in _UNCAPTIONED:
        return [OutboundMessage(label), OutboundMessage("", media=media)]
    if not capabilities.caption_limit:
        # Media take no caption on this channel: the label (and caption) first, then the file.
        return [*_caption_as_text(tr, code, label, caption, item, capabilities),
                OutboundMessage("", media=media)]
    if capabilities.fits(caption, caption=True):
        return [OutboundMessage(caption, media=media)]
    # A caption longer than a bot may send (Premium users write up to 4096): the file with its
    # label, then the caption as labelled text, so nothing is cut.
    return [OutboundMessage(label, media=media),
            *_text_pieces(tr, code, for_staff(item.text or ""), capabilities)]


def _caption_as_text(tr: Translator, code: str, label: str, caption: str, item: TipItem,
                     capabilities: Capabilities) -> list[OutboundMessage]:
    if capabilities.measure(caption) <= capabilities.text_limit:
        return [OutboundMessage(caption)]
    return [OutboundMessage(label), *_text_pieces(tr, code, for_staff(item.text or ""),
                                                  capabilities)]


def said(tr: Translator, payload: dict[str, Any]) -> str:
    """The words of a ``say`` payload, in the staff's or tipster's language."""
    params = payload.get("params") or {}
    return tr(payload["say"], **params)
