"""The resident's side of a tip, as use cases any channel calls (SPEC §3, §12).

Each thing a resident does is one call: ``/tip`` with or without words, a deep link
(``tip_<UNIT>``, ``tip-b<BULLETIN>``), a choice (unit, category, send, cancel), a message that
is a part of the tip, an edit of one, ``/cancel``. The call decides what happens and in which
order, and answers through the :class:`core.answers.Reply` the adapter gives it, with texts from
the catalogue and choices as plain ``(label, action)`` data.

The adapter hands over a :class:`Tipster`: the pseudonym and the sealed relay address, both made
at the edge (``tips.anonymity``); no platform id reaches this module. The order the SPEC asks
for lives here: limits before a flow starts (a sender over a limit learns it before writing
anything), the receipt at once, and only then the staff notices (``tips.staff_notices``), queued
whatever became of the receipt.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import cached_property

from core.address import TELEGRAM
from core.answers import Answer, Reply, Shown, Undelivered
from core.tip_links import read_tip_link
from tips import filing
from tips.context import TipsContext
from tips.flow_answers import (
    CANCEL,
    CATEGORY,
    CHANGE_UNIT,
    CHOOSE,
    OPEN,
    SEND,
    expired_answer,
    refusal_answer,
    send_choices,
    step_answer,
    unit_choices,
)
from tips.intake import MAX_ITEMS, Draft, Intake, ItemAdded, ItemEdited, Step
from tips.staff_notices import queue_staff_notices
from tips.tip_parts import Part
from tips.visible_text import has_visible_text

log = logging.getLogger(__name__)

MAX_WORDS = 4096  # a ``/tip text`` is kept to one message's worth, whatever the channel allows

ReadPart = Callable[[], Awaitable[Part]]


class Tipster:
    """Who is writing, as the core may know them: a pseudonym, and their address sealed for the
    relay (only a filed tip keeps it). The adapter seals at the edge (``tips.anonymity``); it is
    asked to only when a tip is filed, since most messages are not a filing."""

    def __init__(self, pseudonym: str, seal: Callable[[], str],
                 channel: str = TELEGRAM) -> None:
        self.pseudonym = pseudonym
        self._seal = seal
        # The channel they write on: a filed tip keeps it for the reports' figures by channel.
        self.channel = channel

    @cached_property
    def relay_link(self) -> str:
        return self._seal()


class TipConversation:
    """The tip flow for one running bot; every method answers through ``reply``."""

    def __init__(self, ctx: TipsContext) -> None:
        self.ctx = ctx
        self.intake = Intake(ctx.db, ctx.clock, ctx.category_keys, ctx.directory.tree,
                             ctx.limits)

    def _say(self, key: str, **values: object) -> Answer:
        return Answer(self.ctx.tr(key, **values))

    def step_answer(self, draft: Draft) -> Answer:
        return step_answer(self.ctx, draft)

    def expired(self) -> Answer:
        return expired_answer(self.ctx)

    # Starting

    async def tip_command(self, tipster: Tipster, words: str, reply: Reply) -> None:
        """``/tip``: the guided flow; ``/tip words``: filed at once with the remembered unit."""
        if not has_visible_text(words):  # nothing anyone could read: the guided flow
            await self._begin(tipster, reply)
            return
        # Limits are checked in the same transaction that files: refused, nothing is kept.
        result = await filing.file_text(self.ctx, tipster.pseudonym, words[:MAX_WORDS],
                                        tipster.relay_link, channel=tipster.channel)
        await self.answer_filing(result, tipster, reply)

    async def start_from_link(self, tipster: Tipster, payload: str, reply: Reply) -> None:
        """``tip``, ``tip_<UNIT>``, ``tip-b<BULLETIN>``: the flow with what the link knows (a
        tip started from a bulletin's "Báo tin" button goes to the bulletin's unit)."""
        link = read_tip_link(payload, lambda code: self.intake.selectable_unit(code) is not None)
        await self._begin(tipster, reply, unit_code=link.unit_code, bulletin_id=link.bulletin_id)

    async def _begin(self, tipster: Tipster, reply: Reply, *, unit_code: str | None = None,
                     bulletin_id: int | None = None) -> None:
        """Limits and blocks, then the flow's first question, in one transaction: refused, the
        sender is told and nothing changes (a draft they were writing stays)."""
        started = await self.intake.begin_unless_refused(
            tipster.pseudonym, unit_code=unit_code, bulletin_id=bulletin_id,
            unit_of_bulletin=bulletin_id is not None)
        if isinstance(started, Draft):
            await reply(self.step_answer(started))
        else:
            await reply(refusal_answer(self.ctx, started))

    # Choices

    async def choose(self, tipster: Tipster, action: str, reply: Reply) -> None:
        """One of the flow's choices (``tips.flow_answers``) was made."""
        verb, _, value = action.partition(":")
        sender = tipster.pseudonym
        if verb == OPEN:
            if self.intake.selectable_unit(value):
                await reply(Answer(self.ctx.tr("tip.choose_unit"), unit_choices(self.ctx, value),
                                   shown=Shown.NEW_CHOICES))
            return
        if verb == CANCEL:
            await self.intake.cancel(sender)
            await reply(self._say("tip.cancelled"))
            return
        if verb == SEND:
            await self.file_draft(tipster, reply)
            return
        draft: Draft | None = None
        submit_now = False
        if verb == CHOOSE:
            draft, submit_now = await self.intake.choose_unit(sender, value)
        elif verb == CATEGORY:
            draft = await self.intake.choose_category(sender, value)
        elif verb == CHANGE_UNIT:
            draft = await self.intake.change_unit(sender)
        if draft is None:
            await reply(self.expired())
        elif submit_now:
            await self.file_draft(tipster, reply)  # /tip text waited only for the unit
        else:
            await reply(self.step_answer(draft))

    async def cancel(self, tipster: Tipster, reply: Reply) -> None:
        """``/cancel``: the draft goes, if there is one."""
        cancelled = await self.intake.cancel(tipster.pseudonym)
        await reply(self._say("tip.cancelled" if cancelled else "cancel.nothing"))

    # Parts

    async def add_part(self, tipster: Tipster, read_part: ReadPart, reply: Reply, *,
                       read_first: bool = False) -> None:
        """Any message outside a command: part of the tip being written, if there is one. The
        message is read (``read_part``: a file is cleaned and stored again) only when a tip is
        waiting for parts, unless the adapter says reading it costs nothing (``read_first``:
        a text, a photo's file id, a location), when the draft is read and written in one
        transaction instead of two."""
        if read_first:
            part = await read_part()
            if part.item is not None:
                added, draft = await self.intake.add_item(tipster.pseudonym, part.item)
                if added is ItemAdded.NO_DRAFT:
                    await self._not_collecting(draft, reply)
                else:
                    await self._answer_added(added, draft, part, reply)
                return
        draft = await self.intake.draft_of(tipster.pseudonym)
        if draft is None or draft.step is not Step.COLLECT:
            await self._not_collecting(draft, reply)
            return
        part = await read_part()
        if part.item is None:
            await reply(self._say(part.problem or "tip.not_accepted"))
            return
        added, updated = await self.intake.add_item(tipster.pseudonym, part.item)
        await self._answer_added(added, updated, part, reply)

    async def _not_collecting(self, draft: Draft | None, reply: Reply) -> None:
        if draft is None:
            await reply(self._say("fallback.not_understood"))
        else:
            await reply(self.step_answer(draft))  # a choice is still to be made: ask again

    async def _answer_added(self, added: ItemAdded, updated: Draft | None, part: Part,
                            reply: Reply) -> None:
        if added is ItemAdded.INVISIBLE:
            await reply(self._say("tip.invisible"))
        elif added is ItemAdded.FULL:
            await reply(Answer(self.ctx.tr("tip.full", max=MAX_ITEMS), send_choices(self.ctx)))
        elif added is ItemAdded.NO_DRAFT or updated is None:
            # The draft was sent or dropped meanwhile (another device).
            await reply(self._say("fallback.not_understood"))
        elif part.document is not None:
            # Said now, while the tip can still be dropped (/cancel): what of the file officers
            # get.
            key = ("tip.added_document" if part.document.metadata_removed
                   else "tip.added_document_renamed")
            await reply(Answer(self.ctx.tr(key, count=len(updated.items),
                                           name=part.document.file_name),
                               send_choices(self.ctx)))
        else:
            await reply(Answer(self.ctx.tr("tip.added", count=len(updated.items)),
                               send_choices(self.ctx)))

    async def edited(self, tipster: Tipster, message_id: int, *, live: bool,
                     read_part: ReadPart, reply: Reply) -> None:
        """A message was edited (SPEC §11, §12): a part of the draft is replaced; any other edit
        cannot reach the police any more, and the sender learns how to add information. A live
        location (``live``) moves the draft's location quietly and is otherwise ignored."""
        sender = tipster.pseudonym
        draft = await self.intake.draft_of(sender)
        if draft is not None and any(item.message_id == message_id for item in draft.items):
            await self._replace_part(sender, live, read_part, reply)
            return
        if live:
            return
        code = await self.intake.latest_tip_code(sender)
        if code is not None:
            await reply(self._say("tip.edit_after_filing", code=code))
        else:
            await reply(self._say("tip.edit_ignored"))

    async def _replace_part(self, sender: str, live: bool, read_part: ReadPart,
                            reply: Reply) -> None:
        """The message as it now is becomes that part of the draft."""
        part = await read_part()
        if part.item is None:
            if not live:
                await reply(self._say("tip.edit_not_applied",
                                      problem=self.ctx.tr(part.problem or "tip.not_accepted")))
            return
        edited, number = await self.intake.replace_item(sender, part.item)
        if live or edited is ItemEdited.NOT_IN_DRAFT:
            return
        key = "tip.edit_replaced" if edited is ItemEdited.REPLACED else "tip.edit_removed"
        await reply(self._say(key, number=number))

    # Filing

    async def file_draft(self, tipster: Tipster, reply: Reply) -> None:
        result = await filing.file_draft(self.ctx, tipster.pseudonym, tipster.relay_link,
                                         channel=tipster.channel)
        await self.answer_filing(result, tipster, reply)

    async def answer_filing(self, result: filing.FilingResult, tipster: Tipster,
                            reply: Reply) -> None:
        try:
            if result.outcome is filing.Filed.FILED:
                await self._send_receipt(result, tipster, reply)
            elif result.outcome is filing.Filed.REFUSED and result.refused is not None:
                await reply(refusal_answer(self.ctx, result.refused))
            elif result.outcome is filing.Filed.EMPTY:
                await reply(self._say("tip.empty"))
            elif result.outcome is filing.Filed.NEEDS_UNIT:
                await reply(Answer(self.ctx.tr("tip.choose_unit"), unit_choices(self.ctx, None)))
            else:
                await reply(self._say("tip.no_draft"))
        finally:
            # After the receipt, so staff notices never delay it; whatever became of the receipt.
            await queue_staff_notices(self.ctx, result)

    async def _send_receipt(self, result: filing.FilingResult, tipster: Tipster,
                            reply: Reply) -> None:
        """The code, at once; if that fails (the tip is already committed), through the outbox."""
        unit = self.ctx.directory.tree.find(result.unit_code or "")
        text = self.ctx.tr("tip.receipt", code=result.code,
                           unit=unit.name if unit else result.unit_code)
        try:
            await reply(Answer(text))
        except Undelivered as error:
            log.warning("a receipt could not be sent (%s); it goes through the outbox",
                        error.kind)
            await filing.queue_receipt(self.ctx, result, {"text": text}, tipster.relay_link)
