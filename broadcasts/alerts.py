"""``/alert text``, as use cases any channel calls (SPEC §5, §13): at once to every group (and
SMS subscriber) in the officer's scope, bypassing the queue; first the SMS cost with Confirm /
Cancel when SMS subscribers are among them, and the cost in Telegram Stars when alerts go as paid
broadcasts (``bulletins.paid_broadcast``: 0.1 Star for each Telegram group). The alert then
waits in the database (``broadcasts.composer_drafts``) for the choice, taken once: a second
choice, or one made on a question more than an hour old, sends nothing.

Re-sending a dispatch's uncertain copies pays again for an alert's to Telegram groups and for
those to SMS subscribers: the officer is asked first (:meth:`AlertDesk.resend_question`: to whom,
the Stars, the SMS and what they cost), and only the confirmation of that question re-sends
(``broadcasts.queue_actions``, ``broadcasts.resend_questions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.address import TELEGRAM
from core.answers import Answer, Shown
from core.i18n import Translator
from org.staff import StaffMember
from storage import deliveries as delivery_store
from tips.visible_text import has_visible_text

from . import resends
from .composer_drafts import hold_alert, take_alert
from .desk import BulletinDesk
from .recipient_words import RecipientCount, recipients_phrase
from .sms_cost import SmsQuote, confirm_choices, sms_cost_text, vnd

PREVIEW_CHARS = 1500  # of the alert in the SMS question (the whole would pass Telegram's 4096)
# The actions of the SMS question's choices (a Telegram adapter puts them behind "al:").
CONFIRM, CANCEL = "ok", "no"
PAID_TENTHS_OF_A_STAR = 1  # Telegram's fee for one paid broadcast message: 0.1 Star


def stars_text(tenths: int) -> str:
    """Stars as the bot writes numbers: 1.234 or 0,3."""
    whole, tenth = divmod(tenths, 10)
    return vnd(whole) + (f",{tenth}" if tenth else "")


@dataclass(frozen=True)
class ResendCost:
    """What a re-send of a dispatch's uncertain copies costs, as the question shows it."""

    copies: resends.UncertainCopies
    paid_groups: int  # Telegram groups paid again (0 when paid broadcasts are off)
    sms: list[SmsQuote]  # per bulletin, its SMS copies (none without SMS configured)

    @property
    def asks(self) -> bool:
        """Something costs: the officer is asked before the re-send."""
        return bool(self.paid_groups or self.sms)

    @property
    def shown(self) -> str:
        """The figures the question shows, as held until the answer (a re-send whose figures
        changed since is asked again)."""
        return ":".join(str(n) for n in (self.paid_groups, sum(q.messages for q in self.sms),
                                         sum(q.cost_vnd for q in self.sms)))


class AlertDesk:
    """``/alert`` for one running bot, in the speaker's language."""

    def __init__(self, desk: BulletinDesk, tr: Translator) -> None:
        self.desk = desk
        self.tr = tr

    async def alert(self, member: StaffMember, words: str) -> Answer:
        """``/alert words``: sent, or the SMS question, or how to use the command."""
        tr, desk = self.tr, self.desk
        text = words.strip()
        if not has_visible_text(text):  # zero-width or control characters alone show nothing
            return Answer("\n".join((tr("bulletins.alert.empty"), tr("bulletins.alert.usage"))))
        unit = desk.home_unit(member)
        quote = await desk.sms_costs.for_alert(member, unit, text)
        sms_question = quote is not None and quote.needs_confirmation
        paid_groups = await self._paid_groups(unit)
        if sms_question or paid_groups:
            await hold_alert(desk.db, member.address, unit, text, desk.clock.now())
            ask = "bulletins.alert.ask_sms" if sms_question else "bulletins.alert_paid.ask"
            parts = [tr(ask, body=text[:PREVIEW_CHARS])]
            if paid_groups:
                parts.append(self.paid_cost(paid_groups))
            if quote is not None and sms_question:
                parts.append(sms_cost_text(tr, quote))
            else:
                parts.append(tr("bulletins.sms_cost.question"))
            return Answer("\n\n".join(parts), confirm_choices(tr, CONFIRM, CANCEL))
        return Answer(await self._send(member, text))

    async def resend_cost(self, member: StaffMember, dispatch_id: int) -> ResendCost | None:
        """What re-sending the dispatch's uncertain copies would cost; None when the dispatch
        is not the member's (the re-send refuses)."""
        desk = self.desk
        copies = await resends.uncertain_copies(desk.db, desk.directory.tree, member,
                                                dispatch_id)
        if copies is None:
            return None
        quotes = [quote for bulletin, count in copies.sms
                  if (quote := await desk.sms_costs.for_copies(bulletin, count)) is not None]
        paid = copies.paid_groups if desk.config.bulletins.paid_broadcast else 0
        return ResendCost(copies, paid, quotes)

    def resend_question(self, cost: ResendCost, confirm: str, cancel: str) -> Answer:
        """Before the re-send: to whom, the words, the Stars of the paid copies and the SMS
        (how many, what they cost: as before the first send), Confirm / Cancel."""
        tr, copies = self.tr, cost.copies
        parts = [tr("bulletins.resend.ask", body=copies.body[:PREVIEW_CHARS],
                    recipients=recipients_phrase(tr, RecipientCount(copies.total,
                                                                    copies.sms_count)))]
        if cost.paid_groups:
            parts.append(self.paid_cost(cost.paid_groups))
        parts.extend(sms_cost_text(tr, quote, question=False) for quote in cost.sms)
        parts.append(tr("bulletins.sms_cost.question"))
        return Answer("\n\n".join(parts), confirm_choices(tr, confirm, cancel))

    def paid_cost(self, groups: int) -> str:
        """The cost line of the paid-broadcast question, for ``groups`` Telegram groups."""
        return self.tr("bulletins.alert_paid.cost", groups=vnd(groups),
                       stars=stars_text(groups * PAID_TENTHS_OF_A_STAR))

    async def _paid_groups(self, unit: str) -> int:
        """Telegram groups the alert would reach as paid broadcasts; 0 when alerts are free."""
        desk = self.desk
        if not desk.config.bulletins.paid_broadcast:
            return 0
        async with desk.db.reading() as conn:
            return await delivery_store.count_active_groups(
                conn, desk.directory.tree.subtree_codes(unit), TELEGRAM)

    async def answer_sms_question(self, member: StaffMember, action: str) -> Answer:
        """Confirm or Cancel under the SMS question; the answer replaces the question (an
        ALERT answer: nothing was waiting any more)."""
        held = await take_alert(self.desk.db, member.address, self.desk.clock.now())
        if held is None:
            return Answer(self.tr("bulletins.alert.sms_expired"), shown=Shown.ALERT)
        if action == CONFIRM:
            return Answer(await self._send(member, held))
        return Answer(self.tr("bulletins.alert.sms_cancelled"))

    async def _send(self, member: StaffMember, text: str) -> str:
        sent = await self.desk.alert(member, text)
        if sent.groups == 0:
            return self.tr("bulletins.alert.no_groups")
        if sent.sms:
            return self.tr("bulletins.alert.sent_with_sms", id=sent.bulletin.id,
                           count=sent.groups - sent.sms, sms=sent.sms)
        return self.tr("bulletins.alert.sent", id=sent.bulletin.id, count=sent.groups)
