"""What an answer to a delivery's request proves, written down, and whether to try again
(SPEC §12): the failure rules both the row-by-row path (``broadcasts.delivery_rows``) and the paid
batches (``broadcasts.paid_lane``) follow.

* a message id: ``sent``; no answer (``MaybeDelivered``): ``uncertain``, never re-sent alone;
* errors that prove nothing was delivered are retried: 429 after ``retry_after``; 5xx and
  network errors with bounded exponential backoff, then ``failed``; a refused paid send at once
  (unpaid); a migrated group is followed to its new id;
* a group that removed or blocked the bot is marked inactive and its row ``failed``.

A failure of the step before the claim (``broadcasts.delivery_preparing``: the row is still
``pending``) is written by the same rules: a retry leaves it ``pending`` with the reason it
waits (``last_error``), a refusal fails it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from core.address import Address
from core.clock import Clock
from core.outbound import (
    ChatMoved,
    ChatUnavailable,
    MaybeDelivered,
    PaidSendRefused,
    RetryLater,
    SendFailure,
    TransientFailure,
)
from org import groups as group_service
from storage import deliveries as store
from storage import sms_subscribers as sms_store
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    # Tries for refused connections and 5xx before the row fails: with the backoff below this
    # rides out about ten minutes of Telegram trouble, since a failed row is never re-sent.
    network_attempts: int = 14
    backoff_first: float = 0.5
    backoff_cap: float = 60.0
    rate_limit_waits: int = 10  # 429s tolerated for one row before it fails
    migrations: int = 2

    def backoff(self, tries: int) -> float:
        return min(self.backoff_cap, self.backoff_first * 2 ** (tries - 1))


async def record_outcome(db: Database, clock: Clock, policy: RetryPolicy, delivery_id: int,
                         address: Address, outcome: int | SendFailure,
                         tries: Counter[str]) -> float | None:
    """Write what the answer proved. Returns seconds to wait before retrying, or None."""
    now = clock.now()
    retry_in: float | None = None
    # The answer's write runs in one go (inline on SQLite: Database.run_transaction).
    if isinstance(outcome, int):
        message_id = outcome
        await db.run_transaction(lambda conn: store.mark_sent(conn, delivery_id, message_id, now))
        return None
    if isinstance(outcome, MaybeDelivered):
        reason = outcome.reason
        await db.run_transaction(
            lambda conn: store.mark_uncertain(conn, delivery_id, reason, now))
        return None
    if isinstance(outcome, PaidSendRefused):
        retry_in = 0.0  # nothing went out: again at once, unpaid
    elif isinstance(outcome, RetryLater):
        tries["rate"] += 1
        retry_in = outcome.seconds if tries["rate"] <= policy.rate_limit_waits else None
    elif isinstance(outcome, ChatMoved):
        tries["moved"] += 1
        if tries["moved"] <= policy.migrations:
            await group_service.group_migrated(db, address, outcome.new_address, now)
            retry_in = 0.0
    elif isinstance(outcome, ChatUnavailable):
        await group_service.bot_left_group(db, address, now)
        if address.channel == sms_store.SMS_CHANNEL:  # an officer sees it in /sms list
            async with db.transaction() as conn:
                await sms_store.recipient_unreachable(conn, address, now)
    elif isinstance(outcome, TransientFailure):
        tries["network"] += 1
        if tries["network"] < policy.network_attempts:
            retry_in = policy.backoff(tries["network"])
    move = store.mark_failed if retry_in is None else store.back_to_pending
    reason = outcome.reason
    await db.run_transaction(lambda conn: move(conn, delivery_id, reason, now))
    if retry_in is None:
        log.info("delivery %s failed: %s", delivery_id, outcome.reason)
    return retry_in
