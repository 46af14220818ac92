"""The Zalo Bot channel started and stopped with the bot, when ``[zalo_bot]`` is configured
(SPEC §13); without the table nothing here runs.

Built here: one HTTP client, the API client, the channel registered in the router under
``zalo_bot`` (so receipts, relays and staff questions reach ``zalo_bot:<chat_id>`` addresses
through the outbox), the private-chat conversation (``channels.zalo_bot.conversation``, the typed
chat shared with the Zalo OA), each message handled once (``channels.zalo_bot.handled``), and the
receiver the config's ``mode`` names: the long poll, or the webhook server (``setWebhook`` is
called at start when ``webhook_url`` is configured).

``getMe`` is asked once at start: a refused token is one clear log line and the channel is not
started (the bot runs on); an unreachable platform is a warning, and the receiver keeps trying.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from bot.channel_router import ChannelRouter
from channels.zalo_bot.addresses import ZALO_BOT
from channels.zalo_bot.api import SET_WEBHOOK, BotApiError, BotTransportError, ZaloBotApi
from channels.zalo_bot.channel import ZaloBotChannel
from channels.zalo_bot.conversation import ZaloBotConversation
from channels.zalo_bot.handled import HandledOnce
from channels.zalo_bot.polling import UpdatePoller
from channels.zalo_bot.webhook import ZaloBotWebhook
from core.channel_words import ChannelWords
from core.config_model import Config, ZaloBotSettings
from tips.context import TipsContext

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
UNAUTHORIZED = 401


def zalo_bot_secrets(config: Config, environ: Mapping[str, str]) -> list[str]:
    """The values no log line may carry (``bot.logging``): the bot token (it is in every API
    URL) and the webhook's secret token; none when the channel is not configured."""
    settings = config.zalo_bot
    if settings is None:
        return []
    names = (settings.token_env, settings.webhook_secret_env)
    return [value for value in (environ.get(name, "") for name in names) if value]


@dataclass
class ZaloBotRuntime:
    http: httpx.AsyncClient
    channel: ZaloBotChannel
    conversation: ZaloBotConversation
    poller: UpdatePoller | None = None
    webhook: ZaloBotWebhook | None = None

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        if self.webhook is not None:
            await self.webhook.stop()
        await self.http.aclose()


async def start_zalo_bot(config: Config, tips: TipsContext, router: ChannelRouter,
                         environ: Mapping[str, str]) -> ZaloBotRuntime | None:
    """The channel, registered and receiving; None (and nothing done) without ``[zalo_bot]``
    or when the platform refuses the token."""
    settings = config.zalo_bot
    if settings is None:
        return None
    token = environ[settings.token_env]
    http = httpx.AsyncClient(timeout=httpx.Timeout(CONNECT_TIMEOUT, read=READ_TIMEOUT))
    api = ZaloBotApi(http, settings.api_base_url, token)
    try:
        me = await api.get_me()
    except BotApiError as error:
        if error.code == UNAUTHORIZED:
            log.error("Zalo Bot: the platform refused the token in %s (getMe: %s); the channel "
                      "is not started", settings.token_env, error.code)
            await http.aclose()
            return None
        log.warning("Zalo Bot: getMe refused at start (error_code %s)", error.code)
        me = {}
    except BotTransportError as error:
        log.warning("Zalo Bot: getMe failed at start (%s); receiving starts anyway",
                    error.reason)
        me = {}
    if me.get("can_join_groups"):
        log.info("Zalo Bot: the bot can join groups; group chats are not handled yet")
    channel = ZaloBotChannel(api, tips.tr)
    router.register(ZALO_BOT, channel)
    # The typed commands' words (core.channel_words: zalo_bot.words.*), as on Zalo OA.
    on_zalo = dataclasses.replace(tips, tr=ChannelWords(tips.tr.language, ZALO_BOT))
    conversation = ZaloBotConversation(on_zalo, channel, channel.text_limit)
    handled = HandledOnce(tips.db, token, conversation.on_update, tips.clock)
    runtime = ZaloBotRuntime(http, channel, conversation)
    try:
        if settings.mode == "webhook":
            runtime.webhook = await _start_webhook(api, handled, settings, environ)
        else:
            poller = UpdatePoller(api, handled)
            await poller.start()
            runtime.poller = poller
    except BaseException:
        await runtime.stop()
        raise
    log.info("Zalo Bot channel started (%s)", settings.mode)
    return runtime


async def _start_webhook(api: ZaloBotApi, handled: HandledOnce, settings: ZaloBotSettings,
                         environ: Mapping[str, str]) -> ZaloBotWebhook:
    secret = environ[settings.webhook_secret_env]
    webhook = ZaloBotWebhook(handled=handled, secret=secret, listen=settings.webhook_listen,
                             port=settings.webhook_port, path=settings.webhook_path)
    await webhook.start()
    if settings.webhook_url:
        try:
            await api.call(SET_WEBHOOK, {"url": settings.webhook_url, "secret_token": secret})
        except (BotApiError, BotTransportError) as error:
            # The server listens anyway: a webhook set earlier by hand still reaches it.
            log.warning("Zalo Bot: setWebhook failed (%s)", error)
    return webhook
