"""Naming a bulletin's recipients by channel (SPEC §13): "3 nhóm", "2 người nhận SMS", "3 nhóm
và 2 người nhận SMS" — a phone is not a group, and an officer deciding to re-send should know
which will get a copy (an SMS costs money)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Translate = Callable[..., str]


@dataclass(frozen=True)
class RecipientCount:
    total: int  # groups and SMS subscribers together
    sms: int = 0  # of them, SMS subscribers

    @property
    def groups(self) -> int:
        return self.total - self.sms


def recipients_phrase(tr: Translate, count: RecipientCount) -> str:
    """Groups only (also when there is nobody), phones only, or both."""
    if count.sms == 0:
        return tr("bulletins.recipients.groups", count=count.total)
    if count.groups == 0:
        return tr("bulletins.recipients.sms", count=count.sms)
    return tr("bulletins.recipients.both", groups=count.groups, sms=count.sms)
