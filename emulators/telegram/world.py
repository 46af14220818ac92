"""The fake Telegram's state: users, chats, messages, files, and the log of API calls.

Everything the Bot API methods and the test-side helpers share lives in one :class:`World`, so a
test can build a scene (users, groups, the bot's membership), drive the bot, and then inspect
exactly what the bot did. Dicts returned here are shaped like the Bot API's JSON objects, so
python-telegram-bot parses them into its real classes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, chat_not_found, forbidden
from .paid_broadcast import StarLedger
from .updates import UpdateQueue
from .waiting import Signal

MessageKey = tuple[int, int]  # (chat_id, message_id)


@dataclass
class FakeUser:
    """A Telegram user; ``id`` is also the id of their private chat with the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


@dataclass
class FakeChat:
    """A private chat, basic group or supergroup, and the bot's standing in it.

    ``member_count`` is what ``getChatMemberCount`` answers (people and the bot). Groups start
    with the bot as a member, as if it had joined before the test began.
    """

    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    member_count: int = 2
    bot_status: str = "member"  # "member" | "administrator" | "left" | "kicked"
    migrated_to: int | None = None
    blocked: bool = False  # private chats: the user blocked the bot
    deleted: bool = False  # groups: deleted by their owner (``SceneBuilding.delete_group``)
    # Private chats: whether the user ever wrote to the bot. "Bots can't initiate conversations
    # with users. A user must either add them to a group or send them a message first"
    # (https://core.telegram.org/bots, "How are bots different from users?"): until then,
    # sending to them fails with 403 "bot can't initiate conversation with a user".
    started: bool = True
    user: FakeUser | None = None  # private chats: the other side
    creator_id: int | None = None
    admin_ids: set[int] = field(default_factory=set)
    member_ids: set[int] = field(default_factory=set)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    @property
    def bot_is_member(self) -> bool:
        return self.bot_status in ("member", "administrator")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.user is not None:
            user = self.user.to_dict()
            data.update({k: user[k] for k in ("first_name", "last_name", "username") if k in user})
        else:
            data["title"] = self.title
            if self.username:
                data["username"] = self.username
        return data


@dataclass
class StoredFile:
    """File bytes held in memory so ``getFile`` and the download URL can serve them."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class ForwardRecord:
    """One ``forwardMessage`` the bot made: tests assert there are none where privacy matters."""

    from_chat_id: int
    message_id: int
    chat_id: int
    message: dict[str, Any]


@dataclass
class ApiCall:
    """One request the bot made, with the decoded parameters and the reply it got.

    Recorded when the request arrives (``at``); ``response`` stays ``{}`` and ``status`` 0
    until the fake answers, which matters only for held long polls and injected delays.
    """

    method: str
    params: dict[str, Any]
    at: float
    response: dict[str, Any]
    status: int = 200
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.status != 0

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")


class World:
    """All mutable state of one fake Telegram, shared by methods and test helpers."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        privacy_mode: bool = False,
    ) -> None:
        self.token = token
        self.privacy_mode = privacy_mode
        self.clock = clock
        self.wall_clock = wall_clock
        self.bot = FakeUser(
            int(token.split(":", 1)[0]), "Kết Nối ANTT", username=bot_username,
            language_code=None, is_bot=True,
        )  # fmt: skip
        self.changed = Signal()
        self.updates = UpdateQueue(self.changed)
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[MessageKey, dict[str, Any]] = {}
        self.deleted: set[MessageKey] = set()
        self.sent: list[MessageKey] = []
        self.forwards: list[ForwardRecord] = []
        self.files: dict[str, StoredFile] = {}
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # (description | short_description | name, language_code) -> text
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        # The bot's Telegram Star balance, which paid broadcasts spend (``paid_broadcast``).
        self.stars = StarLedger()
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.stopping = False
        self.long_polls_waiting = 0  # getUpdates requests being held open right now
        self._user_ids = itertools.count(6_100_000_001)
        self._group_ids = itertools.count(4_100_000_001)
        self._supergroup_ids = itertools.count(1_002_100_000_001)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_numbers = itertools.count(1)
        self._other_ids = itertools.count(1)

    # ---- ids and time -------------------------------------------------------------------
    def now(self) -> int:
        """Unix time for ``date`` fields."""
        return int(self.wall_clock())

    def next_id(self) -> int:
        """A fresh number for callback query ids, media group ids and similar."""
        return next(self._other_ids)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    # ---- world building -----------------------------------------------------------------
    def new_user(
        self, first_name: str, last_name: str | None, username: str | None, language: str | None,
        user_id: int | None = None, *, started: bool = True,
    ) -> FakeUser:  # fmt: skip
        if user_id is None:
            user_id = next(self._user_ids)
            if user_id == self.bot.id:
                user_id = next(self._user_ids)
        elif user_id in self.users or user_id == self.bot.id:
            raise AssertionError(f"user id {user_id} is taken")
        user = FakeUser(user_id, first_name, last_name, username, language)
        self.users[user.id] = user
        self.chats[user.id] = FakeChat(
            user.id, "private", user=user, bot_status="member", started=started
        )
        return user

    def new_group(self, title: str, members: int, *, supergroup: bool) -> FakeChat:
        if supergroup:
            chat = FakeChat(-next(self._supergroup_ids), "supergroup", title, member_count=members)
        else:
            chat = FakeChat(-next(self._group_ids), "group", title, member_count=members)
        self.chats[chat.id] = chat
        return chat

    # ---- chat lookup with Telegram's errors ------------------------------------------------
    def find_chat(self, ref: int | str | None) -> FakeChat:
        """Resolve a ``chat_id`` parameter (int or ``@username``) or raise "chat not found"."""
        if isinstance(ref, int) and ref in self.chats:
            return self.chats[ref]
        if isinstance(ref, str) and ref.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == ref[1:].lower():
                    return chat
        raise chat_not_found()

    def usable_chat(self, ref: int | str | None) -> FakeChat:
        """The chat, if the bot may act in it; else the error Telegram gives."""
        chat = self.find_chat(ref)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.deleted:
            raise forbidden("the group chat was deleted")
        if chat.type == "private":
            if chat.blocked:
                raise forbidden("bot was blocked by the user")
            if not chat.started:
                raise forbidden("bot can't initiate conversation with a user")
            return chat
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    # ---- messages -----------------------------------------------------------------------
    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message, or ``None`` if it never existed or was deleted."""
        key = (chat_id, message_id)
        return None if key in self.deleted else self.messages.get(key)

    def add_message(
        self, chat: FakeChat, sender: FakeUser, content: dict[str, Any]
    ) -> dict[str, Any]:
        """Create and store a message; messages from the bot are also logged in ``sent``."""
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat.id),
            "from": sender.to_dict(),
            "chat": chat.to_dict(),
            "date": self.now(),
            **content,
        }
        key = (chat.id, message["message_id"])
        self.messages[key] = message
        if sender.id == self.bot.id:
            self.sent.append(key)
        elif chat.is_group:
            chat.member_ids.add(sender.id)
        self.changed.notify()
        return message

    # ---- files --------------------------------------------------------------------------
    def store_file(
        self, data: bytes, folder: str, *, file_name: str | None = None,
        mime_type: str | None = None, extension: str = "",
    ) -> StoredFile:  # fmt: skip
        number = next(self._file_numbers)
        if not extension and file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"BQACAgUAAxkBAAI{number:08d}{folder[:3].upper()}fake",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"{folder}/file_{number}{extension}",
            data=data,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)
