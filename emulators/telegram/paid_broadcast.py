"""Paid broadcasts: the bot's Telegram Star balance and what a paid send costs.

Sources (the Bot API reference, https://core.telegram.org/bots/api):
* ``sendMessage`` and every other send method take ``allow_paid_broadcast``: "Pass True to allow
  up to 1000 messages per second, ignoring broadcasting limits for a fee of 0.1 Telegram Stars
  per message. The relevant Stars will be withdrawn from the bot's balance" (Bot API 7.11);
* ``getMyStarBalance`` (Bot API 9.1): "A method to get the current Telegram Stars balance of the
  bot. Requires no parameters. On success, returns a StarAmount object" - ``amount`` (whole
  Stars) and ``nanostar_amount`` (the fraction, in 1/1,000,000,000 of a Star; PTB 22.3+
  ``Bot.get_my_star_balance``).

What Telegram answers to a paid send when the balance cannot pay for it is **not documented**
in the Bot API. The emulator answers ``400 Bad Request: BALANCE_TOO_LOW``: the error the
MTProto API documents for a Stars payment the balance cannot cover (``payments.sendStarsForm``,
https://core.telegram.org/method/payments.sendStarsForm), which the Bot API passes on as a
"Bad Request: <MTProto error>" as it does others. A 400 proves nothing was sent, so a client
may send the message again without the flag. Nothing is charged for a refused send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .params import Params

if TYPE_CHECKING:
    from .world import World

NANOSTARS_PER_STAR = 1_000_000_000
PAID_MESSAGE_NANOSTARS = NANOSTARS_PER_STAR // 10  # 0.1 Star a message
PAID_PER_SECOND = 1000
BALANCE_TOO_LOW = "BALANCE_TOO_LOW"


class StarLedger:
    """The bot's Star balance, in nanostars (exact arithmetic), and what paid sends spent."""

    def __init__(self, stars: int = 0) -> None:
        self.balance = stars * NANOSTARS_PER_STAR
        self.paid_messages = 0
        self.spent = 0  # nanostars

    def top_up(self, stars: float) -> None:
        self.balance += round(stars * NANOSTARS_PER_STAR)

    def can_pay(self) -> bool:
        return self.balance >= PAID_MESSAGE_NANOSTARS

    def require(self) -> None:
        """Refuse a paid send the balance cannot pay for (see the module docstring)."""
        if not self.can_pay():
            raise bad_request(BALANCE_TOO_LOW)

    def charge(self) -> None:
        self.balance -= PAID_MESSAGE_NANOSTARS
        self.spent += PAID_MESSAGE_NANOSTARS
        self.paid_messages += 1

    @property
    def spent_stars(self) -> float:
        return self.spent / NANOSTARS_PER_STAR

    def star_amount(self) -> dict[str, Any]:
        """The ``StarAmount`` object ``getMyStarBalance`` returns."""
        whole, fraction = divmod(self.balance, NANOSTARS_PER_STAR)
        amount: dict[str, Any] = {"amount": whole}
        if fraction:
            amount["nanostar_amount"] = fraction
        return amount


def is_paid(params: Params) -> bool:
    return params.flag("allow_paid_broadcast")


async def get_my_star_balance(world: World, p: Params) -> dict[str, Any]:
    return world.stars.star_amount()


METHODS = {"getMyStarBalance": get_my_star_balance}
