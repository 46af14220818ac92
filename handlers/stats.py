"""``/stats [PERIOD] [UNIT]`` (``/thongke``): a unit's figures in chat, for staff (SPEC §6).

Staff only, in the private chat; the unit defaults to the asker's own and must lie in their
scope: a unit outside it gets the same answer as a unit that does not exist. The figures come
from ``reports.stats`` (the same API as ``python -m bot report``).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from handlers.access import Place, requires
from handlers.context import BotContext
from handlers.tips import tips_of
from org.roles import Role
from org.staff import may_act_on_unit
from reports.render.stats_text import render_stats_text
from reports.stats import unit_statistics_for_config
from reports.stats_request import StatsRequestError, StatsRequestProblem, read_stats_request

MAX_ECHO = 40  # characters of a mistyped word repeated back


@requires(Role.EDITOR, place=Place.PRIVATE)
async def show_statistics(update: Update, context: BotContext) -> None:
    services, tr, member = context.services, context.tr, context.staff
    message = update.effective_message
    assert member is not None
    now = services.clock.now()
    request = read_stats_request(context.args or [], default_unit=member.unit_code, now=now,
                                 tz=services.config.timezone)
    if isinstance(request, StatsRequestError):
        if request.problem is StatsRequestProblem.BAD_PERIOD:
            await message.reply_text(tr("stats.bad_period", period=request.word[:MAX_ECHO]))
        else:
            await message.reply_text(tr("stats.usage"))
        return
    tree = services.directory.tree
    if not may_act_on_unit(member, request.unit_code, tree, Role.EDITOR):
        await message.reply_text(tr("stats.unknown_unit", code=request.unit_code[:MAX_ECHO]))
        return
    stats = await unit_statistics_for_config(services.db, tree, services.config,
                                             request.unit_code, request.period, now=now)
    tips = tips_of(context)
    text = render_stats_text(stats, tr, category_label=tips.category_label,
                             outcome_label=tips.outcome_label)
    if request.chart:
        text = "\n\n".join((text, tr("stats.chart_not_available")))
    await message.reply_text(text)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["stats", "thongke"], show_statistics)]
