"""Turning a ``text``/``caption`` parameter into the stored message text and entities.

Applies ``parse_mode`` (or explicit ``entities``), trims surrounding whitespace as Telegram does,
and enforces the length limits, so the fake stores what a real chat would show and rejects what
Telegram rejects ("message is too long", "message text is empty", "can't parse entities").
"""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .html_entities import parse_html
from .markdown_entities import parse_markdown, parse_markdown_v2
from .text_entities import EntityParseError, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities; raises the 400 Telegram sends for bad markup."""
    if entities:
        return text, [dict(e) for e in entities]
    mode = (parse_mode or "").lower()
    try:
        if mode == "html":
            return parse_html(text)
        if mode == "markdownv2":
            return parse_markdown_v2(text)
        if mode == "markdown":
            return parse_markdown(text)
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    if mode:
        raise bad_request(f"unsupported parse_mode: {parse_mode}")
    return text, []


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram strips leading/trailing whitespace and shifts or cuts entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def message_text(
    text: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Content fields (``text``, ``entities``) for ``sendMessage``/``editMessageText``."""
    plain, found = _trim(*parse_formatted(text or "", parse_mode, entities))
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    content: dict[str, Any] = {"text": plain}
    if found:
        content["entities"] = found
    return content


def caption_fields(
    caption: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Content fields (``caption``, ``caption_entities``) for media; empty when no caption."""
    if not caption:
        return {}
    plain, found = _trim(*parse_formatted(caption, parse_mode, entities))
    if len(plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    if not plain:
        return {}
    content: dict[str, Any] = {"caption": plain}
    if found:
        content["caption_entities"] = found
    return content


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds when a message starts with ``/command``.

    ``/start payload`` marks only ``/start``; ``/cmd@botname`` is one entity, as on Telegram.
    """
    if not text.startswith("/") or len(text) < 2:
        return []
    token = text.split(maxsplit=1)[0]
    name = token[1:].split("@", 1)[0]
    if not name or not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in name):
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(token)}]
