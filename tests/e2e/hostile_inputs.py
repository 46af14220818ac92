"""What the hostile-input test sends: the command table of SPEC §7, hostile argument values, and
the seeded list of cases (who sends what, where).

Cases are built up front from one ``random.Random(seed)``, so a seed names a run exactly. Codes
that exist only at run time (the seeded tips, their signed buttons, a bulletin id) are written as
markers such as ``«TIP_A|lower»`` and resolved just before sending (``Markers.resolve``); a
failure report shows the markers, which read better than the random codes behind them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# ---- SPEC §7 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """One row of SPEC §7: its names, and the kinds of its arguments in order."""

    name: str
    alias: str | None
    slots: tuple[str, ...]
    # SPEC §3, §7 and issue 15 item 9 name an answer in a group; anything else said in a group
    # may be ignored (§11: "a clear answer or is ignored").
    answers_in_group: bool = False
    broadcasts: bool = False  # its text goes out to groups: no tip codes typed into it
    # The least role that may use it (SPEC §7's "who"; §12: only officers see tips). Anyone
    # below is refused in one line that names a role that may (§1, §12). None: everyone, or
    # "tipster, staff" (/status, /reply), where a code, not a role, decides.
    needs: str | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, self.alias) if self.alias else (self.name,)


SPEC_COMMANDS: tuple[Command, ...] = (
    Command("start", None, ("payload",), answers_in_group=True),
    Command("help", "huongdan", (), answers_in_group=True),
    Command("tip", "baotin", ("text",), answers_in_group=True),
    Command("status", "trangthai", ("code",)),
    Command("reply", "traloi", ("code", "text")),
    Command("cancel", "huy", (), answers_in_group=True),
    Command("privacy", "baomat", (), answers_in_group=True),
    Command("tips", "nguontin", ("filter",), needs="officer"),
    Command("assess", "danhgia", ("code", "assessment"), needs="officer"),
    Command("outcome", "ketqua", ("code", "quantities", "text"), needs="officer"),
    Command("close", "dong", ("code",), needs="officer"),
    Command("block", "chan", ("code",), needs="officer"),
    Command("bulletin", "bantin", ("text",), broadcasts=True, needs="editor"),
    Command("queue", "hangdoi", (), needs="editor"),
    Command("alert", "khancap", ("text",), broadcasts=True, needs="officer"),
    Command("schedule", "lich", ("unit", "spec"), needs="officer"),
    Command("register", "dangky", ("unit",), answers_in_group=True, needs="officer"),
    Command("groups", "nhom", ("unit",), needs="editor"),
    Command("stats", "thongke", ("period", "unit"), needs="editor"),
    Command("report", "baocao", ("period", "unit", "format"), needs="editor"),
    Command("staff", "canbo", ("staff_action",), needs="admin"),
    Command("unit", "donvi", ("unit_action",), needs="admin"),
    # SMS (SPEC §13) is not built: fuzzed for crashes and leaks, its refusals not checked.
    Command("sms", "tinnhan", ("sms_action",)),
)

# ---- hostile values ------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
RTL_OVERRIDE = "\u202e"
POP_DIRECTION = "\u202c"
CONTROLS = "\x00\x01\x07\x08\x0b\x1b\x7f\u0085"
EMOJI = ("🚨", "👮‍♀️", "🇻🇳", "🏍️", "💊", "👍🏽", "🔥", "🧨", "👨‍👩‍👧", "🫥")
WORDS = ("xe", "máy", "đầu", "hẻm", "đêm", "qua", "có", "người", "lạ", "đậu", "trước", "nhà",
         "số", "ấp", "cầu", "chợ", "biển", "lúc", "giờ", "khói", "tiếng", "động", "ồn", "ào")
MARKUP = ("<b>đậm</b><a href='tg://user?id=1'>x</a>", "*đậm* _nghiêng_ `mã` [x](http://e.vn)",
          "{code} {0} %s %(x)s {{}}", "'; DROP TABLE tips; --", "../../etc/passwd", "\\",
          "@everyone #hashtag /help", "&lt;b&gt; &amp;")
NUMBERS = ("-1", "0", "99999999999999999999999", "²", "１２３", "1e9", "NaN", "0x10", "007")
UNIT_CODES = ("DT", "TT-TANTHANH", "TT-TANTHANH-A1", "TT-BINHTHANH")
BAD_UNIT_CODES = ("NOPE", "X" * 33, "TT_TANTHANH", "tt-tânthành", "DT/../TT", "*")
UNKNOWN_CODES = ("TIP-ZZZZZZ", "TIP-", "TIP-0000000", "tip-uuuuuu", "TIP-ÀÁÂÃÄÅ", "XYZ",
                 "TIP-\u200bABCDE")
MAX_MESSAGE = 4096  # characters of a Telegram message (all BMP here: one UTF-16 unit each)

# Kinds of argument; every command gets each of them at least once.
KINDS = ("plain", "empty", "max_length", "zero_width", "rtl_override", "control_chars", "emoji",
         "markup", "numbers", "unit_code", "foreign_tip", "own_tip", "unknown_code", "shaped")
TEXT_KINDS = {"max_length", "zero_width", "rtl_override", "control_chars", "emoji", "markup"}
CODE_KINDS = {"foreign_tip", "own_tip", "unknown_code"}

# Valid-looking whole argument lists with a twist, per command (SPEC §7 syntax).
SHAPED: dict[str, tuple[str, ...]] = {
    "start": ("tip", "tip_TT-BINHTHANH", "tip_tt-tanthanh", "tip_NOPE", "tip_b«BULLETIN»",
              "tip_b99999999999", "tip_b-1", "tip-b«BULLETIN»", "tip-b99999999999",
              "tip-bX", "tip_" + "A" * 60, "tip_DT", "tipX"),
    "help": ("extra words",),
    "tip": ("Có người lạ đậu xe trước nhà số 5",),
    "status": ("«TIP_A|lower»", "«TIP_B|confusable»", "«TIP_A» «TIP_B»"),
    "reply": ("«TIP_A» thêm: xe màu đen", "«TIP_B|lower» hỏi thêm", "«TIP_A»"),
    "cancel": ("now",),
    "privacy": ("all",),
    "tips": ("all", "ALL", "open", "unassessed", "valuable", "all extra", "closed"),
    "assess": ("«TIP_A» valuable", "«TIP_B» FALSE", "«TIP_A» not_valuable", "«TIP_A» maybe",
               "«TIP_B» valuable"),
    "outcome": ("TT-TANTHANH cases=1 cases=2", "«TIP_A» cases=999999999999",
                "DT persons=-1", "TT-BINHTHANH cases=1 ghi chú", "«TIP_B» knives=1e3",
                "«TIP_A» =1", "«TIP_A» cases=", "«TIP_B» cases=1"),
    "close": ("«TIP_A»", "«TIP_B»", "«TIP_A» extra"),
    "block": ("«TIP_B»", "«TIP_A|lower» extra"),
    "bulletin": ("Cảnh giác lừa đảo qua mạng",),
    "queue": ("all",),
    "alert": ("Cháy lớn ở chợ, tránh khu vực",),
    "schedule": ("NOPE daily 07:00", "TT-BINHTHANH mon 08:00", "daily 25:61",
                 "mon,thu 08:00;" * 20, "default", "TT-TANTHANH-A1 sun 23:59",
                 "mon 08:00; thu 17:30"),
    "register": (*UNIT_CODES, "NOPE"),
    "groups": (*UNIT_CODES, "NOPE"),
    "stats": ("2026-13", "2026-W54", "2026-01-01..2025-01-01", "month TT-BINHTHANH",
              "year DT", "2026-Q5", "today chart", "9999"),
    "report": ("2026 DT xlsx", "2026 csv docx", "month TT-BINHTHANH csv", "2026-13",
               "year xlsx", "month csv"),
    "staff": ("add 4242 officer TT-BINHTHANH", "add 99999999999999999999 admin DT",
              "add 4243 superuser DT", "remove 4242", "list", "list extra",
              "add -5 editor DT", "add 4244 editor NOPE"),
    "unit": ('add FZ-1 "Ấp Mới" TT-TANTHANH', 'rename DT "\u202eTỉnh"',
             "move TT-TANTHANH TT-TANTHANH-A1", "list", 'add DT "Trùng" DT',
             'add FZ-2 "" NOPE', "move TT-TANTHANH TT-BINHTHANH"),
    "sms": ("add 0912345678 TT-TANTHANH", "list", "remove 0912345678", "list TT-BINHTHANH"),
}

# A plain, valid value for each kind of slot, used around the one hostile slot.
PLAIN: dict[str, tuple[str, ...]] = {
    "payload": ("tip", "tip_TT-TANTHANH"),
    "text": ("xe lạ đậu trước nhà", "có tiếng ồn lúc 2 giờ"),
    "code": ("«TIP_A»", "«TIP_B»"),
    "assessment": ("valuable", "not_valuable", "false"),
    "quantities": ("cases=1", "persons=2"),
    "filter": ("all",),
    "unit": ("TT-TANTHANH", "TT-BINHTHANH"),
    "spec": ("daily 07:00", "mon,thu 08:00"),
    "period": ("month", "2026"),
    "format": ("csv", "xlsx"),
    "staff_action": ("list",),
    "unit_action": ("list",),
    "sms_action": ("list",),
}


def words(rng: random.Random, low: int = 2, high: int = 6) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def hostile_text(rng: random.Random, kind: str) -> str:
    """A value of one hostile kind (``max_length`` is filled in by the case builder)."""
    if kind == "zero_width":
        return "".join(rng.choice(ZERO_WIDTH) for _ in range(rng.randint(1, 5)))
    if kind == "rtl_override":
        return f"{words(rng)} {RTL_OVERRIDE}{words(rng)}{POP_DIRECTION} {words(rng, 1, 2)}"
    if kind == "control_chars":
        parts = [words(rng, 1, 2)]
        parts += [rng.choice(CONTROLS) + rng.choice(WORDS) for _ in range(rng.randint(2, 4))]
        return "\x00" + "".join(parts)
    if kind == "emoji":
        return "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 8)))
    if kind == "markup":
        return rng.choice(MARKUP)
    if kind == "numbers":
        return rng.choice(NUMBERS)
    return words(rng)


def unit_code(rng: random.Random) -> str:
    code = rng.choice(UNIT_CODES + BAD_UNIT_CODES)
    return code.lower() if rng.random() < 0.3 else code


def code_marker(rng: random.Random, tip: str) -> str:
    """A code as a person might type it: exact, lower case, Crockford look-alikes, spaced."""
    variant = rng.choice(("", "", "|lower", "|confusable", "|rtl"))
    return f"«TIP_{tip}{variant}»"


# Which seeded tip is someone else's (or out of scope) and which is one's own (or in scope),
# for each person of the test (tip A: the resident's, in TT-TANTHANH; tip B: resident2's, in
# TT-BINHTHANH). The editor's "own" is the tip of its unit, which it still may not see.
FOREIGN_TIP = {"admin": "B", "officer": "B", "other_officer": "A", "editor": "B",
               "resident": "B", "resident2": "A"}
OWN_TIP = {"admin": "A", "officer": "A", "other_officer": "B", "editor": "A",
           "resident": "A", "resident2": "B"}


def argument_text(rng: random.Random, command: Command, kind: str, actor: str) -> str:
    """The arguments of one case: plain values in every slot but one, which gets ``kind``."""
    if kind == "empty":
        return ""
    if kind == "shaped":
        return rng.choice(SHAPED[command.name])
    tip_kind = kind in CODE_KINDS and not command.broadcasts
    values = [f"«TIP_{OWN_TIP[actor]}»" if slot == "code" else rng.choice(PLAIN[slot])
              for slot in command.slots]
    if kind == "plain":
        return " ".join(values)
    if kind in TEXT_KINDS or (kind in CODE_KINDS and command.broadcasts):
        focus = _slot_index(command, ("text",))
        value = hostile_text(rng, kind) if kind in TEXT_KINDS else hostile_text(rng, "markup")
    elif tip_kind:
        focus = _slot_index(command, ("code", "payload"))
        tip = FOREIGN_TIP[actor] if kind == "foreign_tip" else OWN_TIP[actor]
        value = rng.choice(UNKNOWN_CODES) if kind == "unknown_code" else code_marker(rng, tip)
        if slot_at(command, focus) == "payload":
            value = "tip_" + value
    elif kind == "unit_code":
        focus = _slot_index(command, ("unit", "code"))
        value = unit_code(rng)
    else:  # numbers
        focus = _slot_index(command, ("quantities", "staff_action", "period", "code"))
        value = hostile_text(rng, "numbers")
        if slot_at(command, focus) == "quantities":
            value = f"cases={value}"
    if focus < len(values):
        values[focus] = value
    else:
        values.append(value)
    return " ".join(values)


def slot_at(command: Command, index: int) -> str | None:
    return command.slots[index] if index < len(command.slots) else None


def _slot_index(command: Command, preferred: Sequence[str]) -> int:
    """Where the hostile value goes: the first preferred slot, else one past the last."""
    for slot in preferred:
        if slot in command.slots:
            return command.slots.index(slot)
    return len(command.slots)


def fill_to_max(prefix: str, rng: random.Random) -> str:
    """``prefix`` and then words up to exactly 4,096 characters."""
    text = prefix
    while len(text) < MAX_MESSAGE:
        text += " " + rng.choice(WORDS)
    return text[:MAX_MESSAGE]


def exactly_max(text: str) -> str:
    """A 4,096-character text again after its markers were resolved (codes are longer)."""
    return (text + " xe" * MAX_MESSAGE)[:MAX_MESSAGE]


# ---- cases -----------------------------------------------------------------------------------

PEOPLE = ("admin", "officer", "other_officer", "editor", "resident", "resident2")
MESSAGE_KINDS = ("sticker", "poll", "contact", "forward", "location", "photo", "document",
                 "reply_to_bot", "edit", "plain_text")


@dataclass
class Case:
    """One thing one person does, in their private chat or in the registered group."""

    number: int
    actor: str
    where: str  # "private" | "group"
    action: str  # "command" | a MESSAGE_KINDS entry | "press" | "edit_filed_tip"
    label: str  # "/tips", "sticker", "press tt:…"
    kind: str = ""
    text: str = ""  # the message text (markers unresolved), or the callback data
    command: Command | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def describe(self, resolved: str | None = None) -> str:
        shown = resolved if resolved is not None else self.text
        return (f"#{self.number} {self.actor} in {self.where}: {self.label} [{self.kind}] "
                f"{short(shown)}")


def short(text: str, limit: int = 70) -> str:
    """A one-line picture of a text: its start, escaped, and its length when cut."""
    shown = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                    for ch in text)
    shown = shown if len(shown) <= limit else f"{shown[:limit]}… ({len(text)} chars)"
    return repr(shown)


def command_cases(rng: random.Random) -> list[Case]:
    """Every command of SPEC §7 by both names, for every person, in the private chat; every
    kind of argument at least once per command; plain arguments once per command and person
    (what each role may do at all); and every name in a group, by the admin and someone else."""
    cases: list[Case] = []
    for command in SPEC_COMMANDS:
        for actor in PEOPLE:
            name = rng.choice(command.names())
            cases.append(_command_case(rng, command, name, actor, "plain", "private"))
        slots = [(name, actor) for name in command.names() for actor in PEOPLE]
        rng.shuffle(slots)
        kinds = list(KINDS)
        rng.shuffle(kinds)
        while len(kinds) < len(slots):
            kinds.append(rng.choice(KINDS))
        for index, kind in enumerate(kinds):
            name, actor = slots[index % len(slots)]
            cases.append(_command_case(rng, command, name, actor, kind, "private"))
        for name in command.names():
            for actor in ("admin", rng.choice(PEOPLE[1:])):
                cases.append(_command_case(rng, command, name, actor, rng.choice(KINDS),
                                           "group"))
    return cases


def _command_case(rng: random.Random, command: Command, name: str, actor: str, kind: str,
                  where: str) -> Case:
    head = f"/{name}"
    if where == "group" and rng.random() < 0.5:
        head += "@«BOT»"
    arguments = argument_text(rng, command, kind, actor)
    text = f"{head} {arguments}" if arguments else head
    if kind == "max_length":
        text = fill_to_max(text, rng)
    return Case(0, actor, where, "command", f"/{name}", kind, text, command)


def message_cases(rng: random.Random) -> list[Case]:
    """Stickers, polls, contacts, forwards, locations, photos, documents, replies to the bot,
    edits and plain hostile text: each from three people in private and one in a group."""
    cases = []
    for action in MESSAGE_KINDS:
        for actor in rng.sample(PEOPLE, 3):
            cases.append(_message_case(rng, actor, "private", action))
        cases.append(_message_case(rng, rng.choice(PEOPLE), "group", action))
    return cases


def _message_case(rng: random.Random, actor: str, where: str, action: str) -> Case:
    kind = rng.choice(sorted(TEXT_KINDS))
    text = hostile_text(rng, kind)
    if kind == "max_length":
        text = fill_to_max(words(rng), rng)
    if action == "edit" and rng.random() < 0.5:
        kind, text = "command", rng.choice(("/tips all", "/status «TIP_A»", "/alert sửa lại",
                                            "/tip «TIP_B»", "/help"))
    return Case(0, actor, where, action, action, kind, text)


# Tipsters who file with hostile words, one per kind, each new (no limit or block of the fuzz's
# residents in the way); and the seeded residents adding hostile follow-ups to their tips.
TIPSTER_KINDS = ("zero_width", "rtl_override", "control_chars", "emoji", "markup", "max_length")
TIPSTERS = tuple(f"tipster{n}" for n in range(1, len(TIPSTER_KINDS) + 1))


def tipster_cases(rng: random.Random) -> list[Case]:
    """The guided flow with a hostile text item, ``/tip`` with hostile text, a hostile
    follow-up to one's own tip, and an edit of the filed text: SPEC §12's rules on invisible
    text, bidi and control characters, and edits, each tried once per kind."""
    cases = []
    for actor, kind in zip(TIPSTERS, TIPSTER_KINDS, strict=True):
        def content(kind: str = kind) -> str:
            return hostile_content(rng, kind)

        cases += [
            Case(0, actor, "private", "command", "/start", "plain", "/start tip_TT-TANTHANH",
                 SPEC_COMMANDS[0]),
            Case(0, actor, "private", "press", "press ti:c:other", "flow", "ti:c:other"),
            Case(0, actor, "private", "plain_text", "a tip's text", kind, content()),
            Case(0, actor, "private", "press", "press ti:s", "flow", "ti:s"),
            _tipster_command(rng, "tip", kind, actor, "", content),
            _tipster_command(rng, "reply", kind, actor, "«OWN_LAST» ", content),
        ]
        if kind != "zero_width":  # an invisible text is no part of a tip: its edit may pass
            cases.append(Case(0, actor, "private", "edit_filed_tip",
                              "edit of a filed tip's text", kind, content()))
    for actor, tip in (("resident", "A"), ("resident2", "B")):
        for kind in TIPSTER_KINDS:
            cases.append(_tipster_command(rng, "reply", kind, actor, f"«TIP_{tip}» ",
                                          lambda kind=kind: hostile_content(rng, kind)))
    return cases


def question_cases(rng: random.Random) -> list[Case]:
    """Officers and the admin ask the seeded tipsters a question as long as a message can be
    (issue 15 item 1: it arrives whole, or the officer is told)."""
    return [_tipster_command(rng, "reply", "max_length", actor, f"«TIP_{tip}» ",
                             lambda: fill_to_max(words(rng), rng))
            for actor, tip in (("officer", "A"), ("other_officer", "B"), ("admin", "B"))]


def hostile_content(rng: random.Random, kind: str) -> str:
    """What a tipster might write: nothing visible at all, or words with something hostile."""
    if kind == "max_length":
        return fill_to_max(words(rng), rng)
    hostile = hostile_text(rng, kind)
    return hostile if kind == "zero_width" else f"{words(rng)} {hostile}"


def _tipster_command(rng: random.Random, name: str, kind: str, actor: str, head: str,
                     content: Callable[[], str]) -> Case:
    command = next(c for c in SPEC_COMMANDS if c.name == name)
    text = f"/{rng.choice(command.names())} {head}{content()}"
    return Case(0, actor, "private", "command", f"/{name}", kind, text[:MAX_MESSAGE], command)


def numbered(cases: list[Case]) -> list[Case]:
    for number, case in enumerate(cases, start=1):
        case.number = number
    return cases


# ---- button presses ------------------------------------------------------------------------

# Callback data: real signed data of the seeded tips' notices (markers), forged variants of it,
# every prefix the bot registers with odd values, and garbage. 1-64 bytes, as Telegram allows.
# The approve and the remove that answer under the pressed message (no ":l") each have a draft
# of their own, so the first to press meets a draft the action changes, whatever the order.
CALLBACK_DATA: tuple[str, ...] = (
    "«SIGNED:v:A»", "«SIGNED:f:A»", "«SIGNED:c:A»", "«SIGNED:q:A»", "«SIGNED:o:A»",
    "«SIGNED:n:B»", "«SIGNED:c:B»",
    "«SIGNED:v:A|flip»", "«SIGNED:v:A|other_tip»", "«SIGNED:v:A|other_action»",
    "«SIGNED:c:A|no_signature»", "«SIGNED:v:A|extra_field»", "tt:v:99999999999999999999:00",
    "tt:", "tt:v:1:" + "f" * 57, "tl:all:0", "tl:all:10", "tl:bogus:0", "tl:all:99999999999",
    "ti:u:TT-BINHTHANH", "ti:u:NOPE", "ti:c:drugs", "ti:s", "ti:x", "ti:cu", "ti:n:DT",
    "ti:n:" + "A" * 40, "bc:topic:NOPE", "bc:unit:TT-BINHTHANH", "bc:now", "bc:queue",
    "bc:submit", "bc:cancel", "bc:units", "bq:approve:«BULLETIN»", "bq:remove:«BULLETIN2»",
    "bq:up:«BULLETIN3»:l", "bq:approve:«BULLETIN3»:l", "bq:approve:999999999", "bu:resend:1",
    "bu:force:1", "bu:forceok:1", "bu:forceno:1", "ack:«BULLETIN»", "x", "\u202e", "🚨" * 16,
)


def press_cases(rng: random.Random) -> list[Case]:
    """Every piece of data pressed in private by the admin and an officer (who may act, so a
    forged press can do harm), the editor (who may see no tip) and one other person, and in a
    group by the admin and one other person; the real buttons of the seeded tips' notices by
    everyone in private (only officers and admins of the tip's unit may use them)."""
    cases = []
    others = [p for p in PEOPLE if p not in ("admin", "officer", "editor")]
    for data in CALLBACK_DATA:
        real = data.startswith("«SIGNED") and "|" not in data
        in_private = PEOPLE if real else ("admin", "officer", "editor", rng.choice(others))
        in_group = ("admin", rng.choice([p for p in PEOPLE if p != "admin"]))
        label = f"press {short(data, 30)}"
        cases += [Case(0, actor, "private", "press", label, "callback", data)
                  for actor in in_private]
        cases += [Case(0, actor, "group", "press", label, "callback", data) for actor in in_group]
    rng.shuffle(cases)
    return cases


# ---- markers ---------------------------------------------------------------------------------

MARKER = re.compile(r"«([A-Z_0-9]+)(?::([a-z]):([AB]))?(?:\|([a-z_]+))?»")
CROCKFORD_LOOKALIKE = {"0": "O", "1": "I"}


@dataclass
class Markers:
    """What the markers stand for in this run."""

    tip_codes: dict[str, str]  # "A" -> "TIP-…"
    tip_ids: dict[str, int]
    signed: dict[tuple[str, str], str]  # ("v", "A") -> the notice button's callback data
    bulletin_ids: dict[str, int]  # "BULLETIN", "BULLETIN2", "BULLETIN3": the editor's drafts
    bot_username: str

    def resolve(self, text: str) -> str:
        return MARKER.sub(self._one, text)

    def _one(self, match: re.Match[str]) -> str:
        name, action, tip, variant = match.groups()
        if name == "BOT":
            return self.bot_username
        if name in self.bulletin_ids:
            return str(self.bulletin_ids[name])
        if name == "SIGNED" and action and tip:
            return forged(self.signed[(action, tip)], variant, self)
        code = self.tip_codes[name.removeprefix("TIP_")]
        if variant == "lower":
            return code.lower()
        if variant == "confusable":
            return "TIP-" + "".join(CROCKFORD_LOOKALIKE.get(c, c) for c in code[4:])
        if variant == "rtl":
            return f"TIP-{RTL_OVERRIDE}{code[4:]}"
        return code


def forged(data: str, variant: str | None, markers: Markers) -> str:
    """Real signed button data (``tt:ACTION:ID:SIGNATURE``) as it is, or tampered with."""
    if variant is None:
        return data
    prefix, action, tip_id, signature = data.split(":")
    if variant == "flip":
        return f"{prefix}:{action}:{tip_id}:{signature[:-1]}{'0' if signature[-1] != '0' else '1'}"
    if variant == "other_tip":
        return f"{prefix}:{action}:{markers.tip_ids['B']}:{signature}"
    if variant == "other_action":
        return f"{prefix}:c:{tip_id}:{signature}"
    if variant == "no_signature":
        return f"{prefix}:{action}:{tip_id}"
    return f"{data}:1"  # extra_field
