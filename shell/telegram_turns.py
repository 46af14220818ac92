"""One input line while the player is on Telegram: what it becomes on the Bot API emulator's
side (a message, a photo, a file, a location, a button press), as Telegram would deliver it to
the bot."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from emulators.telegram import FakeTelegramAPI

from . import commands as cmd
from .cast import Group, Person
from .render import inline_buttons

Write = Callable[[str], None]
Translate = Callable[..., str]


@dataclass
class TelegramTurn:
    """The person acting, where (a group, or None: their private chat with the bot), and
    where the session prints; ``group`` becomes None when a start link opens the private chat."""

    fake: FakeTelegramAPI
    person: Person
    group: Group | None
    write: Write
    tr: Translate

    def act(self, command: cmd.ShellCommand) -> bool:
        """Hand the action to the emulator; False (with the reason printed) if it cannot be."""
        fake, user = self.fake, self.person.user
        chat = self.group.chat if self.group else None
        if isinstance(command, cmd.SayText):
            fake.send_message(user, command.text, chat=chat)
        elif isinstance(command, cmd.SendPhoto):
            fake.send_photo(user, caption=command.caption or None, chat=chat)
        elif isinstance(command, cmd.SendLocation):
            fake.send_location(user, command.latitude, command.longitude, chat=chat)
        elif isinstance(command, cmd.SendFile):
            path = Path(command.path).expanduser()
            try:
                data = path.read_bytes()
            except OSError:
                self.write(self.tr("shell.file_missing", path=path))
                return False
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            fake.send_document(user, path.name, data, mime, caption=command.caption or None,
                               chat=chat)
        elif isinstance(command, cmd.Press):
            return self.press(command.number)
        return True

    def here(self) -> int:
        return self.group.chat.id if self.group else self.person.user.id

    def latest_keyboard(self) -> dict[str, Any] | None:
        """The newest bot message in this chat that still has buttons: the one a person
        would press on."""
        world = self.fake.world
        for chat_id, message_id in reversed(world.sent):
            if chat_id == self.here():
                message = world.message(chat_id, message_id)
                if message is not None and inline_buttons(message):
                    return message
        return None

    def press(self, number: int) -> bool:
        """Button ``number`` (from 1) of the newest message with buttons in this chat."""
        message = self.latest_keyboard()
        buttons = inline_buttons(message)
        if message is None:
            self.write(self.tr("shell.no_buttons_yet"))
            return False
        if not 1 <= number <= len(buttons):
            self.write(self.tr("shell.no_button", number=number, count=len(buttons)))
            return False
        button = buttons[number - 1]
        if button.get("url"):
            return self.open_link(number, button["url"])
        self.fake.press_button(self.person.user, message, button.get("callback_data", ""))
        return True

    def open_link(self, number: int, url: str) -> bool:
        """A ``t.me/<bot>?start=…`` link opens the private chat with ``/start …``, as on a
        phone; any other link is only shown."""
        parsed = urlparse(url)
        bot = self.fake.bot_username.lower()
        payload = parse_qs(parsed.query).get("start", [""])[0]
        if parsed.netloc != "t.me" or parsed.path.strip("/").lower() != bot:
            self.write(self.tr("shell.button_link", number=number, url=url))
            return False
        self.group = None
        text = f"/start {payload}" if payload else "/start"
        self.fake.send_message(self.person.user, text)
        return True
