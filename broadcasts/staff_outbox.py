"""Bulletin notices to staff as staff-outbox rows (``storage.outbox``), queued in the transaction
of the change they report: a slot's claim, the week's below-target check. The outbox worker
(``tips.notifier``) sends them one a second per private chat (SPEC §12), holds a row on a 429
instead of having Telegram refuse the next, and a crash after the commit loses none of them.

A row holds the words drawn now, with their buttons (callback or link): the format the worker
sends as it is (``tips.notice_drawing.message_from_payload``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.address import Address
from core.outbound import Button, OutboundMessage

StaffNotice = tuple[Address, dict[str, Any]]


def _button(button: Button) -> dict[str, str]:
    if button.start is not None:
        # The worker draws callback and link buttons only; no desk notice carries a deep link.
        raise ValueError("a deep-link button cannot be queued in the staff outbox")
    drawn = {"text": button.text}
    if button.url is not None:
        drawn["url"] = button.url
    if button.callback is not None:
        drawn["callback"] = button.callback
    return drawn


def payload_of(message: OutboundMessage) -> dict[str, Any]:
    """The outbox payload of a words-and-buttons notice (no media, never silent: staff are
    meant to hear it)."""
    if message.media is not None:
        raise ValueError("a desk notice carries no file")
    payload: dict[str, Any] = {"text": message.text}
    if message.buttons:
        payload["buttons"] = [[_button(b) for b in row] for row in message.buttons]
    return payload


def notices_to(addresses: Iterable[Address], message: OutboundMessage) -> list[StaffNotice]:
    """One row per recipient, each its own copy of the words."""
    payload = payload_of(message)
    return [(address, payload) for address in addresses]
