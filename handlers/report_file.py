"""``/report [PERIOD] [UNIT] [docx|xlsx|csv]`` (``/baocao``): the report file in chat (SPEC §6, §7).

Officers (and admins) only, in the private chat: the report counts tips, which are need-to-know
(SPEC §12), so an editor is refused with the role needed. The scope rules are ``/stats``'s
(``reports.chat_requests``): the unit defaults to the asker's own, and a unit outside their scope
gets the same answer as one that does not exist.
The file is the one ``python -m bot report`` writes (``reports.report_file``), sent with
``sendDocument`` as ``report-<UNIT>-<label>.<ext>``; docx unless another format is named.
"""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CommandHandler

from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.stats import refusal_text
from reports.chat_requests import Refusal, plan_report
from reports.render.stats_text import format_day
from reports.report_file import build_report_file


@guard("report")
async def send_report_file(update: Update, context: BotContext) -> None:
    services, tr, member = context.services, context.tr, context.staff
    message = update.effective_message
    assert member is not None
    now = services.clock.now()
    tree = services.directory.tree
    request = plan_report(context.args or [], member, tree, now=now,
                          tz=services.config.timezone)
    if isinstance(request, Refusal):
        await message.reply_text(refusal_text(tr, request))
        return
    # Building a province's file takes a moment: show "sending a file…" meanwhile.
    await message.reply_chat_action(ChatAction.UPLOAD_DOCUMENT)
    report = await build_report_file(services.db, tree, services.config, tr, request.unit_code,
                                     request.period, request.report_format, now=now)
    stats, period = report.stats, report.stats.period
    caption = tr("report.caption", unit=stats.unit_code, unit_name=stats.unit_name,
                 label=period.label, first=format_day(period.first_day),
                 last=format_day(period.last_day))
    await message.reply_document(InputFile(report.content, filename=report.filename),
                                 caption=caption)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler(["report", "baocao"], send_report_file)]
