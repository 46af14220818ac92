"""Welcome, help and cancel: the first words anyone exchanges with the bot."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from core.config_model import Config
from handlers.access import chat_place, requires
from handlers.bot_context import BotContext
from handlers.commands import guard
from handlers.private_chat import point_to_private_chat
from handlers.tips import cancel_tip, start_from_payload
from org.help_lines import SMS_TWO_WAY, ZALO_OA, channel_help_keys
from org.permissions import Place, commands_for


# Not guard("start"): in a group it points to the private chat rather than refusing.
@requires()
async def welcome(update: Update, context: BotContext) -> None:
    payload = context.args[0] if context.args else ""
    if payload.startswith("tip"):
        await start_from_payload(update, context, payload[:64])
        return
    if chat_place(update) is Place.GROUP:  # the welcome is for a private chat
        await point_to_private_chat(update.effective_message, context, "start.in_group")
        return
    lines = [context.tr("start.welcome")]
    if context.staff is not None:
        lines.append(context.tr("start.welcome_staff",
                                role=context.tr("roles." + context.staff.role.value),
                                unit=context.staff.unit_code))
    await update.effective_message.reply_text("\n\n".join(lines))


@guard("help")
async def show_help(update: Update, context: BotContext) -> None:
    """List only what this person may do, in this kind of chat."""
    tr = context.tr
    role = context.staff.role if context.staff else None
    lines = [tr("help.header")]
    for command in commands_for(role, chat_place(update)):
        alias = tr("help.alias", alias=command.alias) if command.alias else ""
        lines.append(tr("help.line", name=command.name, alias=alias,
                        description=tr(command.help_key)))
    lines.extend(tr(key) for key in channel_help_keys(role, chat_place(update),
                                                      channels_running(context.services.config)))
    if context.staff is not None:
        lines.append("")
        lines.append(tr("help.you_are_staff", role=tr("roles." + context.staff.role.value),
                        unit=context.staff.unit_code))
    await update.effective_message.reply_text("\n".join(lines))


def channels_running(config: Config) -> set[str]:
    """The channels /help names forms of: the Zalo OA, and an SMS phone residents can text."""
    running = {ZALO_OA} if config.zalo_oa is not None else set()
    if config.sms is not None and config.sms.provider == "android_gateway":
        running.add(SMS_TWO_WAY)
    return running


# Not guard("cancel"): in a group it points to the private chat rather than refusing.
@requires()
async def cancel(update: Update, context: BotContext) -> None:
    if chat_place(update) is Place.GROUP:
        # Flows live in the private chat; and "your tip was cancelled" must never be said in
        # front of a group.
        await point_to_private_chat(update.effective_message, context, "cancel.in_group")
        return
    await cancel_tip(update, context)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("start", welcome),
        CommandHandler(["help", "huongdan"], show_help),
        CommandHandler(["cancel", "huy"], cancel),
    ]
