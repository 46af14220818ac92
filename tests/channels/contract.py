"""The words the contract's tests are written in: which channels a clause is for, whom a send
path serves, and texts of a given length."""

from __future__ import annotations

import itertools

import pytest

from core.capabilities import utf16_length as text_length

from .channel_under_test import Address, ChannelUnderTest

CONTRACT_FOR = "contract_for"


def contract_for(**claims: object) -> pytest.MarkDecorator:
    """``@contract_for(buttons=ButtonStyle.NONE)``: the clause holds for channels (and send
    paths) that declare these values (``Capabilities``, ``SendPath``); the others skip it,
    saying why."""
    # Made when a test module is read, after conftest.py has registered the mark.
    return getattr(pytest.mark, CONTRACT_FOR)(**claims)

_SENTENCES = (
    "Công an xã Tân Thành đề nghị bà con cảnh giác với kẻ gian giả danh cán bộ điện lực.",
    "Không chuyển tiền cho người lạ gọi điện xưng là công an, tòa án hay ngân hàng.",
    "Khi thấy người lạ dò hỏi nhà vắng chủ, hãy báo ngay cho tổ tự quản Ấp 1.",
    "Mọi tin báo được giữ bí mật; người báo tin không cần để lại tên.",
)


def recipient(channel: ChannelUnderTest) -> Address:
    """Whom the send path serves: a group for bulletins, a person for notices."""
    return channel.group() if channel.path.sends_to_groups else channel.person()


def as_arriving(channel: ChannelUnderTest, text: str) -> str:
    """``text`` as the recipient reads it: as written, or as the channel draws it."""
    return text if channel.capabilities.text_as_written else channel.drawn(text)


def text_of_length(units: int, *, emoji: bool = True) -> str:
    """Vietnamese paragraphs exactly ``units`` long as the product counts (UTF-16 code units,
    ``channels.text_parts``), beginning with an emoji (two units) unless ``emoji`` is False,
    and ending in a visible character (platforms trim whitespace)."""
    text = "🚨 " if emoji else ""
    for number in itertools.count(1):
        if text_length(text) >= units:
            break
        # Three sentences a paragraph, so a split has paragraphs, lines and spaces to cut at.
        text += _SENTENCES[number % len(_SENTENCES)] + ("\n\n" if number % 3 == 0 else " ")
    text = text[:units]
    while text_length(text) > units:
        text = text[:-1]
    if text[-1].isspace():
        text = text[:-1] + "."
    assert text_length(text) == units
    return text


def same_words(text: str) -> str:
    """``text`` with every run of spaces and line breaks as one space: what a split may change
    where it cuts."""
    return " ".join(text.split())
