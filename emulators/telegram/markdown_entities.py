"""``parse_mode=MarkdownV2`` and legacy ``Markdown`` with Telegram's escaping rules.

MarkdownV2 is the classic production failure: every ``. - ! ( ) #`` in plain text must be escaped
with a backslash or Telegram refuses the whole message. Following Telegram's own parser (tdlib),
an unescaped reserved character that does not start or end an entity is an error here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text_entities import EntityParseError, TextBuilder, byte_offset

V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
V2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough":
    "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
}  # fmt: skip
V1_TYPES = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}


@dataclass
class _Open:
    kind: str
    start: int  # UTF-16 offset in the output
    byte_offset: int
    language: str | None = None


def _ends(kind: str, source: str, i: int) -> bool:
    """Whether the character at ``i`` closes the innermost open entity of type ``kind``."""
    char, after = source[i], source[i + 1 : i + 2]
    return {
        "bold": char == "*",
        "italic": char == "_" and after != "_",
        "underline": source.startswith("__", i),
        "strikethrough": char == "~",
        "spoiler": source.startswith("||", i),
        "code": char == "`",
        "pre": source.startswith("```", i),
        "text_link": char == "]",
    }[kind]


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, object]]]:
    out = TextBuilder()
    stack: list[_Open] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and 0 < ord(source[i + 1]) <= 126:
            out.add(source[i + 1])
            i += 2
            continue
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        if (in_code and char != "`") or (not in_code and char not in V2_RESERVED):
            out.add(char)
            i += 1
        elif stack and _ends(stack[-1].kind, source, i):
            i = _close_v2(source, i, stack.pop(), out)
        elif in_code:
            out.add(char)
            i += 1
        else:
            i = _open_v2(source, i, stack, out)
    if stack:
        name = V2_NAMES[stack[-1].kind]
        raise EntityParseError(
            f"Can't find end of {name} entity at byte offset {stack[-1].byte_offset}"
        )
    return out.result()


def _open_v2(source: str, i: int, stack: list[_Open], out: TextBuilder) -> int:
    char = source[i]
    begin = byte_offset(source, i)
    if char == ">" and (i == 0 or source[i - 1] == "\n"):
        return i + 1  # blockquote marker: accepted, kept as plain text without an entity
    if source.startswith("```", i):
        newline = source.find("\n", i + 3)
        language = source[i + 3 : newline].strip() if newline >= 0 else ""
        stack.append(_Open("pre", out.offset, begin, language or None))
        return newline + 1 if newline >= 0 and language else i + 3
    kinds = {"*": "bold", "~": "strikethrough", "[": "text_link", "`": "code"}
    if source.startswith("__", i):
        stack.append(_Open("underline", out.offset, begin))
        return i + 2
    if source.startswith("||", i):
        stack.append(_Open("spoiler", out.offset, begin))
        return i + 2
    if char == "_":
        stack.append(_Open("italic", out.offset, begin))
    elif char in kinds:
        stack.append(_Open(kinds[char], out.offset, begin))
    else:
        raise EntityParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )
    return i + 1


def _close_v2(source: str, i: int, entity: _Open, out: TextBuilder) -> int:
    width = {"underline": 2, "spoiler": 2, "pre": 3}.get(entity.kind, 1)
    i += width
    if entity.kind != "text_link":
        out.entity(entity.kind, entity.start, language=entity.language)
        return i
    if not source.startswith("(", i):
        return i  # "[text]" without a URL is plain text
    url_chars: list[str] = []
    j = i + 1
    while j < len(source) and source[j] != ")":
        if source[j] == "\\" and j + 1 < len(source):
            j += 1
        url_chars.append(source[j])
        j += 1
    if j >= len(source):
        raise EntityParseError(f"Can't find end of a URL at byte offset {byte_offset(source, i)}")
    out.entity("text_link", entity.start, url="".join(url_chars).strip() or None)
    return j + 1


def parse_markdown(source: str) -> tuple[str, list[dict[str, object]]]:
    """Legacy ``Markdown``: ``*bold*``, ``_italic_``, code, pre and ``[text](url)``; no nesting."""
    out = TextBuilder()
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and source[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.add(source[i + 1])
            i += 2
            continue
        if char not in V1_TYPES:
            out.add(char)
            i += 1
            continue
        begin = byte_offset(source, i)
        is_pre = source.startswith("```", i)
        end_char = "]" if char == "[" else char
        i += 3 if is_pre else 1
        start = out.offset
        while i < len(source) and (
            source[i] != end_char or (is_pre and not source.startswith("```", i))
        ):
            out.add(source[i])
            i += 1
        if i >= len(source):
            raise EntityParseError(f"Can't find end of the entity starting at byte offset {begin}")
        i += 3 if is_pre else 1
        if char == "[":
            close = source.find(")", i) if source.startswith("(", i) else -1
            if close >= 0:
                out.entity("text_link", start, url=source[i + 1 : close].strip() or None)
                i = close + 1
        else:
            out.entity("pre" if is_pre else V1_TYPES[char], start)
    return out.result()
