"""The bulletin desk: the one object handlers and jobs talk to about bulletins. It turns a
request (send now, queue, alert, a slot, a re-send) into planned delivery rows, hands them to
the delivery engine, and tells staff what happened (``broadcasts.dispatch_reports``: summaries
and uncertain copies).

Every notice to staff goes through the staff outbox (``broadcasts.staff_outbox``), queued in the
transaction of the change it reports: a slot's claim ("queue ran dry"), the week's claim (groups
below target), an editor's draft (its approval request, with the buttons that approve or remove
it), a dispatch marked summarised or its uncertain copies marked reported. A start-up catch-up
runs every commune's slot at once, and an officer standing in for communes without officers of
their own would get one notice per commune in the same second; the outbox worker gives each
private chat one message a second (SPEC §12), so they are queued, never refused by Telegram and
waited out, the caller does not wait for them, and a crash loses none and repeats none."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from core.address import Address
from core.capabilities import Capabilities
from core.clock import Clock
from core.config_model import Config
from core.outbound import Channel, OutboundMessage
from core.schedule_spec import ScheduleSpec, parse_schedule_spec
from org.directory import Directory
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit
from storage import acknowledgements as ack_store
from storage import deliveries as delivery_store
from storage import delivery_recovery, outbox
from storage import schedules as schedule_store
from storage.bulletins import DIRECT, DRAFT, BulletinRecord
from storage.db import Database
from storage.recipient_channels import sms_among_deliveries

from . import bulletins, notices, resends, slots
from .compliance import groups_below_target, iso_week_of
from .delivery import DeliveryEngine, RetryPolicy
from .dispatch_reports import DispatchReports
from .pacing import SendPacer
from .recipient_words import RecipientCount
from .rendering import render_bulletin
from .sms_cost import SmsCosts, SmsTariff
from .staff_outbox import StaffNotice, notices_to


@dataclass(frozen=True)
class Submitted:
    bulletin: BulletinRecord
    # Where the bulletin is being sent now (0 when queued or a draft): groups and SMS
    # subscribers together, and how many of them are SMS subscribers.
    groups: int
    sms: int = 0


@dataclass(frozen=True)
class Acknowledged:
    counted: bool  # False: this person had already pressed
    count: int
    message_id: int | None


def running_desk(desk: BulletinDesk | None) -> BulletinDesk:
    """The desk a handler was given; it is set at start-up, before updates are polled."""
    if desk is None:
        raise RuntimeError("the bulletin desk was not started")
    return desk


class BulletinDesk:
    def __init__(self, *, db: Database, directory: Directory, config: Config, clock: Clock,
                 delivery_channel: Channel, bot_username: str,
                 workers: int = 12, pacer: SendPacer | None = None,
                 policy: RetryPolicy | None = None, sms_tariff: SmsTariff | None = None) -> None:
        self.db = db
        self.directory = directory
        self.config = config
        self.clock = clock
        self.bot_username = bot_username
        self.language = config.language
        self.schedule_changed: Callable[[], None] = lambda: None
        # Notices were queued in the staff outbox for these chats: its worker looks now (the
        # wiring sets it to the outbox worker's ``wake``).
        self.wake_notices: Callable[[Collection[Address]], None] = lambda chats: None
        self.reports = DispatchReports(db=db, directory=directory, clock=clock,
                                       language=self.language,
                                       wake=lambda chats: self.wake_notices(chats))
        self.engine = DeliveryEngine(db, delivery_channel, clock, render=self._render,
                                     quiet_now=self._quiet_now,
                                     on_dispatch_done=self.reports.dispatch_done,
                                     workers=workers,
                                     pacer=pacer, policy=policy,
                                     paid_alerts=config.bulletins.paid_broadcast)
        # What a direct send will cost in SMS, asked before an alert or "send now" goes.
        self.sms_costs = SmsCosts(db, directory, clock, delivery_channel.capabilities_for,
                                  self._render, sms_tariff)

    # ---- life cycle -------------------------------------------------------------------
    async def start(self) -> None:
        """Resume pending rows, then send what a crash left owed to staff."""
        await self.engine.start()
        await self.reports.send_owed()

    async def stop(self) -> None:
        await self.engine.stop()

    # ---- sending ----------------------------------------------------------------------
    async def submit(self, member: StaffMember, unit_code: str, topic: str,
                     content: bulletins.Content, action: bulletins.Action) -> Submitted:
        now = self.clock.now()
        bulletin = await bulletins.create_bulletin(self.db, member, unit_code, topic, content,
                                                   action, now, told=self._approval_requests)
        if bulletin.status == DRAFT:
            self.wake_notices(set(notices.officers_for_unit(self.directory, unit_code)))
            return Submitted(bulletin, 0)
        if bulletin.status == DIRECT:
            return await self._send_direct(bulletin, "now", member)
        return Submitted(bulletin, 0)

    def _approval_requests(self, bulletin: BulletinRecord) -> list[StaffNotice]:
        """An editor's draft: the unit's officers are asked to approve it (its buttons approve
        or remove it), queued with the draft."""
        if bulletin.status != DRAFT:
            return []
        return notices_to(notices.officers_for_unit(self.directory, bulletin.unit_code),
                          notices.approval_request(self.language, bulletin))

    async def alert(self, member: StaffMember, text: str) -> Submitted:
        """SPEC §5: at once, to every active group (and SMS subscriber) in the officer's scope,
        with notification."""
        content = bulletins.Content(text)
        bulletin = await bulletins.create_bulletin(
            self.db, member, self.home_unit(member), bulletins.ALERT_TOPIC, content,
            bulletins.Action.SEND_NOW, self.clock.now())
        return await self._send_direct(bulletin, delivery_store.ALERT, member)

    async def _send_direct(self, bulletin: BulletinRecord, kind: str,
                           member: StaffMember) -> Submitted:
        planned = await bulletins.plan_direct_send(self.db, self.directory.tree, bulletin, kind,
                                                   member.address, self.clock.now())
        self.engine.enqueue(planned.dispatch_id, planned.delivery_ids,
                            urgent=kind == delivery_store.ALERT)
        return Submitted(bulletin, len(planned.delivery_ids), planned.sms)

    def home_unit(self, member: StaffMember) -> str:
        if member.role is Role.ADMIN:
            roots = self.directory.tree.roots()
            if len(roots) == 1:
                return roots[0].code
        return member.unit_code

    async def run_due_slots(self) -> list[slots.SlotRun]:
        """Called by each slot's cron job and once at start-up (catch-up of missed slots)."""
        settings = self.config.bulletins
        runs = await slots.run_due_slots(self.db, self.directory.tree, settings.schedule,
                                         self.config.timezone, settings.misfire_grace,
                                         self.clock.now(), told=self._dry_queue_notices)
        for run in runs:
            if run.dispatch_id is not None:
                self.engine.enqueue(run.dispatch_id, run.delivery_ids)
        told = {address for run in runs for address in run.told}
        if told:
            self.wake_notices(told)
        return runs

    def _dry_queue_notices(self, run: slots.SlotRun) -> list[StaffNotice]:
        """What the unit's officers are told of a slot that had nothing new for some groups:
        queued in the slot's claim, so a claimed slot always has them."""
        if not run.groups_without_news:
            return []
        return notices_to(notices.officers_for_unit(self.directory, run.unit_code),
                          notices.queue_ran_dry(self.language, run))

    async def resend_uncertain(self, member: StaffMember,
                               dispatch_id: int) -> RecipientCount | None:
        """Re-send the uncertain rows of one dispatch (how many, and how many of them are SMS
        subscribers); None when it is not the member's."""
        async with self.db.transaction() as conn:
            dispatch = await delivery_store.find_dispatch(conn, dispatch_id)
            if dispatch is None or not may_act_on_unit(member, dispatch.unit_code,
                                                       self.directory.tree, Role.OFFICER):
                return None
            ids = await delivery_recovery.uncertain_to_pending(conn, dispatch_id, self.clock.now())
            if ids:
                # A fresh summary for the re-send: the first one has been sent already.
                await delivery_store.reopen_summary(conn, dispatch_id)
            sms = await sms_among_deliveries(conn, ids)
        self.engine.enqueue(dispatch_id, ids, urgent=dispatch.kind == delivery_store.ALERT)
        return RecipientCount(len(ids), sms)

    async def force_resend(self, member: StaffMember,
                           dispatch_id: int) -> resends.ForcedResend | None:
        """An officer confirmed a forced re-send of a dispatch (see ``broadcasts.resends``)."""
        done = await resends.force_resend(self.db, self.directory.tree, member, dispatch_id,
                                          self.clock.now())
        if done is not None and done.dispatch_id is not None:
            self.engine.enqueue(done.dispatch_id, done.delivery_ids, urgent=done.urgent)
        return done

    # ---- acknowledgements, schedules, compliance --------------------------------------
    async def acknowledge(self, bulletin_id: int, group: Address,
                          pseudonym: str) -> Acknowledged | None:
        """A "Đã phổ biến" press; None when no copy of that bulletin went to this group."""
        async with self.db.transaction() as conn:
            found = await delivery_store.delivered_message(conn, bulletin_id, group)
            if found is None:
                return None
            group_id, message_id = found
            counted = await ack_store.record_press(conn, bulletin_id, group_id, pseudonym,
                                                   self.clock.now())
            count = await ack_store.press_count(conn, bulletin_id, group_id)
        return Acknowledged(counted, count, message_id)

    async def schedule_of(self, unit_code: str) -> slots.EffectiveSchedule:
        """The schedule the unit's groups follow, and whose it is (its own, a unit above it,
        or the configured default)."""
        async with self.db.reading() as conn:
            overrides = await schedule_store.unit_schedule_overrides(conn)
        return slots.effective_schedule(self.directory.tree, unit_code,
                                        self.config.bulletins.schedule, overrides)

    async def all_schedules(self) -> list[ScheduleSpec]:
        async with self.db.reading() as conn:
            overrides = await schedule_store.unit_schedule_overrides(conn)
        return [self.config.bulletins.schedule,
                *(parse_schedule_spec(spec) for spec, _ in overrides.values())]

    async def set_schedule(self, member: StaffMember, unit_code: str,
                           spec: ScheduleSpec | None) -> None:
        async with self.db.transaction() as conn:
            await schedule_store.set_unit_schedule(
                conn, unit_code, spec.to_text() if spec else None, member.address,
                self.clock.now())
        self.schedule_changed()

    async def warn_below_target(self) -> None:
        """Sunday evening: each unit's officers hear which of its groups are short this week.
        Queued in the staff outbox with the week's claim: a crash loses no warning and repeats
        none, and an officer standing in for many units gets them one a second, none refused."""
        settings, now = self.config.bulletins, self.clock.now()
        week = iso_week_of(now, self.config.timezone)
        told: set[Address] = set()
        for unit in self.directory.tree:
            short = await groups_below_target(self.db, [unit.code], now, self.config.timezone,
                                              settings.weekly_target)
            if not short:
                continue
            warning = notices_to(notices.officers_for_unit(self.directory, unit.code),
                                 notices.below_target(self.language, week.label,
                                                      settings.weekly_target, short))
            async with self.db.transaction() as conn:
                if not await schedule_store.claim_slot(conn, unit.code,
                                                       schedule_store.COMPLIANCE_CHECK,
                                                       week.start, now):
                    continue
                await outbox.enqueue_many(conn, warning, now=now)
            told.update(address for address, _ in warning)
        if told:
            self.wake_notices(told)

    # ---- plumbing ---------------------------------------------------------------------
    def _render(self, bulletin: BulletinRecord, silent: bool,
                capabilities: Capabilities) -> OutboundMessage:
        return render_bulletin(self.language, bulletin, capabilities, silent=silent)

    def _quiet_now(self) -> bool:
        quiet = self.config.bulletins.quiet_hours
        return quiet is not None and quiet.contains(
            self.clock.now().astimezone(self.config.timezone).time())
