"""The catalogue as one channel words it (SPEC §13: the core's messages drawn in the channel's
own form).

Most messages read the same on every channel. A few tell a person what to do next, and that
depends on the channel: on Telegram a tipster answers a question by replying to it or with
``/reply MÃ``; on SMS there is nothing to reply to and no command, only the keyword a phone texts
(``TL MÃ nội dung``). Such a message has a second wording under ``<channel>.words.<key>``
(``sms.words.tipster.question``); :class:`ChannelWords` looks that up first and falls back to the
common one, so a channel overrides only what it must and the rest stays one text.
"""

from __future__ import annotations

from core.i18n import Translator, has_key, t


def channel_key(channel: str, key: str) -> str:
    """The catalogue key of ``key`` as ``channel`` words it: its own wording when it has one."""
    own = f"{channel}.words.{key}"
    return own if has_key(own) else key


class ChannelWords(Translator):
    """A :class:`Translator` for the people of one channel (``sms``, ``telegram``…)."""

    def __init__(self, language: str, channel: str) -> None:
        super().__init__(language)
        self.channel = channel

    def __call__(self, key: str, /, **params: object) -> str:
        return t(self.language, channel_key(self.channel, key), **params)
