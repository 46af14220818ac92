"""Wiring of SMS (SPEC §13) when ``[sms]`` is configured: the provider, the ``SmsChannel``
adapter registered in the channel routers, and - for the two-way Android gateway - the webhook
receiver for texts people send (subscriptions, and tips by SMS through ``channels.sms.tips``),
started and stopped with the bot. Without ``[sms]`` nothing
here runs and nothing changes.

The adapter opens ``sms:<sealed>`` addresses with the bot's ``Anonymizer``: numbers exist in
clear only in memory, for the one request that sends to them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from broadcasts.sms_subscribers import SMS_CHANNEL, SmsSubscribers
from channels.sms.android_gateway import AndroidGatewayProvider
from channels.sms.budget import SmsBudget
from channels.sms.channel import SmsChannel
from channels.sms.delivery_state import SmsDeliveryStates
from channels.sms.esms import EsmsProvider
from channels.sms.inbound import SmsInbound
from channels.sms.provider import SmsProvider
from channels.sms.tips import SmsTips
from channels.sms.webhook import SmsWebhookReceiver
from core.channel_words import ChannelWords
from core.config_model import SmsSettings
from core.i18n import Translator
from core.outbound import Channel, OutboundMessage, SendFailure
from org.directory import Directory
from org.roles import Role, role_allows
from storage.db import Database
from tips.context import TipsContext
from tips.conversation import TipConversation
from tips.followup_conversation import FollowUpConversation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsBilling:
    """The adapter's billing and the month's budget, as the bulletin desk asks for them
    (``broadcasts.sms_cost.SmsTariff``): the cost an officer confirms is counted by the code
    that bills the send."""

    channel: SmsChannel
    budget: SmsBudget

    @property
    def price_vnd(self) -> int:
        return self.budget.price_vnd

    @property
    def monthly_budget_vnd(self) -> int:
        return self.budget.monthly_budget_vnd

    def segments_of(self, message: OutboundMessage) -> int:
        return self.channel.segments_of(message)

    async def spent_this_month(self) -> int:
        return await self.budget.spent_this_month()


@dataclass
class SmsRuntime:
    channel: SmsChannel
    subscribers: SmsSubscribers
    receiver: SmsWebhookReceiver | None
    billing: SmsBilling
    # The phone's later word on SMS sent (Android gateway only: eSMS has no state query).
    delivery_states: SmsDeliveryStates | None = None

    @property
    def name(self) -> str:
        return SMS_CHANNEL

    async def stop(self) -> None:
        if self.delivery_states is not None:
            await self.delivery_states.stop()
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
                    language: str, environ: Mapping[str, str],
                    staff_channel: Channel) -> SmsRuntime:
    """Build the adapter and, for the Android gateway, start receiving texts. ``staff_channel``
    (the bot's router) tells officers when the month's SMS budget is spent."""
    anonymizer = tips.anonymizer
    provider = sms_provider(sms, environ)
    tr = Translator(language)

    async def tell_officers(month: str, budget: int) -> None:
        text = tr("sms.budget.reached", month=month, budget=f"{budget:,}".replace(",", "."))
        for member in directory.all_staff():
            if role_allows(member.role, Role.OFFICER):
                try:
                    await staff_channel.send(member.address, OutboundMessage(text))
                except SendFailure as failure:
                    log.warning("SMS budget notice not delivered: %s", type(failure).__name__)

    budget = SmsBudget(db, tips.clock, tips.tz, price_vnd=sms.price_vnd,
                       monthly_budget_vnd=sms.monthly_budget_vnd, on_reached=tell_officers)
    channel = SmsChannel(provider, anonymizer.open_address, sms.max_segments, budget)
    subscribers = SmsSubscribers(db, directory, anonymizer, tips.clock)
    receiver: SmsWebhookReceiver | None = None
    if sms.two_way:
        # Tips by SMS: the same use cases as Telegram's handlers, answered by SMS in the words
        # of a phone (keywords to text, nothing to press: core.channel_words).
        by_sms = dataclasses.replace(tips, tr=ChannelWords(language, SMS_CHANNEL))
        tips_by_sms = SmsTips(TipConversation(by_sms), FollowUpConversation(by_sms), anonymizer,
                              channel, tr, unit_of_sender=subscribers.unit_of_sender)
        inbound = SmsInbound(subscribers, channel, tr,
                             unit_name=lambda code: _unit_name(directory, code),
                             on_tip_text=tips_by_sms.on_tip_text,
                             on_other_text=tips_by_sms.on_number)
        receiver = SmsWebhookReceiver(
            db=db, signing_key=environ[sms.webhook_signing_key_env], listen=sms.webhook_listen,
            port=sms.webhook_port, path=sms.webhook_path, on_text=inbound.on_text,
            seal=anonymizer.seal_address, clock=tips.clock)
        try:
            await receiver.start()
        except BaseException:
            await provider.close()
            raise
        log.info("SMS webhook receiver listening on %s", receiver.url)
        delivery_states = SmsDeliveryStates(db, provider, tips.clock, tr, staff_channel)
        await delivery_states.start()
        return SmsRuntime(channel, subscribers, receiver, SmsBilling(channel, budget),
                          delivery_states)
    return SmsRuntime(channel, subscribers, receiver, SmsBilling(channel, budget))


def _unit_name(directory: Directory, code: str) -> str:
    unit = directory.tree.find(code)
    return unit.name if unit is not None else code
