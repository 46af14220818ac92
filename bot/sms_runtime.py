"""Wiring of SMS (SPEC §13) when ``[sms]`` is configured: the provider, the ``SmsChannel``
adapter registered in the channel routers, and - for the two-way Android gateway - the webhook
receiver for texts people send, started and stopped with the bot. Without ``[sms]`` nothing
here runs and nothing changes.

The adapter opens ``sms:<sealed>`` addresses with the bot's ``Anonymizer``: numbers exist in
clear only in memory, for the one request that sends to them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from broadcasts.sms_subscribers import SMS_CHANNEL, SmsSubscribers
from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.channel import SmsChannel
from channels.sms.esms import EsmsProvider
from channels.sms.inbound import SmsInbound
from channels.sms.provider import SmsProvider
from channels.sms.webhook import SmsWebhookReceiver
from core.config_model import SmsSettings
from core.i18n import Translator
from org.directory import Directory
from storage.db import Database
from tips.context import TipsContext

log = logging.getLogger(__name__)


@dataclass
class SmsRuntime:
    channel: SmsChannel
    subscribers: SmsSubscribers
    receiver: SmsWebhookReceiver | None

    @property
    def name(self) -> str:
        return SMS_CHANNEL

    async def stop(self) -> None:
        if self.receiver is not None:
            await self.receiver.stop()
        await self.channel.provider.close()


def sms_provider(sms: SmsSettings, environ: Mapping[str, str]) -> SmsProvider:
    """The configured provider, its secrets read from the variables the config names (their
    presence was checked when the config was read)."""
    if sms.esms is not None:
        return EsmsProvider(environ[sms.esms.api_key_env], environ[sms.esms.secret_key_env],
                            sms.esms.brandname, sandbox=sms.esms.sandbox,
                            api_base_url=sms.api_base_url)
    return AndroidGatewayProvider(sms.api_base_url, environ[sms.username_env],
                                  environ[sms.password_env])


async def start_sms(sms: SmsSettings, db: Database, directory: Directory, tips: TipsContext,
                    language: str, environ: Mapping[str, str]) -> SmsRuntime:
    """Build the adapter and, for the Android gateway, start receiving texts."""
    anonymizer = tips.anonymizer
    provider = sms_provider(sms, environ)
    channel = SmsChannel(provider, anonymizer.open_address, sms.max_segments)
    subscribers = SmsSubscribers(db, directory, anonymizer, tips.clock)
    receiver: SmsWebhookReceiver | None = None
    if sms.two_way:
        inbound = SmsInbound(subscribers, channel, Translator(language),
                             unit_name=lambda code: _unit_name(directory, code))
        receiver = SmsWebhookReceiver(
            signing_key=environ[sms.webhook_signing_key_env], listen=sms.webhook_listen,
            port=sms.webhook_port, path=sms.webhook_path, on_text=inbound.on_text,
            seal=anonymizer.seal_address, clock=tips.clock)
        try:
            await receiver.start()
        except BaseException:
            await provider.close()
            raise
        log.info("SMS webhook receiver listening on %s", receiver.url)
    return SmsRuntime(channel, subscribers, receiver)


def _unit_name(directory: Directory, code: str) -> str:
    unit = directory.tree.find(code)
    return unit.name if unit is not None else code
