"""The services of the running bot, built once at start-up (``bot.runtime``) and reached by the
handlers through their context (``handlers.bot_context.BotContext.services``) and by the jobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channel_router import ChannelRouter
from broadcasts.desk import BulletinDesk
from broadcasts.pacing import WindowTokens
from channels.telegram_flood import telegram_flood_budget
from core.clock import Clock
from core.config_model import Config
from org.channel_groups import GroupDirectories
from org.directory import Directory
from storage.db import Database
from tips.context import TipsContext

# Where the Application keeps them (``bot_data``).
SERVICES_KEY = "services"


@dataclass
class Services:
    config: Config
    db: Database
    directory: Directory
    clock: Clock
    tips: TipsContext
    bot_username: str = ""
    # The bulletin desk (broadcasts.desk), set at start-up once the bot's username is known.
    bulletins: BulletinDesk | None = None
    # What each channel knows of its groups (member counts, the Zalo OA's list): the bot's
    # router, set at start-up (``bot.runtime``).
    group_directories: GroupDirectories = field(default_factory=ChannelRouter)
    # Telegram's ~30 messages/s for this bot, shared by the Application's sends (first in
    # line) and the delivery engine's (``channels.telegram_flood``).
    telegram_flood: WindowTokens = field(default_factory=telegram_flood_budget)
