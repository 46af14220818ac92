"""What a direct send (an alert, a bulletin sent now) will cost in SMS, and whether the officer
must confirm it first (SPEC §13: "before an alert or bulletin goes to SMS subscribers the
officer sees how many SMS and what they cost").

The count is the ``sms:`` rows among the groups the send would reach (the unit's subtree, as
``bulletins.plan_direct_send`` plans it); the segments are those of the bulletin drawn for the
SMS channel exactly as the delivery engine draws it (``render``, with the SMS address's
capabilities) and billed by the SMS adapter itself. The core does not import ``channels``: the
adapter's billing reaches it as an :class:`SmsTariff` the wiring in ``bot/`` hands over (the
router and the shared ``Capabilities`` stay free of a notion only SMS has). Without a tariff
(no ``[sms]`` configured) nothing goes by SMS and nothing is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.address import Address
from core.answers import Choice
from core.capabilities import Capabilities
from core.clock import Clock
from core.i18n import Translator
from core.outbound import OutboundMessage
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember
from storage import deliveries as delivery_store
from storage.bulletins import DIRECT, BulletinRecord
from storage.db import Database

from .bulletins import ALERT_TOPIC, Content
from .sms_subscribers import SMS_CHANNEL

# What the SMS channel can do is the same for every phone: the router picks the adapter by the
# address's channel alone, so this stands for "an SMS subscriber" before there is one.
ANY_SMS_ADDRESS = Address(SMS_CHANNEL, "any")
# A bulletin drawn for a channel, as the delivery engine draws each copy.
Render = Callable[[BulletinRecord, bool, Capabilities], OutboundMessage]


class SmsTariff(Protocol):
    """The SMS adapter's billing and the month's budget, as the wiring gives them."""

    @property
    def price_vnd(self) -> int:
        """Per segment (``sms.price_vnd``)."""
        ...

    @property
    def monthly_budget_vnd(self) -> int:
        ...

    def segments_of(self, message: OutboundMessage) -> int:
        """Segments the adapter bills for ``message`` (its own drawing of the SMS)."""
        ...

    async def spent_this_month(self) -> int:
        ...


@dataclass(frozen=True)
class SmsQuote:
    messages: int  # SMS targets: one SMS each
    segments: int  # per SMS
    price_vnd: int  # per segment
    budget_left_vnd: int  # of this month's budget, before this send

    @property
    def cost_vnd(self) -> int:
        return sms_cost_vnd(self.messages, self.segments, self.price_vnd)

    @property
    def needs_confirmation(self) -> bool:
        return self.messages > 0

    @property
    def over_budget(self) -> bool:
        """Some of these SMS will be refused by the budget (the rest still go)."""
        return self.cost_vnd > self.budget_left_vnd


def sms_cost_vnd(messages: int, segments: int, price_vnd: int) -> int:
    return messages * segments * price_vnd


@dataclass(frozen=True)
class SmsVersionCost:
    """An officer's SMS version measured as it will be sent: its segments (as billed), whether
    the channel cuts it, and what it costs to the SMS subscribers the bulletin reaches now."""

    segments: int  # per SMS
    cut: bool  # longer than ``sms.max_segments`` allow: cut, ending with "…"
    price_vnd: int  # per segment
    messages: int  # SMS subscribers in the unit's subtree today

    @property
    def per_sms_vnd(self) -> int:
        return self.segments * self.price_vnd

    @property
    def cost_vnd(self) -> int:
        return sms_cost_vnd(self.messages, self.segments, self.price_vnd)


def vnd(amount: int) -> str:
    """A sum as the budget notice writes it: 1.350.000."""
    return f"{amount:,}".replace(",", ".")


def sms_cost_text(tr: Translator, quote: SmsQuote, *, question: bool = True) -> str:
    """The question asked before a direct send reaches SMS subscribers: how many SMS, how many
    parts each, about what they cost, what is left of the month's budget. Without
    ``question``: the same figures, told (``/bulletin words`` queues at once)."""
    lines = [tr("bulletins.sms_cost.line", messages=quote.messages, segments=quote.segments,
                cost=vnd(quote.cost_vnd), left=vnd(quote.budget_left_vnd))]
    if quote.over_budget:
        lines.append(tr("bulletins.sms_cost.over_budget"))
    if question:
        lines.append(tr("bulletins.sms_cost.question"))
    return "\n".join(lines)


def sms_version_text(tr: Translator, cost: SmsVersionCost) -> str:
    """Under the preview once the SMS version is written: its parts and cost, and a warning
    when it will be cut."""
    lines = [tr("bulletins.sms_version.cost", segments=cost.segments,
                per_sms=vnd(cost.per_sms_vnd), messages=cost.messages, cost=vnd(cost.cost_vnd))]
    if cost.cut:
        lines.append(tr("bulletins.sms_version.cut"))
    return "\n".join(lines)


def confirm_choices(tr: Translator, confirm: str,
                    cancel: str) -> tuple[tuple[Choice, ...], ...]:
    """Confirm / Cancel under the SMS cost, with the actions of the asking use case."""
    return ((Choice(tr("bulletins.button.sms_confirm"), confirm),
             Choice(tr("bulletins.button.sms_cancel"), cancel)),)


def provisional_bulletin(unit_code: str, topic: str, content: Content, *, is_alert: bool,
                         created_by: Address, now: datetime) -> BulletinRecord:
    """The bulletin as it will be stored, before it is: its SMS drawing does not depend on the
    id (an SMS carries no deep link, and the "Đã phổ biến" line has no count yet)."""
    return BulletinRecord(id=0, unit_code=unit_code, topic=topic, body=content.body,
                          media_kind=content.media_kind, media_file_id=content.media_file_id,
                          status=DIRECT, is_alert=is_alert, queue_position=0,
                          created_by=created_by, created_at=now, approved_by=None,
                          sms_text=content.sms_text)


class SmsCosts:
    def __init__(self, db: Database, directory: Directory, clock: Clock,
                 capabilities_for: Callable[[Address], Capabilities], render: Render,
                 tariff: SmsTariff | None) -> None:
        self._db = db
        self._directory = directory
        self._clock = clock
        self._capabilities_for = capabilities_for
        self._render = render
        self._tariff = tariff

    @property
    def configured(self) -> bool:
        """SMS is configured: bulletins may reach SMS subscribers."""
        return self._tariff is not None

    async def for_sms_version(self, member: StaffMember, unit_code: str, topic: str,
                              content: Content) -> SmsVersionCost | None:
        """The officer's SMS version (``content.sms_text``) as the SMS channel will send it;
        None without SMS configured or without a version."""
        if self._tariff is None or not content.sms_text:
            return None
        bulletin = provisional_bulletin(unit_code, topic, content, is_alert=False,
                                        created_by=member.address, now=self._clock.now())
        capabilities = self._capabilities_for(ANY_SMS_ADDRESS)
        message = self._render(bulletin, False, capabilities)
        return SmsVersionCost(segments=self._tariff.segments_of(message),
                              cut=not capabilities.fits(content.sms_text),
                              price_vnd=self._tariff.price_vnd,
                              messages=len(await self._sms_targets(unit_code)))

    async def _sms_targets(self, unit_code: str) -> list[Address]:
        async with self._db.reading() as conn:
            targets = await delivery_store.active_groups(
                conn, self._directory.tree.subtree_codes(unit_code))
        return [t.address for t in targets if t.address.channel == SMS_CHANNEL]

    async def for_alert(self, member: StaffMember, unit_code: str,
                        text: str) -> SmsQuote | None:
        """``/alert text`` from ``member``, to ``unit_code``'s subtree (the desk's home unit)."""
        return await self.quote(provisional_bulletin(
            unit_code, ALERT_TOPIC, Content(text), is_alert=True, created_by=member.address,
            now=self._clock.now()))

    async def for_send_now(self, member: StaffMember, unit_code: str, topic: str,
                           content: Content) -> SmsQuote | None:
        """The composer's "send now"; an editor's press makes a draft, which sends nothing."""
        if member.role is Role.EDITOR:
            return None
        return await self.quote(provisional_bulletin(
            unit_code, topic, content, is_alert=False, created_by=member.address,
            now=self._clock.now()))

    async def for_copies(self, bulletin: BulletinRecord, messages: int) -> SmsQuote | None:
        """``messages`` copies of a stored bulletin to SMS subscribers (a re-send of uncertain
        ones); None without SMS configured or without a copy."""
        if self._tariff is None or messages == 0:
            return None
        message = self._render(bulletin, False, self._capabilities_for(ANY_SMS_ADDRESS))
        left = self._tariff.monthly_budget_vnd - await self._tariff.spent_this_month()
        return SmsQuote(messages=messages, segments=self._tariff.segments_of(message),
                        price_vnd=self._tariff.price_vnd, budget_left_vnd=max(0, left))

    async def quote(self, bulletin: BulletinRecord) -> SmsQuote | None:
        """None when nothing of this send would go by SMS."""
        if self._tariff is None:
            return None
        phones = await self._sms_targets(bulletin.unit_code)
        if not phones:
            return None
        message = self._render(bulletin, False, self._capabilities_for(phones[0]))
        left = self._tariff.monthly_budget_vnd - await self._tariff.spent_this_month()
        return SmsQuote(messages=len(phones), segments=self._tariff.segments_of(message),
                        price_vnd=self._tariff.price_vnd, budget_left_vnd=max(0, left))
