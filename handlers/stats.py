"""``/stats [PERIOD] [UNIT] [chart]`` (``/thongke``): a unit's figures in chat, for staff (SPEC §6).

Staff only, in the private chat; the unit defaults to the asker's own and must lie in their
scope: a unit outside it gets the same answer as a unit that does not exist. Tips are
need-to-know (SPEC §12): an editor gets the groups, members and bulletins against the target
(their work), not the tips, the categories or the outcomes (police results, recorded against
tips, which move with them), and a line saying the rest is for officers; the chart, whose top
panel is tips per week, is for officers too. These checks are ``reports.chat_requests``'s; the
figures come from ``reports.stats`` (the same API as ``python -m bot report``). With the word
``chart`` anywhere, the text is followed by a photo: tips per week by assessment and bulletins
per group per week against the target (``reports.render.chart``), drawn in a worker thread so
that the other chats are not kept waiting while matplotlib works.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CommandHandler

from bot.services import Services
from core.i18n import Translator
from handlers.argument_problems import echo, period_problem
from handlers.bot_context import BotContext
from handlers.commands import guard
from reports.chat_requests import Refusal, plan_statistics
from reports.render.report_words import report_words_for
from reports.render.stats_text import format_day, render_stats_text
from reports.stats import unit_statistics_for_config
from reports.stats_request import StatsRequest
from reports.weekly_chart import weekly_chart_png
from reports.weekly_series import weekly_series_for_config

log = logging.getLogger(__name__)


@guard("stats")
async def show_statistics(update: Update, context: BotContext) -> None:
    services, tr, member = context.services, context.tr, context.staff
    message = update.effective_message
    assert member is not None
    now = services.clock.now()
    plan = plan_statistics(context.args or [], member, services.directory.tree, now=now,
                           tz=services.config.timezone)
    if isinstance(plan, Refusal):
        await message.reply_text(refusal_text(tr, plan))
        return
    request = plan.request
    stats = await unit_statistics_for_config(services.db, services.directory.tree,
                                             services.config, request.unit_code, request.period,
                                             now=now)
    text = render_stats_text(stats, report_words_for(services.config, tr),
                             tip_figures=plan.tip_figures)
    if not plan.tip_figures:
        text = "\n".join((text, tr("stats.rest_for_officers")))
    await message.reply_text(text)
    if plan.chart_refused:
        await message.reply_text(tr("stats.chart_for_officers"))
    elif plan.chart:
        await send_chart(message, services, tr, request)


def refusal_text(tr: Translator, refusal: Refusal) -> str:
    """The line of a ``/stats`` or ``/report`` request that cannot be run."""
    if refusal.period_error is not None:
        return period_problem(tr, refusal.key, refusal.word or "", refusal.period_error)
    if refusal.word is not None:
        return tr(refusal.key, code=echo(refusal.word))
    return tr(refusal.key)


async def send_chart(message: Message, services: Services, tr: Translator,
                     request: StatsRequest) -> None:
    """The chart photo of a request already checked against the asker's scope."""
    await message.reply_chat_action(ChatAction.UPLOAD_PHOTO)
    series = await weekly_series_for_config(services.db, services.directory.tree,
                                            services.config, request.unit_code, request.period,
                                            now=services.clock.now())
    try:
        png = await asyncio.to_thread(weekly_chart_png, series, tr)
    except Exception:
        # The figures already went out as text; a drawing failure must not look like silence.
        log.exception("statistics chart not drawn")
        await message.reply_text(tr("charts.failed"))
        return
    period = series.period
    caption = tr("charts.caption", unit=series.unit_code, label=period.label,
                 first=format_day(period.first_day), last=format_day(period.last_day))
    await message.reply_photo(InputFile(png, filename=f"stats-{series.unit_code}.png"),
                              caption=caption)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["stats", "thongke"], show_statistics)]
