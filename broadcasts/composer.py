"""Composing a bulletin, as use cases any channel calls (SPEC §5, §13).

``/bulletin`` → the content (text, or a photo/video/document with a caption) → a topic → the
preview with Send now / Add to queue (an editor: Submit) / Choose another unit / Cancel, and,
where SMS is configured, "Bản SMS": the officer's own SMS version of the bulletin (SPEC §13
"Text"), typed next and shown under the preview with its parts and cost before anything goes.
SMS subscribers then get that text instead of the bulletin without diacritics.
``/bulletin some text`` queues it at once. Nothing is queued or sent until the composer chooses.

Each step is one call that takes plain data (the speaker's staff record and address, the content
as :class:`broadcasts.bulletins.Content`, the choice's action) and returns a :class:`Composed`:
the :class:`core.answers.Answer` to draw and the step the conversation is at. The draft lives in
the database (``broadcasts.composer_drafts``) at every step, so after a restart the preview's
choices still work. Choices are checked again when made: their data can be forged or stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.address import Address
from core.answers import Answer, Choice, Shown
from core.i18n import Translator
from org.roles import Role
from org.staff import StaffMember, may_act_on_unit, scope_codes
from tips.visible_text import has_visible_text

from .bulletins import TOPICS, Action, Content
from .composer_drafts import ComposerDraft, forget_draft, recall_draft, remember_draft
from .desk import BulletinDesk, Submitted
from .sms_cost import confirm_choices, sms_cost_text, sms_version_text

UNIT_CHOICES = 24  # a deeper tree is narrowed with /bulletin from a narrower officer
PREVIEW_CHARS = 1500
# The actions of the composer's choices (a Telegram adapter puts them behind "bc:").
TOPIC, UNITS, UNIT = "topic:", "units", "unit:"
SEND_NOW, SEND_CONFIRMED, QUEUE, SUBMIT, CANCEL = "now", "nowok", "queue", "submit", "cancel"
QUEUE_CONFIRMED = "queueok"  # "add to queue" after the SMS cost was shown
SMS_VERSION, NO_SMS_VERSION = "sms", "nosms"


class Step(StrEnum):
    """Where the conversation is after a call."""

    CONTENT = "content"  # waiting for the bulletin's content
    TOPIC = "topic"  # waiting for a topic
    CONFIRM = "confirm"  # the preview (or the unit list) is shown
    SMS_TEXT = "sms_text"  # waiting for the officer's SMS version
    DONE = "done"


@dataclass(frozen=True)
class Composed:
    answer: Answer
    step: Step
    # The answer replaces the message whose choice was made (where the channel can edit it).
    in_place: bool = False


def rows_of(choices: list[Choice], per_row: int = 2) -> tuple[tuple[Choice, ...], ...]:
    return tuple(tuple(choices[i:i + per_row]) for i in range(0, len(choices), per_row))


class BulletinComposer:
    """The composer for one running bot, in the speaker's language. ``caption_limit`` is the
    longest caption the composing channel lets a person send with a file (longer ones are
    refused at once, before a topic is asked)."""

    def __init__(self, desk: BulletinDesk, tr: Translator, *, caption_limit: int) -> None:
        self.desk = desk
        self.tr = tr
        self.caption_limit = caption_limit

    # ---- the draft ------------------------------------------------------------------
    async def _draft(self, address: Address) -> ComposerDraft | None:
        return await recall_draft(self.desk.db, address, self.desk.clock.now())

    async def _keep(self, address: Address, draft: ComposerDraft) -> None:
        await remember_draft(self.desk.db, address, draft, self.desk.clock.now())

    async def _drop(self, address: Address) -> ComposerDraft | None:
        draft = await self._draft(address)
        await forget_draft(self.desk.db, address)
        return draft

    def _expired(self) -> Composed:
        return Composed(Answer(self.tr("bulletins.compose.expired"), shown=Shown.ALERT),
                        Step.DONE)

    # ---- entry ------------------------------------------------------------------------
    async def begin(self, member: StaffMember, words: str | None) -> Composed:
        """``/bulletin`` (``words`` None) or ``/bulletin words`` (queued at once)."""
        tr = self.tr
        if words is not None and not has_visible_text(words):
            # Only zero-width or control characters: a bulletin that groups would see as blank.
            return Composed(Answer("\n".join((tr("bulletins.compose.empty"),
                                              tr("bulletins.compose.usage")))), Step.DONE)
        if words is not None:
            result = await self.desk.submit(member, member.unit_code, "general",
                                            Content(words.strip()), Action.QUEUE)
            told = [await self.result_text(result, member.unit_code)]
            # Queued at once, as the command promises; what it will cost by SMS is told, and
            # /queue can still take it out before its slot (SPEC §13: the officer sees it).
            quote = (await self.desk.sms_costs.quote(result.bulletin)
                     if result.bulletin.status == "queued" else None)
            if quote is not None:
                told.append("\n".join((self.tr("bulletins.sms_cost.queued"),
                                        sms_cost_text(self.tr, quote, question=False))))
            return Composed(Answer("\n\n".join(told)), Step.DONE)
        await self._keep(member.address, ComposerDraft(member.unit_code))
        return Composed(Answer(tr("bulletins.compose.ask_content")), Step.CONTENT)

    async def cancel(self, address: Address) -> Composed:
        await self._drop(address)
        return Composed(Answer(self.tr("bulletins.compose.cancelled")), Step.DONE)

    # ---- content and topic ----------------------------------------------------------
    async def receive_content(self, address: Address, content: Content | None) -> Composed:
        """A message while the content is awaited; ``content`` None: nothing a bulletin can
        carry (a sticker, a poll)."""
        tr = self.tr
        draft = await self._draft(address)
        if draft is None:
            return Composed(Answer(tr("bulletins.compose.expired")), Step.DONE)
        if content is not None and content.media_kind is None and not has_visible_text(
                content.body):
            return Composed(Answer(tr("bulletins.compose.invisible_content")), Step.CONTENT)
        if content is None:
            return Composed(Answer(tr("bulletins.compose.bad_content")), Step.CONTENT)
        if content.media_kind and len(content.body) > self.caption_limit:
            return Composed(Answer(tr("bulletins.compose.caption_too_long",
                                      length=len(content.body))), Step.CONTENT)
        draft.content = content
        await self._keep(address, draft)
        topics = [Choice(tr("bulletins.topics." + key), TOPIC + key) for key in TOPICS]
        return Composed(Answer(tr("bulletins.compose.ask_topic"), rows_of(topics)), Step.TOPIC)

    async def choose_topic(self, member: StaffMember | None, address: Address,
                           topic: str) -> Composed:
        draft = await self._draft(address)
        if draft is None or draft.content is None or topic not in TOPICS:
            return self._expired()
        draft.topic = topic
        await self._keep(address, draft)
        return Composed(self.preview(member, draft), Step.CONFIRM, in_place=True)

    # ---- the preview and the target unit ----------------------------------------------
    def preview_text(self, draft: ComposerDraft) -> str:
        tr = self.tr
        unit = self.desk.directory.tree.find(draft.unit)
        content = draft.content or Content("")
        body = content.body[:PREVIEW_CHARS] or tr("bulletins.compose.media_placeholder")
        return tr("bulletins.compose.preview", topic=tr("bulletins.topics." + (draft.topic or "")),
                  unit=unit.code if unit else draft.unit, unit_name=unit.name if unit else "",
                  body=body)

    def preview_choices(self, member: StaffMember | None) -> tuple[tuple[Choice, ...], ...]:
        tr = self.tr
        editor = member is not None and member.role is Role.EDITOR
        first = ((Choice(tr("bulletins.button.submit"), SUBMIT),) if editor else
                 (Choice(tr("bulletins.button.send_now"), SEND_NOW),
                  Choice(tr("bulletins.button.queue"), QUEUE)))
        rows = [first, (Choice(tr("bulletins.button.change_unit"), UNITS),)]
        if self.desk.sms_costs.configured:
            rows.append((Choice(tr("bulletins.button.sms_version"), SMS_VERSION),))
        rows.append((Choice(tr("bulletins.button.cancel"), CANCEL),))
        return tuple(rows)

    def preview(self, member: StaffMember | None, draft: ComposerDraft, *more: str) -> Answer:
        """The preview, with the SMS version under it when there is one, then ``more``."""
        lines = [self.preview_text(draft)]
        if draft.content is not None and draft.content.sms_text:
            lines.append(self.tr("bulletins.compose.sms_version_shown",
                                 text=draft.content.sms_text))
        return Answer("\n\n".join((*lines, *more)), self.preview_choices(member))

    async def offer_units(self, member: StaffMember | None, address: Address) -> Composed:
        if member is None or await self._draft(address) is None:
            return self._expired()
        tree = self.desk.directory.tree
        codes = sorted(scope_codes(member, tree), key=lambda c: (tree.depth(c), c))
        choices = [Choice(code, UNIT + code) for code in codes[:UNIT_CHOICES]]
        choices.append(Choice(self.tr("bulletins.button.cancel"), CANCEL))
        return Composed(Answer(self.tr("bulletins.compose.choose_unit"), rows_of(choices)),
                        Step.CONFIRM, in_place=True)

    async def choose_unit(self, member: StaffMember | None, address: Address,
                          code: str) -> Composed:
        draft = await self._draft(address)
        tree = self.desk.directory.tree
        # The choice's data can be forged: the unit must really be in this person's scope.
        if (draft is None or draft.topic is None
                or not may_act_on_unit(member, code, tree, Role.EDITOR)):
            return Composed(Answer(self.tr("bulletins.queue.not_found"), shown=Shown.ALERT),
                            Step.CONFIRM if draft else Step.DONE)
        draft.unit = tree.find(code).code
        await self._keep(address, draft)
        return Composed(self.preview(member, draft), Step.CONFIRM, in_place=True)

    # ---- the SMS version (SPEC §13 "Text") --------------------------------------------
    async def ask_sms_version(self, member: StaffMember | None, address: Address) -> Composed:
        """"Bản SMS" under the preview: the officer is asked for the SMS text."""
        draft = await self._draft(address)
        if (member is None or draft is None or draft.content is None or draft.topic is None
                or not self.desk.sms_costs.configured):
            return self._expired()
        tr = self.tr
        return Composed(Answer(tr("bulletins.compose.ask_sms_version"),
                               ((Choice(tr("bulletins.button.no_sms_version"), NO_SMS_VERSION),
                                 Choice(tr("bulletins.button.cancel"), CANCEL)),)),
                        Step.SMS_TEXT, in_place=True)

    async def receive_sms_version(self, member: StaffMember | None, address: Address,
                                  text: str | None) -> Composed:
        """The SMS version typed (``text`` None: a message without text); the preview comes
        back as a new message with it, its parts and what it costs."""
        tr = self.tr
        draft = await self._draft(address)
        if member is None or draft is None or draft.content is None or draft.topic is None:
            return Composed(Answer(tr("bulletins.compose.expired")), Step.DONE)
        if text is None or not has_visible_text(text):
            return Composed(Answer(tr("bulletins.compose.sms_version_text_only")),
                            Step.SMS_TEXT)
        draft.content = draft.content.with_sms_text(text.strip())
        await self._keep(address, draft)
        cost = await self.desk.sms_costs.for_sms_version(member, draft.unit, draft.topic,
                                                         draft.content)
        more = (sms_version_text(tr, cost),) if cost is not None else ()
        return Composed(self.preview(member, draft, *more), Step.CONFIRM)

    async def drop_sms_version(self, member: StaffMember | None, address: Address) -> Composed:
        """"No SMS version": SMS subscribers get the bulletin without diacritics again."""
        draft = await self._draft(address)
        if member is None or draft is None or draft.content is None or draft.topic is None:
            return self._expired()
        draft.content = draft.content.with_sms_text(None)
        await self._keep(address, draft)
        return Composed(self.preview(member, draft), Step.CONFIRM, in_place=True)

    # ---- the final choice -------------------------------------------------------------
    async def finish(self, member: StaffMember | None, address: Address,
                     choice: str) -> Composed:
        tr = self.tr
        if member is None:  # not staff (any more): their draft is not theirs to send
            return self._expired()
        if choice in (SEND_NOW, QUEUE):
            # SPEC §13: before a bulletin goes to SMS subscribers the officer sees the SMS and
            # their cost, whether it goes now or at its slot.
            asked = await self._sms_cost_question(member, address, queued=choice == QUEUE)
            if asked is not None:
                return asked  # the draft stays until Confirm (nowok / queueok) or Cancel
        draft = await self._drop(address)
        if choice == CANCEL and draft is not None:
            return Composed(Answer(tr("bulletins.compose.cancelled")), Step.DONE,
                            in_place=True)
        if draft is None or draft.content is None or draft.topic is None or choice == CANCEL:
            return self._expired()
        action = Action.SEND_NOW if choice in (SEND_NOW, SEND_CONFIRMED) else Action.QUEUE
        result = await self.desk.submit(member, draft.unit, draft.topic, draft.content, action)
        return Composed(Answer(await self.result_text(result, draft.unit)), Step.DONE,
                        in_place=True)

    async def _sms_cost_question(self, member: StaffMember, address: Address, *,
                                 queued: bool) -> Composed | None:
        """"Send now" or "add to queue" of a draft that would reach SMS subscribers: the preview
        again with the SMS cost and Confirm / Cancel instead; None when nothing goes by SMS."""
        draft = await self._draft(address)
        if draft is None or draft.content is None or draft.topic is None:
            return None
        quote = await self.desk.sms_costs.for_send_now(member, draft.unit, draft.topic,
                                                       draft.content)
        if quote is None or not quote.needs_confirmation:
            return None
        cost = sms_cost_text(self.tr, quote)
        if queued:  # counted today; at its slot it goes to the subscribers of that day
            cost = "\n".join((self.tr("bulletins.sms_cost.queued"), cost))
        text = "\n\n".join((self.preview_text(draft), cost))
        confirm = QUEUE_CONFIRMED if queued else SEND_CONFIRMED
        return Composed(Answer(text, confirm_choices(self.tr, confirm, CANCEL)),
                        Step.CONFIRM, in_place=True)

    async def result_text(self, result: Submitted, unit: str) -> str:
        tr, bulletin_id, status, groups = (self.tr, result.bulletin.id, result.bulletin.status,
                                           result.groups)
        if status == "draft":
            return tr("bulletins.compose.draft_submitted", id=bulletin_id)
        if status == "queued":
            schedule = await self.desk.schedule_of(unit)
            return tr("bulletins.compose.queued", id=bulletin_id, unit=unit,
                      schedule=schedule.spec.to_text())
        if groups == 0:
            return tr("bulletins.compose.no_groups", id=bulletin_id, unit=unit)
        if result.sms:
            return tr("bulletins.compose.sending_with_sms", id=bulletin_id,
                      count=groups - result.sms, sms=result.sms)
        return tr("bulletins.compose.sending", id=bulletin_id, count=groups)
