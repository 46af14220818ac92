"""Starting the shell's world: the Bot API emulator, the config (the demo one, or the user's with
its Telegram and storage settings pointed at the shell), the real bot on a ManualClock, and the
people and groups of the session."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.config import load_config
from bot.runtime import RunningBot, start_bot
from core.clock import ManualClock, SystemClock
from core.config_model import Config
from core.i18n import t
from emulators.sms import FakeSmsGateway
from emulators.telegram import FakeTelegramAPI

from .cast import Cast, make_groups, make_people, plans_for_config
from .demo import demo_groups, write_demo_config
from .log_secrets import ShellSecrets
from .settling import BotSettling
from .sms_phone import ShellPhone, gateway_environ, shell_sms_config
from .zalo_oa import ShellZalo, ShellZaloOA, shell_zalo_config, zalo_environ

# Never set: the bot then keeps its generated key in the shell's data folder (mode 0600).
SECRET_KEY_ENV = "KET_NOI_SHELL_SECRET_KEY"
POLL_TIMEOUT = 1  # seconds a long poll is held; short, so stopping the shell is quick


@dataclass(frozen=True)
class ShellOptions:
    data_dir: Path
    config_path: Path | None = None  # None: the demo config
    language: str | None = None  # None: the config's (the demo's: Vietnamese)
    start: datetime | None = None  # where the shell's clock starts; None: now, to the minute
    # The emulated Zalo OA's and SMS phone's secrets, made up here so that the shell's log
    # can be told them before anything runs (shell.log_secrets).
    secrets: ShellSecrets = field(default_factory=ShellSecrets)


@dataclass
class ShellWorld:
    fake: FakeTelegramAPI
    running: RunningBot
    clock: ManualClock
    config: Config
    config_path: Path
    cast: Cast
    settling: BotSettling
    demo: bool
    phone: ShellPhone  # the commune's SMS gateway phone (:sms)
    zalo: ShellZalo  # the commune's Zalo Official Account (:zalo, :group zalo N)

    async def stop(self) -> None:
        await self.running.stop()
        await self.fake.stop()
        await self.phone.gateway.stop()
        await self.zalo.emulator.stop()


def shell_config(config: Config, data_dir: Path, fake: FakeTelegramAPI,
                 language: str | None) -> Config:
    """The config with everything that reaches outside pointed at the shell: the emulator for
    Telegram, SQLite in the data folder, the data folder for the secret key."""
    bot = dataclasses.replace(config.bot, data_dir=data_dir,
                              language=language or config.bot.language)
    telegram = dataclasses.replace(config.telegram, api_base_url=fake.base_url,
                                   api_file_url=fake.base_file_url, mode="polling",
                                   webhook=None)
    return dataclasses.replace(config, bot=bot, telegram=telegram,
                               storage_url=f"sqlite+aiosqlite:///{data_dir / 'bot.db'}",
                               secret_key_env=SECRET_KEY_ENV)


async def launch(options: ShellOptions) -> ShellWorld:
    """Everything up and the groups registered; raises ``ConfigError`` for a bad ``--config``."""
    data_dir = options.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    fake = FakeTelegramAPI()
    await fake.start()
    made_up = options.secrets
    gateway = FakeSmsGateway(username=made_up.sms_username, password=made_up.sms_password,
                             signing_key=made_up.sms_signing_key)
    await gateway.start()
    start = options.start or SystemClock().now().replace(second=0, microsecond=0)
    clock = ManualClock(start)
    zalo = ShellZaloOA(clock, made_up)
    await zalo.start()
    try:
        demo = options.config_path is None
        path = (options.config_path.resolve() if options.config_path
                else write_demo_config(options.language or "vi", data_dir, fake.base_url))
        config = shell_zalo_config(shell_sms_config(
            shell_config(load_config(path, {}, need_token=False,
                                     language=options.language or "vi"),
                         data_dir, fake, options.language), gateway), zalo)
        # The staff must exist in the emulator before the bot can tell them anything.
        people = make_people(fake, config)
        running = await start_bot(config, fake.token, clock, poll_timeout=POLL_TIMEOUT,
                                  environ=gateway_environ(gateway) | zalo_environ(zalo))
    except BaseException:
        await fake.stop()
        await gateway.stop()
        await zalo.stop()
        raise
    if running.zalo is not None and running.zalo.webhook_started:
        zalo.webhook_url = running.zalo.webhook.url
    if running.sms is not None and running.sms.receiver is not None:
        gateway.add_webhook(running.sms.receiver.url)
    # Wall-clock time fires nothing in the shell: :time runs the jobs (see time_travel).
    running.scheduler.pause()
    settling = BotSettling(fake, running)
    try:
        plans = demo_groups(config.language) if demo else plans_for_config(config)
        groups = await make_groups(fake, running.services.db, running.services.directory.tree,
                                   people, plans, settling.settle)
    except BaseException:
        await running.stop()
        await fake.stop()
        await gateway.stop()
        await zalo.stop()
        raise
    shell_zalo = ShellZalo(zalo, t(config.language, "shell.demo.zalo_resident"),
                           [t(config.language, "shell.demo.zalo_group_1"),
                            t(config.language, "shell.demo.zalo_group_2")])
    return ShellWorld(fake, running, clock, config, path, Cast(people, groups), settling, demo,
                      ShellPhone(gateway, clock), shell_zalo)
