"""``parse_mode=HTML`` as Telegram implements it: the tags it supports, and nothing else.

Why a strict parser: a bot that pastes user text (a tip, a group title) into an HTML template
without escaping ``<`` or ``&`` works in a lenient test double and fails in production with
"can't parse entities". This parser refuses the same inputs Telegram refuses, with the same
messages, and turns valid markup into the plain text and entities Telegram would store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text_entities import EntityParseError, TextBuilder, byte_offset

TAG_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_:-][\w:.-]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None  # <pre><code class="language-x">


def parse_html(source: str) -> tuple[str, list[dict[str, object]]]:
    """Plain text and entities for ``source``; raises :class:`EntityParseError` like Telegram."""
    out = TextBuilder()
    stack: list[_OpenTag] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            i = _add_character_reference(source, i, out)
        elif char != "<":
            out.add(char)
            i += 1
        elif source.startswith("</", i):
            i = _close_tag(source, i, stack, out)
        else:
            i = _open_tag(source, i, stack, out)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _add_character_reference(source: str, i: int, out: TextBuilder) -> int:
    match = _ENTITY_RE.match(source, i)
    if match is None:
        out.add("&")
        return i + 1
    name = match.group(1)
    if name.startswith(("#x", "#X")):
        out.add(chr(int(name[2:], 16)))
    elif name.startswith("#"):
        out.add(chr(int(name[1:])))
    elif name.lower() in NAMED_ENTITIES:
        out.add(NAMED_ENTITIES[name.lower()])
    else:  # unsupported named entities stay as typed
        out.add(match.group(0))
    return match.end()


def _open_tag(source: str, i: int, stack: list[_OpenTag], out: TextBuilder) -> int:
    begin = byte_offset(source, i)
    j = i + 1
    while j < len(source) and not source[j].isspace() and source[j] not in ">":
        j += 1
    if j >= len(source):
        raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
    name = source[i + 1 : j].lower()
    if name not in TAG_TYPES:
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
    attrs: dict[str, str] = {}
    while True:
        while j < len(source) and source[j].isspace():
            j += 1
        if j >= len(source):
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if source[j] == ">":
            break
        match = _ATTR_RE.match(source, j)
        if match is None or match.end() == j:
            raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
        value = match.group(2) or ""
        attrs[match.group(1).lower()] = value[1:-1] if value[:1] in "\"'" and value else value
        j = match.end()
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError('Tag "span" must have class "tg-spoiler"')
    stack.append(_OpenTag(name, out.offset, attrs))
    return j + 1


def _close_tag(source: str, i: int, stack: list[_OpenTag], out: TextBuilder) -> int:
    begin = byte_offset(source, i)
    end = source.find(">", i)
    if end < 0:
        raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
    name = source[i + 2 : end].strip().lower()
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
    tag = stack.pop()
    if name != tag.name:
        raise EntityParseError(
            f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", found "</{name}>"'
        )
    _finish(tag, stack, out)
    return end + 1


def _finish(tag: _OpenTag, stack: list[_OpenTag], out: TextBuilder) -> None:
    kind = TAG_TYPES[tag.name]
    parent = stack[-1] if stack else None
    if tag.name == "code" and parent is not None and parent.name == "pre":
        # <pre><code class="language-python"> is one pre entity with a language.
        css = tag.attrs.get("class", "")
        parent.language = css.removeprefix("language-") if css.startswith("language-") else None
        return
    if kind == "text_link":
        href = tag.attrs.get("href", "").strip()
        if href:
            out.entity("text_link", tag.start, url=href)
        return
    if kind == "blockquote" and "expandable" in tag.attrs:
        kind = "expandable_blockquote"
    if kind == "custom_emoji":
        out.entity(kind, tag.start, custom_emoji_id=tag.attrs.get("emoji-id"))
        return
    out.entity(kind, tag.start, language=tag.language if kind == "pre" else None)
