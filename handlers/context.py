"""What every handler can reach: the services of the running bot and who is speaking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from broadcasts.desk import BulletinDesk
from core.clock import Clock
from core.config_model import Config
from core.i18n import Translator
from org.directory import Directory
from org.staff import StaffMember
from storage.db import Database
from tips.context import TipsContext

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


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context with the bot's services, the speaker's staff record and a translator."""

    def __init__(self, application: Application, chat_id: int | None = None,  # type: ignore[type-arg]
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.staff: StaffMember | None = None

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    @property
    def tr(self) -> Translator:
        # One language per deployment (bot.language): many Vietnamese users run Telegram in
        # English, and their language_code must not switch a Vietnamese bot to English.
        return Translator(self.services.config.language)
