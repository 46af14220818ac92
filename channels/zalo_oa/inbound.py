"""OA webhook events as plain data for the core (:class:`InboundEvent`), parsed from Zalo's JSON.

Event names (developers.zalo.me/docs/official-account/webhook): ``user_send_text`` and
``anonymous_send_text`` (a person chatting without following), ``user_send_image`` / ``_file`` /
``_audio`` / ``_video`` / ``_location`` / ``_sticker`` / ``_gif`` / ``_link``, ``follow`` /
``unfollow`` (the person under ``follower``), and the GMF group events ``user_send_group_*``,
whose recipient is the group (``emulators.zalo_oa.events`` cites the sources).

An ``anonymous_send_*`` event's sender is ``zalo_oa:anon:<sender.id>:<message.conversation_id>``:
Zalo answers a person who does not follow the OA only by that pair (``api``). Such an event
without a conversation id names no one the OA could answer and is dropped like one with no
sender.

The sender's address, the text and the attachments are a tipster's identity and words: they are
left out of the event's ``repr`` so that no log line can carry them by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from channels.zalo_oa.addresses import anonymous_address, group_address, user_address
from core.address import Address, AddressError


class EventKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    FILE = "file"
    AUDIO = "audio"
    VIDEO = "video"
    LOCATION = "location"
    STICKER = "sticker"
    GIF = "gif"
    LINK = "link"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    OTHER = "other"


@dataclass(frozen=True)
class Attachment:
    kind: str  # Zalo's attachment type: image, file, audio, video, location, sticker, gif, link
    url: str = ""
    name: str = ""  # a file's name
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class InboundEvent:
    """One thing a person did towards the OA, in the product's terms."""

    kind: EventKind
    event_name: str
    sender: Address = field(repr=False)  # zalo_oa:user:… or zalo_oa:anon:…: sealed when stored
    text: str = field(default="", repr=False)
    attachments: tuple[Attachment, ...] = field(default=(), repr=False)
    group: Address | None = None  # the GMF group it was said in; None in a 1:1 chat
    anonymous: bool = False  # anonymous_send_text: the person does not follow the OA
    message_id: str = ""


def event_identity(payload: dict[str, Any]) -> tuple[str, str, str]:
    """(event name, sender id, message id): what makes an event the same event (SPEC §13)."""
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    return (str(payload.get("event_name", "")), _sender_id(payload),
            str(message.get("msg_id") or payload.get("timestamp", "")))


def parse_event(payload: dict[str, Any]) -> InboundEvent | None:
    """The event, or None when it names no person (nothing the core could act on)."""
    event_name = str(payload.get("event_name", ""))
    sender_id = _sender_id(payload)
    if not sender_id:
        return None
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    group = None
    kind_name = event_name
    if event_name.startswith("user_send_group_"):
        recipient = payload.get("recipient") or {}
        group = group_address(str(recipient.get("id", ""))) if recipient.get("id") else None
        kind_name = event_name.removeprefix("user_send_group_")
    else:
        kind_name = event_name.removeprefix("user_send_").removeprefix("anonymous_send_")
        # One public source shows a group's message as a 1:1 event with a top-level group_id
        # (emulators.zalo_oa.events): read as the group's, never as a person's private chat.
        if payload.get("group_id"):
            group = group_address(str(payload["group_id"]))
    try:
        kind = EventKind(kind_name)
    except ValueError:
        kind = EventKind.OTHER
    anonymous = event_name.startswith("anonymous_")
    if anonymous:
        try:
            sender = anonymous_address(sender_id, str(message.get("conversation_id") or ""))
        except AddressError:
            return None
    else:
        sender = user_address(sender_id)
    return InboundEvent(
        kind=kind, event_name=event_name, sender=sender,
        text=str(message.get("text") or ""),
        attachments=tuple(_attachment(a) for a in message.get("attachments") or []
                          if isinstance(a, dict)),
        group=group, anonymous=anonymous,
        message_id=str(message.get("msg_id") or ""))


def _sender_id(payload: dict[str, Any]) -> str:
    for key in ("sender", "follower", "user"):
        holder = payload.get(key)
        if isinstance(holder, dict) and holder.get("id"):
            return str(holder["id"])
    return ""


def _attachment(raw: dict[str, Any]) -> Attachment:
    payload = raw.get("payload") if isinstance(raw.get("payload"), dict) else {}
    coordinates = payload.get("coordinates") if isinstance(payload.get("coordinates"),
                                                           dict) else {}
    return Attachment(kind=str(raw.get("type", "")), url=str(payload.get("url") or ""),
                      name=str(payload.get("name") or ""),
                      latitude=_number(coordinates.get("latitude")),
                      longitude=_number(coordinates.get("longitude")))


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
