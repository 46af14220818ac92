"""Builds the python-telegram-bot Application: API address, rate limiter, context, handlers."""

from __future__ import annotations

from telegram.ext import Application, ContextTypes

from bot.services import SERVICES_KEY, Services
from bot.update_order import PerChatUpdateProcessor
from channels.telegram_flood import SharedFloodLimiter
from handlers import (
    bulletin_broadcast,
    bulletin_queue,
    bulletins,
    errors,
    fallback,
    groups,
    report_file,
    sms_subscribers,
    staff,
    start,
    stats,
    tip_followup,
    tips,
    triage,
    units,
)
from handlers.bot_context import BotContext
from ops.request import APPLICATION_POOL_SIZE, InstrumentedRequest
from ops.updates import COUNTING_GROUP, update_counter

# One handler group: the first matching handler wins, so the fallbacks (unknown commands,
# stickers, stale buttons) must come after every real handler.
# The bulletin composer comes first: it matches only people composing, and its /cancel must
# end the draft before the general /cancel answers.
JOURNEYS = (bulletins, start, groups, staff, units, tips, tip_followup, triage, bulletin_queue,
            bulletin_broadcast, stats, report_file, sms_subscribers)


# Telegram's limits (~30 messages/s overall, 20/min per group): PTB's limiter paces the bot's
# sends and waits out this many 429s itself before the send fails with RetryAfter; the overall
# budget is shared with the delivery engine, the Application's sends first in line
# (``channels.telegram_flood``).
FLOOD_RETRIES = 3


def build_application(services: Services, token: str) -> Application:  # type: ignore[type-arg]
    telegram = services.config.telegram
    lean = telegram.http_client == "lean"  # Bot API calls without httpx: channels.lean_request
    application = (
        Application.builder()
        .token(token)
        .base_url(telegram.api_base_url)
        .base_file_url(telegram.api_file_url)
        .rate_limiter(SharedFloodLimiter(services.telegram_flood, max_retries=FLOOD_RETRIES))
        .request(InstrumentedRequest(connection_pool_size=APPLICATION_POOL_SIZE, lean=lean))
        .get_updates_request(InstrumentedRequest(lean=lean))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    application.add_handler(update_counter(), group=COUNTING_GROUP)
    application.add_handler(fallback.edit_guard(), group=-1)
    for journey in JOURNEYS:
        application.add_handlers(journey.handlers())
    # Plain private messages: part of a tip being written (after every command handler).
    application.add_handlers(tips.content_handlers())
    application.add_handlers(fallback.handlers())
    application.add_error_handler(errors.report_error)
    return application
