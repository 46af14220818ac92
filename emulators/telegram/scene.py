"""Building the scene a test needs: users, groups, and the bot's standing in them.

Membership changes produce the updates Telegram sends (``my_chat_member``, service messages
with ``new_chat_members`` or ``migrate_to_chat_id``), so the bot under test learns about them the
same way it would in production, and they change what later API calls are allowed to do.
"""

from __future__ import annotations

from typing import Any

from .chats import member_dict
from .world import FakeChat, FakeUser, World


def set_private_block(world: World, user: FakeUser, *, blocked: bool) -> None:
    """Block or unblock the bot in ``user``'s private chat, with the ``my_chat_member`` update."""
    chat = world.chats[user.id]
    chat.blocked = blocked
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    bot = world.bot.to_dict()
    world.updates.push(
        "my_chat_member",
        {
            "chat": chat.to_dict(), "from": user.to_dict(), "date": world.now(),
            "old_chat_member": member_dict(bot, old), "new_chat_member": member_dict(bot, new),
        },
    )  # fmt: skip


class SceneBuilding:
    """Mixin for :class:`FakeTelegramAPI`: world building and chat membership events."""

    world: World

    def user(
        self, first_name: str, *, last_name: str | None = None, username: str | None = None,
        language_code: str | None = "vi", user_id: int | None = None, started: bool = True,
    ) -> FakeUser:  # fmt: skip
        """A new user with a private chat with the bot: a unique positive 10-digit id, or
        ``user_id`` (the id a config file gives a staff member). ``started=False``: someone who
        never wrote to the bot, so the bot cannot write to them (403) until they do."""
        return self.world.new_user(
            first_name, last_name, username, language_code, user_id, started=started
        )

    def group(self, title: str, *, members: int = 10, supergroup: bool = False) -> FakeChat:
        """A new group (negative id; supergroups ``-100…``) that the bot is already in.

        The bot counts as having joined before the test began, so it can talk there at once
        without any update; call :meth:`add_bot_to_group` to play the join itself (the
        ``my_chat_member`` and ``new_chat_members`` updates). ``members`` is what
        ``getChatMemberCount`` answers, i.e. people *and* the bot, as on Telegram.
        """
        return self.world.new_group(title, members, supergroup=supergroup)

    def make_admin(self, chat: FakeChat, user: FakeUser) -> None:
        """Make ``user`` a group administrator (as ``getChatMember`` will report)."""
        chat.admin_ids.add(user.id)
        chat.member_ids.add(user.id)

    def set_member_count(self, chat: FakeChat, n: int) -> None:
        """What ``getChatMemberCount`` answers from now on (people and the bot)."""
        chat.member_count = n

    def _bot_status_update(
        self, chat: FakeChat, by: FakeUser, new_status: str, old_status: str | None = None
    ) -> None:
        old_status = old_status or chat.bot_status
        chat.bot_status = new_status
        bot = self.world.bot.to_dict()
        self.world.updates.push(
            "my_chat_member",
            {
                "chat": chat.to_dict(), "from": by.to_dict(), "date": self.world.now(),
                "old_chat_member": member_dict(bot, old_status),
                "new_chat_member": member_dict(bot, new_status),
            },
        )  # fmt: skip

    def _service_message(self, chat: FakeChat, by: FakeUser, content: dict[str, Any]) -> None:
        message = self.world.add_message(chat, by, content)
        self.world.updates.push("message", dict(message))

    def add_bot_to_group(self, chat: FakeChat, by: FakeUser, *, as_admin: bool = False) -> None:
        """``by`` adds the bot now (``my_chat_member`` left -> member/administrator).

        ``by`` becomes the group's creator if it has none, and a member otherwise.
        """
        if chat.creator_id is None:
            chat.creator_id = by.id
        chat.member_ids.add(by.id)
        old = chat.bot_status if chat.bot_status == "kicked" else "left"
        self._bot_status_update(chat, by, "administrator" if as_admin else "member", old)
        self._service_message(chat, by, {"new_chat_members": [self.world.bot.to_dict()]})

    def set_bot_admin(self, chat: FakeChat, by: FakeUser, *, is_admin: bool = True) -> None:
        """Promote or demote the bot (decides whether it may delete others' messages)."""
        self._bot_status_update(chat, by, "administrator" if is_admin else "member")

    def remove_bot_from_group(self, chat: FakeChat, by: FakeUser) -> None:
        """``by`` removes the bot; later calls to the chat get 403 "bot was kicked"."""
        self._bot_status_update(chat, by, "kicked" if chat.type == "supergroup" else "left")
        # A removed bot is "kicked" as far as sending is concerned, in both group kinds.
        chat.bot_status = "kicked"

    def migrate_to_supergroup(self, chat: FakeChat, by: FakeUser | None = None) -> FakeChat:
        """Upgrade a basic group; the old id then answers 400 with ``migrate_to_chat_id``."""
        if chat.type != "group":
            raise AssertionError("only basic groups can be migrated to a supergroup")
        new = self.world.new_group(chat.title or "", chat.member_count, supergroup=True)
        new.bot_status, new.creator_id = chat.bot_status, chat.creator_id
        new.admin_ids, new.member_ids = set(chat.admin_ids), set(chat.member_ids)
        actor = by or self.world.users.get(chat.creator_id or 0) or self.user("Quản trị")
        if chat.bot_is_member:
            self._service_message(chat, actor, {"migrate_to_chat_id": new.id})
            self._service_message(new, actor, {"migrate_from_chat_id": chat.id})
        chat.migrated_to = new.id
        return new

    def delete_group(self, chat: FakeChat) -> None:
        """The group's owner deletes it: the chat is gone for good, and every later call to it
        is refused with 403 "Forbidden: the group chat was deleted".

        The Bot API documents no list of error texts (only their shape: ``error_code`` and a
        human-readable ``description``, https://core.telegram.org/bots/api#making-requests);
        this is the text bots get from Telegram for a deleted group, as bot authors record it.
        """
        if not chat.is_group:
            raise AssertionError("only groups can be deleted; a person blocks the bot instead")
        chat.deleted = True

    def block_bot(self, user: FakeUser) -> None:
        """``user`` blocks the bot; sending to them then fails with 403."""
        set_private_block(self.world, user, blocked=True)

    def unblock_bot(self, user: FakeUser) -> None:
        """``user`` restarts the bot after blocking it."""
        set_private_block(self.world, user, blocked=False)
