"""The question asked before an alert or a bulletin sent now goes to SMS subscribers (SPEC
§13): how many SMS, how many parts each, about what they cost, what is left of the month's
budget, and Confirm / Cancel. The decision (``broadcasts.sms_cost``) is the domain's; this draws
it. Sums are written as the budget notice writes them: 1.350.000 đồng."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from broadcasts.sms_cost import SmsQuote
from core.i18n import Translator


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def sms_cost_text(tr: Translator, quote: SmsQuote) -> str:
    lines = [tr("bulletins.sms_cost.line", messages=quote.messages, segments=quote.segments,
                cost=vnd(quote.cost_vnd), left=vnd(quote.budget_left_vnd))]
    if quote.over_budget:
        lines.append(tr("bulletins.sms_cost.over_budget"))
    lines.append(tr("bulletins.sms_cost.question"))
    return "\n".join(lines)


def confirm_buttons(tr: Translator, confirm_data: str,
                    cancel_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(tr("bulletins.button.sms_confirm"), callback_data=confirm_data),
        InlineKeyboardButton(tr("bulletins.button.sms_cancel"), callback_data=cancel_data)]])
