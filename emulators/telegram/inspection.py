"""Reading back what the bot did, and waiting for it without sleeps.

The ``wait_for_*`` helpers are event-driven: they re-check whenever the world changes and fail
with a summary of recent calls, which is usually all one needs to see why a test timed out.
Successive waits walk forward: each returns the first match *after* the one the previous wait
(for the same method, or the same chat) returned, so a conversation reads top to bottom.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from .bot_settings import scope_key
from .updates import update_type
from .world import ApiCall, ForwardRecord, World

NOISY_METHODS = frozenset({"getUpdates"})
SHOWN_PARAMS = ("chat_id", "text", "caption", "message_id", "scope", "language_code")


def describe_call(call: ApiCall) -> str:
    """One line per call: ``sendMessage chat_id=… text='…' -> 200`` or the error."""
    shown = {k: v for k, v in call.params.items() if k in SHOWN_PARAMS}
    args = "".join(f" {k}={json.dumps(v, ensure_ascii=False)[:60]}" for k, v in shown.items())
    if not call.answered:
        return f"{call.method}{args} -> (not answered yet)"
    outcome = "ok" if call.ok else call.response.get("description", "?")
    return f"{call.method}{args} -> {call.status} {outcome}"


class Inspection:
    """Mixin for :class:`FakeTelegramAPI`: inspection and waiting."""

    world: World
    internal_errors: list[str]
    _call_cursor: dict[str, int]
    _message_cursor: dict[int, int]

    @property
    def calls(self) -> list[ApiCall]:
        """Every request the bot made, in order (getUpdates included)."""
        return self.world.calls

    @property
    def forwards(self) -> list[ForwardRecord]:
        """Every ``forwardMessage`` the bot made."""
        return self.world.forwards

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """``answerCallbackQuery`` parameters by callback query id."""
        return self.world.callback_answers

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.world.calls if call.method == method]

    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot created (send*, copies, forwards, which carry ``forward_origin``),
        in order, as they are now (edits applied; deleted ones included, see ``is_deleted``)."""
        return [
            copy.deepcopy(self.world.messages[key])
            for key in self.world.sent
            if chat_id is None or key[0] == chat_id
        ]

    def chat_history(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message still in a chat, from users and from the bot, in order."""
        return [
            copy.deepcopy(message)
            for (cid, mid), message in self.world.messages.items()
            if cid == chat_id and (cid, mid) not in self.world.deleted
        ]

    def sent_silently(self, chat_id: int, message_id: int) -> bool:
        """Whether the bot sent this message with ``disable_notification`` ("Sends the message
        silently. Users will receive a notification with no sound.",
        https://core.telegram.org/bots/api#sendmessage). A message object does not say so, so
        this reads the request that created it."""
        for call in self.world.calls:
            result = call.result if call.ok else None
            if (isinstance(result, dict) and result.get("message_id") == message_id
                    and result.get("chat", {}).get("id") == chat_id):
                return bool(call.params.get("disable_notification"))
        raise AssertionError(f"the bot sent no message {message_id} in chat {chat_id}")

    def is_deleted(self, chat_id: int, message_id: int) -> bool:
        return (chat_id, message_id) in self.world.deleted

    def commands(
        self, scope_type: str = "default", language_code: str | None = None, *,
        chat_id: int | None = None, user_id: int | None = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """The commands set for a scope and language (``[]`` when none were set)."""
        scope: dict[str, Any] = {"type": scope_type}
        if chat_id is not None:
            scope["chat_id"] = chat_id
        if user_id is not None:
            scope["user_id"] = user_id
        return list(self.world.commands.get((scope_key(scope), language_code or ""), []))

    def bot_text(self, kind: str = "description", language_code: str | None = None) -> str:
        """What ``setMyDescription``/``setMyShortDescription``/``setMyName`` stored."""
        return self.world.bot_texts.get((kind, language_code or ""), "")

    def pending_updates(self) -> list[str]:
        """Types of the updates not yet acknowledged by the bot."""
        return [update_type(update) for update in self.world.updates.pending]

    def mark_seen(self) -> None:
        """Make the next ``wait_for_*`` calls ignore everything that happened so far."""
        for call in self.world.calls:
            self._call_cursor[call.method] = len(self.world.calls)
        for chat_id in {key[0] for key in self.world.sent}:
            self._message_cursor[chat_id] = len(self.world.sent)

    def recent_calls_summary(self, limit: int = 15) -> str:
        calls = [c for c in self.world.calls if c.method not in NOISY_METHODS][-limit:]
        lines = [f"  {describe_call(call)}" for call in calls] or ["  (only getUpdates calls)"]
        if self.internal_errors:
            lines.append("fake server internal errors:")
            lines.extend(f"  {error}" for error in self.internal_errors[-5:])
        pending = self.pending_updates()
        lines.append(f"updates not yet acknowledged by the bot: {pending or 'none'}")
        return "\n".join(lines)

    async def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] | None = None, *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fake's documented API
    ) -> ApiCall:  # fmt: skip
        """The next call to ``method`` (matching ``predicate``) after the last one returned.

        Calls count from their arrival: a held ``getUpdates`` matches at once (its
        ``response`` is filled in when the fake answers; see ``ApiCall.answered``).
        """

        def find() -> tuple[int, ApiCall] | None:
            calls = self.world.calls
            for index in range(self._call_cursor.get(method, 0), len(calls)):
                call = calls[index]
                if call.method == method and (predicate is None or predicate(call)):
                    return index, call
            return None

        found = await self.world.changed.wait_for(find, timeout)
        if found is None:
            raise AssertionError(
                f"no {method} call{' matching the predicate' if predicate else ''} within "
                f"{timeout}s; recent calls:\n{self.recent_calls_summary()}"
            )
        self._call_cursor[method] = found[0] + 1
        return found[1]

    async def wait_for_message(
        self, chat_id: int, predicate: Callable[[dict[str, Any]], bool] | None = None, *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fake's documented API
    ) -> dict[str, Any]:  # fmt: skip
        """The next message the bot created in ``chat_id`` (matching ``predicate``)."""

        def find() -> tuple[int, dict[str, Any]] | None:
            sent = self.world.sent
            for index in range(self._message_cursor.get(chat_id, 0), len(sent)):
                if sent[index][0] != chat_id:
                    continue
                message = copy.deepcopy(self.world.messages[sent[index]])
                if predicate is None or predicate(message):
                    return index, message
            return None

        found = await self.world.changed.wait_for(find, timeout)
        if found is None:
            raise AssertionError(
                f"no message from the bot in chat {chat_id}"
                f"{' matching the predicate' if predicate else ''} within {timeout}s; "
                f"recent calls:\n{self.recent_calls_summary()}"
            )
        self._message_cursor[chat_id] = found[0] + 1
        return found[1]

    @property
    def long_polls_waiting(self) -> int:
        """How many ``getUpdates`` requests the fake is holding open right now."""
        return self.world.long_polls_waiting

    async def wait_until(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - same convention as the other waits
        what: str = "condition",
    ) -> None:
        """Until ``condition()`` holds, re-checked whenever the fake's state changes."""
        done = await self.world.changed.wait_for(lambda: True if condition() else None, timeout)
        if done is None:
            raise AssertionError(
                f"{what} still false after {timeout}s; recent calls:\n{self.recent_calls_summary()}"
            )

    async def wait_until_updates_consumed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until the bot has acknowledged (``getUpdates`` with a higher offset) every update."""
        queue = self.world.updates
        done = await self.world.changed.wait_for(
            lambda: True if queue.all_acknowledged else None, timeout
        )
        if done is None:
            raise AssertionError(
                f"updates still unacknowledged after {timeout}s: {self.pending_updates()}\n"
                f"recent calls:\n{self.recent_calls_summary()}"
            )
