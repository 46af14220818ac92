"""The Zalo OA channel started and stopped with the bot, when ``[zalo_oa]`` is configured
(SPEC §13); without the table nothing here runs.

Built here: one HTTP client, the token keeper (``channels.zalo_oa.tokens``) on the bot's
database, the API client, the channel registered in the router under ``zalo_oa`` (so notices,
relays and staff questions reach ``zalo_oa:user:…`` addresses through the outbox) with the OA's
group directory beside it (``/nhom zalo``, ``/dangky MÃ zalo:…``, daily member counts), the 1:1
conversation (``channels.zalo_oa.conversation``), the GMF groups' ``/dangky``
(``channels.zalo_oa.group_events``) and the webhook server that feeds both.

The access token is asked for once at start, so a refused refresh token is known at once. A
refused token stops the channel: the keeper logs one line, every Zalo send fails as a transient
failure (nothing crashes, nothing retries in a loop: the outbox's usual backoff, then the row
fails), the webhook is not started, and every admin gets one notice through the outbox (on
Telegram), saying which environment variable takes the new token.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import httpx

from bot.channel_router import ChannelRouter
from channels.zalo_oa.addresses import ZALO_OA
from channels.zalo_oa.api import ZaloApi
from channels.zalo_oa.channel import ZaloOAChannel
from channels.zalo_oa.conversation import ZaloConversation
from channels.zalo_oa.group_events import ZaloGroupEvents
from channels.zalo_oa.groups import ZaloGroupDirectory
from channels.zalo_oa.inbound import InboundEvent
from channels.zalo_oa.media_files import TelegramFiles, ZaloMediaFiles
from channels.zalo_oa.tokens import ChannelStopped, TokenKeeper
from channels.zalo_oa.uploads import ZaloUploads
from channels.zalo_oa.webhook import ZaloWebhook
from core.address import Address
from core.channel_words import ChannelWords
from core.config_model import Config, ZaloOASettings
from core.outbound import TransientFailure
from org.directory import Directory
from org.roles import Role
from storage import outbox
from tips.context import TipsContext
from tips.notices import say

log = logging.getLogger(__name__)

# Zalo may be slow to answer a send; a bulletin's row waits for the answer rather than guess.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0


def zalo_secrets(config: Config, environ: Mapping[str, str]) -> list[str]:
    """The values no log line may carry (``bot.logging``): the app secret, the OA secret and
    the first refresh token; none when Zalo is not configured."""
    settings = config.zalo_oa
    if settings is None:
        return []
    names = (settings.app_secret_env, settings.oa_secret_env, settings.refresh_token_env)
    return [value for value in (environ.get(name, "") for name in names) if value]


@dataclass
class ZaloRuntime:
    http: httpx.AsyncClient
    keeper: TokenKeeper
    channel: ZaloOAChannel
    conversation: ZaloConversation
    group_events: ZaloGroupEvents
    webhook: ZaloWebhook
    webhook_started: bool = False
    # Notices to admins being queued (a refusal met mid-run): finished before the bot stops.
    notices: set[asyncio.Task[None]] = field(default_factory=set)

    def notice_soon(self, tips: TipsContext, settings: ZaloOASettings) -> None:
        """The keeper stops inside a send: the notice is queued beside it, not inside it."""
        task = asyncio.get_running_loop().create_task(
            tell_admins_channel_stopped(tips, settings))
        self.notices.add(task)
        task.add_done_callback(self.notices.discard)

    async def stop(self) -> None:
        if self.webhook_started:
            self.webhook_started = False
            await self.webhook.stop()
        if self.notices:
            await asyncio.gather(*self.notices, return_exceptions=True)
        await self.http.aclose()


class StaffByZaloId(Mapping[str, Address]):
    """A staff member's Zalo user id → their address, read from the directory at each look-up:
    the ids are in the staff table (``[[staff]] zalo_user_id`` seeds them at start-up, and
    ``/staff zalo`` changes them while the bot runs), so a change counts at once."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory

    def __getitem__(self, zalo_user_id: str) -> Address:
        member = self._directory.staff_by_zalo_user_id(zalo_user_id)
        if member is None:
            raise KeyError(zalo_user_id)
        return member.address

    def __iter__(self) -> Iterator[str]:
        return iter([m.zalo_user_id for m in self._directory.all_staff() if m.zalo_user_id])

    def __len__(self) -> int:
        return sum(1 for m in self._directory.all_staff() if m.zalo_user_id)


async def tell_admins_channel_stopped(tips: TipsContext, settings: ZaloOASettings) -> None:
    """One notice to every admin, through the outbox (so it waits out any Telegram trouble)."""
    admins = [member.address for member in tips.directory.all_staff()
              if member.role is Role.ADMIN]
    notice = say("zalo.channel_stopped", variable=settings.refresh_token_env)
    async with tips.db.transaction() as conn:
        await outbox.enqueue_many(conn, [(address, notice) for address in admins],
                                  now=tips.clock.now())
    tips.wake_notifier(admins)


async def start_zalo(config: Config, tips: TipsContext, router: ChannelRouter,
                     environ: Mapping[str, str],
                     telegram_files: TelegramFiles | None = None) -> ZaloRuntime | None:
    """The channel, registered and listening; None (and nothing done) without ``[zalo_oa]``."""
    settings = config.zalo_oa
    if settings is None:
        return None
    http = httpx.AsyncClient(timeout=httpx.Timeout(CONNECT_TIMEOUT, read=READ_TIMEOUT))
    keeper = TokenKeeper(tips.db, http, oauth_base_url=settings.oauth_base_url,
                         app_id=settings.app_id, app_secret=environ[settings.app_secret_env],
                         oa_id=settings.oa_id,
                         first_refresh_token=environ[settings.refresh_token_env],
                         refresh_token_env=settings.refresh_token_env, clock=tips.clock)
    api = ZaloApi(http, settings.api_base_url, keeper)
    # A bulletin's photo or document (a Telegram file id) is uploaded to Zalo once, then reused.
    media = (ZaloMediaFiles(tips.db, tips.clock, ZaloUploads(api),
                            telegram_files, tips.tr) if telegram_files is not None else None)
    channel = ZaloOAChannel(api, tips.tr, oa_id=settings.oa_id, media=media)
    router.register(ZALO_OA, channel)
    groups = ZaloGroupDirectory(api)
    router.register_groups(ZALO_OA, groups)
    # A resident on Zalo reads the typed commands (/trangthai, /traloi), not Telegram's
    # (core.channel_words: zalo_oa.words.* where the catalogue has them).
    on_zalo = dataclasses.replace(tips, tr=ChannelWords(tips.tr.language, ZALO_OA))
    conversation = ZaloConversation(on_zalo, channel, channel.text_limit)
    group_events = ZaloGroupEvents(db=tips.db, directory=tips.directory, clock=tips.clock,
                                   tr=tips.tr, channel=channel, groups=groups,
                                   staff_by_zalo_id=StaffByZaloId(tips.directory))

    async def on_event(event: InboundEvent) -> None:
        # A GMF group's events (SPEC §13: /dangky there) and a person's 1:1 chat part here.
        if event.group is not None:
            await group_events.on_event(event)
        else:
            await conversation.on_event(event)

    webhook = ZaloWebhook(db=tips.db, app_id=settings.app_id,
                          oa_secret=environ[settings.oa_secret_env],
                          listen=settings.webhook_listen, port=settings.webhook_port,
                          path=settings.webhook_path, on_event=on_event, clock=tips.clock)
    runtime = ZaloRuntime(http, keeper, channel, conversation, group_events, webhook)
    try:
        await keeper.access_token()
    except ChannelStopped:
        # Stopped (the keeper logged it): admins are told, no webhook; the bot runs on.
        await tell_admins_channel_stopped(tips, settings)
        return runtime
    except TransientFailure as error:
        # Zalo's OAuth did not answer: the keeper asks again at the first send.
        log.warning("Zalo OA: no access token at start (%s); asked again when needed",
                    error.reason)
    # Stopped later (a refresh refused mid-run): told from beside the send that found it.
    keeper.on_stopped = lambda _reason: runtime.notice_soon(tips, settings)
    try:
        await webhook.start()
    except BaseException:
        await http.aclose()
        raise
    runtime.webhook_started = True
    log.info("Zalo OA channel started (webhook on %s:%d)", settings.webhook_listen,
             webhook.port)
    return runtime

