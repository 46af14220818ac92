"""The words and buttons of notices, rendered from the catalogue into outbox payloads.

A payload is plain JSON (text, buttons, optional media) that ``tips.notifier`` turns into a
:class:`channels.outbound.OutboundMessage`. Staff receive *copies*: new messages written by the
bot (media re-sent by file id), never forwards, which would show the sender.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from tips.anonymity import Anonymizer
from tips.model import ItemKind, Tip, TipItem

TRIAGE_ACTIONS = {"v": "valuable", "n": "not_valuable", "f": "false", "q": "ask",
                  "o": "outcome", "c": "close"}
CALLBACK_PREFIX = "tt"
TEXT_LIMIT = 4000  # Telegram takes 4096 characters per message; leave room for nothing else
CAPTION_LIMIT = 1024


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
    texts = [i.text for i in items if i.kind is ItemKind.TEXT and i.text]
    media = [i for i in items if i.kind is not ItemKind.TEXT]
    body = "\n\n".join(texts) if texts else tr("triage.no_text")
    summary = tr("triage.new_tip", code=tip.code, unit=tip.unit_code, unit_name=unit_name,
                 category=category_label, time=local_time(tip.created_at, tz),
                 media=len(media), text=body)
    payloads: list[dict[str, Any]] = [
        {"text": summary, "buttons": triage_buttons(tr, anonymizer, tip.id)}]
    if len(summary) > TEXT_LIMIT:
        # Nothing is cut: the header goes first, then the text in pieces Telegram accepts.
        summary = tr("triage.new_tip", code=tip.code, unit=tip.unit_code, unit_name=unit_name,
                     category=category_label, time=local_time(tip.created_at, tz),
                     media=len(media), text="")
        payloads = [{"text": summary, "buttons": triage_buttons(tr, anonymizer, tip.id)}]
        payloads += [{"text": body[i:i + TEXT_LIMIT]} for i in range(0, len(body), TEXT_LIMIT)]
    for number, item in enumerate(media, start=1):
        caption = tr("triage.media_caption", code=tip.code, number=number, count=len(media))
        if item.text:
            caption = f"{caption}\n{item.text}"[:CAPTION_LIMIT]
        payloads.append({"text": caption,
                         "media": {"kind": item.kind.value, "file_id": item.file_id or ""}})
    return payloads


def tipster_notice(tr: Translator, key: str, **params: object) -> dict[str, Any]:
    return {"text": tr(key, **params)}
