"""Every command of SPEC §7, for every role, with random and hostile arguments; forged and
foreign button presses; stickers, polls, contacts, forwards, edits (SPEC §11, §12, issue 15).

A seeded ``random.Random`` builds the cases (the seed is in every failure message; set
``HOSTILE_SEED`` to replay or explore another run, ``HOSTILE_TRANSCRIPT=FILE`` to read what
every case got). Before them, two residents file a tip each with distinctive words (tip A in
TT-TANTHANH, tip B in TT-BINHTHANH), officers ask and the residents answer, an editor drafts a
bulletin, and a group is registered. After every case the watch (tests/e2e/hostile_watch.py)
checks the rules; all findings are reported together, by rule and cause, so one run shows every
hole at once. The cases themselves are built in tests/e2e/hostile_inputs.py.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.i18n import LANGUAGES, catalogue
from storage.schema import bulletins
from tests.e2e.hostile_inputs import (
    SPEC_COMMANDS,
    TIPSTERS,
    Case,
    Markers,
    command_cases,
    exactly_max,
    message_cases,
    numbered,
    press_cases,
    question_cases,
    tipster_cases,
)
from tests.e2e.hostile_watch import (
    Person,
    Watch,
    codes_typed,
    identifiers_of,
    visible,
)
from tests.e2e.log_watch import log_problems
from tests.e2e.tip_steps import CODE, buttons_of, file_guided_tip, say

SEED = int(os.environ.get("HOSTILE_SEED", "20260515"))
TRANSCRIPT = os.environ.get("HOSTILE_TRANSCRIPT")  # a file to append what every case got
GROUPS = 8
NOTICE_WAIT = 20.0  # seconds, on a loaded machine
QUIET_ATTEMPTS = 6  # of the harness's 5-second settle: a chart or a report may take a while

# Distinctive words in the seeded tips and their threads: none may reach anyone who may not
# see that tip. The letters are what is searched for; the rest makes them read like a tip.
SECRET_A = "KX7QZ xe tải chở hàng cấm vào hẻm 5 lúc 2 giờ sáng"
QUESTION_A = "QH8TP xe màu gì, biển số bao nhiêu?"
FOLLOWUP_A = "FN3VB màu xanh, biển 51F-123.45"
SECRET_B = "MW4RJ có người bán ma túy sau chợ Bình Thành"
QUESTION_B = "ZD6LC khoảng mấy giờ thì họ có mặt?"
SECRETS = {"KX7QZ": "A", "QH8TP": "A", "FN3VB": "A", "MW4RJ": "B", "ZD6LC": "B"}

# Names no message of the bot could contain by chance.
TIPSTER_NAMES = (("Khổng Lượng", "Gia Cát"), ("Phong Vân", "Âu Dương"), ("Đôn Nguyên", "Hạ Hầu"),
                 ("Vương Doãn", "Tư Đồ"), ("Yến Uyển", "Thượng Quan"), ("Xung Hư", "Lệnh Hồ"))
OFFICER_SCOPE = frozenset({"TT-TANTHANH", "TT-TANTHANH-A1"})  # tests/conftest.py's tree


class World:
    """The seeded scene: people, the groups, the markers' values, and the watch."""

    def __init__(self, harness: Any, people: dict[str, Person], groups: list[Any],
                 markers: Markers, watch: Watch, tip_messages: dict[str, dict]) -> None:
        self.harness = harness
        self.people = people
        self.groups = groups
        self.markers = markers
        self.watch = watch
        # Per person, the text message an "edit of a filed tip" edits: the seeded residents'
        # tip texts, and each tipster's last plain text (the text of their tip).
        self.tip_messages = tip_messages
        self.stranger = harness.fake.user("Người Lạ", username="nguoi_la_ngoai")


async def seeded_world(harness: Any) -> World:
    fake, cast = harness.fake, harness.people
    # Names no message of the bot could contain by chance (the harness's resident's too).
    resident2 = fake.user("Hoàng Mật", last_name="Tôn Nữ Quyên", username="an_danh_hai")
    people = {
        "admin": Person("admin", cast.admin, "admin", None),
        "officer": Person("officer", cast.officer, "officer", OFFICER_SCOPE),
        "other_officer": Person("other_officer", cast.other_officer, "officer",
                                frozenset({"TT-BINHTHANH"})),
        "editor": Person("editor", cast.editor, "editor", frozenset()),
        "resident": Person("resident", cast.resident, None, frozenset()),
        "resident2": Person("resident2", resident2, None, frozenset()),
    }
    for key, (name, surname) in zip(TIPSTERS, TIPSTER_NAMES, strict=True):
        people[key] = Person(key, fake.user(name, last_name=surname, username=f"bt_{key}"),
                             None, frozenset())
    assert_names_are_distinctive(people.values())
    # Several groups: the bot sends at most 20 messages a minute into one group (SPEC §5, PTB's
    # AIORateLimiter), so group cases are spread over them to run at full speed. The first is
    # registered to TT-TANTHANH and gets the alerts; each has a bot message to press under.
    groups = [fake.group(f"Tổ tự quản số {n}", members=30) for n in range(1, GROUPS + 1)]
    for group in groups:
        group.member_ids.update(p.user.id for p in people.values())
        await say(fake, cast.resident, "/help", chat=group)
    await say(fake, cast.officer, "/register TT-TANTHANH", chat=groups[0])
    for person in people.values():
        await say(fake, person.user, "/help")
    code_a = await file_guided_tip(fake, cast.resident, texts=(SECRET_A,))
    code_b = await file_guided_tip(fake, resident2, commune="TT-BINHTHANH", texts=(SECRET_B,))
    notice_a = await fake.wait_for_message(cast.officer.id, lambda m: code_a in m.get("text", ""))
    notice_b = await fake.wait_for_message(cast.other_officer.id,
                                           lambda m: code_b in m.get("text", ""))
    await say(fake, cast.officer, f"/reply {code_a} {QUESTION_A}")
    await say(fake, cast.other_officer, f"/reply {code_b} {QUESTION_B}")
    # Notices to one chat go out one a second (SPEC §12): the admin's third comes after 2s.
    await fake.wait_for_message(cast.resident.id, lambda m: "QH8TP" in m.get("text", ""),
                                timeout=NOTICE_WAIT)
    await fake.wait_for_message(resident2.id, lambda m: "ZD6LC" in m.get("text", ""),
                                timeout=NOTICE_WAIT)
    await say(fake, cast.resident, f"/reply {code_a} {FOLLOWUP_A}")
    await fake.wait_for_message(cast.officer.id, lambda m: "FN3VB" in m.get("text", ""),
                                timeout=NOTICE_WAIT)
    await fake.wait_for_message(cast.admin.id, lambda m: "FN3VB" in m.get("text", ""),
                                timeout=NOTICE_WAIT)
    for topic in ("cuộc gọi giả danh công an", "lừa đảo việc làm", "trộm xe máy ban đêm"):
        await say(fake, cast.editor, f"/bulletin Cảnh giác {topic}")
    async with harness.bot.services.db.reading() as conn:
        drafts = (await conn.execute(select(bulletins.c.id).order_by(bulletins.c.id))).scalars()
        bulletin_ids = dict(zip(("BULLETIN", "BULLETIN2", "BULLETIN3"), drafts, strict=True))
    await quiet(harness)
    signed = {}
    for which, notice in (("A", notice_a), ("B", notice_b)):
        for button in buttons_of(notice):
            data = button.get("callback_data", "")
            if data.startswith("tt:"):
                signed[(data.split(":")[1], which)] = data
    watch = Watch(harness, people, {g.id for g in groups}, SECRETS, {"A": code_a, "B": code_b})
    await watch.start()
    markers = Markers({"A": code_a, "B": code_b},
                      {"A": watch.tips[code_a].id, "B": watch.tips[code_b].id}, signed,
                      bulletin_ids, fake.bot_username)
    tip_messages = {"resident": last_text_from(fake, cast.resident, SECRET_A),
                    "resident2": last_text_from(fake, resident2, SECRET_B)}
    return World(harness, people, groups, markers, watch, tip_messages)


def assert_names_are_distinctive(people: Any) -> None:
    """A tipster's name found in a message must be a leak, not a word of the bot's own
    sentences ("Danh tính", "Đồng Tháp"): no name is part of any catalogue string."""
    sentences = [text for language in LANGUAGES for text in catalogue(language).values()]
    for person in people:
        if person.role is None:
            for form in identifiers_of(person.user):
                clash = next((text for text in sentences if form in text), None)
                assert clash is None, f"{person.key}'s {form!r} is in {clash!r}"


def last_text_from(fake: Any, user: Any, containing: str = "", chat_id: int | None = None
                   ) -> dict | None:
    """The person's latest text message in a chat (their private chat by default)."""
    history = fake.chat_history(chat_id if chat_id is not None else user.id)
    mine = [m for m in history if m.get("from", {}).get("id") == user.id and "text" in m
            and containing in m["text"]]
    return mine[-1] if mine else None


def last_from_bot(fake: Any, chat_id: int) -> dict | None:
    history = fake.chat_history(chat_id)
    from_bot = [m for m in history if m.get("from", {}).get("id") == fake.bot_id]
    return from_bot[-1] if from_bot else None


async def quiet(harness: Any) -> bool:
    """Until the bot is idle; False when it is still busy after every attempt."""
    for _ in range(QUIET_ATTEMPTS):
        try:
            await harness.settle()
            return True
        except AssertionError:
            continue
    return False


async def run_case(world: World, case: Case) -> None:
    """Send one case, wait until the bot is idle, and let the watch check every rule."""
    fake = world.harness.fake
    user = world.people[case.actor].user
    chat = world.groups[case.number % len(world.groups)] if case.where == "group" else None
    chat_id = chat.id if chat is not None else user.id
    own = world.watch.last_tip_of(case.actor) or "TIP-ZZZZZZ"
    typed = world.markers.resolve(case.text.replace("«OWN_LAST»", own))
    if case.kind == "max_length" and case.action != "press":
        typed = exactly_max(typed)
    query_id = None
    action = case.action
    if action == "command":
        fake.send_message(user, typed, chat=chat)
    elif action == "plain_text":
        world.tip_messages[case.actor] = fake.send_message(user, typed, chat=chat)
    elif action == "sticker":
        fake.send_sticker(user, chat=chat)
    elif action == "poll":
        fake.send_poll(user, typed[:300] or "?", ["Có", "Không"], chat=chat)
    elif action == "contact":
        fake.send_contact(user, "+84912345678", typed[:64] or "Người quen", chat=chat)
    elif action == "forward":
        fake.forward_from(user, typed, world.stranger, chat=chat, hidden=case.number % 2 == 0)
    elif action == "location":
        fake.send_location(user, 10.4517, 105.6329, chat=chat)
    elif action == "photo":
        fake.send_photo(user, caption=typed[:1024], chat=chat)
    elif action == "document":
        fake.send_document(user, "ghi-chu.txt", typed.encode("utf-8", "replace"), "text/plain",
                           caption=typed[:1024], chat=chat)
    elif action == "reply_to_bot":
        fake.send_message(user, typed, chat=chat, reply_to=last_from_bot(fake, chat_id))
    elif action in ("edit", "edit_filed_tip"):
        target = (world.tip_messages.get(case.actor) if action == "edit_filed_tip"
                  else last_text_from(fake, user, chat_id=chat_id))
        if target is None:  # nothing of theirs to edit yet in this chat: write, then edit
            target = fake.send_message(user, "xin chào", chat=chat)
            await quiet(world.harness)
        fake.edit_message(user, target, typed)
    elif action == "press":
        message = last_from_bot(fake, chat_id)
        assert message is not None, f"no bot message to press a button under in {case.where}"
        query_id = fake.press_button(user, message, typed)
    if not await quiet(world.harness):
        world.watch.add("still busy", case, "the bot was not idle after 30 seconds", typed)
    await world.watch.observe(case, typed, query_id=query_id)


async def run_all(world: World, cases: list[Case]) -> None:
    loop = asyncio.get_running_loop()
    for case in cases:
        started = loop.time()
        await run_case(world, case)
        world.watch.transcript.append(f"    ({loop.time() - started:.2f}s)")
    await world.watch.check_undelivered()
    assert world.watch.log_records_seen > 0, "the watch read no log at all"
    if TRANSCRIPT:
        with Path(TRANSCRIPT).open("a", encoding="utf-8") as out:  # noqa: ASYNC230 - at the end
            out.write("\n".join(world.watch.transcript) + "\n")


def assert_no_findings(world: World, cases: list[Case]) -> None:
    assert not world.watch.findings, world.watch.report(SEED, len(cases))


def test_the_case_list_covers_every_command_of_the_bot():
    """Whatever the bot registers is fuzzed: a new command must be added to SPEC_COMMANDS."""
    from handlers.commands import COMMANDS

    fuzzed = {name for command in SPEC_COMMANDS for name in command.names()}
    registered = {name for command in COMMANDS for name in command.names()}
    assert registered <= fuzzed, registered - fuzzed
    cases = command_cases(random.Random(SEED))
    for command in SPEC_COMMANDS:
        for name in command.names():
            assert any(c.label == f"/{name}" and c.where == "private" for c in cases), name
    assert command_cases(random.Random(SEED))[7].text == cases[7].text  # the seed decides


def test_the_watch_reads_codes_logs_and_text_as_the_rules_mean_them():
    """The oracle itself: if it misread these, the rules above would pass for nothing."""
    assert codes_typed("/status tip-7k3m9q") == {"TIP-7K3M9Q"}
    assert codes_typed("TIP-\u202e7K3M9Q and TIP-O1IL23") == {"TIP-7K3M9Q", "TIP-011123"}
    assert codes_typed("TIP-\u200bABCDE") == set()  # five characters: no code
    log = ("2026-03-05 08:00:00,001 INFO bot.x: fine\n"
           "2026-03-05 08:00:00,002 ERROR handlers.errors: error while handling an update\n"
           "Traceback (most recent call last):\n"
           '  File "/x/handlers/triage.py", line 9, in close\n'
           "    1 / 0\n"
           "ZeroDivisionError: division by zero\n"
           "2026-03-05 08:00:00,003 WARNING bot.y: odd")
    problems = log_problems(log)
    assert len(problems) == 1
    assert "triage.py" in problems[0] and "ZeroDivisionError" in problems[0]
    assert log_problems(log.replace("ERROR", "DEBUG").replace("Traceback", "Trace")) == []
    assert not visible("\u200b\ufeff \u2060\x00\u202e")
    assert visible("\u202eABC") and visible("🚨")


async def test_every_command_for_every_role_with_hostile_arguments(harness):
    world = await seeded_world(harness)
    rng = random.Random(SEED)
    shuffled = command_cases(rng) + message_cases(rng)
    rng.shuffle(shuffled)
    # The tipsters and questions first, while the seeded residents are not blocked yet by a
    # fuzzed /block and their tips are open.
    cases = tipster_cases(rng) + question_cases(rng) + shuffled
    cases += [Case(0, actor, "private", "edit_filed_tip", "edit of a filed tip's text", "edit",
                   "sửa lại: biển số 51F-999.99")
              for actor in ("resident", "resident2")]
    await run_all(world, numbered(cases))
    assert_no_findings(world, cases)


async def test_forged_and_foreign_button_presses(harness):
    world = await seeded_world(harness)
    cases = numbered(press_cases(random.Random(SEED)))
    await run_all(world, cases)
    assert_no_findings(world, cases)


# What someone who may not see tip A's unit reads: none of it may change when a tip is filed
# there and assessed (SPEC §12: editors never see a tip, its code or its count).
BLIND_VIEWS = {
    "editor": ("/stats", "/thongke year", "/stats month TT-TANTHANH", "/report month csv",
               "/tips all", "/tips", "/queue", "/groups", "/status «TIP_A»"),
    "other_officer": ("/stats", "/stats year TT-BINHTHANH", "/stats month TT-TANTHANH",
                      "/report year csv", "/tips all", "/status «TIP_A»"),
    "resident2": ("/status «TIP_A»", "/tips all", "/stats"),
}


async def views_of(world: World) -> dict[tuple[str, str], list[str]]:
    """Everything the bot answers each blind viewer, files included (by their bytes)."""
    fake = world.harness.fake
    seen = {}
    for actor, commands in BLIND_VIEWS.items():
        user = world.people[actor].user
        for command in commands:
            before = len(fake.sent_messages(user.id))
            fake.send_message(user, world.markers.resolve(command))
            await quiet(world.harness)
            seen[(actor, command)] = [answer_content(fake, m)
                                      for m in fake.sent_messages(user.id)[before:]]
    return seen


def differences(before: list[str], after: list[str]) -> str:
    """The lines that changed, as a diff without context."""
    lines = difflib.unified_diff("\n".join(before).splitlines(), "\n".join(after).splitlines(),
                                 lineterm="", n=0)
    return "\n".join(f"      {line[:160]}" for line in lines
                     if line[:1] in "+-" and line[:3] not in ("---", "+++"))


def answer_content(fake: Any, message: dict) -> str:
    document = message.get("document")
    if document:
        data = fake.world.files[document["file_id"]].data
        return data.decode("utf-8", "replace") if document["file_name"].endswith(".csv") else (
            repr(data))
    return message.get("text") or message.get("caption") or ""


async def test_a_new_tip_changes_nothing_that_those_without_access_see(harness):
    world = await seeded_world(harness)
    fake, officer = harness.fake, harness.people.officer
    before = await views_of(world)
    newcomer = fake.user("Đinh Thị Kín", username="kin_dao_3")
    code = await file_guided_tip(fake, newcomer, texts=("Có đánh bạc ở quán cà phê",))
    await fake.wait_for_message(officer.id, lambda m: code in m.get("text", ""))
    await say(fake, officer, f"/assess {code} valuable")
    await quiet(harness)
    after = await views_of(world)
    changed = [f"{actor} {command}:\n" + differences(before[(actor, command)],
                                                     after[(actor, command)])
               for (actor, command) in before
               if before[(actor, command)] != after[(actor, command)]]
    group_texts = [m.get("text", "") for g in world.groups for m in fake.sent_messages(g.id)]
    assert not any(CODE.search(text) for text in group_texts), group_texts
    assert not changed, "a tip of TT-TANTHANH changed what these people see:\n  " + (
        "\n  ".join(changed))
