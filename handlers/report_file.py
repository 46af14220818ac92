"""``/report [PERIOD] [UNIT] [docx|xlsx|csv]`` (``/baocao``): the report file in chat (SPEC §6, §7).

Officers (and admins) only, in the private chat: the report counts tips, which are need-to-know
(SPEC §12), so an editor is refused with the role needed. The scope rules are ``/stats``'s: the
unit defaults to the asker's own, and a unit outside their scope gets the same answer as one that
does not exist.
The file is the one ``python -m bot report`` writes (``reports.report_file``), sent with
``sendDocument`` as ``report-<UNIT>-<label>.<ext>``; docx unless another format is named.
"""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CommandHandler

from handlers.argument_problems import echo, period_problem
from handlers.bot_context import BotContext
from handlers.commands import guard
from org.roles import Role
from org.staff import may_act_on_unit
from reports.render.stats_text import format_day
from reports.report_file import build_report_file
from reports.report_request import ReportRequestError, ReportRequestProblem, read_report_request

PROBLEM_KEYS = {
    ReportRequestProblem.TOO_MANY_WORDS: "report.usage",
    ReportRequestProblem.TWO_FORMATS: "report.two_formats",
}


@guard("report")
async def send_report_file(update: Update, context: BotContext) -> None:
    services, tr, member = context.services, context.tr, context.staff
    message = update.effective_message
    assert member is not None
    now = services.clock.now()
    tree = services.directory.tree
    request = read_report_request(context.args or [], default_unit=member.unit_code, now=now,
                                  tz=services.config.timezone,
                                  is_unit=lambda code: may_act_on_unit(member, code, tree,
                                                                       Role.OFFICER))
    if isinstance(request, ReportRequestError):
        if request.problem is ReportRequestProblem.BAD_PERIOD:
            assert request.reason is not None
            await message.reply_text(period_problem(tr, "report.bad_period", request.word,
                                                    request.reason))
        elif request.problem is ReportRequestProblem.UNKNOWN_WORD:
            await message.reply_text(tr("report.unknown_unit", code=echo(request.word)))
        else:
            await message.reply_text(tr(PROBLEM_KEYS[request.problem]))
        return
    if not may_act_on_unit(member, request.unit_code, tree, Role.OFFICER):
        await message.reply_text(tr("report.unknown_unit", code=echo(request.unit_code)))
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
