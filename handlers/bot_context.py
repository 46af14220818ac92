"""What every handler can reach: the services of the running bot and who is speaking."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import SERVICES_KEY, Services
from core.i18n import Translator
from org.staff import StaffMember


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
