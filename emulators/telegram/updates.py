"""The queue of updates waiting for the bot, with Telegram's offset/acknowledge semantics.

An update stays pending until a ``getUpdates`` call with a higher ``offset`` confirms it, exactly
as on the real server; that is what lets tests wait until the bot has *acknowledged* everything
(``wait_until_updates_consumed``) rather than merely fetched it.
"""

from __future__ import annotations

import itertools
from typing import Any

from .waiting import Signal

ALL_UPDATE_TYPES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "message_reaction", "message_reaction_count",
        "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
        "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
        "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
    }
)  # fmt: skip
# What Telegram delivers when allowed_updates is empty or was never set.
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}


def update_type(update: dict[str, Any]) -> str:
    """The one key of an update besides ``update_id`` (``"message"``, ``"callback_query"``…)."""
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Pending updates in ``update_id`` order; ``pending`` shrinks only on acknowledgement."""

    def __init__(self, changed: Signal, first_update_id: int = 500_000_001) -> None:
        self._changed = changed
        self._ids = itertools.count(first_update_id)
        self.pending: list[dict[str, Any]] = []
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.enqueued: list[dict[str, Any]] = []  # every update ever pushed, for inspection
        self.last_fetched_id = 0

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._ids), kind: payload}
        self.pending.append(update)
        self.enqueued.append(update)
        self._changed.notify()
        return update

    def set_allowed(self, allowed: list[str] | None) -> None:
        """``None`` keeps the previous setting; an empty list restores Telegram's default."""
        if allowed is None:
            return
        self.allowed = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES

    def acknowledge(self, offset: int) -> None:
        """Forget updates confirmed by ``offset``; a negative offset keeps only the last -offset."""
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]
        self._changed.notify()

    def available(self, limit: int = 100) -> list[dict[str, Any]]:
        """What ``getUpdates`` returns now; updates of types not allowed are dropped for good."""
        kept = [u for u in self.pending if update_type(u) in self.allowed]
        if len(kept) != len(self.pending):
            self.pending = kept
            self._changed.notify()
        return kept[:limit]

    def mark_fetched(self, updates: list[dict[str, Any]]) -> None:
        if updates:
            self.last_fetched_id = max(self.last_fetched_id, updates[-1]["update_id"])

    def drop_all(self) -> None:
        """``drop_pending_updates=True``."""
        self.pending.clear()
        self._changed.notify()

    @property
    def all_acknowledged(self) -> bool:
        return not self.pending
