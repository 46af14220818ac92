"""What test users do to the bot: messages, media, edits, forwards and button presses.

Each helper stores the message in the world and enqueues the Telegram-shaped update the bot will
fetch with ``getUpdates``; it returns a copy of the message (or the callback query id) so a test
can refer to it later, e.g. to reply to it or to press a button under it.
"""

from __future__ import annotations

import copy
from typing import Any

from .formatting import command_entities
from .media import media_object, store_upload
from .scene import set_private_block
from .world import FakeChat, FakeUser, World

# A valid 1x1 PNG, for tests that need "a photo" but not a particular one.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005001d0d0a2db40000000049454e44ae426082"
)


class UserActions:
    """Mixin for :class:`FakeTelegramAPI`: the user side of a conversation."""

    world: World

    # ---- plumbing ---------------------------------------------------------------------
    def _chat_for(self, user: FakeUser, chat: FakeChat | None) -> FakeChat:
        if chat is None:
            private = self.world.chats[user.id]
            if private.blocked:
                # Writing to a bot you blocked means pressing "Restart": Telegram unblocks first.
                set_private_block(self.world, user, blocked=False)
            private.started = True  # from now on the bot may write to them
            return private
        if chat.migrated_to is not None:
            raise AssertionError(f"chat {chat.id} migrated to {chat.migrated_to}; use the new chat")
        return chat

    def _bot_sees(self, chat: FakeChat, message: dict[str, Any]) -> bool:
        """Whether Telegram delivers this to the bot: never once it left or was removed from
        the group; with privacy mode, a non-admin bot gets only commands and replies to itself."""
        if chat.is_group and not chat.bot_is_member:
            return False
        if not (self.world.privacy_mode and chat.is_group) or chat.bot_status == "administrator":
            return True
        text = message.get("text") or message.get("caption") or ""
        if text.startswith("/"):
            _, at, addressee = text.split(maxsplit=1)[0].partition("@")
            if not at or addressee.lower() == (self.world.bot.username or "").lower():
                return True
        replied = message.get("reply_to_message", {}).get("from", {})
        return replied.get("id") == self.world.bot.id

    def _deliver(
        self, user: FakeUser, chat: FakeChat | None, content: dict[str, Any],
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        target = self._chat_for(user, chat)
        if reply_to is not None:
            current = self.world.message(reply_to["chat"]["id"], reply_to["message_id"])
            source = current or reply_to
            content["reply_to_message"] = {
                k: copy.deepcopy(v) for k, v in source.items() if k != "reply_to_message"
            }
        message = self.world.add_message(target, user, content)
        if self._bot_sees(target, message):
            self.world.updates.push("message", copy.deepcopy(message))
        return copy.deepcopy(message)

    # ---- messages ---------------------------------------------------------------------
    def send_message(
        self, user: FakeUser, text: str, *, chat: FakeChat | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """A text message from ``user``; ``chat=None`` is their private chat with the bot."""
        content: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._deliver(user, chat, content, reply_to)

    def _send_file(
        self, user: FakeUser, kind: str, data: bytes, chat: FakeChat | None,
        caption: str | None, *, file_name: str | None = None, mime_type: str | None = None,
        **meta: Any,
    ) -> dict[str, Any]:  # fmt: skip
        stored = store_upload(self.world, kind, data, file_name, mime_type)
        content: dict[str, Any] = {kind: media_object(self.world, kind, stored, **meta)}
        if caption:
            content["caption"] = caption
            if entities := command_entities(caption):
                content["caption_entities"] = entities
        return self._deliver(user, chat, content)

    def send_photo(
        self, user: FakeUser, data: bytes = TINY_PNG, *, caption: str | None = None,
        chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file(user, "photo", data, chat, caption, mime_type="image/jpeg")

    def send_document(
        self, user: FakeUser, filename: str, data: bytes,
        mime_type: str = "application/octet-stream", *, caption: str | None = None,
        chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file(
            user, "document", data, chat, caption, file_name=filename, mime_type=mime_type
        )

    def send_audio(
        self, user: FakeUser, filename: str, data: bytes, *, performer: str | None = None,
        title: str | None = None, caption: str | None = None, chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file(
            user, "audio", data, chat, caption, file_name=filename, mime_type="audio/mpeg",
            performer=performer, title=title,
        )  # fmt: skip

    def send_video(
        self, user: FakeUser, data: bytes = b"\x00\x00\x00\x18ftypmp42", *,
        caption: str | None = None, duration: int = 3, chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file(user, "video", data, chat, caption, duration=duration)

    def send_voice(
        self, user: FakeUser, data: bytes = b"OggS\x00fake-voice", *, duration: int = 2,
        caption: str | None = None, chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        return self._send_file(user, "voice", data, chat, caption, duration=duration)

    def send_video_note(
        self, user: FakeUser, data: bytes = b"\x00\x00\x00\x18ftypmp42-round", *,
        duration: int = 4, length: int = 240, chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """A round video message: a ``VideoNote``, which never has a caption
        (https://core.telegram.org/bots/api#videonote)."""
        return self._send_file(
            user, "video_note", data, chat, None, duration=duration, length=length
        )  # fmt: skip

    def send_sticker(
        self, user: FakeUser, emoji: str = "👍", *, chat: FakeChat | None = None
    ) -> dict[str, Any]:
        return self._send_file(user, "sticker", b"RIFF\x00WEBP", chat, None, emoji=emoji)

    def send_location(
        self, user: FakeUser, latitude: float, longitude: float, *, chat: FakeChat | None = None,
        live_period: int | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """A location; with ``live_period`` (seconds) a live location, which then moves by
        edits (:meth:`move_live_location`)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        return self._deliver(user, chat, {"location": location})

    def send_contact(
        self, user: FakeUser, phone_number: str, first_name: str, *,
        last_name: str | None = None, contact_user_id: int | None = None,
        chat: FakeChat | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id:
            contact["user_id"] = contact_user_id
        return self._deliver(user, chat, {"contact": contact})

    def send_poll(
        self, user: FakeUser, question: str, options: list[str], *, chat: FakeChat | None = None
    ) -> dict[str, Any]:
        poll = {
            "id": str(5_000_000_000 + self.world.next_id()), "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": str(n)}
                for n, option in enumerate(options)
            ],
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
            "type": "regular", "allows_multiple_answers": False,
            # Required by Bot API 9.6/10.0 (PTB 22.8 refuses polls without them).
            "allows_revoting": False, "members_only": False,
        }  # fmt: skip
        return self._deliver(user, chat, {"poll": poll})

    # ---- edits, forwards, buttons -----------------------------------------------------
    def edit_message(
        self, user: FakeUser, message: dict[str, Any], new_text: str
    ) -> dict[str, Any]:
        """The user edits their own text message: an ``edited_message`` update."""
        key = (message["chat"]["id"], message["message_id"])
        stored = self.world.messages.get(key)
        if stored is None or stored["from"]["id"] != user.id:
            raise AssertionError(f"message {key} is not a message by user {user.id}")
        stored["text"] = new_text
        stored.pop("entities", None)
        if entities := command_entities(new_text):
            stored["entities"] = entities
        stored["edit_date"] = self.world.now()
        self.world.updates.push("edited_message", copy.deepcopy(stored))
        return copy.deepcopy(stored)

    def edit_caption(
        self, user: FakeUser, message: dict[str, Any], new_caption: str
    ) -> dict[str, Any]:
        """The user edits the caption of their own photo, video, voice note or file: an
        ``edited_message`` update carrying the whole message with its new caption
        (https://core.telegram.org/bots/api#update, ``edited_message``)."""
        key = (message["chat"]["id"], message["message_id"])
        stored = self.world.messages.get(key)
        if stored is None or stored["from"]["id"] != user.id:
            raise AssertionError(f"message {key} is not a message by user {user.id}")
        if "text" in stored or "video_note" in stored or "location" in stored:
            raise AssertionError("only media that take a caption have one to edit")
        stored["caption"] = new_caption
        stored.pop("caption_entities", None)
        if entities := command_entities(new_caption):
            stored["caption_entities"] = entities
        stored["edit_date"] = self.world.now()
        self.world.updates.push("edited_message", copy.deepcopy(stored))
        return copy.deepcopy(stored)

    def move_live_location(
        self, user: FakeUser, message: dict[str, Any], latitude: float, longitude: float
    ) -> dict[str, Any]:
        """A live location moved: Telegram sends the whole message again as an
        ``edited_message``, every few seconds while it is shared
        (https://core.telegram.org/bots/api#location, ``live_period``)."""
        key = (message["chat"]["id"], message["message_id"])
        stored = self.world.messages.get(key)
        if stored is None or stored["from"]["id"] != user.id or "live_period" not in (
            stored.get("location") or {}
        ):
            raise AssertionError(f"message {key} is not a live location by user {user.id}")
        stored["location"].update(latitude=latitude, longitude=longitude)
        stored["edit_date"] = self.world.now()
        self.world.updates.push("edited_message", copy.deepcopy(stored))
        return copy.deepcopy(stored)

    def forward_from(
        self, user: FakeUser, text: str, original_sender: FakeUser, *,
        chat: FakeChat | None = None, hidden: bool = False,
    ) -> dict[str, Any]:  # fmt: skip
        """``user`` forwards a text that ``original_sender`` wrote (``hidden``: privacy on)."""
        date = self.world.now() - 3600
        if hidden:
            name = " ".join(filter(None, [original_sender.first_name, original_sender.last_name]))
            origin = {"type": "hidden_user", "sender_user_name": name, "date": date}
        else:
            origin = {"type": "user", "sender_user": original_sender.to_dict(), "date": date}
        return self._deliver(user, chat, {"text": text, "forward_origin": origin})

    def press_button(self, user: FakeUser, message: dict[str, Any], callback_data: str) -> str:
        """``user`` presses an inline button under a bot message; returns the query id."""
        current = self.world.message(message["chat"]["id"], message["message_id"])
        if current is None:
            raise AssertionError("that message does not exist (any more); nothing to press")
        query_id = str(7_000_000_000_000 + self.world.next_id())
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": copy.deepcopy(current),
            "chat_instance": str(abs(current["chat"]["id"]) * 7919 % 10**18),
            "data": callback_data,
        }
        self.world.callback_queries[query_id] = query
        self.world.updates.push("callback_query", copy.deepcopy(query))
        return query_id
