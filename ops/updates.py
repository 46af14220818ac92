"""Counts every update the bot receives by its kind (message, callback_query, my_chat_member…).

A ``TypeHandler`` in group -2, before every other group (the edit guard is -1): it only counts
and never stops the update, so the handlers after it see every update as before. The kind is the
name of the update's one filled field (``Update.ALL_TYPES``): never who sent it.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, TypeHandler

from ops.metrics import UPDATES_HANDLED

COUNTING_GROUP = -2


def kind_of(update: Update) -> str:
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


async def count_update(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    UPDATES_HANDLED.labels(kind_of(update)).inc()


def update_counter() -> BaseHandler:  # type: ignore[type-arg]
    return TypeHandler(Update, count_update)
