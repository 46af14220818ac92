"""The officer side of tips as use cases any channel calls: ``/tips`` and its pages, ``/assess``,
``/close``, ``/block``, ``/outcome`` and the choices under a new-tip notice (SPEC §4).

Each call takes the staff member (already let through by ``org.permissions``: tips are
need-to-know, SPEC §12), the words typed as a list, and returns the answer: a text from the
catalogue, and for a listing its paging choices (``open:10``: the filter and the offset). A tip
is looked up within the member's scope every time; an unknown code and a tip out of reach get the
same answer, so a code reveals nothing.
"""

from __future__ import annotations

from core.answers import Answer, Choice, Shown
from core.tip_links import is_small_number
from org.staff import StaffMember, scope_codes
from reports.render.report_words import ReportWords
from storage import cases as case_store
from storage.tip_records import Assessment, Tip, TipState
from tips import cases, outcomes, triage
from tips.codes import parse_code
from tips.context import TipsContext
from tips.notices import (
    TRIAGE_ACTIONS,
    local_time,
    parse_similar_callback,
    parse_triage_callback,
)
from tips.outcomes import MAX_QUANTITY, OutcomeResult, Recorded
from tips.typed_words import echo, not_a_tip_code, unit_not_in_scope

PAGE = 10
FILTERS = {"open": (None, TipState.OPEN), "unassessed": (Assessment.UNASSESSED, None),
           "valuable": (Assessment.VALUABLE, None), "all": (None, None)}
ASSESSMENTS = {"valuable": Assessment.VALUABLE, "not_valuable": Assessment.NOT_VALUABLE,
               "false": Assessment.FALSE}


class TriageConversation:
    def __init__(self, ctx: TipsContext) -> None:
        self.ctx = ctx
        self.tr = ctx.tr

    def _say(self, key: str, **values: object) -> Answer:
        return Answer(self.tr(key, **values))

    # /tips

    async def list_command(self, member: StaffMember, args: list[str]) -> Answer:
        """``/tips [open|unassessed|valuable|all]``: the first page."""
        name = args[0].lower() if args else "open"
        if name not in FILTERS or len(args) > 1:
            return self._say("triage.list_usage")
        return await self.listing(member, name, 0)

    async def list_page(self, member: StaffMember, action: str) -> Answer:
        """A paging choice of a listing (``<filter>:<offset>``); anything else is refused."""
        parts = action.split(":")
        if len(parts) != 2 or parts[0] not in FILTERS or not is_small_number(parts[1]):
            return Answer(self.tr("triage.bad_button"), shown=Shown.ALERT)
        return await self.listing(member, parts[0], int(parts[1]))

    async def listing(self, member: StaffMember, name: str, offset: int) -> Answer:
        """One page of the tips in the member's scope, newest first, with "newer"/"older"."""
        ctx, tr = self.ctx, self.tr
        assessment, state = FILTERS[name]
        async with ctx.db.reading() as conn:
            # A case of merged tips is one line, with how many tips it holds (SPEC §15).
            found, total = await case_store.cases_in_units(
                conn, scope_codes(member, ctx.directory.tree), assessment=assessment,
                state=state, offset=offset, limit=PAGE)
        label = tr("triage.filter_" + name)
        if not found:
            return self._say("triage.list_empty", filter=label)
        lines = [tr("triage.list_header", filter=label, first=offset + 1,
                    last=offset + len(found), total=total)]
        lines += [tr("triage.list_line", code=t.code, time=local_time(t.created_at, ctx.tz),
                     unit=t.unit_code, category=ctx.category_label(t.category),
                     assessment=tr("assessment." + t.assessment.value),
                     state=tr("state." + t.state.value))
                  + (tr("triage.list_case", count=count) if count > 1 else "")
                  for t, count in found]
        paging = []
        if offset > 0:
            paging.append(Choice(tr("triage.newer"), f"{name}:{max(offset - PAGE, 0)}"))
        if offset + PAGE < total:
            paging.append(Choice(tr("triage.older"), f"{name}:{offset + PAGE}"))
        return Answer("\n".join(lines), (tuple(paging),) if paging else ())

    # Acting on one tip

    async def _tip_or_problem(self, member: StaffMember, args: list[str], usage: str,
                              arg_count: int) -> Tip | Answer:
        """The tip named by the first argument, or the answer that says what was wrong."""
        tr = self.tr
        if len(args) != arg_count:
            return self._say(usage)
        code = parse_code(args[0])
        if code is None:
            return Answer(not_a_tip_code(tr, args[0], tr(usage)))
        tip = await triage.tip_for_staff(self.ctx, member, code)
        if tip is None:  # unknown, or outside the scope: the same answer
            return self._say("triage.no_such_tip", code=code)
        return tip

    async def _assessed(self, member: StaffMember, tip: Tip, assessment: Assessment) -> Answer:
        # Any tip of a case assesses the case (SPEC §15); a tip alone is a case of one.
        result = await cases.assess_case(self.ctx, member, tip, assessment)
        key = {triage.Done.DONE: "triage.assessed",
               triage.Done.RACED: "triage.assessed_meanwhile"}.get(result.done,
                                                                   "triage.unchanged")
        return self._say(key, code=tip.code, assessment=self.tr("assessment." + assessment))

    async def _closed(self, member: StaffMember, tip: Tip) -> Answer:
        result = await cases.close_case(self.ctx, member, tip)
        key = "triage.closed" if result.done is triage.Done.DONE else "triage.already_closed"
        return self._say(key, code=tip.code)

    async def assess(self, member: StaffMember, args: list[str]) -> Answer:
        """``/assess CODE valuable|not_valuable|false``."""
        if len(args) == 2 and args[1].lower() not in ASSESSMENTS:
            return Answer("\n".join((self.tr("triage.not_an_assessment", word=echo(args[1])),
                                     self.tr("triage.assess_usage"))))
        tip = await self._tip_or_problem(member, args, "triage.assess_usage", 2)
        if isinstance(tip, Answer):
            return tip
        return await self._assessed(member, tip, ASSESSMENTS[args[1].lower()])

    async def close(self, member: StaffMember, args: list[str]) -> Answer:
        tip = await self._tip_or_problem(member, args, "triage.close_usage", 1)
        return tip if isinstance(tip, Answer) else await self._closed(member, tip)

    async def block(self, member: StaffMember, args: list[str]) -> Answer:
        tip = await self._tip_or_problem(member, args, "triage.block_usage", 1)
        if isinstance(tip, Answer):
            return tip
        await triage.block_sender(self.ctx, member, tip)
        return self._say("triage.blocked", code=tip.code, days=self.ctx.settings.block_days)

    async def record_outcome(self, member: StaffMember, args: list[str]) -> Answer:
        """``/outcome CODE|UNIT kind=number …``: what was recorded, or what was wrong (a refusal
        recorded nothing)."""
        ctx, tr = self.ctx, self.tr
        words = ReportWords(tr, ctx.settings.categories, ctx.outcome_kinds)
        # The keys are what is typed; the labels say what each key counts.
        kinds = tr("stats.list_separator").join(
            tr("triage.outcome_kind", key=k.key, label=words.outcome_label(k.key))
            for k in ctx.outcome_kinds)
        usage = tr("triage.outcome_usage", kinds=kinds)
        result = (await outcomes.record(ctx, member, args[0], args[1:]) if len(args) >= 2
                  else OutcomeResult(Recorded.NO_QUANTITIES))
        return Answer(self._outcome_text(result, words, kinds, usage))

    def _outcome_text(self, result: OutcomeResult, words: ReportWords, kinds: str,
                      usage: str) -> str:
        tr = self.tr
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

    async def notice_choice(self, member: StaffMember, signed: str) -> Answer:
        """A choice under a new-tip notice: its data is signed (``tips.notices``), and the scope
        is checked again now. The answer is a short word on the choice, never a new message."""
        ctx = self.ctx
        parsed = parse_triage_callback(ctx.anonymizer, signed)
        tip = None
        if parsed is not None:
            tip = await triage.tip_by_id_for_staff(ctx, member, parsed[1])
        if parsed is None or tip is None:
            return Answer(self.tr("triage.bad_button"), shown=Shown.ALERT)
        action = TRIAGE_ACTIONS[parsed[0]]
        if action in ASSESSMENTS:
            answer = await self._assessed(member, tip, ASSESSMENTS[action])
        elif action == "close":
            answer = await self._closed(member, tip)
        elif action == "ask":
            answer = self._say("triage.ask_how", code=tip.code)
        else:
            answer = self._say("triage.outcome_how", code=tip.code,
                               kinds=", ".join(k.key for k in ctx.outcome_kinds))
        return Answer(answer.text, shown=Shown.ALERT)

    async def similar_choice(self, member: StaffMember, signed: str) -> Answer:
        """*Gộp* or *Không trùng* under a new tip's notice (SPEC §15): signed, and both tips
        looked up in the member's scope now; a member who cannot see both is refused as for a
        forged button. The answer is a short word on the button."""
        ctx = self.ctx
        parsed = parse_similar_callback(ctx.anonymizer, signed)
        tip = other = None
        if parsed is not None:
            tip = await triage.tip_by_id_for_staff(ctx, member, parsed[1])
            other = await triage.tip_by_id_for_staff(ctx, member, parsed[2])
        if parsed is None or tip is None or other is None:
            return Answer(self.tr("triage.bad_button"), shown=Shown.ALERT)
        if parsed[0] == "merge":
            done = await cases.merge(ctx, member, tip, other)
            key = {cases.Done.DONE: "triage.merged",
                   cases.Done.CLOSED: "triage.merge_closed"}.get(done, "triage.already_merged")
        else:
            unmerged = await cases.not_similar(ctx, member, tip, other)
            key = "triage.unmerged" if unmerged else "triage.not_similar_noted"
        return Answer(self.tr(key, code=tip.code, other=other.code), shown=Shown.ALERT)
