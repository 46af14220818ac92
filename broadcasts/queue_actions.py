"""``/queue`` and the choices that act on bulletins, as use cases any channel calls (SPEC §5,
§12): the listing of drafts and queued bulletins with approve / move up / remove; the approval
choices on an officer's notice; "re-send to these groups" for uncertain copies (when some cost
Stars or SMS: asked first, and only the Confirm of a question actually asked, taken once,
re-sends: ``broadcasts.resend_questions``); and the forced re-send under a delivery summary,
which asks first and sends only on confirmation. Recipients
are named by channel: groups, SMS subscribers, or both (``broadcasts.recipient_words``).

A listing shows each person only the choices they may make (``broadcasts.bulletins``'
``may_approve``, ``may_move_up``, ``may_remove``): an editor sees no approve or move-up choice,
and a remove choice only under their own drafts. Every choice is checked again when made (role,
scope, current state), so a forged or stale one changes nothing and says so.

Choices carry their action as plain data; a Telegram adapter puts a listing's and a notice's
behind ``bq:`` and the re-sends' behind ``bu:`` (``broadcasts.callbacks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.answers import Answer, Choice
from core.i18n import Translator
from org.staff import StaffMember
from storage.bulletins import DRAFT, WaitingBulletin

from . import bulletins as bulletin_rules
from . import resends as resend_rules
from .alerts import AlertDesk
from .bulletins import Verdict
from .desk import BulletinDesk
from .recipient_words import RecipientCount, recipients_phrase
from .resend_questions import drop_resend_question, hold_resend_question, take_resend_question

PREVIEW = 60
FROM_LISTING = ":l"  # the choice sits under a listing, which is redrawn after it
QUEUE_ACTION = re.compile(r"^(approve|remove|up):(\d{1,9})(:l)?$")
RESEND_ACTION = re.compile(r"^(resend|resendok|resendno):(\d{1,9})$")
FORCE_ACTION = re.compile(r"^(force|forceok|forceno):(\d{1,9})$")
VERDICT_KEYS = {Verdict.NOT_FOUND: "bulletins.queue.not_found",
                Verdict.NOT_ALLOWED: "bulletins.queue.not_allowed",
                Verdict.UNCHANGED: "bulletins.queue.unchanged"}
DONE_KEYS = {"approve": "bulletins.queue.approved", "remove": "bulletins.queue.removed",
             "up": "bulletins.queue.moved"}


@dataclass(frozen=True)
class Pressed:
    """What a choice did, for the adapter to draw."""

    note: str | None = None  # a short word on the choice made (None: nothing to say)
    refused: bool = False  # the note is a refusal: shown so it cannot be missed
    redraw: Answer | None = None  # the message of the choice now reads this
    clear_choices: bool = False  # the message of the choice loses its choices
    reply: Answer | None = None  # a new message after the one of the choice


def _ids(bulletin_ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in bulletin_ids)


class QueueDesk:
    """The queue's use cases for one running bot, in the speaker's language."""

    def __init__(self, desk: BulletinDesk, tr: Translator) -> None:
        self.desk = desk
        self.tr = tr

    def _refused(self, key: str, **values: object) -> Pressed:
        return Pressed(self.tr(key, **values), refused=True)

    # ---- the listing ------------------------------------------------------------------
    async def listing(self, member: StaffMember) -> Answer:
        tr, tree = self.tr, self.desk.directory.tree
        waiting = await bulletin_rules.waiting_in_scope(self.desk.db, tree, member)
        if not waiting:
            return Answer(tr("bulletins.queue.empty"))
        return self._listing(waiting, member)

    def _listing(self, waiting: list[WaitingBulletin], member: StaffMember) -> Answer:
        tr, tree = self.tr, self.desk.directory.tree
        lines = [tr("bulletins.queue.header", count=len(waiting))]
        rows: list[tuple[Choice, ...]] = []
        for item in waiting:
            bulletin = item.bulletin
            preview = (" ".join(bulletin.body.split())[:PREVIEW]
                       or tr("bulletins.compose.media_placeholder"))
            lines.append(tr("bulletins.queue.line", id=bulletin.id,
                            status=tr("bulletins.queue.status_" + bulletin.status),
                            unit=bulletin.unit_code,
                            topic=tr("bulletins.topics." + bulletin.topic),
                            waiting=recipients_phrase(tr, RecipientCount(item.groups_waiting,
                                                                         item.sms_waiting)),
                            preview=preview))
            kinds = []
            if bulletin.status == DRAFT and bulletin_rules.may_approve(member, bulletin, tree):
                kinds.append("approve")
            if bulletin_rules.may_move_up(member, bulletin, tree):
                kinds.append("up")
            if bulletin_rules.may_remove(member, bulletin, tree):
                kinds.append("remove")
            if kinds:
                rows.append(tuple(Choice(tr("bulletins.button." + kind, id=bulletin.id),
                                         f"{kind}:{bulletin.id}{FROM_LISTING}")
                                  for kind in kinds))
        return Answer("\n".join(lines), tuple(rows))

    # ---- approve, remove, move up -----------------------------------------------------
    async def press(self, member: StaffMember, action: str) -> Pressed:
        """A choice under a listing or an approval notice."""
        match = QUEUE_ACTION.match(action)
        if match is None:
            return self._refused("bulletins.queue.not_found")
        kind, bulletin_id, from_listing = match[1], int(match[2]), bool(match[3])
        desk, tree, now = self.desk, self.desk.directory.tree, self.desk.clock.now()
        if kind == "approve":
            verdict, _ = await bulletin_rules.approve_bulletin(desk.db, tree, member,
                                                               bulletin_id, now)
        elif kind == "remove":
            verdict = await bulletin_rules.remove_bulletin(desk.db, tree, member, bulletin_id,
                                                           now)
        else:
            verdict = await bulletin_rules.move_bulletin_up(desk.db, tree, member, bulletin_id)
        if verdict is not Verdict.DONE:
            return self._refused(VERDICT_KEYS[verdict], id=bulletin_id)
        said = self.tr(DONE_KEYS[kind], id=bulletin_id)
        if from_listing:
            return Pressed(said, redraw=await self.listing(member))
        return Pressed(said, clear_choices=True, reply=Answer(said))

    # ---- re-sends -------------------------------------------------------------------
    async def resend(self, member: StaffMember, action: str) -> Pressed:
        """"Re-send to these groups" under an uncertain-delivery notice, or the forced re-send
        under a summary (asked first; only the confirmation sends)."""
        forced = FORCE_ACTION.match(action)
        if forced is not None:
            return await self._forced(member, forced[1], int(forced[2]))
        match = RESEND_ACTION.match(action)
        if match is None:
            return self._refused("bulletins.queue.not_found")
        step, dispatch_id = match[1], int(match[2])
        desk, now = self.desk, self.desk.clock.now()
        if step == "resendno":
            await drop_resend_question(desk.db, member.address, dispatch_id)
            return Pressed(redraw=Answer(self.tr("bulletins.force.cancelled")))
        # What was shown: only a question actually asked, taken once (a second press, a stale
        # or a forged confirmation finds nothing and is asked again).
        shown = (await take_resend_question(desk.db, member.address, dispatch_id, now)
                 if step == "resendok" else None)
        alerts = AlertDesk(desk, self.tr)
        cost = await alerts.resend_cost(member, dispatch_id)
        if cost is None:
            return self._refused("bulletins.queue.not_found")
        if cost.copies.total == 0:
            return self._refused("bulletins.resend.nothing")
        if cost.asks and cost.shown != shown:
            # Stars or SMS cost again: asked first, and again when the figures changed.
            await hold_resend_question(desk.db, member.address, dispatch_id,
                                       cost.copies.unit_code, cost.shown, now)
            return Pressed(reply=alerts.resend_question(cost, f"resendok:{dispatch_id}",
                                                        f"resendno:{dispatch_id}"))
        count = await desk.resend_uncertain(member, dispatch_id)
        if count is None:
            return self._refused("bulletins.queue.not_found")
        if count.total == 0:
            return self._refused("bulletins.resend.nothing")
        return Pressed(clear_choices=True, reply=Answer(self.tr(
            "bulletins.resend.started", recipients=recipients_phrase(self.tr, count))))

    async def _forced(self, member: StaffMember, step: str, dispatch_id: int) -> Pressed:
        tr, desk = self.tr, self.desk
        if step == "forceno":
            return Pressed(redraw=Answer(tr("bulletins.force.cancelled")))
        if step == "force":
            preview = await resend_rules.resend_preview(desk.db, desk.directory.tree, member,
                                                        dispatch_id)
            if preview is None:
                return self._refused("bulletins.queue.not_found")
            if preview.groups == 0:
                return self._refused("bulletins.force.nothing")
            question = tr("bulletins.force.confirm", ids=_ids(preview.bulletin_ids),
                          recipients=recipients_phrase(tr, RecipientCount(preview.groups)))
            if preview.paid_groups and desk.config.bulletins.paid_broadcast:
                # An alert's Telegram copies are paid broadcasts: what they cost, again.
                question += "\n\n" + AlertDesk(desk, tr).paid_cost(preview.paid_groups)
            return Pressed(reply=Answer(
                question,
                ((Choice(tr("bulletins.button.force_confirm"), f"forceok:{dispatch_id}"),
                  Choice(tr("bulletins.button.force_cancel"), f"forceno:{dispatch_id}")),)))
        done = await desk.force_resend(member, dispatch_id)
        if done is None:
            return self._refused("bulletins.queue.not_found")
        if done.already:
            return self._refused("bulletins.force.already")
        if done.dispatch_id is None:
            return self._refused("bulletins.force.nothing")
        # A forced re-send goes to groups only (broadcasts.resends: an SMS costs money).
        sent_to = RecipientCount(len(done.delivery_ids))
        return Pressed(redraw=Answer(tr("bulletins.force.started", ids=_ids(done.bulletin_ids),
                                        recipients=recipients_phrase(tr, sent_to))))
