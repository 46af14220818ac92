"""The officer side of tips: ``/tips``, ``/assess``, ``/outcome``, ``/close``, ``/block`` and
the buttons under each new-tip notice (SPEC §4).

Tips are need-to-know (SPEC §12): each command, and each button that does what a command does,
wears the guard of its row in ``handlers.commands``, so an editor or a resident is refused with
the role needed before any tip is looked up, and a forged button is no way round it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.argument_problems import echo, not_a_tip_code, unit_not_in_scope
from handlers.commands import guard
from handlers.context import BotContext
from handlers.tips import tips_of
from org.roles import Role
from org.staff import scope_codes
from reports.render.report_words import ReportWords, report_words_for
from storage import tips as tip_store
from storage.tip_records import Assessment, Tip, TipState
from tips import outcomes, triage
from tips.codes import parse_code
from tips.conversation import is_small_number
from tips.notices import TRIAGE_ACTIONS, local_time, parse_triage_callback
from tips.outcomes import MAX_QUANTITY, OutcomeResult, Recorded

PAGE = 10
LIST_CALLBACK = "tl"
FILTERS = {"open": (None, TipState.OPEN), "unassessed": (Assessment.UNASSESSED, None),
           "valuable": (Assessment.VALUABLE, None), "all": (None, None)}
ASSESSMENTS = {"valuable": Assessment.VALUABLE, "not_valuable": Assessment.NOT_VALUABLE,
               "false": Assessment.FALSE}


async def show_tips(update: Update, context: BotContext, name: str, offset: int) -> None:
    ctx, tr = tips_of(context), context.tr
    assessment, state = FILTERS[name]
    async with ctx.db.reading() as conn:
        found, total = await tip_store.tips_in_units(
            conn, scope_codes(context.staff, ctx.directory.tree), assessment=assessment,
            state=state, offset=offset, limit=PAGE)
    label = tr("triage.filter_" + name)
    if not found:
        await update.effective_message.reply_text(tr("triage.list_empty", filter=label))
        return
    lines = [tr("triage.list_header", filter=label, first=offset + 1,
                last=offset + len(found), total=total)]
    lines += [tr("triage.list_line", code=t.code, time=local_time(t.created_at, ctx.tz),
                 unit=t.unit_code, category=ctx.category_label(t.category),
                 assessment=tr("assessment." + t.assessment.value),
                 state=tr("state." + t.state.value)) for t in found]
    paging = []
    if offset > 0:
        paging.append(InlineKeyboardButton(tr("triage.newer"), callback_data=(
            f"{LIST_CALLBACK}:{name}:{max(offset - PAGE, 0)}")))
    if offset + PAGE < total:
        paging.append(InlineKeyboardButton(tr("triage.older"), callback_data=(
            f"{LIST_CALLBACK}:{name}:{offset + PAGE}")))
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup([paging]) if paging else None)


@guard("tips")
async def list_tips(update: Update, context: BotContext) -> None:
    name = (context.args[0].lower() if context.args else "open")
    if name not in FILTERS or len(context.args or []) > 1:
        await update.effective_message.reply_text(context.tr("triage.list_usage"))
        return
    await show_tips(update, context, name, 0)


@guard("tips")
async def list_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[1] not in FILTERS or not is_small_number(parts[2]):
        await query.answer(context.tr("triage.bad_button"), show_alert=True)
        return
    await query.answer()
    await show_tips(update, context, parts[1], int(parts[2]))


async def _tip_or_refuse(update: Update, context: BotContext, usage: str,
                         arg_count: int) -> Tip | None:
    """The tip named by the first argument, or None once the answer said what was wrong."""
    message, tr, args = update.effective_message, context.tr, context.args or []
    if len(args) != arg_count:
        await message.reply_text(tr(usage))
        return None
    code = parse_code(args[0])
    if code is None:
        await message.reply_text(not_a_tip_code(tr, args[0], tr(usage)))
        return None
    tip = await triage.tip_for_staff(tips_of(context), context.staff, code, Role.OFFICER)
    if tip is None:  # unknown, or outside the scope: the same answer (a code reveals nothing)
        await message.reply_text(tr("triage.no_such_tip", code=code))
    return tip


async def apply_assessment(context: BotContext, tip: Tip, assessment: Assessment) -> str:
    result = await triage.assess(tips_of(context), context.staff, tip, assessment)
    key = {triage.Done.DONE: "triage.assessed",
           triage.Done.RACED: "triage.assessed_meanwhile"}.get(result.done, "triage.unchanged")
    return context.tr(key, code=tip.code, assessment=context.tr("assessment." + assessment))


async def apply_close(context: BotContext, tip: Tip) -> str:
    result = await triage.close(tips_of(context), context.staff, tip)
    key = "triage.closed" if result.done is triage.Done.DONE else "triage.already_closed"
    return context.tr(key, code=tip.code)


@guard("assess")
async def assess(update: Update, context: BotContext) -> None:
    args, tr = context.args or [], context.tr
    if len(args) == 2 and args[1].lower() not in ASSESSMENTS:
        await update.effective_message.reply_text("\n".join((
            tr("triage.not_an_assessment", word=echo(args[1])), tr("triage.assess_usage"))))
        return
    tip = await _tip_or_refuse(update, context, "triage.assess_usage", 2)
    if tip is not None:
        await update.effective_message.reply_text(
            await apply_assessment(context, tip, ASSESSMENTS[args[1].lower()]))


@guard("close")
async def close(update: Update, context: BotContext) -> None:
    tip = await _tip_or_refuse(update, context, "triage.close_usage", 1)
    if tip is not None:
        await update.effective_message.reply_text(await apply_close(context, tip))


@guard("block")
async def block(update: Update, context: BotContext) -> None:
    tip = await _tip_or_refuse(update, context, "triage.block_usage", 1)
    if tip is not None:
        await triage.block_sender(tips_of(context), context.staff, tip)
        await update.effective_message.reply_text(context.tr(
            "triage.blocked", code=tip.code, days=tips_of(context).settings.block_days))


@guard("outcome")
async def record_outcome(update: Update, context: BotContext) -> None:
    ctx, tr = tips_of(context), context.tr
    words = report_words_for(context.services.config, tr)
    # The keys are what is typed; the labels say what each key counts.
    kinds = tr("stats.list_separator").join(
        tr("triage.outcome_kind", key=k.key, label=words.outcome_label(k.key))
        for k in ctx.outcome_kinds)
    usage = tr("triage.outcome_usage", kinds=kinds)
    args = context.args or []
    result = (await outcomes.record(ctx, context.staff, args[0], args[1:]) if len(args) >= 2
              else OutcomeResult(Recorded.NO_QUANTITIES))
    await update.effective_message.reply_text(_outcome_answer(context, result, words, kinds,
                                                              usage))


def _outcome_answer(context: BotContext, result: OutcomeResult, words: ReportWords,
                    kinds: str, usage: str) -> str:
    """What was recorded, or what was wrong; a refusal recorded nothing."""
    tr = context.tr
    kind, word = echo(result.kind), echo(result.word)
    match result.recorded:
        case Recorded.RECORDED:
            summary = tr("triage.outcome_separator").join(
                words.outcome_figure(k, n) for k, n in result.quantities.items())
            return tr("triage.outcome_recorded", target=result.target, summary=summary)
        case Recorded.NOT_A_QUANTITY:
            return "\n".join((tr("triage.outcome_not_a_quantity", word=word), usage))
        case Recorded.UNKNOWN_KIND:
            return tr("triage.outcome_unknown_kind", kind=kind, kinds=kinds)
        case Recorded.REPEATED_KIND:
            return tr("triage.outcome_repeated_kind", kind=kind)
        case Recorded.BAD_NUMBER:
            return tr("triage.outcome_bad_number", kind=kind, number=word,
                      max=words.count(MAX_QUANTITY))
        case Recorded.TIP_NOT_FOUND:
            return tr("triage.no_such_tip", code=parse_code(result.word) or word)
        case Recorded.UNIT_NOT_FOUND:
            return unit_not_in_scope(tr, result.word)
    return usage


@guard("assess")  # every button under a notice is triage work: /assess's role
async def notice_button(update: Update, context: BotContext) -> None:
    """A button under a new-tip notice. The data is signed; scope is checked again now."""
    query = update.callback_query
    ctx = tips_of(context)
    parsed = parse_triage_callback(ctx.anonymizer, query.data or "")
    tip = None
    if parsed is not None:
        tip = await triage.tip_by_id_for_staff(ctx, context.staff, parsed[1], Role.OFFICER)
    if tip is None:
        await query.answer(context.tr("triage.bad_button"), show_alert=True)
        return
    action = TRIAGE_ACTIONS[parsed[0]]
    if action in ASSESSMENTS:
        answer = await apply_assessment(context, tip, ASSESSMENTS[action])
    elif action == "close":
        answer = await apply_close(context, tip)
    elif action == "ask":
        answer = context.tr("triage.ask_how", code=tip.code)
    else:
        answer = context.tr("triage.outcome_how", code=tip.code,
                            kinds=", ".join(k.key for k in ctx.outcome_kinds))
    await query.answer(answer[:200], show_alert=True)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler(["tips", "nguontin"], list_tips),
        CommandHandler(["assess", "danhgia"], assess),
        CommandHandler(["close", "dong"], close),
        CommandHandler(["block", "chan"], block),
        CommandHandler(["outcome", "ketqua"], record_outcome),
        CallbackQueryHandler(notice_button, pattern=r"^tt:"),
        CallbackQueryHandler(list_page, pattern=rf"^{LIST_CALLBACK}:"),
    ]
