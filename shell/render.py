"""What the bot did, as terminal lines: every message it sent, edited or deleted, in the order it
made the requests, with its buttons numbered for ``:press`` and its media saved to files.

The emulator records each Bot API request; this walks that log, so the console shows exactly
what a Telegram client would have shown, chat by chat.

Each run of the shell saves media in a folder of its own under ``DATA/files/`` (``run-1``,
``run-2``…): the emulator numbers files from 1 on every start, so in a shared folder a later run's
``documents/file_1.txt`` would be an earlier run's file, shown as new.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.i18n import t
from emulators.telegram import ApiCall, FakeTelegramAPI

from .cast import Cast

SEND_METHODS = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio",
    "sendAnimation", "sendSticker", "sendVideoNote", "sendLocation", "sendContact",
    "copyMessage", "forwardMessage", "sendMediaGroup",
})
EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup",
                          "editMessageMedia"})
SHOWN_METHODS = SEND_METHODS | EDIT_METHODS | {"deleteMessage", "answerCallbackQuery"}
MEDIA_KEYS = ("photo", "video", "document", "voice", "audio", "animation", "video_note",
              "sticker")
INDENT = "   "
RUN_FOLDER = re.compile(r"run-(\d+)")


def inline_buttons(message: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The message's inline buttons, row by row, left to right: the order ``:press`` counts."""
    rows = ((message or {}).get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def _chat_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class BotTranscript:
    def __init__(self, fake: FakeTelegramAPI, cast: Cast, language: str,
                 files_dir: Path) -> None:
        self._fake = fake
        self._cast = cast
        self._language = language
        self._files_dir = files_dir
        self._run_dir: Path | None = None
        self._cursor = 0

    def skip_to_now(self) -> None:
        """Show nothing of what happened so far (the start-up and group registration)."""
        self._cursor = len(self._fake.calls)

    def new_lines(self) -> list[str]:
        """Lines for the calls answered since the last time, stopping at one still in flight
        so that the order on screen is the order of the requests."""
        calls = self._fake.calls
        lines: list[str] = []
        while self._cursor < len(calls):
            call = calls[self._cursor]
            if not call.answered and call.method != "getUpdates":
                break
            self._cursor += 1
            lines.extend(self._lines_for(call))
        return lines

    # ---- one call -----------------------------------------------------------------------
    def _lines_for(self, call: ApiCall) -> list[str]:
        lang = self._language
        if call.method not in SHOWN_METHODS:
            return []
        chat_id = _chat_id(call.params.get("chat_id"))
        if not call.ok:
            return [t(lang, "shell.bot.failed", method=call.method, chat=self._chat_label(chat_id),
                      description=call.response.get("description", "?"))]
        if call.method == "answerCallbackQuery":
            return self._toast(call)
        if call.method == "deleteMessage":
            return [t(lang, "shell.bot.deleted", chat=self._chat_label(chat_id))]
        header = "shell.bot.edited" if call.method in EDIT_METHODS else "shell.bot.to"
        lines: list[str] = []
        for message in self._messages_of(call, chat_id):
            lines.append(t(lang, header, chat=self._chat_label(message["chat"]["id"])))
            lines.extend(self._message_lines(message))
        return lines

    def _messages_of(self, call: ApiCall, chat_id: int | None) -> list[dict[str, Any]]:
        result = call.result
        if isinstance(result, list):  # sendMediaGroup: one block per message
            return [m for m in result if isinstance(m, dict)]
        if isinstance(result, dict) and "chat" in result:
            return [result]
        if isinstance(result, dict) and chat_id is not None:  # copyMessage: only the id
            stored = self._fake.world.message(chat_id, int(result.get("message_id", 0)))
            return [stored] if stored else []
        return []

    def _toast(self, call: ApiCall) -> list[str]:
        text = call.params.get("text")
        if not text:
            return []
        query = self._fake.world.callback_queries.get(str(call.params.get("callback_query_id")))
        person = self._cast.person_of_chat(query["from"]["id"]) if query else None
        return [t(self._language, "shell.bot.toast", person=person.name if person else "?",
                  text=text)]

    # ---- one message --------------------------------------------------------------------
    def _message_lines(self, message: dict[str, Any]) -> list[str]:
        lang = self._language
        lines: list[str] = []
        if message.get("forward_origin"):
            lines.append(t(lang, "shell.bot.forwarded"))
        lines.extend(self._media_lines(message))
        text = message.get("text") or message.get("caption") or ""
        lines.extend(INDENT + line if line else "" for line in text.splitlines())
        lines.extend(self._button_lines(message))
        return lines

    def _media_lines(self, message: dict[str, Any]) -> list[str]:
        lang = self._language
        if location := message.get("location"):
            return [t(lang, "shell.bot.location", latitude=location["latitude"],
                      longitude=location["longitude"])]
        for key in MEDIA_KEYS:
            media = message.get(key)
            if not media:
                continue
            file_id = (media[-1] if isinstance(media, list) else media)["file_id"]
            path = self._saved(file_id)
            if key == "document":
                return [t(lang, "shell.bot.document", name=media.get("file_name", ""), path=path)]
            if key in ("photo", "video", "voice"):
                return [t(lang, f"shell.bot.{key}", path=path)]
            return [t(lang, "shell.bot.document", name=key, path=path)]
        return []

    def _saved(self, file_id: str) -> str:
        stored = self._fake.world.files.get(file_id)
        if stored is None:
            return "?"
        path = self._run_folder() / stored.file_path
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(stored.data)
        return str(path)

    def _run_folder(self) -> Path:
        """This run's own folder, made at its first file: the next number after every run
        before it, taken with an exclusive mkdir so that two shells never share one."""
        if self._run_dir is None:
            self._files_dir.mkdir(parents=True, exist_ok=True)
            taken = [int(match[1]) for entry in self._files_dir.iterdir()
                     if (match := RUN_FOLDER.fullmatch(entry.name))]
            number = max(taken, default=0) + 1
            while True:
                candidate = self._files_dir / f"run-{number}"
                try:
                    candidate.mkdir()
                except FileExistsError:
                    number += 1
                    continue
                self._run_dir = candidate
                break
        return self._run_dir

    def _button_lines(self, message: dict[str, Any]) -> list[str]:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        lines, number = [], 0
        for row in rows:
            cells = []
            for button in row:
                number += 1
                arrow = " ↗" if button.get("url") else ""
                cells.append(f"[{number}] {button.get('text', '')}{arrow}")
            lines.append(INDENT + "   ".join(cells))
        return lines

    def _chat_label(self, chat_id: int | None) -> str:
        lang = self._language
        if chat_id is not None and (person := self._cast.person_of_chat(chat_id)):
            return t(lang, "shell.bot.private_chat", name=person.name)
        if chat_id is not None and (group := self._cast.group_of_chat(chat_id)):
            return t(lang, "shell.bot.group_chat", title=group.title)
        chat = self._fake.world.chats.get(chat_id or 0)
        if chat is not None and chat.title:
            return t(lang, "shell.bot.group_chat", title=chat.title)
        return t(lang, "shell.bot.unknown_chat", chat_id=chat_id)
