"""Decoding Bot API request bodies into typed parameters and uploaded files.

python-telegram-bot sends every parameter as a string: ``str`` values raw, everything else
JSON-encoded (``"123"``, ``"true"``, ``'{"inline_keyboard": ...}'``), as
``application/x-www-form-urlencoded`` or, when files are uploaded, ``multipart/form-data``.
Other clients send a JSON body. Free-text fields (``text``, ``caption``…) must stay strings even
when they look like JSON or numbers, so coercion is per field name, as the real server does it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

INT_FIELDS = frozenset(
    {
        "chat_id", "from_chat_id", "message_id", "offset", "limit", "timeout", "user_id",
        "reply_to_message_id", "message_thread_id", "duration", "width", "height",
        "live_period", "heading", "proximity_alert_radius", "until_date", "cache_time",
        "max_connections", "open_period", "close_date", "correct_option_id",
        "direct_messages_topic_id", "sender_chat_id", "video_start_timestamp", "length",
    }
)  # fmt: skip
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "show_alert", "disable_web_page_preview",
        "allow_sending_without_reply", "drop_pending_updates", "has_spoiler",
        "supports_streaming", "disable_content_type_detection", "is_anonymous",
        "allows_multiple_answers", "is_closed", "only_if_banned", "revoke_messages",
        "allow_paid_broadcast", "show_caption_above_media", "for_channels", "is_personal",
        "remove_caption",
    }
)  # fmt: skip
# Free text and file references: never JSON-decoded, never converted.
STRING_FIELDS = frozenset(
    {
        "text", "caption", "title", "description", "short_description", "name", "query",
        "callback_query_id", "url", "parse_mode", "emoji", "first_name", "last_name",
        "phone_number", "vcard", "question", "address", "foursquare_id", "inline_message_id",
        "action", "file_id", "secret_token", "ip_address", "language_code", "photo",
        "document", "video", "voice", "audio", "sticker", "animation", "video_note",
        "thumbnail", "performer", "business_connection_id", "message_effect_id",
        "explanation", "google_place_id", "payload",
    }
)  # fmt: skip
_INT_RE = re.compile(r"-?\d+")


class FormError(ValueError):
    """The body cannot be decoded (answered as 400 Bad Request)."""


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart body, keyed by its form field name."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class DecodedBody:
    params: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


def coerce_value(name: str, value: Any) -> Any:
    """Give one string-encoded parameter the type the Bot API documents for it."""
    if not isinstance(value, str) or name in STRING_FIELDS:
        return value
    if name in INT_FIELDS:
        return int(value) if _INT_RE.fullmatch(value.strip()) else value
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return value
    if name in BOOL_FIELDS and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def decode_body(content_type: str, body: bytes, query: str = "") -> DecodedBody:
    """Parameters from the query string and the body, with their Bot API types restored."""
    decoded = DecodedBody()
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type, options = _parse_header_value(content_type)
    if body:
        if media_type == "application/json":
            raw.update(_decode_json(body))
        elif media_type == "multipart/form-data":
            boundary = options.get("boundary")
            if not boundary:
                raise FormError("multipart body without boundary")
            fields, decoded.files = _decode_multipart(body, boundary)
            raw.update(fields)
        else:  # PTB's default, and what curl -d sends
            raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    decoded.params = {name: coerce_value(name, value) for name, value in raw.items()}
    return decoded


def _decode_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except ValueError as exc:
        raise FormError("can't parse JSON body") from exc
    if not isinstance(data, dict):
        raise FormError("JSON body must be an object")
    return data


def _parse_header_value(value: str) -> tuple[str, dict[str, str]]:
    """``'multipart/form-data; boundary="x"'`` -> ``('multipart/form-data', {'boundary': 'x'})``."""
    main, *rest = value.split(";")
    options: dict[str, str] = {}
    for item in rest:
        key, sep, val = item.strip().partition("=")
        if sep:
            options[key.strip().lower()] = val.strip().strip('"')
    return main.strip().lower(), options


def _decode_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    delimiter = b"--" + boundary.encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        part = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            raise FormError("multipart part without header separator")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        _, disposition = _parse_header_value(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name is None:
            raise FormError("multipart part without a name")
        if "filename" in disposition:
            files[name] = UploadedFile(
                name, disposition["filename"], headers.get("content-type"), content
            )
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields, files
