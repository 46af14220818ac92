"""What a bulletin looks like in a group: its text, the "Báo tin" link and the "Đã phổ biến"
button (SPEC §5). Words come from the catalogue; the shape is the same for every channel."""

from __future__ import annotations

from core.i18n import t
from core.outbound import Button, Media, MediaKind, OutboundMessage
from storage.bulletins import BulletinRecord

from .callbacks import ACK

# Telegram's limits: 4096 characters for a text message, 1024 for a caption.
TEXT_LIMIT, CAPTION_LIMIT = 4096, 1024


def tip_link(bot_username: str, bulletin_id: int) -> str:
    # The tip flow reads "tip_b<ID>" and starts with the bulletin's unit already set.
    return f"https://t.me/{bot_username}?start=tip_b{bulletin_id}"


def bulletin_buttons(language: str, bot_username: str, bulletin_id: int,
                     acknowledged: int) -> tuple[tuple[Button, ...], ...]:
    ack_text = (t(language, "bulletins.button.ack_count", count=acknowledged) if acknowledged
                else t(language, "bulletins.button.ack"))
    rows: list[tuple[Button, ...]] = []
    if bot_username:
        rows.append((Button(t(language, "bulletins.button.tip"),
                            url=tip_link(bot_username, bulletin_id)),))
    rows.append((Button(ack_text, callback=f"{ACK}{bulletin_id}"),))
    return tuple(rows)


def bulletin_text(language: str, bulletin: BulletinRecord) -> str:
    """The header (topic, or "alert") above the body, when both fit in one message."""
    if bulletin.is_alert:
        header = t(language, "bulletins.render.alert_header")
    else:
        header = t(language, "bulletins.render.header",
                   topic=t(language, "bulletins.topics." + bulletin.topic))
    limit = CAPTION_LIMIT if bulletin.media_kind else TEXT_LIMIT
    combined = f"{header}\n\n{bulletin.body}" if bulletin.body else header
    return combined if len(combined) <= limit else bulletin.body


def render_bulletin(language: str, bot_username: str, bulletin: BulletinRecord, *,
                    silent: bool, acknowledged: int = 0) -> OutboundMessage:
    media = (Media(MediaKind(bulletin.media_kind), bulletin.media_file_id or "")
             if bulletin.media_kind else None)
    return OutboundMessage(
        text=bulletin_text(language, bulletin),
        buttons=bulletin_buttons(language, bot_username, bulletin.id, acknowledged),
        media=media, silent=silent)
