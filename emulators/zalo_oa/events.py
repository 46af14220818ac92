"""OA webhook events, built and signed as Zalo builds and signs them.

Zalo posts each event as JSON to the app's webhook URL with the header
``X-ZEvent-Signature: mac=<hex sha256(app_id + raw body + timestamp + OA secret key)>``, where
``timestamp`` is the event's own ``timestamp`` field (milliseconds since the epoch, as a string)
(developers.zalo.me/docs/official-account/webhook/tong-quan, "Xác thực sự kiện"; the same formula
in public integrations, e.g. ``mac = sha256(appId + data + timeStamp + OAsecretKey)``).

Bodies: ``{"app_id", "sender": {"id"}, "recipient": {"id"}, "event_name", "message": {"msg_id",
"text" | "attachments" | …}, "timestamp", "user_id_by_app"}``.

A message a person writes in a GMF group arrives as ``user_send_group_text`` (and
``user_send_group_image`` / ``_file`` / ``_audio`` / ``_video`` / ``_sticker`` / ``_gif`` /
``_link``), ``sender.id`` the person's id for this OA, ``recipient.id`` the group's id — not as
``user_send_text``: Zalo's GMF webhook pages (developers.zalo.me/docs/official-account/webhook/
nhom-chat-gmf/…) list group events of their own, and the typed OA SDK
``@warriorteam/redai-zalo-sdk`` (docs/WEBHOOK_EVENTS.md, ``src/types/webhook.ts``,
``utils/type-guards``: ``UserSendGroupTextEvent`` … ``isUserGroupMessageEvent``,
``docs/WEBHOOK_MESSAGE_HELPERS.md``: ``isGroupMessageEvent`` beside ``isUserMessageEvent``)
types them apart from the 1:1 events. One hand-written project README
(``vyn-huy-nguyen/ai-zalo-bot-oa``) shows a group message as ``user_send_text`` with a top-level
``group_id``; the adapter (``channels.zalo_oa.inbound``) reads that shape as a group message too,
so neither form can be mistaken for a 1:1 chat.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

SIGNATURE_HEADER = "X-ZEvent-Signature"


def zevent_signature(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret.encode())
    return f"mac={digest.hexdigest()}"


def event_body(*, app_id: str, event_name: str, sender_id: str, recipient_id: str,
               message: dict[str, Any], timestamp_ms: int) -> bytes:
    event = {
        "app_id": app_id,
        "sender": {"id": sender_id},
        "recipient": {"id": recipient_id},
        "event_name": event_name,
        "message": message,
        "timestamp": str(timestamp_ms),
        "user_id_by_app": f"app-{sender_id}",
    }
    return json.dumps(event, ensure_ascii=False).encode()
