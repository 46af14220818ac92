"""What the emulator accepts as a ``message`` object, checked as Zalo checks it.

Shapes (Zalo OA API v3 "Tin Tư vấn" and GMF "Tin nhắn nhóm"; the official PHP SDK's
``MessageBuilder`` builds the same objects):

* text: ``{"text": "…"}``, at most 2000 characters;
* text with buttons: ``{"text": "…", "attachment": {"type": "template", "payload": {"buttons":
  [{"title", "type": "oa.query.hide" | "oa.query.show" | "oa.open.url", "payload"}]}}}``, at most
  5 buttons (consultation messages only: GMF group messages carry text, images and files);
* image: ``{"text": caption, "attachment": {"type": "template", "payload": {"template_type":
  "media", "elements": [{"media_type": "image", "url" | "attachment_id"}]}}}``;
* file: ``{"attachment": {"type": "file", "payload": {"token": "…"}}}`` (no text).
"""

from __future__ import annotations

from typing import Any

from .errors import INVALID_PARAMETER, PARAMETER_OUT_OF_RANGE, ZaloError

TEXT_LIMIT = 2000
MAX_BUTTONS = 5
BUTTON_TYPES = ("oa.query.hide", "oa.query.show", "oa.open.url")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_message(message: Any, *, in_group: bool, attachment_ids: set[str],
                  file_tokens: set[str]) -> None:
    """Raise the :class:`ZaloError` Zalo answers for a ``message`` it refuses."""
    if not isinstance(message, dict):
        raise ZaloError.of(INVALID_PARAMETER, field="message")
    text = message.get("text")
    attachment = message.get("attachment")
    if text is None and attachment is None:
        raise ZaloError.of(INVALID_PARAMETER, field="message")
    if text is not None:
        if not isinstance(text, str) or (not text.strip() and attachment is None):
            raise ZaloError.of(INVALID_PARAMETER, field="message.text")
        if utf16_length(text) > TEXT_LIMIT:
            raise ZaloError.of(PARAMETER_OUT_OF_RANGE, field="message.text")
    if attachment is not None:
        _check_attachment(attachment, text, in_group=in_group, attachment_ids=attachment_ids,
                          file_tokens=file_tokens)


def _check_attachment(attachment: Any, text: str | None, *, in_group: bool,
                      attachment_ids: set[str], file_tokens: set[str]) -> None:
    if not isinstance(attachment, dict) or not isinstance(attachment.get("payload"), dict):
        raise ZaloError.of(INVALID_PARAMETER, field="message.attachment")
    payload = attachment["payload"]
    if attachment.get("type") == "file":
        if text is not None or payload.get("token") not in file_tokens:
            raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.payload.token")
        return
    if attachment.get("type") != "template":
        raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.type")
    if payload.get("template_type") == "media":
        elements = payload.get("elements")
        if not isinstance(elements, list) or len(elements) != 1:
            raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.payload.elements")
        element = elements[0]
        known = element.get("attachment_id") in attachment_ids
        url = str(element.get("url", ""))
        if element.get("media_type") != "image" or not (known or url.startswith("http")):
            raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.payload.elements")
        return
    buttons = payload.get("buttons")
    if in_group or not isinstance(buttons, list) or not buttons or not text:
        raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.payload")
    if len(buttons) > MAX_BUTTONS:
        raise ZaloError.of(PARAMETER_OUT_OF_RANGE, field="message.attachment.payload.buttons")
    for button in buttons:
        if (not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES
                or not str(button.get("title", "")).strip()):
            raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.payload.buttons")
        if button["type"] == "oa.open.url" and not str(
                (button.get("payload") or {}).get("url", "")).startswith("http"):
            raise ZaloError.of(INVALID_PARAMETER, field="message.attachment.payload.buttons")
