"""Zalo's refusals as the core's outcomes (SPEC §12, §13), and messages as Zalo's JSON."""

from __future__ import annotations

import pytest

from channels.zalo_oa.addresses import RecipientKind, group_address, recipient_of, user_address
from channels.zalo_oa.api import ZaloApiError, ZaloTransportError
from channels.zalo_oa.bodies import message_body
from channels.zalo_oa.channel import CAPABILITIES, message_number
from channels.zalo_oa.failures import QUOTA_WAIT, RATE_LIMIT_WAIT, OutsideReplyWindow, classify
from core.address import Address, AddressError
from core.i18n import Translator
from core.outbound import (
    Button,
    ChatUnavailable,
    MaybeDelivered,
    Media,
    MediaKind,
    OutboundMessage,
    Rejected,
    RetryLater,
    TransientFailure,
)

TR = Translator("vi")


def draw(message: OutboundMessage, *, in_group: bool) -> dict:
    return message_body(message, CAPABILITIES, in_group=in_group, tr=TR)


@pytest.mark.parametrize(("code", "message", "outcome", "seconds"), [
    (-32, "Your application reached limit call api", RetryLater, RATE_LIMIT_WAIT),
    (-211, "Out of quota", RetryLater, QUOTA_WAIT),
    (-218, "Out of quota receive", RetryLater, QUOTA_WAIT),
])
def test_rate_and_quota_errors_wait_and_retry(code, message, outcome, seconds):
    failure = classify(ZaloApiError(code, message))
    assert type(failure) is outcome and failure.seconds == seconds
    assert message in failure.reason and str(code) in failure.reason


@pytest.mark.parametrize(("code", "message", "outcome"), [
    (-230, "User has not interacted with the OA in the past 7 days", OutsideReplyWindow),
    (-232, "User has not interacted with the OA, or the last interaction has expired",
     OutsideReplyWindow),
    (-213, "User has not followed OA", ChatUnavailable),
    (-227, "User is banned or has been inactive for more than 45 days", ChatUnavailable),
    (-237, "The group is disabled", ChatUnavailable),
    (-201, "user_id is invalid!", ChatUnavailable),
    (-201, "group_id is invalid!", ChatUnavailable),
    (-201, "message.text is invalid!", Rejected),
    (-210, "Parameter outside permitted range", Rejected),
    (-233, "message type is invalid or not support", Rejected),
])
def test_other_refusals_fail_for_good_with_zalos_reason(code, message, outcome):
    failure = classify(ZaloApiError(code, message))
    assert type(failure) is outcome
    assert failure.reason == f"{message} ({code})"


def test_the_reply_window_is_a_chat_unavailable_the_core_can_tell_apart():
    assert issubclass(OutsideReplyWindow, ChatUnavailable)


def test_no_answer_after_the_request_left_may_have_been_delivered():
    assert type(classify(ZaloTransportError("ReadTimeout", may_have_arrived=True))) is (
        MaybeDelivered)
    never_left = classify(ZaloTransportError("ConnectError", may_have_arrived=False))
    assert type(never_left) is TransientFailure


CHOICES = ((Button("Báo tin", url="https://zalo.me/579745863508352884"),),
           (Button("Có", callback="Có"), Button("Không", callback="Không")))


def test_choices_in_a_chat_are_buttons_that_send_text_back_or_open_a_link():
    body = draw(OutboundMessage("Trả lời 1 hoặc 2", buttons=CHOICES), in_group=False)
    assert body == {"text": "Trả lời 1 hoặc 2", "attachment": {"type": "template", "payload": {
        "buttons": [
            {"title": "Báo tin", "type": "oa.open.url",
             "payload": {"url": "https://zalo.me/579745863508352884"}},
            {"title": "Có", "type": "oa.query.hide", "payload": "Có"},
            {"title": "Không", "type": "oa.query.hide", "payload": "Không"}]}}}


def test_a_link_in_a_group_message_goes_in_its_text_and_a_choice_is_refused():
    link_only = OutboundMessage("Bản tin", buttons=CHOICES[:1])
    assert draw(link_only, in_group=True) == {
        "text": "Bản tin\nBáo tin: https://zalo.me/579745863508352884"}
    with pytest.raises(Rejected):
        draw(OutboundMessage("Bản tin", buttons=CHOICES), in_group=True)


def test_more_buttons_than_zalo_takes_become_numbered_lines():
    six = tuple((Button(f"Việc {n}", callback=f"c{n}"),) for n in range(1, 7))
    body = draw(OutboundMessage("Chọn", buttons=six), in_group=False)
    assert "attachment" not in body
    assert body["text"].splitlines()[:3] == ["Chọn", "", "1. Việc 1"]
    assert "6. Việc 6" in body["text"] and "Trả lời" in body["text"]


def test_a_text_too_long_is_refused_never_cut():
    with pytest.raises(Rejected):
        draw(OutboundMessage("a" * 2001), in_group=False)
    assert draw(OutboundMessage("a" * 2000), in_group=False)


def test_photos_go_by_url_or_attachment_id_with_their_caption_and_files_without_text():
    by_url = draw(OutboundMessage("Ảnh", media=Media(MediaKind.PHOTO, "https://x/1.jpg")),
                          in_group=False)
    assert by_url["attachment"]["payload"]["elements"] == [
        {"media_type": "image", "url": "https://x/1.jpg"}]
    assert by_url["text"] == "Ảnh"
    by_id = draw(OutboundMessage("", media=Media(MediaKind.PHOTO, "a1b2")),
                         in_group=True)
    assert "text" not in by_id
    assert by_id["attachment"]["payload"]["elements"][0]["attachment_id"] == "a1b2"
    document = Media(MediaKind.DOCUMENT, "file-token")
    assert draw(OutboundMessage("", media=document), in_group=False) == {
        "attachment": {"type": "file", "payload": {"token": "file-token"}}}
    with pytest.raises(Rejected):
        draw(OutboundMessage("Sơ đồ", media=document), in_group=False)


@pytest.mark.parametrize("kind", [MediaKind.VIDEO, MediaKind.VOICE, MediaKind.AUDIO,
                                  MediaKind.VIDEO_NOTE, MediaKind.LOCATION])
def test_media_zalo_cannot_send_are_refused_with_a_reason(kind):
    with pytest.raises(Rejected) as refused:
        draw(OutboundMessage("", media=Media(kind, "x")), in_group=False)
    assert kind.value in refused.value.reason


def test_addresses_name_users_and_groups_and_nothing_else():
    assert recipient_of(user_address("3001")).kind is RecipientKind.USER
    assert recipient_of(group_address("f414")).id == "f414"
    assert "3001" not in repr(recipient_of(user_address("3001")))
    for wrong in (Address("telegram", "42"), Address("zalo_oa", "3001"),
                  Address("zalo_oa", "page:1")):
        with pytest.raises(AddressError):
            recipient_of(wrong)


def test_zalos_message_ids_become_integers_the_database_holds():
    number = message_number("705efa85665a0d03544c")
    assert 0 <= number < 2**63
    assert number == message_number("705efa85665a0d03544c")
    assert message_number("705efa85665a0d03544d") != number
    assert 0 <= message_number("not-hex") < 2**63
