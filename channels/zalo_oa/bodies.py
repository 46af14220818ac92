"""An :class:`OutboundMessage` as the ``message`` object of a Zalo OA send.

* text: ``{"text": …}``;
* choices, in a consultation message: the text with a ``template`` attachment of buttons
  (``oa.query.hide``: a press sends the button's payload back as the user's text, not shown in
  the chat; ``oa.open.url``: opens the link), at most 5 (the shape the official PHP SDK builds:
  ``MessageBuilder::buildActionQueryHide`` / ``buildActionOpenURL``); more choices than that
  (a tip's six triage actions) go as numbered lines (``channels.numbered_choices``), answered
  with the number;
* a photo: a ``media`` template holding one image (a URL, or an ``attachment_id`` from Zalo's
  upload), its caption as the text;
* a document: a ``file`` attachment holding the token of Zalo's file upload, with no text.

GMF group messages carry text, images and files but no buttons: a link of a group message goes
in its text or its photo's caption ("Báo tin: https://zalo.me/…"); a choice that would answer
back cannot be offered in a group at all and is refused, never dropped.

A bulletin's file arrives here already swapped for the id Zalo gave it (``media_files``: the
Telegram file id it was composed with means nothing to Zalo), or described in words.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from channels.numbered_choices import numbered_text
from core.capabilities import Capabilities
from core.i18n import Translator
from core.outbound import Button, MediaKind, OutboundMessage, Rejected

MAX_BUTTONS = 5


def message_body(message: OutboundMessage, capabilities: Capabilities, *,
                 in_group: bool, tr: Translator) -> dict[str, Any]:
    media = message.media
    if media is None:
        return _text_body(message, capabilities, in_group=in_group, tr=tr)
    if message.buttons and not in_group:
        raise Rejected("a Zalo media message carries no buttons")
    if message.buttons:
        # A group's photo takes its links in the caption, as a group's text does.
        message = dataclasses.replace(message, text=_with_link_lines(message), buttons=())
    if media.data is not None and not media.file_id:
        # A file the bot keeps (a tip's part sent on Zalo) would first have to be uploaded to
        # Zalo (upload/image, upload/file); staff read tips on Telegram, so that is not built.
        raise Rejected("a file given by its bytes is not uploaded to Zalo")
    if media.kind is MediaKind.PHOTO:
        if not capabilities.fits(message.text, caption=True):
            raise Rejected(f"caption longer than Zalo's {capabilities.caption_limit} characters")
        key = "url" if media.file_id.startswith(("https://", "http://")) else "attachment_id"
        body: dict[str, Any] = {"attachment": {"type": "template", "payload": {
            "template_type": "media", "elements": [{"media_type": "image", key: media.file_id}]}}}
        if message.text:
            body["text"] = message.text
        return body
    if media.kind is MediaKind.DOCUMENT:
        if message.text:
            raise Rejected("a Zalo file message carries no text; send it before the file")
        return {"attachment": {"type": "file", "payload": {"token": media.file_id}}}
    raise Rejected(f"the Zalo OA API sends no {media.kind} (only photos and files)")


def _text_body(message: OutboundMessage, capabilities: Capabilities, *,
               in_group: bool, tr: Translator) -> dict[str, Any]:
    buttons = [button for row in message.buttons for button in row]
    text = message.text
    if not in_group and len(buttons) > MAX_BUTTONS:
        text, buttons = numbered_text(tr, text, message.buttons), []
    if in_group and buttons:
        text, buttons = _with_link_lines(message), []
    if not capabilities.fits(text):
        raise Rejected(f"text longer than Zalo's {capabilities.text_limit} characters")
    if not buttons:
        return {"text": text}
    return {"text": text, "attachment": {"type": "template", "payload": {
        "buttons": [_button(button) for button in buttons]}}}


def _with_link_lines(message: OutboundMessage) -> str:
    """The text with each link button as a line "title: url" under it (a GMF group message
    has no buttons); a button that would answer back has no place there and is refused."""
    buttons = [button for row in message.buttons for button in row]
    if any(button.url is None for button in buttons):
        raise Rejected("a Zalo group message has no buttons to answer with")
    return message.text + "".join(f"\n{button.text}: {button.url}" for button in buttons)


def _button(button: Button) -> dict[str, Any]:
    if button.url is not None:
        return {"title": button.text, "type": "oa.open.url", "payload": {"url": button.url}}
    return {"title": button.text, "type": "oa.query.hide", "payload": button.callback or ""}
