"""The rules the hostile-input test checks after every case, and the findings it collects.

After each case (one update sent, the bot idle again) the watch reads what changed: every Bot API
call the bot made since the last look (what it sent, edited, answered), the log records written
since, and, from the database, the tips, their items and threads, the bulletins and the outbox.
Each rule is a property of the product, not of today's wording:

- a private-chat command is answered, and so is an edit of a filed tip's text (SPEC §12); a
  button press gets ``answerCallbackQuery`` (the Bot API requires it: clients show a progress
  bar until it comes); in groups, only the commands SPEC names an answer for must answer;
- no ERROR record or traceback in the log, and the error handler's "something went wrong" never
  reaches anyone (SPEC §11: no handler crashes);
- Telegram refuses nothing the bot says (a refused message is a message nobody read), and every
  queued notice is delivered;
- no tip code, and no text of a seeded tip, reaches a person who may not see the tip, nor any
  group (SPEC §3.6, §12 "Tips are need-to-know"), except what was typed in the case that caused
  the message (an echo, or a tipster's own words relayed);
- no tipster identifier (id, names, username) in any private message to staff or in the log
  (SPEC §3.1);
- someone below a command's role gets one line that names a role that may use it (§1, §12);
- a text with no visible character is not filed as a tip nor taken as a follow-up, and a
  tipster's bidi overrides and control characters do not reach staff (§12);
- a tip changes only by an officer or admin of its unit, and a bulletin is approved only by one;
- one update is not answered twice with the same message.

Outbox deliveries (new-tip notices, follow-ups, questions to the tipster) arrive when the
notifier gets to them; they are recognised by their payload and charged to the case that queued
them. What is still in the outbox at the end is checked from its payloads.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from channels.telegram_addresses import address_of_chat, chat_id_of
from core.address import Address
from core.i18n import LANGUAGES, t
from emulators.telegram import FakeUser
from emulators.telegram.world import ApiCall
from storage.outbox import OutboxRow
from storage.schema import bulletins, units
from storage.tips_tables import outbox, tip_items, tip_thread, tips
from tests.e2e.hostile_inputs import Case, short
from tests.e2e.log_watch import LogTap, log_problems
from tips.anonymity import Anonymizer

CODE_IN_TEXT = re.compile(r"TIP-[0-9A-Z]{6}")
TYPED_CODE = re.compile(r"TIP-?([0-9A-Z]{6})")
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\x00-\x1f\x7f]")
CROCKFORD_READING = str.maketrans({"I": "1", "L": "1", "O": "0"})
SENDING_METHODS = ("send", "copy", "forward")
EDITING_METHODS = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")
# What the bot says to people: a refusal of one of these is something a person never read.
# (Other refusals are how the bot learns things: a deleteMessage it may not do in a group, a
# menu for a staff member who never opened the chat.)
SAYING_METHODS = (*SENDING_METHODS, *EDITING_METHODS, "answerCallbackQuery")
GENERIC_ERROR_KEY = "errors.generic"
APPROVED_STATUSES = {"queued", "direct"}
ROLE_RANK = {"editor": 1, "officer": 2, "admin": 3}
# Characters that must not reach staff inside someone else's words (SPEC §12): bidi overrides
# and isolates, and C0 controls other than line breaks and tabs.
NEUTRALISED = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A part of a long text: its label and place, then a piece of the whole (channels/text_parts).
PART_OF_LONG_TEXT = re.compile(r"^(?:\S+ )?\(\d+/\d+\)\n(.+)$", re.S)


@dataclass(frozen=True)
class Person:
    key: str
    user: FakeUser
    role: str | None  # "admin" | "officer" | "editor" | None
    scope: frozenset[str] | None  # unit codes whose tips they may see; None: every unit

    def sees_unit(self, unit_code: str) -> bool:
        if self.role not in ("admin", "officer"):
            return False  # SPEC §12: editors never see a tip; residents only their own
        return self.scope is None or unit_code in self.scope


@dataclass(frozen=True)
class TipRecord:
    id: int
    code: str
    unit_code: str
    sender: str
    assessment: str
    state: str


@dataclass
class Finding:
    rule: str
    case: Case | None
    detail: str
    resolved: str | None = None
    cause: str = ""  # findings with the same rule and cause are one hole: reported together

    def line(self) -> str:
        where = self.case.describe(self.resolved) if self.case else "(end of run)"
        return f"{where}\n      {self.detail}"


@dataclass(frozen=True)
class Snapshot:
    tips: dict[str, TipRecord]
    bulletins: dict[int, str]  # id -> status
    failed_notices: list[tuple[int, str, str]]  # outbox rows with an error: id, status, error
    new_items: dict[int, list[tuple[str, str]]]  # new tips' items: tip id -> [(kind, text)]
    new_followups: list[tuple[int, str]]  # (tip id, text) the tipsters added since the last look


@dataclass
class Said:
    """One thing the bot said to someone: a message, an edit, or a button answer."""

    recipient: str  # a person's key, "group", or "chat <id>"
    content: str
    method: str
    origin: Case | None
    direct: bool  # not an outbox delivery


@dataclass
class Watch:
    harness: Any
    people: dict[str, Person]
    group_ids: set[int]
    secrets: dict[str, str]  # distinctive text -> the seeded tip ("A"/"B") it belongs to
    seeded_codes: dict[str, str]  # "A" -> code
    findings: list[Finding] = field(default_factory=list)
    tips: dict[str, TipRecord] = field(default_factory=dict)
    _anonymizer: Anonymizer | None = None
    _pseudonyms: dict[str, str] = field(default_factory=dict)
    _calls_done: int = 0
    _calls_waiting: list[int] = field(default_factory=list)
    _log: LogTap | None = None
    _outbox_seen: int = 0  # the highest outbox row id read
    _tip_seen: int = 0  # the highest tip id read
    _tipster_probes: dict[str, set[str]] = field(default_factory=dict)
    _thread_seen: int = 0  # the highest tip_thread row id read
    _outbox_origin: dict[int, Case | None] = field(default_factory=dict)
    _outbox_texts: dict[str, int] = field(default_factory=dict)
    _outbox_reported: set[int] = field(default_factory=set)
    _bulletin_status: dict[int, str] = field(default_factory=dict)
    transcript: list[str] = field(default_factory=list)  # what each case got, for reading
    language: str = "vi"

    # ---- set-up ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Read the key (the test may: it checks what the bot stored) and today's state, and
        take everything that happened during seeding as seen."""
        key = (self.harness.config_path.parent / "data" / "secret.key").read_bytes()
        self._anonymizer = Anonymizer(key)
        self._pseudonyms = {k: self._anonymizer.pseudonym_for(p.user.id)
                            for k, p in self.people.items()}
        snapshot = await self._snapshot(None)
        self.tips, self._bulletin_status = snapshot.tips, snapshot.bulletins
        self._calls_done = len(self.harness.fake.calls)
        self._log = LogTap.attach(self.harness.logs)
        self.language = self.harness.bot.services.config.language

    # ---- the oracle -------------------------------------------------------------------------
    def recipient_of(self, chat_id: int | None) -> str:
        if chat_id in self.group_ids:
            return "group"
        for key, person in self.people.items():
            if person.user.id == chat_id:
                return key
        return f"chat {chat_id}"

    def may_see(self, recipient: str, tip: TipRecord) -> bool:
        person = self.people.get(recipient)
        if person is None:
            return False  # groups, and chats of nobody in the test
        return self._pseudonyms[recipient] == tip.sender or person.sees_unit(tip.unit_code)

    def last_tip_of(self, person: str) -> str | None:
        """The code of the latest tip this person filed, if any."""
        mine = [t for t in self.tips.values() if t.sender == self._pseudonyms.get(person)]
        return max(mine, key=lambda t: t.id).code if mine else None

    def may_act_on(self, actor: str, tip: TipRecord) -> bool:
        return self.people[actor].sees_unit(tip.unit_code)

    # ---- one case ---------------------------------------------------------------------------
    async def observe(self, case: Case, typed: str, *, query_id: str | None = None) -> None:
        """Everything since the previous look, charged to ``case`` (or to the case that queued
        an outbox notice), checked against every rule."""
        before_tips = self.tips
        case.extra["typed"] = typed
        snapshot = await self._snapshot(case)
        said = self._new_sayings(case)
        self.transcript.append(f"{case.describe(typed)}")
        self.transcript.extend(f"    -> {s.recipient} {s.method}"
                               f"{'' if s.origin is case else ' (queued earlier)'}: "
                               f"{short(said_text(s.content), 160)}" for s in said)
        self.tips = snapshot.tips
        self._check_sayings(case, said)
        self._check_answered(case, said, query_id)
        self._check_refusal(case, said)
        self._check_log(case, typed)
        self._check_changes(case, typed, before_tips, snapshot.bulletins)
        self._check_outbox_failures(snapshot.failed_notices)
        self._check_invisible(case, typed, snapshot)
        for error in self.harness.fake.internal_errors:
            self.add("the fake Bot API failed", case, error.splitlines()[-1], typed)
        self.harness.fake.internal_errors.clear()

    def add(self, rule: str, case: Case | None, detail: str, typed: str | None = None, *,
            cause: str | None = None) -> None:
        if cause is None:
            cause = f"{what_of(case)} by {case.actor}" if case is not None else "-"
        self.findings.append(Finding(rule, case, detail, typed, cause))

    def _check_sayings(self, case: Case, said: list[Said]) -> None:
        generic = {t(language, GENERIC_ERROR_KEY) for language in LANGUAGES}
        staff = {k for k, p in self.people.items() if p.role is not None}
        residents = [p for p in self.people.values() if p.role is None]
        repeated: dict[tuple[str, str], int] = defaultdict(int)
        for saying in said:
            origin = saying.origin
            # What the person typed comes back to them, or goes on as a tipster's words: a
            # code or a text typed in the case that caused a message is not a leak by the bot.
            typed = origin.extra.get("typed", "") if origin is not None else ""
            echo = codes_typed(typed)
            if any(text in said_text(saying.content) for text in generic):
                self.add("the error handler's 'something went wrong' was sent", origin,
                         f"to {saying.recipient} by {saying.method}", typed)
            for code in sorted(set(CODE_IN_TEXT.findall(saying.content)) - echo):
                tip = self.tips.get(code)
                if tip is not None and not self.may_see(saying.recipient, tip):
                    self.add("a tip code reached someone who may not see the tip", origin,
                             f"code of a tip of {tip.unit_code} ({self._filer(tip)}) to "
                             f"{saying.recipient} by {saying.method}: "
                             f"{snippet(saying.content, code)}",
                             typed, cause=self._leak_cause(origin, saying))
            for secret, which in self.secrets.items():
                tip = self.tips[self.seeded_codes[which]]
                if (secret in saying.content and secret not in typed
                        and not self.may_see(saying.recipient, tip)):
                    self.add("the text of a tip reached someone who may not see the tip", origin,
                             f"text of tip {which} ({tip.unit_code}) to {saying.recipient} by "
                             f"{saying.method}: {snippet(saying.content, secret)}", typed,
                             cause=self._leak_cause(origin, saying))
            shown = said_text(saying.content)
            for probe, codes in self._tipster_probes.items():
                if (saying.recipient in staff and probe in shown
                        and any(code in shown for code in codes)):
                    self.add("a tipster's bidi override or control character reached staff",
                             origin, f"{short(probe)} to {saying.recipient} by "
                             f"{saying.method}: {snippet(shown, probe, 40)}", typed,
                             cause=self._leak_cause(origin, saying))
                    break
            if saying.recipient in staff:
                for resident in residents:
                    for form in identifiers_of(resident.user):
                        if form in saying.content:
                            self.add("a tipster identifier reached staff", origin,
                                     f"{resident.key}'s {form!r} to {saying.recipient} by "
                                     f"{saying.method}", typed,
                                     cause=self._leak_cause(origin, saying))
            if saying.direct and saying.method.startswith(SENDING_METHODS):
                repeated[(saying.recipient, saying.content)] += 1
        for (recipient, content), count in repeated.items():
            if count > 1:
                self.add("the same message was sent twice for one update", case,
                         f"{count}x to {recipient}: {short(said_text(content))}",
                         case.extra.get("typed"))

    def _check_answered(self, case: Case, said: list[Said], query_id: str | None) -> None:
        if query_id is not None:
            answers = [c for c in self.harness.fake.calls_to("answerCallbackQuery")
                       if c.params.get("callback_query_id") == query_id]
            if not answers:
                self.add("a button press got no answerCallbackQuery", case, "no answer at all",
                         case.text)
            return
        needs_answer = case.action in ("command", "edit_filed_tip") and (
            case.where == "private"
            or (case.command is not None and case.command.answers_in_group))
        if not needs_answer:
            return
        places = {case.actor, "group"} if case.where == "group" else {case.actor}
        if not any(s.direct and s.recipient in places and s.method.startswith(SENDING_METHODS)
                   for s in said):
            self.add("no answer", case, "the bot said nothing in reply")

    def _check_refusal(self, case: Case, said: list[Said]) -> None:
        """Someone below a command's role, in the private chat: one message, one line, naming a
        role that may use the command (SPEC §1, §12), whatever the arguments."""
        command = case.command
        role = self.people[case.actor].role
        if (case.action != "command" or case.where != "private" or command is None
                or command.needs is None
                or ROLE_RANK.get(role or "", 0) >= ROLE_RANK[command.needs]):
            return
        answers = [said_text(s.content) for s in said
                   if s.direct and s.recipient == case.actor
                   and s.method.startswith(SENDING_METHODS)]
        names = [t(self.language, f"roles.{r}").casefold() for r, rank in ROLE_RANK.items()
                 if rank >= ROLE_RANK[command.needs]]
        if len(answers) == 1 and "\n" not in answers[0].strip() and any(
                name in answers[0].casefold() for name in names):
            return
        shown = " | ".join(short(a, 100) for a in answers) or "(none)"
        self.add("a refusal that is not one line naming a role that may", case,
                 f"{len(answers)} answer(s): {shown}", case.extra.get("typed"),
                 cause=f"/{command.name} (needs {command.needs}) by {role or 'resident'}: "
                       f"{shown if len(answers) == 1 else f'{len(answers)} answers'}")

    def _check_invisible(self, case: Case, typed: str, snapshot: Snapshot) -> None:
        """SPEC §12: a text with no visible character is not a tip and not a follow-up."""
        codes = {tip.id: tip.code for tip in snapshot.tips.values()}
        for tip_id, items in snapshot.new_items.items():
            self._remember_probes(codes.get(tip_id, ""), (text for _, text in items))
            if items and all(kind == "text" and not visible(text) for kind, text in items):
                self.add("a tip with no visible character was filed", case,
                         f"items {[short(text, 30) for _, text in items]}", typed)
        for tip_id, text in snapshot.new_followups:
            self._remember_probes(codes.get(tip_id, ""), [text])
            if not visible(text):
                self.add("a follow-up with no visible character was taken", case,
                         f"text {short(text, 30)}", typed)

    def _remember_probes(self, code: str, texts: Iterable[str]) -> None:
        """A tipster's bidi or control character with a little of its surroundings, as typed,
        and the tip's code: a staff message about that tip that holds it has not taken the
        character out (SPEC §12)."""
        for text in texts:
            for match in NEUTRALISED.finditer(text or ""):
                at = match.start()
                self._tipster_probes.setdefault(text[max(at - 3, 0):at + 4], set()).add(code)

    def _leak_cause(self, origin: Case | None, saying: Said) -> str:
        if origin is None:
            return f"seeding -> {saying.recipient}"
        return f"{what_of(origin)} by {origin.actor} -> {saying.recipient}"

    def _check_log(self, case: Case, typed: str) -> None:
        new = self._log.take() if self._log is not None else ""
        for problem in log_problems(new):
            self.add("an ERROR record or traceback in the log", case, problem, typed)
        for resident in (p for p in self.people.values() if p.role is None):
            for form in identifiers_of(resident.user):
                if form in new:
                    self.add("a tipster identifier in the log", case,
                             f"{resident.key}'s {form!r}: {snippet(new, form)}", typed)

    def _check_changes(self, case: Case, typed: str, before: dict[str, TipRecord],
                       statuses: dict[int, str]) -> None:
        for code, old in before.items():
            new = self.tips.get(code)
            if new is None or (new.assessment, new.state) == (old.assessment, old.state):
                continue
            if not self.may_act_on(case.actor, old):
                self.add("a tip changed by someone who may not act on it", case,
                         f"tip of {old.unit_code}: {old.assessment}/{old.state} -> "
                         f"{new.assessment}/{new.state} by {case.actor}", typed)
        officer = self.people[case.actor].role in ("admin", "officer")
        for bulletin_id, status in statuses.items():
            old_status = self._bulletin_status.get(bulletin_id)
            if (old_status is not None and old_status != status
                    and status in APPROVED_STATUSES and not officer):
                self.add("a bulletin approved by someone who may not approve", case,
                         f"bulletin {bulletin_id}: {old_status} -> {status} by {case.actor}",
                         typed)
        self._bulletin_status = statuses

    # ---- what the bot said -------------------------------------------------------------------
    def _new_sayings(self, case: Case) -> list[Said]:
        """Answered calls since the last look; calls still waiting are taken next time."""
        fake = self.harness.fake
        calls = fake.calls
        indices = self._calls_waiting + list(range(self._calls_done, len(calls)))
        self._calls_done = len(calls)
        self._calls_waiting = []
        said = []
        for index in indices:
            call = calls[index]
            if call.method == "getUpdates":
                continue
            if not call.answered:
                self._calls_waiting.append(index)
                continue
            said.extend(self._saying(call, case))
        return said

    def _saying(self, call: ApiCall, case: Case) -> list[Said]:
        fake = self.harness.fake
        if call.status != 200 and call.method.startswith(SAYING_METHODS):
            origin = self._origin_of_call(call, case)
            text = str(call.params.get("text") or call.params.get("caption") or "")
            self.add("Telegram refused a call", origin,
                     f"{call.method} to {self._addressee(call)}: "
                     f"{call.response.get('description')} (text {short(text, 40)})",
                     case.text if origin is case else None)
            return []
        if call.status != 200:
            return []
        if call.method == "answerCallbackQuery":
            return [Said(self._addressee(call), str(call.params.get("text") or ""),
                         call.method, case, True)]
        if call.method.startswith(SENDING_METHODS):
            result = call.response.get("result")
            # sendMediaGroup answers a list; sendChatAction answers True and says nothing.
            results = result if isinstance(result, list) else [result]
            said = []
            for sent in (r for r in results if isinstance(r, dict)):
                message = fake.world.message(sent.get("chat", {}).get("id"),
                                             sent.get("message_id")) or sent
                origin = self._origin_of_message(message, case)
                said.append(Said(self.recipient_of(message.get("chat", {}).get("id")),
                                 json.dumps(message, ensure_ascii=False), call.method, origin,
                                 not self._is_outbox(message)))
            return said
        if call.method in EDITING_METHODS:
            content = json.dumps(call.params, ensure_ascii=False)
            return [Said(self._addressee(call), content, call.method, case, True)]
        return []

    def _addressee(self, call: ApiCall) -> str:
        """Who reads what a call says: the chat's person or group, or who pressed a button."""
        if call.method == "answerCallbackQuery":
            queries = self.harness.fake.world.callback_queries
            query = queries.get(call.params.get("callback_query_id"), {})
            return self.recipient_of(query.get("from", {}).get("id"))
        return self.recipient_of(chat_of(call))

    def _outbox_row_of(self, text: str) -> int | None:
        """The outbox row a sent text came from: its whole text, or one part of a text too
        long for one message ("TIP-… (2/3)" then a piece of it; channels/text_parts.py), which
        goes at the chat's later turns, so often while a later case runs."""
        row = self._outbox_texts.get(text)
        part = PART_OF_LONG_TEXT.match(text) if row is None else None
        if part is None:
            return row
        piece = part.group(1).strip()
        return next((row for whole, row in self._outbox_texts.items() if piece in whole), None)

    def _is_outbox(self, message: dict[str, Any]) -> bool:
        return self._outbox_row_of(message_text(message)) is not None

    def _origin_of_message(self, message: dict[str, Any], case: Case) -> Case | None:
        row = self._outbox_row_of(message_text(message))
        return case if row is None else self._outbox_origin.get(row)

    def _origin_of_call(self, call: ApiCall, case: Case) -> Case | None:
        text = str(call.params.get("text") or call.params.get("caption") or "").strip()
        row = self._outbox_row_of(text)
        return case if row is None else self._outbox_origin.get(row)

    # ---- the database ------------------------------------------------------------------------
    async def _snapshot(self, case: Case | None) -> Snapshot:
        """Tips, bulletins, new outbox rows (charged to ``case``) and failed notices, read in
        one go: the watch runs after every case, so it must be quick."""
        tip_query = select(tips.c.id, tips.c.code, units.c.code.label("unit_code"),
                           tips.c.sender, tips.c.assessment, tips.c.state,
                           ).join(units, units.c.id == tips.c.unit_id)
        outbox_query = select(outbox.c.id, outbox.c.payload, outbox.c.status,
                              outbox.c.last_error, outbox.c.address, outbox.c.tip_id).where(
            (outbox.c.id > self._outbox_seen) | outbox.c.last_error.is_not(None))
        item_query = select(tip_items.c.tip_id, tip_items.c.kind, tip_items.c.text).where(
            tip_items.c.tip_id > self._tip_seen)
        thread_query = select(tip_thread.c.id, tip_thread.c.tip_id, tip_thread.c.direction,
                              tip_thread.c.text).where(tip_thread.c.id > self._thread_seen)
        async with self.harness.bot.services.db.reading() as conn:
            tip_rows = (await conn.execute(tip_query)).all()
            bulletin_rows = (await conn.execute(select(bulletins.c.id,
                                                       bulletins.c.status))).all()
            outbox_rows = (await conn.execute(outbox_query)).all()
            item_rows = (await conn.execute(item_query)).all()
            thread_rows = (await conn.execute(thread_query)).all()
        new_items: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for row in tip_rows:
            if row.id > self._tip_seen:
                new_items[row.id] = []
        for row in item_rows:
            new_items[row.tip_id].append((row.kind, row.text or ""))
        self._tip_seen = max([self._tip_seen, *(row.id for row in tip_rows)])
        self._thread_seen = max([self._thread_seen, *(row.id for row in thread_rows)])
        followups = [(row.tip_id, row.text) for row in thread_rows
                     if row.direction == "from_tipster"]
        failed = []
        for row in outbox_rows:
            if row.id not in self._outbox_origin:
                self._outbox_origin[row.id] = case
                for text in await self._drawn_texts(row.id, row.address, row.tip_id,
                                                    row.payload):
                    self._outbox_texts[text.strip()] = row.id
                self._outbox_seen = max(self._outbox_seen, row.id)
            if row.last_error is not None:
                failed.append((row.id, row.status, row.last_error))
        return Snapshot(
            {row.code: TipRecord(row.id, row.code, row.unit_code, row.sender, row.assessment,
                                 row.state) for row in tip_rows},
            {row.id: row.status for row in bulletin_rows}, failed, dict(new_items), followups)

    async def _drawn_texts(self, row_id: int, address: Address | None, tip_id: int | None,
                           payload: str) -> list[str]:
        """The texts an outbox row will be sent as: rows hold what happened, drawn by the
        notifier at send time (a new tip: its notice and parts)."""
        to = address if address is not None else address_of_chat(0)  # only its channel counts
        row = OutboxRow(row_id, address, None, json.loads(payload), 0, tip_id)
        return [message.text for message in await self.harness.bot.notifier.drawn(row, to)]

    def _check_outbox_failures(self, failed: list[tuple[int, str, str]]) -> None:
        for row_id, status, error in failed:
            if row_id not in self._outbox_reported:
                self._outbox_reported.add(row_id)
                self.add("a queued notice was not delivered", self._outbox_origin.get(row_id),
                         f"outbox row {row_id} {status}: {error}")

    @property
    def log_records_seen(self) -> int:
        return self._log.records_seen if self._log is not None else 0

    async def check_undelivered(self) -> None:
        """At the end: what the outbox still holds is checked from its payloads, as it will
        read when the notifier gets to it."""
        async with self.harness.bot.services.db.reading() as conn:
            rows = (await conn.execute(
                select(outbox.c.id, outbox.c.address, outbox.c.relay_link, outbox.c.payload,
                       outbox.c.tip_id)
                .where(outbox.c.status.in_(("pending", "sending"))))).all()
        said = []
        for row in rows:
            address = row.address
            if address is None and row.relay_link and self._anonymizer is not None:
                address = self._anonymizer.open_address(row.relay_link)
            chat_id = chat_id_of(address) if address is not None else None
            texts = await self._drawn_texts(row.id, row.address, row.tip_id, row.payload)
            said.append(Said(self.recipient_of(chat_id), "\n".join(texts),
                             "outbox (not sent yet)", self._outbox_origin.get(row.id), False))
        self.tips = (await self._snapshot(_END)).tips
        for saying in said:
            self._check_sayings(saying.origin or _END, [saying])

    # ---- the report ----------------------------------------------------------------------------
    def _filer(self, tip: TipRecord) -> str:
        for key, pseudonym in self._pseudonyms.items():
            if pseudonym == tip.sender:
                return f"filed by {key}"
        return "filed by someone else"

    def report(self, seed: int, cases: int) -> str:
        """Every finding, by rule, then by cause: how many cases, which, and the first one's
        details (the others differ in their arguments only)."""
        by_rule: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        for finding in self.findings:
            by_rule[finding.rule][finding.cause].append(finding)
        lines = [f"{len(self.findings)} finding(s) in {cases} cases, seed {seed} "
                 f"(HOSTILE_SEED={seed} replays this run; HOSTILE_TRANSCRIPT=FILE writes what "
                 f"every case got):"]
        for rule, causes in sorted(by_rule.items()):
            count = sum(len(found) for found in causes.values())
            lines.append(f"\n== {rule}: {count} in {len(causes)} way(s)")
            for cause, found in sorted(causes.items()):
                numbers = sorted({f.case.number for f in found if f.case is not None})
                cases_seen = ", ".join(f"#{n}" for n in numbers[:12])
                more = f" and {len(numbers) - 12} more" if len(numbers) > 12 else ""
                lines.append(f"  * {cause}  [{len(found)}x: {cases_seen}{more}]")
                lines.append(f"      e.g. {found[0].line()}")
        return "\n".join(lines)


_END = Case(0, "admin", "-", "end", "(outbox at the end)")


# ---- small readers -----------------------------------------------------------------------------
def identifiers_of(user: FakeUser) -> list[str]:
    """The forms of a tipster's identity a message or a log line could carry."""
    names = [user.first_name, user.last_name or "", user.username or ""]
    full = " ".join(filter(None, [user.first_name, user.last_name]))
    return [form for form in [str(user.id), *names, full] if form]


def codes_typed(typed: str) -> set[str]:
    """The tip codes in what a person typed, as the bot reads them (case, look-alikes,
    invisible characters in between)."""
    cleaned = INVISIBLE.sub("", typed).upper()
    return {"TIP-" + body.translate(CROCKFORD_READING) for body in TYPED_CODE.findall(cleaned)}


def chat_of(call: ApiCall) -> int | None:
    chat_id = call.params.get("chat_id")
    try:
        return int(chat_id) if chat_id is not None else None
    except (TypeError, ValueError):
        return None


def what_of(case: Case | None) -> str:
    """What a case did, one name for a command and its alias."""
    if case is None:
        return "-"
    return f"/{case.command.name}" if case.command is not None else case.label


def visible(text: str) -> bool:
    """Whether a text has a character one can see: not a space, a control or a format
    character (zero-width, bidi), as SPEC §12 means it."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl",
                                                                     "Zp")
               for ch in text)


def said_text(content: str) -> str:
    """The text or caption of a said thing (JSON of a message or of call parameters)."""
    try:
        data = json.loads(content)
    except ValueError:
        return content
    if not isinstance(data, dict):
        return content
    return str(data.get("text") or data.get("caption") or
               ("<" + next((k for k in ("document", "photo", "sticker") if k in data), "?") + ">"))


def message_text(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "").strip()


def snippet(text: str, needle: str, width: int = 50) -> str:
    at = text.find(needle)
    start = max(at - width, 0)
    return short(text[start:at + len(needle) + width], 2 * width + len(needle))
