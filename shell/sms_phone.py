"""The SMS side of the shell (``:sms``): the commune's gateway phone is the SMS Gateway for
Android emulator, the bot's ``[sms]`` points at it, and the person being played may be someone
texting that phone from a number of their choosing.

A line typed as ``:sms 0901234567`` goes to the phone as an incoming SMS from that number, which
posts the signed ``sms:received`` webhook to the bot, stamped with the shell's clock. Every SMS
the bot has the phone send (answers, an officer's question, bulletins and alerts to subscribers)
is printed after the line that caused it, to whichever number it went. The numbers here are
made up for trying the bot: the shell prints them; the bot itself never does.
"""

from __future__ import annotations

import dataclasses
import socket
from collections import Counter
from collections.abc import Callable

from core.clock import Clock
from core.config_model import Config, SmsSettings
from emulators.sms import FakeSmsGateway
from org.phone_numbers import InvalidNumber, PhoneNumber, parse_phone_number

Translate = Callable[..., str]
# The variables the shell's [sms] names; their values are the emulated phone's.
USER_ENV, PASSWORD_ENV, SIGNING_ENV = (
    "SHELL_SMS_GATEWAY_USER", "SHELL_SMS_GATEWAY_PASSWORD", "SHELL_SMS_SIGNING_KEY")
DEMO_PRICE_VND = 500
DEMO_MONTHLY_BUDGET_VND = 2_000_000
DEMO_MAX_SEGMENTS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shell_sms_config(config: Config, gateway: FakeSmsGateway) -> Config:
    """``[sms]`` pointed at the emulated phone (the demo's, or the file's costs and limits with
    its provider, addresses and secrets replaced: the shell always plays the two-way phone)."""
    own = config.sms
    sms = SmsSettings(
        provider="android_gateway", api_base_url=gateway.base_url, username_env=USER_ENV,
        password_env=PASSWORD_ENV, webhook_signing_key_env=SIGNING_ENV,
        webhook_listen="127.0.0.1", webhook_port=_free_port(), webhook_path="/sms/webhook",
        price_vnd=own.price_vnd if own else DEMO_PRICE_VND,
        monthly_budget_vnd=own.monthly_budget_vnd if own else DEMO_MONTHLY_BUDGET_VND,
        max_segments=own.max_segments if own else DEMO_MAX_SEGMENTS)
    return dataclasses.replace(config, sms=sms)


def gateway_environ(gateway: FakeSmsGateway) -> dict[str, str]:
    return {USER_ENV: gateway.username, PASSWORD_ENV: gateway.password,
            SIGNING_ENV: gateway.signing_key}


class ShellPhone:
    """The emulated gateway phone as the shell sees it: who texted, what was sent."""

    def __init__(self, gateway: FakeSmsGateway, clock: Clock) -> None:
        self.gateway = gateway
        self._clock = clock
        self._printed = 0
        self._texted: Counter[str] = Counter()  # numbers (E.164) that texted, how many times

    @staticmethod
    def number(text: str) -> PhoneNumber | InvalidNumber:
        try:
            return parse_phone_number(text)
        except InvalidNumber as refusal:
            return refusal

    async def text_from(self, number: PhoneNumber, words: str) -> list[int]:
        """``number`` texts ``words`` to the phone: the webhook reaches the bot, stamped with
        the shell's clock (the bot refuses one too far from its own)."""
        self._texted[number.e164] += 1
        return await self.gateway.text_from(number.e164, words,
                                            timestamp=int(self._clock.now().timestamp()))

    def skip_to_now(self) -> None:
        self._printed = len(self.gateway.messages)

    def new_lines(self, tr: Translate) -> list[str]:
        """The SMS the phone was asked to send since the last call, each with its number."""
        sent = list(self.gateway.messages.values())[self._printed:]
        self._printed += len(sent)
        lines: list[str] = []
        for sms in sent:
            for e164 in sms.phone_numbers:
                lines.append(tr("shell.sms.to", number=PhoneNumber(e164).national,
                                segments=sms.segments))
                lines += [f"   {line}" for line in sms.text.splitlines()]
        return lines

    def numbers(self, tr: Translate) -> list[str]:
        """Every number the phone has heard from or sent to, with how many of each."""
        received: Counter[str] = Counter()
        for sms in self.gateway.messages.values():
            received.update(sms.phone_numbers)
        known = sorted(set(received) | set(self._texted))
        return [tr("shell.sms.number_line", number=PhoneNumber(e164).national,
                   texted=self._texted[e164], received=received[e164]) for e164 in known]
