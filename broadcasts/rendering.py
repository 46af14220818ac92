"""What a bulletin looks like in a group: its text, the "Báo tin" link and the "Đã phổ biến"
button (SPEC §5). Words come from the catalogue; the limits come from the capabilities of the
channel the copy goes to (``core.capabilities``), and the "Báo tin" link is a deep link the
channel draws (``Button.start``), offered only where the channel has deep links.

The officer's own SMS version of a bulletin (SPEC §13 "Text") travels with every copy in
``extra[SMS_VERSION]``: the SMS adapter sends it instead of drawing the text; other channels
ignore it."""

from __future__ import annotations

from core.capabilities import ButtonStyle, Capabilities
from core.i18n import t
from core.outbound import Button, Media, MediaKind, OutboundMessage
from core.tip_links import bulletin_tip_link
from storage.bulletins import BulletinRecord

from .callbacks import ACK

SMS_VERSION = "sms_version"  # OutboundMessage.extra key: the officer's SMS text, when written


def bulletin_buttons(language: str, bulletin_id: int, acknowledged: int, *,
                     deep_links: bool, presses: bool = True) -> tuple[tuple[Button, ...], ...]:
    """``presses``: the channel sends a button's press back as data, so "Đã phổ biến" can be
    counted per group (Telegram); elsewhere (a Zalo OA group has no buttons at all, an SMS only
    numbered lines nobody can press) the button is left out rather than drawn dead."""
    ack_text = (t(language, "bulletins.button.ack_count", count=acknowledged) if acknowledged
                else t(language, "bulletins.button.ack"))
    rows: list[tuple[Button, ...]] = []
    if deep_links:
        rows.append((Button(t(language, "bulletins.button.tip"),
                            start=bulletin_tip_link(bulletin_id)),))
    if presses:
        rows.append((Button(ack_text, callback=f"{ACK}{bulletin_id}"),))
    return tuple(rows)


def carries_media(bulletin: BulletinRecord, capabilities: Capabilities) -> bool:
    """The bulletin has a file and the channel can send that kind of file."""
    return (bulletin.media_kind is not None
            and MediaKind(bulletin.media_kind) in capabilities.media)


def bulletin_text(language: str, bulletin: BulletinRecord, capabilities: Capabilities) -> str:
    """The header (topic, or "alert") above the body, when both fit in one message. A file the
    channel cannot send (any file by SMS) is described in words instead, under the header: a
    channel that cuts a long text (SMS) cuts the end of the body, never the line that says a
    file came with it."""
    if bulletin.is_alert:
        header = t(language, "bulletins.render.alert_header")
    else:
        header = t(language, "bulletins.render.header",
                   topic=t(language, "bulletins.topics." + bulletin.topic))
    described = ""
    if bulletin.media_kind and not carries_media(bulletin, capabilities):
        described = t(language, "bulletins.render.file_not_carried",
                      kind=t(language, "media_kind." + bulletin.media_kind))
    limit = (capabilities.caption_limit
             if carries_media(bulletin, capabilities) and capabilities.caption_limit
             else capabilities.text_limit)
    top = f"{header}\n{described}" if described else header
    combined = f"{top}\n\n{bulletin.body}" if bulletin.body else top
    if len(combined) <= limit:
        return combined
    return f"{described}\n\n{bulletin.body}" if described else bulletin.body


def render_bulletin(language: str, bulletin: BulletinRecord, capabilities: Capabilities, *,
                    silent: bool, acknowledged: int = 0) -> OutboundMessage:
    """One message per copy (the delivery engine sends one per row): the file with its caption
    where the channel can send the file, else the words with the file described."""
    media = (Media(MediaKind(bulletin.media_kind), bulletin.media_file_id or "")
             if carries_media(bulletin, capabilities) else None)
    return OutboundMessage(
        text=bulletin_text(language, bulletin, capabilities),
        buttons=bulletin_buttons(language, bulletin.id, acknowledged,
                                 deep_links=capabilities.deep_links and capabilities.url_buttons,
                                 presses=(capabilities.buttons is ButtonStyle.CALLBACK
                                          and capabilities.group_buttons)),
        media=media, silent=silent and capabilities.silent_sends,
        extra={SMS_VERSION: bulletin.sms_text} if bulletin.sms_text else {})
